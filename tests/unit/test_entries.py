"""Ledger entries: signed documents, and salted commitments for personal data."""

from __future__ import annotations

import pytest

from artproof.core.commitments import commit, open_commitment
from artproof.core.keys import generate_private_key
from artproof.errors import IntegrityError, InvalidInput, NotFound
from artproof.ledger.entries import commitment_at, entry_bytes, make_entry, parse_entry


def test_commitment_hides_and_binds() -> None:
    c1, o1 = commit("Grace Collector <grace@example.org>")
    c2, _ = commit("Grace Collector <grace@example.org>")
    assert c1 != c2  # salted: equal values do not give equal commitments
    assert "Grace" not in c1.commitment
    open_commitment(c1, o1)
    with pytest.raises(IntegrityError, match="does not match"):
        open_commitment(c1, o1.model_copy(update={"value": "Mallory"}))
    price, opening = commit({"amount": 1200, "currency": "EUR"})
    open_commitment(price, opening)


def test_entries_are_signed_and_typed() -> None:
    key = generate_private_key()
    commitment, _ = commit("Ada")
    entry = make_entry("work.registered", {"work_id": "w1", "artist": {"name": commitment.model_dump()}}, key, "t")
    assert parse_entry(entry_bytes(entry)).payload["subject"]["work_id"] == "w1"
    assert commitment_at(entry.payload["subject"], "artist.name") == commitment
    with pytest.raises(NotFound):
        commitment_at(entry.payload["subject"], "artist.email")
    with pytest.raises(InvalidInput, match="not a commitment"):
        commitment_at(entry.payload["subject"], "work_id")
    with pytest.raises(InvalidInput, match="unknown ledger entry type"):
        make_entry("work.stolen", {}, key, "t")  # type: ignore[arg-type]
    forged = entry_bytes(entry).replace(b'"w1"', b'"w2"')
    with pytest.raises(IntegrityError, match="changed after signing"):
        parse_entry(forged)
