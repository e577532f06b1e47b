"""Names people give, checked: printable, of reasonable length.

A name is printed by every command and shown on certificates; control characters in it could
clear a terminal or forge lines of a verdict, so they are refused where names enter (and
escaped wherever text from a file is printed: :func:`artproof.cli.render.safe`).
"""

from __future__ import annotations

import unicodedata

from artproof.errors import InvalidInput

__all__ = ["MIN_PASSPHRASE", "check_name", "check_passphrase", "printable"]

MIN_PASSPHRASE = 8


def check_name(text: str, what: str = "the name", *, limit: int = 200) -> str:
    """``text`` stripped, or :class:`InvalidInput` if it is empty, too long or holds control characters."""
    value = text.strip()
    if not value:
        raise InvalidInput(f"{what} is empty", hint='give a name, e.g. "Ada Lovelace"')
    if len(value) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters", value=value[:40] + "...")
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise InvalidInput(
            f"{what} holds a control character (U+{ord(bad):04X})",
            value=value.encode("unicode_escape").decode("ascii")[:60],
            hint="use printable characters only: no escape sequences, tabs or line breaks",
        )
    return value


def check_passphrase(passphrase: str) -> str:
    """A new passphrase must be at least :data:`MIN_PASSPHRASE` characters (it guards the signing key)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"the passphrase is too short: at least {MIN_PASSPHRASE} characters",
            value=f"{len(passphrase)} characters",
            hint="a few words make a good passphrase",
        )
    return passphrase


def printable(text: str) -> str:
    """``text`` with control and format characters replaced by spaces (for titles derived from file names)."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return " ".join(cleaned.split())
