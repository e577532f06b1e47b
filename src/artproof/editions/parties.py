"""Owners and buyers: a name, an optional e-mail address, an optional public key."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from artproof.core.keys import PublicIdentity
from artproof.core.text import check_name
from artproof.errors import InvalidInput

__all__ = ["Party", "parse_party"]

_ADDRESS = re.compile(r"^\s*(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>]*)>)?\s*$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


class Party(BaseModel):
    """Personal data: kept in the store (deletable), entered in the ledger only as a commitment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    key_id: str | None = None
    public_key: str | None = None

    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


def parse_party(text: str, key: PublicIdentity | None = None) -> Party:
    """``"Grace Collector <grace@example.org>"`` (the address is optional), with their public key if given."""
    match = _ADDRESS.match(text)
    if match is None or not match.group("name"):
        raise InvalidInput(
            "cannot read the name", value=text, hint='write it as "Full Name <address@example.org>" or just a name'
        )
    email = match.group("email")
    if email is not None and not _EMAIL.match(email.strip()):
        raise InvalidInput(
            "not an e-mail address", value=email, hint='a real address, e.g. "Grace <grace@example.org>", or none'
        )
    return Party(
        name=check_name(match.group("name")),
        email=email.strip() if email else None,
        key_id=key.key_id if key else None,
        public_key=key.public_key if key else None,
    )
