"""RFC 8785 (JCS) canonical JSON: the only serialisation that is ever hashed or signed.

There is exactly one canonicaliser in the program; every hash and signature
over a document goes through :func:`canonical_json`, so two copies can never
disagree.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from artproof.errors import InvalidInput

__all__ = ["canonical_json", "parse_json"]

# JSON nested deeper than this is refused before it reaches a parser (JSON bombs).
MAX_DEPTH = 64


def canonical_json(document: Any) -> bytes:
    """Serialise ``document`` per RFC 8785: sorted keys, no whitespace, ES6 numbers, UTF-8."""
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InvalidInput(
            "document cannot be written as canonical JSON",
            value=str(exc),
            hint="use only strings, finite numbers, booleans, null, lists and objects",
        ) from exc


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(data: bytes | str, *, what: str = "document") -> Any:
    """Parse JSON from an outside source with a depth limit and a clear error."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{what} is not UTF-8 text", hint="check the file") from exc
    if _depth(text) > MAX_DEPTH:
        raise InvalidInput(f"{what} is nested deeper than {MAX_DEPTH} levels", hint="refused as a JSON bomb")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{what} is not valid JSON", value=str(exc), hint="check the file") from exc
