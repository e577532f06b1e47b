"""artproof's invisible watermark ``org.artproof.watermark.1``: 64 bits in a public, tiled Fourier pattern.

Public by design (anyone can read it, no key): a mark only says "this claims to
be edition X"; the registry record, the signed certificate and the fingerprint
must agree before anything is called authentic.
"""

from artproof.watermark.code import DATA_BITS
from artproof.watermark.detect import FALSE_ALARM, Detection, detect
from artproof.watermark.embed import MARKS, MIN_SHORT_SIDE, Marked, check_kind, check_size, embed, mark

__all__ = [
    "ALGORITHM",
    "DATA_BITS",
    "FALSE_ALARM",
    "MARKS",
    "MIN_SHORT_SIDE",
    "Detection",
    "Marked",
    "check_kind",
    "check_size",
    "detect",
    "embed",
    "mark",
]

ALGORITHM = "org.artproof.watermark.1"
