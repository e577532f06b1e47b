"""``artproof undo``: back to an earlier image of a work, recorded as a step (the graph is append-only).

An artist's own render, imported, then changed by hand and by a trained network: each undone in turn,
the classification following the image that is current, the undone steps kept in the record, replay
matching every step; and the refusals (nothing to undo, a step that made no current image, the image
that is current already) leave nothing recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from tests.integration.inproc import call
from tests.integration.test_seal_imports import _texts


def _pixels(path: Path) -> str:
    return hashlib.sha256(np.asarray(Image.open(path).convert("RGBA")).tobytes()).hexdigest()


def test_undo_walks_back_through_a_renders_changes_and_keeps_them_in_the_record(tmp_path: Path, external: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    rng = np.random.default_rng(5)
    render = Image.fromarray((rng.random((48, 64, 3)) * 255).astype(np.uint8)).resize(
        (256, 192), Image.Resampling.BICUBIC
    )
    info = PngImagePlugin.PngInfo()
    for key, value in _texts(external, "a1111/automatic1111_cropped.png").items():
        info.add_text(key, value)
    render.save(tmp_path / "00017-235284042.png", pnginfo=info)
    work = call(home, "import", str(tmp_path / "00017-235284042.png"), "--json").json()[0]["work_id"]
    edited = render.copy()
    edited.paste((250, 240, 10), (20, 20, 120, 80))  # painted by hand in another program
    edited.save(tmp_path / "retouched.png")
    assert call(home, "edit", work, "external", "--file", str(tmp_path / "retouched.png"), "--tool", "Krita").code == 0
    assert call(home, "edit", work, "resize", "--size", "128x96").code == 0
    before = call(home, "work", "show", work, "--json").json()
    assert before["classification"]["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"

    back = call(home, "undo", work, "--json")  # the resize undone: the hand edit is current
    assert back.code == 0, back.stderr
    doc = back.json()
    assert (doc["back_to_step"], doc["back_to_op"]) == (2, "edit.external")
    assert [s["op"] for s in doc["steps"]] == ["import.file", "edit.external", "edit.resize", "human.revert"]
    assert doc["steps"][-1]["params"] == {"to_step": 2} and doc["steps"][-1]["agency"] == "human"
    assert (doc["width"], doc["height"]) == (256, 192)

    again = call(home, "undo", work)  # the hand edit undone: the render as it was imported
    assert again.code == 0 and "back to the image of step 1 (import.file)" in again.stdout
    shown = call(home, "work", "show", work, "--json").json()
    assert shown["classification"]["digital_source_type"] == "trainedAlgorithmicMedia"
    assert shown["classification"]["human_pixel_share"] == 0
    assert "a return to an earlier image" in shown["classification"]["explanation"]
    assert call(home, "work", "export", work, "-o", str(tmp_path / "now.png")).code == 0
    assert _pixels(tmp_path / "now.png") == _pixels(tmp_path / "00017-235284042.png")

    revision = shown["revision"]
    for args, words in [
        ((), "nothing to undo"),
        (("--to", "9"), "no such step"),
        (("--to", "4"), "made no image that was the work's current one"),
        (("--to", "1"), "current one already"),
    ]:
        refused = call(home, "undo", work, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    assert call(home, "work", "show", work, "--json").json()["revision"] == revision  # nothing recorded

    forward = call(home, "undo", work, "--to", "3", "--json")  # a named step: the resized hand edit, again
    assert forward.code == 0 and (forward.json()["width"], forward.json()["height"]) == (128, 96)
    replay = call(home, "replay", work, "--json")
    assert replay.code == 0, replay.stdout[-600:]
    sealed = call(home, "seal", work, "-o", str(tmp_path / "sealed.png"))
    assert sealed.code == 0, sealed.stderr
    assert Image.open(tmp_path / "sealed.png").size == (128, 96)
