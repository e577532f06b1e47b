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
    refused = call(home, "restore", work, "--detect", "holes", "--fill", "diffusion")
    assert refused.code == 2 and "--model" in refused.stderr
    assert call(home, "restore", work, "--detect", "holes", "--fill", "smudge").code == 2
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
    assert ops[-3:] == ["input.mask", "restore.fill", "restore.fade"]  # the damage first, then the fading
    mask_step = done.json()["steps"][-3]
    assert mask_step["agency"] == "human" and mask_step["params"]["file"] == "cracks.png"
    assert call(home, "replay", work).code == 0


def _cracked(tmp_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A colourful picture with three dark and two light grey cracks (random walks, 1-3 px)."""
    rng = np.random.default_rng(11)
    small = (rng.random((48, 64, 3)) * 255).astype(np.uint8)
    original = Image.fromarray(small).resize((640, 480), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    damaged = original.copy()
    cracks = Image.new("L", original.size)
    for k in range(5):
        x, y, angle = float(rng.integers(80, 560)), float(rng.integers(80, 400)), float(rng.random() * 6.28)
        points = []
        for _ in range(60):
            angle += float(rng.normal(0, 0.25))
            x, y = x + 3 * np.cos(angle), y + 3 * np.sin(angle)
            points.append((int(x), int(y)))
        grey = 25 if k < 3 else 235
        ImageDraw.Draw(damaged).line(points, fill=(grey, grey, grey), width=1 + k % 3)
        ImageDraw.Draw(cracks).line(points, fill=255, width=1 + k % 3)
    damaged.save(tmp_path / "cracked.png")
    return np.asarray(original, dtype=np.float64), np.asarray(cracks) > 127


def test_cracks_are_found_and_filled(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    original, cracks = _cracked(tmp_path)
    work = call(home, "import", str(tmp_path / "cracked.png"), "--json").json()[0]["work_id"]
    found_png = tmp_path / "found.png"
    dry = call(home, "restore", work, "--detect", "cracks", "--dry-run", "--mask-out", str(found_png), "--json")
    assert dry.code == 0, dry.stderr
    found = np.asarray(Image.open(found_png).convert("L")) > 127
    assert (found & cracks).sum() / cracks.sum() > 0.9  # dark and light cracks
    assert found.sum() < 3 * cracks.sum()  # and not the picture's own colours
    faint = call(home, "restore", work, "--detect", "cracks", "--sensitivity", "0", "--dry-run", "--json").json()
    assert faint["damaged_share"] <= dry.json()["damaged_share"]  # less sensitive finds no more
    done = call(home, "restore", work, "--detect", "cracks", "--fill", "biharmonic", "--json")
    assert done.code == 0, done.stderr
    steps = done.json()["steps"]
    assert steps[-2]["op"] == "restore.detect" and steps[-2]["params"]["kinds"] == ["cracks"]
    assert steps[-1]["op"] == "restore.fill" and steps[-1]["params"]["method"] == "biharmonic"
    assert call(home, "work", "export", work, "-o", str(tmp_path / "restored.png")).code == 0
    restored = np.asarray(Image.open(tmp_path / "restored.png").convert("RGB"), dtype=np.float64)
    damaged = np.asarray(Image.open(tmp_path / "cracked.png").convert("RGB"), dtype=np.float64)
    before = np.sqrt(np.mean((damaged - original)[cracks] ** 2))
    after = np.sqrt(np.mean((restored - original)[cracks] ** 2))
    assert after < before / 4, (before, after)
    replayed = call(home, "replay", work)
    assert replayed.code == 0 and "mismatch" not in replayed.stdout


def test_uneven_darkening_is_evened_by_retinex(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    rng = np.random.default_rng(3)
    small = (rng.random((30, 40, 3)) * 255).astype(np.uint8)
    picture = np.asarray(Image.fromarray(small).resize((400, 300), Image.Resampling.BICUBIC), dtype=np.float64)
    fade = np.linspace(0.2, 1.0, 400)[None, :, None]  # the left side darkened (varnish): a fifth of its light
    faded = np.clip(picture * fade, 0, 255).astype(np.uint8)
    Image.fromarray(faded).save(tmp_path / "faded.png")
    work = call(home, "import", str(tmp_path / "faded.png"), "--json").json()[0]["work_id"]
    assert call(home, "restore", work, "--detect", "fading", "--fade", "sepia").code == 2
    done = call(home, "restore", work, "--detect", "fading", "--fade", "retinex", "--json")
    assert done.code == 0, done.stderr
    assert done.json()["steps"][-1]["params"]["method"] == "retinex"
    assert call(home, "work", "export", work, "-o", str(tmp_path / "even.png")).code == 0
    even = np.asarray(Image.open(tmp_path / "even.png").convert("L"), dtype=np.float64)
    before = np.asarray(Image.fromarray(faded).convert("L"), dtype=np.float64)

    def balance(grey: np.ndarray) -> float:
        return float(grey[:, :100].std() / grey[:, 300:].std())

    assert balance(before) < 0.45 and balance(even) > 0.7, (balance(before), balance(even))
    assert call(home, "replay", work).code == 0


def test_a_thumbnail_is_too_small_to_find_cracks_in(tmp_path: Path, external: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "import", str(external / "exif" / "Canon_40D.jpg"), "--json").json()[0]["work_id"]
    refused = call(home, "restore", work, "--detect", "cracks", "--dry-run")
    assert refused.code == 2 and "too small to find cracks" in refused.stderr and "--mask" in refused.stderr
    assert call(home, "restore", work, "--detect", "holes", "--dry-run").code == 0  # holes have no such limit


def test_a_faded_photograph_with_holes_is_filled_before_its_fading_is_corrected(tmp_path: Path) -> None:
    """A faded print (scikit-image's astronaut, its light squeezed to 50-240) with four holes and three scratches
    showing the white paper, 0.9 % of it. Fading was corrected first, and the stretch made the helmet's and the
    suit's highlights pure white, which the hole finder took for holes (10.8 % of it). Now the damage is found first (the mask
    the dry run shows is the one filled: 1.6 % of the picture, the damage and its rims) and the fading corrected
    last."""
    from skimage import data

    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    faded = np.asarray(Image.fromarray(data.astronaut()).resize((512, 512)), dtype=np.float32) * 0.75 + 50
    print_ = Image.fromarray(faded.clip(0, 255).astype(np.uint8))
    damage = Image.new("L", print_.size)
    draw = ImageDraw.Draw(damage)
    for x, y in ((60, 120), (300, 60), (420, 300), (150, 400)):
        draw.ellipse((x, y, x + 18, y + 13), fill=255)
    for line in (((30, 50), (90, 240)), ((200, 300), (260, 480)), ((330, 150), (470, 210))):
        draw.line(line, fill=255, width=3)
    print_.paste((255, 255, 255), mask=damage)
    print_.save(tmp_path / "print.png")
    truth = np.asarray(damage) > 127
    work = call(home, "import", str(tmp_path / "print.png"), "--json").json()[0]["work_id"]
    dry = call(home, "restore", work, "--detect", "holes", "--dry-run", "--json")
    done = call(home, "restore", work, "--detect", "holes,fading", "--json")
    assert done.code == 0, done.stderr
    steps = done.json()["steps"]
    assert [s["op"] for s in steps][-3:] == ["restore.detect", "restore.fill", "restore.fade"]
    filled = steps[-2]["params"]["filled_share"]
    assert filled == dry.json()["damaged_share"]  # the mask shown is the mask filled
    assert truth.mean() < filled < 3 * truth.mean(), (filled, truth.mean())  # the holes and their rims, no more
    assert call(home, "replay", work).code == 0


def test_a_hole_touching_a_white_ground_does_not_take_the_ground(tmp_path: Path) -> None:
    """A product shot on white (246) with one hole (255) at the object's edge: the hole finder took every white pixel
    joined to it, the whole ground, 83 % of the picture, for the fill (restore.detect 1.1.0). Now its rim is taken
    within 3 px (1.2.0); a record made with 1.1.0 still replays as it was made."""
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    rng = np.random.default_rng(2)
    shot = Image.new("RGB", (640, 480), (246, 246, 244))
    ImageDraw.Draw(shot).ellipse((200, 120, 440, 400), fill=(150, 60, 40))
    pixels = np.asarray(shot).astype(np.int16)
    grain = rng.normal(0, 8, pixels.shape).astype(np.int16)
    pixels = np.clip(pixels + np.where(pixels[..., :1] < 200, grain, 0), 0, 255).astype(np.uint8)
    shot = Image.fromarray(pixels)
    hole = Image.new("L", shot.size)
    ImageDraw.Draw(hole).ellipse((180, 200, 230, 240), fill=255)
    shot.paste((255, 255, 255), mask=hole)
    shot.save(tmp_path / "product.png")
    work = call(home, "import", str(tmp_path / "product.png"), "--json").json()[0]["work_id"]
    done = call(home, "restore", work, "--detect", "holes", "--json")
    assert done.code == 0, done.stderr
    detect, fill = done.json()["steps"][-2:]
    assert detect["op"] == "restore.detect" and detect["version"] == "1.2.0"
    truth = (np.asarray(hole) > 127).mean()
    assert truth < fill["params"]["filled_share"] < 2 * truth, (fill["params"]["filled_share"], truth)
    from artproof.ops import OpContext, get_operation

    before = get_operation("restore.detect", "1.1.0")
    old = before.run(before.parse_params({"kinds": ["holes"]}), [shot], OpContext()).image
    assert (np.asarray(old) > 127).mean() > 0.5  # what 1.1.0 marked, kept for its records' replay
    assert call(home, "replay", work).code == 0
