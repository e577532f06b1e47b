"""Restoration through the CLI: holes found and filled, a painted mask, fading; every step replays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tests.integration.inproc import call


def _damaged(tmp_path: Path) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    small = (rng.random((60, 80, 3)) * 255).astype(np.uint8)
    original = Image.fromarray(small).resize((640, 480), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    holes = Image.new("L", original.size)
    draw = ImageDraw.Draw(holes)
    draw.ellipse((100, 100, 150, 140), fill=255)
    draw.ellipse((400, 300, 440, 350), fill=255)
    damaged = original.copy()
    damaged.paste((250, 250, 250), mask=holes)
    damaged.save(tmp_path / "damaged.png")
    cracks = Image.new("L", original.size)
    ImageDraw.Draw(cracks).line([(20, 400), (300, 250), (600, 60)], fill=255, width=3)
    cracks.save(tmp_path / "cracks.png")
    return np.asarray(original, dtype=np.float64), np.asarray(holes) > 127


def test_holes_are_found_filled_and_replayed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    original, holes = _damaged(tmp_path)
    work = call(home, "import", str(tmp_path / "damaged.png"), "--json").json()[0]["work_id"]
    dry = call(
        home, "restore", work, "--detect", "holes", "--dry-run", "--mask-out", str(tmp_path / "found.png"), "--json"
    )
    assert dry.code == 0, dry.stderr
    found = np.asarray(Image.open(tmp_path / "found.png").convert("L")) > 127
    assert (found & holes).sum() / holes.sum() > 0.97  # the holes, rims included
    assert found.sum() < 1.6 * holes.sum()  # and little else
    assert call(home, "work", "show", work, "--json").json()["revision"] == 1  # a dry run records nothing
    done = call(home, "restore", work, "--detect", "holes", "--json")
    assert done.code == 0, done.stderr
    record = done.json()
    assert [s["op"] for s in record["steps"]][-2:] == ["restore.detect", "restore.fill"]
    assert 0 < record["steps"][-1]["params"]["filled_share"] < 0.02
    assert call(home, "work", "export", work, "-o", str(tmp_path / "restored.png")).code == 0
    restored = np.asarray(Image.open(tmp_path / "restored.png").convert("RGB"), dtype=np.float64)
    damaged = np.asarray(Image.open(tmp_path / "damaged.png").convert("RGB"), dtype=np.float64)
    before = np.sqrt(np.mean((damaged - original)[holes] ** 2))
    after = np.sqrt(np.mean((restored - original)[holes] ** 2))
    assert after < before / 2  # the holes are filled with something like what was there
    replayed = call(home, "replay", work)
    assert replayed.code == 0 and "mismatch" not in replayed.stdout


def test_a_painted_mask_and_fading_and_bad_input(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    _damaged(tmp_path)
    work = call(home, "import", str(tmp_path / "damaged.png"), "--json").json()[0]["work_id"]
    refused = call(home, "restore", work, "--detect", "cracks")
    assert refused.code == 2 and "--mask" in refused.stderr
    Image.new("L", (100, 100)).save(tmp_path / "small.png")
    wrong = call(home, "restore", work, "--mask", str(tmp_path / "small.png"))
    assert wrong.code == 2 and "640x480" in wrong.stderr
    assert call(home, "restore", work, "--detect", "mildew").code == 2
    assert call(home, "restore", work).code == 2
    assert call(home, "work", "show", work, "--json").json()["revision"] == 1  # nothing recorded
    done = call(
        home, "restore", work, "--detect", "fading", "--mask", str(tmp_path / "cracks.png"), "--fill", "telea", "--json"
    )
    assert done.code == 0, done.stderr
    ops = [s["op"] for s in done.json()["steps"]]
    assert ops[-3:] == ["restore.fade", "input.mask", "restore.fill"]
    mask_step = done.json()["steps"][-2]
    assert mask_step["agency"] == "human" and mask_step["params"]["file"] == "cracks.png"
    assert call(home, "replay", work).code == 0
