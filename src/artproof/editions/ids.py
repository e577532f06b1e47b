"""Edition ids: the 64-bit watermark payload written in Crockford base32, with a check character.

Thirteen symbols carry the 64 bits (the first is 0 or 1); a fourteenth is
Crockford's mod-37 check symbol, so a mistyped or misread id is caught before
it is looked up. Ids are shown lower-case, grouped ``xxxxx-xxxxx-xxxx``;
input is accepted in either case, with or without hyphens, with ``i``/``l``
read as 1 and ``o`` as 0, as Crockford specifies.

Crockford's check alphabet adds ``* ~ $ = u`` to the 32 symbols; ids with one of
the four punctuation checks are awkward to type, quote in a shell or put in a URL,
so new payloads are drawn (uniformly, by rejection) among those whose check symbol
is a letter or digit. That costs 0.16 of the 64 bits; older ids still parse.
"""

from __future__ import annotations

import secrets

from artproof.errors import InvalidInput

__all__ = ["edition_id", "edition_label", "new_payload", "parse_edition_id"]

_SYMBOLS = "0123456789abcdefghjkmnpqrstvwxyz"
_CHECK = _SYMBOLS + "*~$=u"
_READ = {**{c: i for i, c in enumerate(_SYMBOLS)}, "i": 1, "l": 1, "o": 0}


_PUNCTUATION = frozenset(range(32, 36))  # check values written * ~ $ =


def new_payload() -> int:
    """64 random bits whose edition id is letters and digits only."""
    while True:
        payload = secrets.randbits(64)
        if payload % 37 not in _PUNCTUATION:
            return payload


def edition_id(payload: int) -> str:
    if not 0 <= payload < 1 << 64:
        raise ValueError("an edition payload is 64 bits")
    digits = "".join(_SYMBOLS[(payload >> (5 * i)) & 31] for i in reversed(range(13)))
    text = digits + _CHECK[payload % 37]
    return f"{text[:5]}-{text[5:10]}-{text[10:]}"


def parse_edition_id(text: str) -> int:
    """The payload of an edition id; raises :class:`InvalidInput` for a malformed or mistyped one."""
    clean = text.strip().lower().replace("-", "")
    hint = "an edition id looks like 0abcd-efghj-kmnp (from 'artproof edition list WORK')"
    if len(clean) != 14:
        raise InvalidInput("not an edition id", value=text, hint=hint)
    value = 0
    for symbol in clean[:13]:
        if symbol not in _READ:
            raise InvalidInput("not an edition id", value=text, hint=hint)
        value = value * 32 + _READ[symbol]
    if value >= 1 << 64 or _CHECK[value % 37] != clean[13]:
        raise InvalidInput("this edition id has a typo: its check character does not match", value=text, hint=hint)
    return value


def edition_label(number: int | None, count: int | None, artist_proof: bool | None) -> str:
    """``3 of 5``, ``AP 1``, or ``-`` when the number is not known (a transfer without its certificate)."""
    if number is None:
        return "-"
    return f"AP {number}" if artist_proof else f"{number} of {count}"
