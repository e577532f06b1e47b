"""RFC 8785 canonical JSON: the RFC's own vectors, and the JSON-bomb guard."""

from __future__ import annotations

import struct

import pytest

from artproof.core.canonical import canonical_json, parse_json
from artproof.core.hashing import content_id, document_id
from artproof.errors import InvalidInput


def test_rfc8785_section_3_2_3_example() -> None:
    document = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(document) == expected.encode("utf-8")


def test_rfc8785_sorts_keys_by_utf16_code_units() -> None:
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = [k for k in document]
    order = sorted(keys, key=lambda k: k.encode("utf-16-be"))
    out = canonical_json(document).decode("utf-8")
    positions = [out.index(document[k]) for k in order]
    assert positions == sorted(positions)
    assert order == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("bits", "text"),
    [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("41b3de4355555555", "333333333.3333333"),
    ],
)
def test_rfc8785_appendix_b_numbers(bits: str, text: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonical_json(value) == text.encode("ascii")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1: "int key"}])
def test_non_json_values_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        canonical_json(bad)


def test_document_id_is_key_order_independent() -> None:
    assert document_id({"a": 1, "b": [1, 2]}) == document_id({"b": [1, 2], "a": 1})
    assert document_id({"a": 1}) == content_id(b'{"a":1}')


def test_json_bomb_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidInput, match="nested deeper"):
        parse_json("[" * 10_000 + "]" * 10_000)
    assert parse_json('{"a": "[[[["}') == {"a": "[[[["}
