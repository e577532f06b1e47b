"""Edition ids: letters and digits only for new ones, every older id still parses, typos are caught."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from artproof.editions.ids import edition_id, new_payload, parse_edition_id
from artproof.errors import InvalidInput

ID = re.compile(r"^[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{4}$")


def test_new_ids_are_letters_and_digits() -> None:
    ids = [edition_id(new_payload()) for _ in range(2000)]
    assert all(ID.match(i) for i in ids), [i for i in ids if not ID.match(i)][:3]
    # the rejection keeps the draw spread over every check value but the four punctuation ones
    checks = {new_payload() % 37 for _ in range(3000)}
    assert checks.isdisjoint({32, 33, 34, 35}) and len(checks) == 33


@given(st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_every_id_round_trips_older_punctuated_ones_included(payload: int) -> None:
    text = edition_id(payload)
    assert parse_edition_id(text) == payload
    assert parse_edition_id(text.upper().replace("-", "")) == payload


def test_an_older_id_with_a_dollar_check_still_parses() -> None:
    payload = next(p for p in range(10_000, 20_000) if p % 37 == 34)
    text = edition_id(payload)
    assert text.endswith("$")
    assert parse_edition_id(text) == payload


def test_a_typo_is_caught() -> None:
    text = edition_id(new_payload())
    wrong = text[:3] + ("0" if text[3] != "0" else "1") + text[4:]
    with pytest.raises(InvalidInput, match="typo"):
        parse_edition_id(wrong)
