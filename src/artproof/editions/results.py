"""What the edition services return: typed, so the CLI and the web print the same documents.

The JSON keys are the documented ones (docs/editions.md): a transfer's seller is ``from`` on the
wire, ``seller`` in Python.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from artproof.core.results import Result

__all__ = ["Chain", "Countersigned", "EditionView", "Identified", "Revoked", "TransferLink", "Transferred"]


class TransferLink(Result):
    """One checked link of the ownership chain."""

    seq: int
    seller: str = Field(alias="from")
    to: str
    date: str
    price: str | None = None
    currency: str | None = None
    custodial: bool = False
    accepted: bool = False


class Chain(Result):
    """The ownership chain from the first owner: ``status`` is ``valid`` or says where it breaks."""

    status: str
    transfers: list[TransferLink] = Field(default_factory=list)
    previous: str  # the digest the next transfer must name
    owner_key: str | None = None  # the current owner's key; None: the issuing artist holds it for them

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def since(self) -> str | None:
        """The date of the last transfer (None when the first owner still holds it)."""
        return self.transfers[-1].date if self.transfers else None


class Transferred(Result):
    edition_id: str
    seq: int
    seller: str = Field(alias="from")
    to: str
    price: str | None = None
    currency: str | None = None
    date: str
    custodial: bool
    ledger_index: int | None  # None: signed in the owner's home, for the issuing registry to enter
    receipt: dict[str, Any]  # the signed transfer: the sales receipt the buyer accepts (with its entry, not entered)
    entered: bool = True  # entered in this registry's log; False: signed here, to be entered where it was issued


class Countersigned(Result):
    edition_id: str
    seq: int
    accepted_by: str


class Revoked(Result):
    edition_id: str
    revoked_at: str
    reason: str
    ledger_index: int


class Identified(Result):
    """What the watermark of a file says, and what this registry knows of that edition."""

    found: bool
    file: str
    edition_id: str | None = None
    work_id: str | None = None
    number: int | None = None
    count: int | None = None
    artist_proof: bool | None = None
    registered: bool = False
    revoked: bool = False
    detection: dict[str, Any] | None = None


class EditionView(Result):
    """One edition as ``edition show`` prints it: in the issuing registry, or as the buyer accepted it."""

    edition_id: str
    work_id: str | None = None
    title: str | None = None
    series: str | None = None
    artist: str | None = None
    number: int | None = None
    count: int | None = None
    artist_proof: bool | None = None
    label: str
    licence: dict[str, Any] | None = None
    issued_at: str | None = None
    owner: dict[str, Any]
    status: str
    revoked: dict[str, Any] | None = None
    file_sha256: str | None = None
    pixels_sha256: str | None = None
    phash: str | None = None
    seed: int | None = None
    ledger_index: int | None = None
    accepted_at: str | None = None
    folder: str | None = None
    transfers: list[TransferLink] = Field(default_factory=list)
    chain: str
