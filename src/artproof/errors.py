"""One error tree for the whole program.

Every error says what was wrong, the offending value, and what to do next, and
knows its CLI exit code and HTTP status, so the CLI has exactly one handler
(and the web app, later, one exception handler) that renders any of them.
"""

from __future__ import annotations

__all__ = [
    "ArtproofError",
    "ConfigError",
    "Forbidden",
    "ImageError",
    "IntegrityError",
    "InvalidInput",
    "KeyConflict",
    "ModelMissing",
    "NotFound",
    "NotSignedIn",
    "StorageError",
    "UnknownOperation",
    "WrongPassphrase",
]


class ArtproofError(Exception):
    """Root of every error artproof raises on purpose.

    ``what`` is one sentence naming the problem, ``value`` the offending value
    (if any), and ``hint`` the next step the user can take.
    """

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, what: str, *, value: object | None = None, hint: str | None = None) -> None:
        self.what = what
        self.value = value
        self.hint = hint
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        """The one-line message for people: what, the value, what to do."""
        text = self.what
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.what,
            "value": None if self.value is None else str(self.value),
            "hint": self.hint,
        }


class InvalidInput(ArtproofError):
    """A parameter or argument is out of range or malformed."""

    exit_code = 2
    http_status = 422


class NotFound(ArtproofError):
    """A work, step, candidate, identity or blob that was named does not exist."""

    exit_code = 2
    http_status = 404


class UnknownOperation(NotFound):
    """A recorded step names an operation or version this program does not have."""


class ImageError(InvalidInput):
    """An image cannot be decoded: corrupt, truncated, unsupported or a decompression bomb."""


class WrongPassphrase(ArtproofError):
    """The passphrase does not unlock the private key."""

    exit_code = 5
    http_status = 401


class ConfigError(ArtproofError):
    """The data directory is not set up (no identity yet) or is misconfigured."""

    exit_code = 6
    http_status = 409


class ModelMissing(ConfigError):
    """A trained model that ships with a package is not installed (the message names the install command)."""


class StorageError(ArtproofError):
    """The data directory cannot be written: unwritable, full, or locked."""

    exit_code = 7
    http_status = 507


class IntegrityError(ArtproofError):
    """Stored or presented data does not match its hash or signature: tampering or corruption."""

    exit_code = 4
    http_status = 409


class KeyConflict(IntegrityError):
    """A log presents a key other than the one pinned for it: refused for the whole command, not per file."""


class NotSignedIn(ArtproofError):
    """The web registry needs an account for this (no session, an expired one, or a bad API token)."""

    exit_code = 5
    http_status = 401


class Forbidden(ArtproofError):
    """Signed in, but not allowed: another artist's work, another owner's edition, a forged CSRF token."""

    exit_code = 2
    http_status = 403
