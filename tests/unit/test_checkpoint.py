"""C2SP signed-note checkpoints and cosignatures."""

from __future__ import annotations

import base64

import pytest

from artproof.core.keys import generate_private_key
from artproof.errors import IntegrityError
from artproof.ledger.checkpoint import (
    Checkpoint,
    NoteVerifier,
    cosign,
    parse_note,
    sign_checkpoint,
    verify_checkpoint,
    verify_cosignature,
)

ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")


def test_round_trip_and_format() -> None:
    key = generate_private_key()
    note = sign_checkpoint(Checkpoint("artproof.test/log", 8, ROOT), "artproof.test/log", key)
    lines = note.split("\n")
    assert lines[:4] == ["artproof.test/log", "8", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith("\u2014 artproof.test/log ")
    verifier = NoteVerifier.of("artproof.test/log", key)
    assert base64.b64decode(lines[4].split(" ")[2])[:4] == verifier.key_id
    assert verify_checkpoint(note, verifier, origin="artproof.test/log") == Checkpoint("artproof.test/log", 8, ROOT)
    assert NoteVerifier.from_vkey(verifier.vkey()) == verifier


def test_forged_signature_other_log_and_wrong_key_are_named() -> None:
    key = generate_private_key()
    verifier = NoteVerifier.of("artproof.test/log", key)
    note = sign_checkpoint(Checkpoint("artproof.test/log", 8, ROOT), "artproof.test/log", key)
    forged = note.replace("\n8\n", "\n9\n")
    with pytest.raises(IntegrityError, match="forged"):
        verify_checkpoint(forged, verifier)
    other = sign_checkpoint(Checkpoint("elsewhere/log", 8, ROOT), "artproof.test/log", key)
    with pytest.raises(IntegrityError, match="another log"):
        verify_checkpoint(other, verifier, origin="artproof.test/log")
    stranger = NoteVerifier.of("artproof.test/log", generate_private_key())
    with pytest.raises(IntegrityError, match="not signed by this log"):
        verify_checkpoint(note, stranger)
    with pytest.raises(IntegrityError, match="not a signed note"):
        parse_note("artproof.test/log\n8\n")


def test_cosignature() -> None:
    log_key, witness_key = generate_private_key(), generate_private_key()
    note = sign_checkpoint(Checkpoint("artproof.test/log", 3, ROOT), "artproof.test/log", log_key)
    cosigned = cosign(note, "witness.test/w1", witness_key, 1_700_000_000)
    verify_checkpoint(cosigned, NoteVerifier.of("artproof.test/log", log_key))  # still valid for the log
    raw = NoteVerifier.of("witness.test/w1", witness_key).public_raw
    assert verify_cosignature(cosigned, "witness.test/w1", raw) == 1_700_000_000
    with pytest.raises(IntegrityError, match="does not verify"):
        verify_cosignature(cosigned.replace("\n3\n", "\n4\n"), "witness.test/w1", raw)
