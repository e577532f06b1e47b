"""Keys at rest and signatures over canonical documents."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artproof.core.keys import (
    PublicIdentity,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    public_key_bytes,
)
from artproof.core.signing import sign_document, verify_document
from artproof.errors import IntegrityError, WrongPassphrase

FAST = {"n": 2**10}  # low scrypt cost: the format is under test, not the cost


def test_encrypted_key_round_trip() -> None:
    key = generate_private_key()
    sealed = encrypt_private_key(key, "s3cret", **FAST)
    assert b"s3cret" not in sealed.model_dump_json().encode()
    assert decrypt_private_key(sealed, "s3cret").private_bytes_raw() == key.private_bytes_raw()


def test_wrong_passphrase_is_named_as_such() -> None:
    sealed = encrypt_private_key(generate_private_key(), "right", **FAST)
    with pytest.raises(WrongPassphrase, match="passphrase is wrong"):
        decrypt_private_key(sealed, "wrong")


def test_spliced_public_key_is_detected() -> None:
    sealed = encrypt_private_key(generate_private_key(), "pw", **FAST)
    other = encrypt_private_key(generate_private_key(), "pw", **FAST)
    spliced = sealed.model_copy(update={"public_key": other.public_key})
    with pytest.raises(WrongPassphrase):  # the AEAD binds the public key
        decrypt_private_key(spliced, "pw")


def test_public_identity_checks_its_key_id() -> None:
    raw = public_key_bytes(generate_private_key().public_key())
    good = PublicIdentity.of("Grace", raw)
    with pytest.raises(IntegrityError, match="key_id does not match"):
        PublicIdentity(name="Grace", public_key=good.public_key, key_id="0" * 16)


def test_signature_verifies_and_detects_tampering() -> None:
    key = generate_private_key()
    signed = sign_document("artproof.work", {"title": "Tide I", "n": [1, 2]}, key)
    verify_document(signed, purpose="artproof.work", expected_key_id=signed.signature.key_id)
    tampered = signed.model_copy(update={"payload": {"title": "Tide II", "n": [1, 2]}})
    with pytest.raises(IntegrityError, match="changed after signing"):
        verify_document(tampered, purpose="artproof.work")


def test_signature_is_bound_to_its_purpose_and_signer() -> None:
    key = generate_private_key()
    signed = sign_document("artproof.work", {"a": 1}, key)
    with pytest.raises(IntegrityError, match="signed as"):
        verify_document(signed, purpose="artproof.ledger")
    # Relabelling the purpose does not help: the purpose is part of what was signed.
    with pytest.raises(IntegrityError, match="changed after signing"):
        verify_document(signed.model_copy(update={"purpose": "artproof.ledger"}), purpose="artproof.ledger")
    with pytest.raises(IntegrityError, match="another key"):
        verify_document(signed, purpose="artproof.work", expected_key_id="f" * 16)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=4), data=st.data())
def test_any_change_to_a_payload_breaks_the_signature(payload: dict[str, Any], data: st.DataObject) -> None:
    key = generate_private_key()
    signed = sign_document("test", payload, key)
    verify_document(signed, purpose="test")
    field = data.draw(st.sampled_from(sorted(payload)))
    changed = dict(payload)
    changed[field] = [payload[field], "x"]
    with pytest.raises(IntegrityError):
        verify_document(signed.model_copy(update={"payload": changed}), purpose="test")


def test_a_sealed_text_opens_only_with_its_passphrase_and_purpose() -> None:
    from artproof.core.keys import seal_text, unseal_text

    sealed = seal_text("an account's password", "operator passphrase", b"artproof job")
    assert "password" not in sealed and sealed != seal_text(
        "an account's password", "operator passphrase", b"artproof job"
    )
    assert unseal_text(sealed, "operator passphrase", b"artproof job") == "an account's password"
    for passphrase, purpose in (("another passphrase", b"artproof job"), ("operator passphrase", b"another use")):
        with pytest.raises(WrongPassphrase):
            unseal_text(sealed, passphrase, purpose)
