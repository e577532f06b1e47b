"""What a new user meets first: a random seed when none is given, where the image is, one line per step."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from tests.integration.inproc import call


def test_a_random_seed_is_printed_and_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    made = call(home, "create", "--prompt", "harbour at dusk", "--size", "128x96", "-o", str(tmp_path / "first.png"))
    assert made.code == 0, made.stderr
    seed = int(re.search(r"seed (\d+) \(random", made.stderr).group(1))  # type: ignore[union-attr]
    work = re.search(r"work (\w+), seed (\d+)", made.stdout)
    assert work is not None and int(work.group(2)) == seed and str(tmp_path / "first.png") in made.stdout
    steps = call(home, "work", "show", work.group(1), "--json").json()["steps"]
    assert steps[0]["params"]["seed"] == seed
    again = call(home, "create", "--prompt", "harbour at dusk", "--size", "128x96", "--seed", str(seed), "--json")
    assert again.json()["master_pixels"] == call(home, "work", "show", work.group(1), "--json").json()["master_pixels"]
    assert Image.open(tmp_path / "first.png").size == (128, 96)
    varied = call(home, "vary", work.group(1), "--count", "2")
    assert varied.code == 0 and "random" in varied.stderr  # the hint 'vary WORK --count 8' works as printed
    chosen = call(home, "select", work.group(1), "c2")
    assert chosen.code == 0 and len(chosen.stdout.strip().splitlines()) == 1 and "chose c2" in chosen.stdout


def test_help_lists_commands_in_workflow_order_without_type_tags(tmp_path: Path) -> None:
    shown = call(tmp_path / "home", "--help")
    assert shown.code == 0 and "<bool>" not in shown.stdout
    order = [m.group(1) for m in re.finditer(r"^│ (\w+)\s", shown.stdout, re.MULTILINE)]
    commands = [c for c in order if c not in ("version", "help")]
    assert commands[:11] == [
        "init", "create", "vary", "select", "edit", "assist", "restore", "physical", "import", "seal", "register"
    ]  # fmt: skip
    assert commands.index("edition") < commands.index("verify") < commands.index("ledger")


def test_work_show_of_an_import_shows_the_normalised_record_not_raw_json(tmp_path: Path, external: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    source = external / "a1111" / "automatic1111_cropped.png"
    done = call(home, "import", str(source), "--json")
    assert done.code == 0, done.stderr
    work = done.json()[0]["work_id"]
    shown = call(home, "work", "show", work)
    text = shown.stdout
    assert shown.code == 0 and "raw=" not in text and '{"' not in text  # no truncated JSON in the table
    assert "tool=AUTOMATIC1111," in text and "1 generation(s)" in text  # the table cell, wrapped
    lines = [line.strip() for line in text.splitlines()]
    at = lines.index("photo of a duck")  # the PNG Info layout: prompt, negative prompt, then the settings
    assert lines[at + 1] == "Negative prompt: monochrome"
    assert lines[at + 2].startswith("Steps: 15, Sampler: UniPC, CFG scale: 5, Seed: 235284042, Size: 512x400")
