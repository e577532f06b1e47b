"""``make run``'s tour, as a newcomer sees it: every step through a collector's check in an empty home."""

from __future__ import annotations

from pathlib import Path

from tests.integration.inproc import call


def test_the_demo_reaches_the_collectors_verdict(tmp_path: Path) -> None:
    done = call(tmp_path / "unused-home", "demo", "--out", str(tmp_path / "demo"), passphrase=None)
    assert done.code == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "9. a marketplace copy" in text and "verifies as authentic_edition" in text
    assert "10. published the log as a static mirror" in text and "reads authentic_edition" in text
    assert (tmp_path / "demo" / "mirror" / "checkpoint").is_file()
    assert len(list((tmp_path / "demo" / "editions").glob("*.coa.json"))) == 6
