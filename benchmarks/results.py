"""Writing one section of benchmarks/RESULTS.md: each script owns the text between its markers."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section is written by its script.\n"


def write_section(name: str, lines: list[str]) -> str:
    """Replace (or append) the section ``name`` with ``lines``; returns the section's text."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    section = "\n".join([begin, *lines, end])
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    if begin in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    return section
