"""What verify returns: typed, so the CLI, the web and a script read the same document.

``VerifyReport.to_json()`` is the ``--json`` document (docs/verify.md names its keys); the CLI
and the web render from the attributes. A channel keeps its own details as extra fields, since
each channel says different things (a C2PA state, a watermark's corrected bits, a ledger index).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from artproof.editions.ids import edition_label
from artproof.verify.decide import EXIT_CODES, Verdict

__all__ = ["ChannelReport", "Classification", "EditionLabel", "VerifyReport", "VerifyRun", "worst_exit"]

# A folder exits with its most severe file's code: tampered/revoked, then unreadable, then unverified.
SEVERITY = {4: 3, 2: 2, 3: 1, 0: 0}


def worst_exit(codes: list[int]) -> int:
    """The exit code of a folder: 4 (tampered, revoked) > 2 (unreadable) > 3 (unverified) > 0."""
    return max(codes, key=lambda code: SEVERITY.get(code, 0), default=0)


class ChannelReport(BaseModel):
    """One channel's status and one-line summary, plus what that channel found (extra fields)."""

    model_config = ConfigDict(extra="allow")

    status: str
    summary: str


class EditionLabel(BaseModel):
    number: int
    count: int
    artist_proof: bool
    edition_id: str

    @property
    def label(self) -> str:
        """``3 of 5`` or ``AP 1``."""
        return edition_label(self.number, self.count, self.artist_proof)

    @property
    def short(self) -> str:
        """``3/5`` or ``AP 1``, for a table."""
        return f"AP {self.number}" if self.artist_proof else f"{self.number}/{self.count}"


class Classification(BaseModel):
    category: str | None = None
    digital_source_type: str | None = None
    explanation: str | None = None


class VerifyReport(BaseModel):
    """One file's verdict, the headline that says it in a sentence, and the channels behind it."""

    file: str
    verdict: Verdict
    headline: str
    reasons: list[str] = Field(default_factory=list)
    work_id: str | None = None
    title: str | None = None
    artist: str | None = None
    edition: EditionLabel | None = None
    owner: str | None = None
    owner_since: str | None = None
    classification: Classification | None = None
    channels: dict[str, ChannelReport] = Field(default_factory=dict)
    checks: list[str] | None = None  # what was checked away from the registry (a presented certificate)
    models: list[str] | None = None  # the certificate's trained models, one line each (their cards' summaries)
    claimed: dict[str, Any] | None = None  # what the file's own unsigned settings say (unverified and external only)
    error: str | None = None  # why an unreadable file could not be read

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @classmethod
    def unreadable(cls, name: str, error: str) -> VerifyReport:
        """The verdict for a file that is no image artproof can read (exit 2)."""
        return cls(file=name, verdict="unreadable", headline=f"Unreadable: {error}", error=error, reasons=[error])

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: ``checks`` only when a certificate was checked, ``models`` only when the
        edition's certificate names trained models, ``claimed`` only when the file's own settings say something
        and nothing better does, ``error`` only when unreadable."""
        doc = self.model_dump(mode="json")
        for key in ("checks", "models", "claimed", "error"):
            if doc[key] is None:
                del doc[key]
        return doc


class VerifyRun(BaseModel):
    """Every file of a folder (or the one file given), in order, and the exit code of the whole."""

    reports: list[VerifyReport]

    @property
    def exit_code(self) -> int:
        return worst_exit([r.exit_code for r in self.reports])

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.verdict for r in self.reports).items()))

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.reports]
