"""Content ids: ``sha256:<hex>`` for bytes and canonical documents.

One routine computes every content id, so hashing can never silently differ
between the place that records a value and the place that checks it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from artproof.core.canonical import canonical_json
from artproof.errors import InvalidInput

__all__ = [
    "CONTENT_ID_RE",
    "check_content_id",
    "content_id",
    "document_id",
    "short_id",
]

CONTENT_ID_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


def content_id(data: bytes) -> str:
    """``sha256:<hex>`` of raw bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def document_id(document: Any) -> str:
    """``sha256:<hex>`` of a document's RFC 8785 canonical form."""
    return content_id(canonical_json(document))


def check_content_id(value: str) -> str:
    """Return ``value`` if it is a well-formed content id, else raise a clear error."""
    if not CONTENT_ID_RE.match(value):
        raise InvalidInput("not a content id", value=value, hint="expected sha256: and 64 hex digits")
    return value


def short_id(data: bytes, length: int = 12) -> str:
    """A short lower-case base32 id derived from ``data`` (for works and the like)."""
    digest = hashlib.sha256(data).digest()
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")[:length]
