"""Days people give (a sale, a print run): ISO 8601, real, and not in the future.

Such a date is signed into a record for good, so nothing vaguer is accepted.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from artproof.errors import InvalidInput

__all__ = ["check_day"]


def check_day(text: str | None, *, what: str, today: date, not_before: str | None = None, before_why: str = "") -> str:
    """``text`` as YYYY-MM-DD (today when None); refused when malformed, before ``not_before`` or after
    tomorrow (clock skew). ``before_why`` says what ``not_before`` is, for the message."""
    if text is None:
        return today.isoformat()
    try:
        day = date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(f"{what} is not a real date in the form YYYY-MM-DD", value=text, hint="e.g. 2026-11-30")
    if not_before is not None and day.isoformat() < not_before:
        raise InvalidInput(f"{what} is before {before_why}", value=day.isoformat(), hint=f"use {not_before} or later")
    if day > today + timedelta(days=1):
        raise InvalidInput(f"{what} is in the future", value=day.isoformat(), hint=f"today is {today}")
    return day.isoformat()
