"""work set: the work described (title, series, year, statement, medium, dimensions) as a signed revision
that travels into the certificate and never changes the classification."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.inproc import call


def test_a_description_is_a_signed_revision_and_reaches_the_certificate(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "harbour at dusk", "--seed", "3", "--size", "640x512", "--json").json()
    work_id = work["work_id"]
    statement = tmp_path / "statement.txt"
    statement.write_text("I paint harbours the way memory keeps them:\nblurred at the edges.\n", encoding="utf-8")
    done = call(
        home, "work", "set", work_id, "--title", "Harbour, Dusk", "--series", "Tides", "--year", "2026",
        "--statement", str(statement), "--medium", "pigment print on cotton rag", "--dimensions", "60 x 45 cm",
        "--json",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    record = done.json()
    assert record["revision"] == 2 and record["title"] == "Harbour, Dusk"
    assert record["details"] == {
        "title": "Harbour, Dusk", "series": "Tides", "year": 2026, "medium": "pigment print on cotton rag",
        "dimensions": "60 x 45 cm", "statement": "I paint harbours the way memory keeps them:\nblurred at the edges.",
    }  # fmt: skip
    step = record["steps"][-1]
    assert step["op"] == "work.describe" and step["agency"] == "human" and step["output"] == work["master"]
    assert record["classification"] == work["classification"]  # words about the work are not pixels or decisions
    # only what is given changes; the rest is kept
    again = call(home, "work", "set", work_id, "--statement", "Shorter.", "--json").json()
    assert again["details"]["series"] == "Tides" and again["details"]["statement"] == "Shorter."
    shown = call(home, "work", "show", work_id)
    assert "series: Tides; year: 2026" in shown.stdout and "Shorter." in shown.stdout
    assert call(home, "replay", work_id).code == 0
    # sealed and issued: the certificate carries the description
    assert call(home, "seal", work_id, "-o", str(tmp_path / "master.png")).code == 0
    issued = call(home, "edition", "issue", work_id, "--count", "2", "-o", str(tmp_path / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    coa = json.loads(next((tmp_path / "ed").glob("*1of2.coa.json")).read_text())
    body = coa["certificate"]["payload"]["work"]
    assert (body["title"], body["series"], body["year"], body["medium"]) == (
        "Harbour, Dusk", "Tides", 2026, "pigment print on cotton rag",
    )  # fmt: skip
    edition_file = next((tmp_path / "ed").glob("*1of2.png"))
    assert call(home, "ledger", "key", "-o", str(tmp_path / "log.pub")).code == 0
    verdict = call(
        tmp_path / "stranger", "verify", str(edition_file), "--certificate", str(next((tmp_path / "ed").glob("*1of2.coa.json"))),
        "--log-key", str(tmp_path / "log.pub"), "--json",
    )  # fmt: skip
    assert verdict.json()["verdict"] == "authentic_edition", verdict.stdout


def test_bad_descriptions_are_refused_and_nothing_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work_id = call(home, "create", "--prompt", "p", "--seed", "1", "--size", "64x64", "--json").json()["work_id"]
    for args, words in [
        ((), "nothing to set"),
        (("--year", "2999"), "in the future"),
        (("--title", "   "), "title"),
        (("--title", "x" * 300), "title"),
    ]:
        refused = call(home, "work", "set", work_id, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    refused = call(home, "work", "set", work_id, "--statement", str(tmp_path / "binary.txt"))
    assert refused.code == 2 and "not UTF-8" in refused.stderr
    assert call(home, "work", "set", work_id, "--title", "Quiet").code == 0
    same = call(home, "work", "set", work_id, "--title", "Quiet")
    assert same.code == 2 and "nothing changed" in same.stderr
    assert call(home, "work", "show", work_id, "--json").json()["revision"] == 2
