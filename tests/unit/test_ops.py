"""Operations: registry, parameter validation, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from artproof.core.images import pixel_hash
from artproof.errors import InvalidInput, UnknownOperation
from artproof.fingerprint import hamming, perceptual_hash
from artproof.ops import OpContext, all_operations, get_operation
from artproof.ops.generate.cppn import ARCHITECTURES, CppnParams, render_cppn
from artproof.ops.registry import latest_operation
from artproof.ops.vary import describe


def cppn(
    prompt: str = "tidal dusk, copper and ink", seed: int = 42, w: int = 128, h: int = 128, arch: str | None = None
) -> Image.Image:
    return render_cppn(CppnParams(prompt=prompt, seed=seed, width=w, height=h, architecture=arch))  # type: ignore[arg-type]


def test_registry_returns_exactly_the_recorded_version() -> None:
    names = {(cls.name, cls.version) for cls in all_operations()}
    assert {
        ("generate.cppn", "1.0.0"),
        ("vary.candidates", "1.0.0"),
        ("human.select", "1.0.0"),
        ("edit.crop", "1.0.0"),
        ("edit.resize", "1.0.0"),
    } <= names
    op = get_operation("edit.crop", "1.0.0")
    assert (op.name, op.version, op.agency) == ("edit.crop", "1.0.0", "human")


def test_unknown_operation_and_version_are_clear_errors() -> None:
    with pytest.raises(UnknownOperation, match="unknown operation"):
        get_operation("generate.teleport", "1.0.0")
    with pytest.raises(UnknownOperation, match=r"no version 9\.9\.9"):
        get_operation("edit.crop", "9.9.9")


@pytest.mark.parametrize(
    ("op", "params", "fragment"),
    [
        ("generate.cppn", {"prompt": "x", "seed": 1, "width": 9000, "height": 64}, "width"),
        ("generate.cppn", {"prompt": "x", "seed": -1, "width": 64, "height": 64}, "seed"),
        ("generate.cppn", {"prompt": "", "seed": 1, "width": 64, "height": 64}, "prompt"),
        ("vary.candidates", {"count": -3, "seed": 1}, "count"),
        ("edit.crop", {"box": [10, 10, 5, 50]}, "box"),
        ("edit.resize", {"width": 0, "height": 10}, "width"),
    ],
)
def test_invalid_parameters_name_the_parameter_and_value(op: str, params: dict[str, object], fragment: str) -> None:
    operation = get_operation(op, "1.0.0")
    with pytest.raises(InvalidInput, match=fragment):
        operation.parse_params(params)


def test_cppn_is_deterministic_and_seed_and_prompt_sensitive() -> None:
    a, b = cppn(), cppn()
    assert pixel_hash(a) == pixel_hash(b)
    other_seed = cppn(seed=43)
    other_prompt = cppn(prompt="a quiet forest at dawn")
    assert hamming(perceptual_hash(a), perceptual_hash(other_seed)) > 10
    assert hamming(perceptual_hash(a), perceptual_hash(other_prompt)) > 10


def test_cppn_prompt_colour_words_reach_the_palette() -> None:
    red = cppn(prompt="scarlet crimson ruby blood red", arch="flow")
    blue = cppn(prompt="cobalt sapphire azure blue sky", arch="flow")
    r_mean = np.asarray(red, dtype=float).mean(axis=(0, 1))
    b_mean = np.asarray(blue, dtype=float).mean(axis=(0, 1))
    assert r_mean[0] > r_mean[2]
    assert b_mean[2] > b_mean[0]


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_every_architecture_renders_any_size_without_flat_output(arch: str) -> None:
    image = cppn(w=200, h=96, arch=arch)
    assert image.size == (200, 96)
    colours = np.unique(np.asarray(image).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # not a flat or posterised image


def test_cppn_is_resolution_independent() -> None:
    small = cppn(w=128, h=128)
    large = cppn(w=512, h=512).resize((128, 128), Image.Resampling.LANCZOS)
    assert hamming(perceptual_hash(small), perceptual_hash(large)) <= 6


def test_variations_are_deterministic_and_distinct() -> None:
    op = get_operation("vary.candidates", "1.0.0")
    params = op.parse_params({"count": 4, "seed": 7})
    base = cppn()
    first = op.run(params, [base], OpContext())
    second = op.run(params, [base], OpContext())
    assert [pixel_hash(i) for i in first.extra] == [pixel_hash(i) for i in second.extra]
    assert len({pixel_hash(i) for i in first.extra}) == 4
    assert pixel_hash(first.image) == pixel_hash(second.image)  # the contact sheet too


def test_crop_outside_the_image_is_refused() -> None:
    op = get_operation("edit.crop", "1.0.0")
    with pytest.raises(InvalidInput, match="outside the 128x128 image"):
        op.run(op.parse_params({"box": [0, 0, 200, 100]}), [cppn()], OpContext())


def test_select_passes_the_chosen_candidate_and_its_origin() -> None:
    op = get_operation("human.select", "1.0.0")
    images = [Image.new("RGB", (64, 64), (i * 40, 0, 0)) for i in range(3)]
    out = op.run(op.parse_params({"choice": "c2"}), images, OpContext())
    assert pixel_hash(out.image) == pixel_hash(images[1])
    assert op.origin(op.parse_params({"choice": "c2"}), [{"a": 1.0}, {"trained": 1.0}, {}]) == {"trained": 1.0}
    with pytest.raises(InvalidInput, match="no such candidate"):
        op.run(op.parse_params({"choice": "c9"}), images, OpContext())


def test_select_record_check_catches_a_swapped_output() -> None:
    op = get_operation("human.select", "1.0.0")
    params = op.parse_params({"choice": "c2"})
    assert op.check_recorded(params, ["sha256:a", "sha256:b"], "sha256:b") is None
    assert "c2 is not the output" in (op.check_recorded(params, ["sha256:a", "sha256:b"], "sha256:a") or "")
    assert get_operation("edit.crop", "1.0.0").check_recorded(op.parse_params({"choice": "c1"}), [], "x") is None


def test_the_labelled_sheet_shows_the_original_and_the_same_candidates_as_before() -> None:
    old, new = get_operation("vary.candidates", "1.0.0"), get_operation("vary.candidates", "1.1.0")
    params = new.parse_params({"count": 8, "seed": 7})
    base = cppn(w=480, h=480)
    before, after = old.run(params, [base], OpContext()), new.run(params, [base], OpContext())
    # older records replay unchanged: 1.0.0 still makes its own sheet; the candidates are identical
    assert [pixel_hash(i) for i in before.extra] == [pixel_hash(i) for i in after.extra]
    assert pixel_hash(after.image) == pixel_hash(new.run(params, [base], OpContext()).image)
    sheet = np.asarray(after.image.convert("RGB"), dtype=np.int16)
    # nine tiles (the original first) on a 3x3 grid of 320 px thumbnails with three 2x lines of text under each
    assert after.image.size == (3 * 336 + 16, 3 * (336 + 80) + 16)
    first_tile = np.asarray(base.resize((320, 320), Image.Resampling.LANCZOS).convert("RGB"), dtype=np.int16)
    assert np.abs(sheet[16 : 16 + 320, 16 : 16 + 320] - first_tile).mean() < 2  # the original, top left
    label = sheet[16 + 320 + 6 : 16 + 320 + 6 + 26, 16 : 16 + 320]
    assert (label.max(axis=2) > 150).sum() > 150  # "original" is drawn, large enough to read
    lines = describe(params, 2)
    assert lines[0].startswith("c3") and lines[1].startswith("hue ") and lines[2].startswith("light ")


def test_older_steps_keep_their_ids_the_per_output_origins_are_left_out_when_absent() -> None:
    from artproof.provenance.model import Step, current_runtime

    fields = {
        "op": "edit.crop", "version": "1.0.0", "agency": "human", "params": {"box": [0, 0, 8, 8]},
        "inputs": ["sha256:" + "a" * 64], "output": "sha256:" + "b" * 64, "origin": {"algorithmic": 1.0},
        "reexecutable": True, "replay_tolerance": 6, "actor": "k", "at": "2026-01-01T00:00:00+00:00",
        "runtime": current_runtime(),
    }  # fmt: skip
    step = Step.create(**fields)
    assert "extra_origins" not in step.model_dump(mode="json") and step.id_is_valid()
    body = step.model_dump(mode="json")
    del body["step_id"]
    assert step.step_id == Step.compute_id(body)  # the id of the record as older versions wrote it


def test_the_fitted_sheet_puts_a_landscape_pictures_caption_under_it() -> None:
    """vary.candidates 1.2.0 (and vary.grid 1.1.0): cells as tall as the pictures. In 1.1.0's square cells a 3:2
    picture left 53 px of ground above and below it, its caption 53 px further down; 1.1.0 still replays."""
    square, fitted = get_operation("vary.candidates", "1.1.0"), get_operation("vary.candidates", "1.2.0")
    assert latest_operation("vary.candidates").version == "1.2.0" and latest_operation("vary.grid").version == "1.1.0"
    params = fitted.parse_params({"count": 4, "seed": 7})
    base = cppn(w=600, h=400)
    before, after = square.run(params, [base], OpContext()), fitted.run(params, [base], OpContext())
    assert [pixel_hash(i) for i in before.extra] == [pixel_hash(i) for i in after.extra]  # the same candidates
    assert before.image.size == (3 * 336 + 16, 2 * (336 + 80) + 16)  # five tiles, 3 x 2, square cells
    assert after.image.size == (3 * 336 + 16, 2 * (213 + 16 + 80) + 16)  # cells 213 px tall: 320 x 213 pictures
    sheet = np.asarray(after.image.convert("RGB"), dtype=np.int16)
    first = np.asarray(base.resize((320, 213), Image.Resampling.LANCZOS).convert("RGB"), dtype=np.int16)
    assert np.abs(sheet[16 : 16 + 213, 16 : 16 + 320] - first).mean() < 3  # the original at the top of its cell
    label = sheet[16 + 213 + 6 : 16 + 213 + 6 + 26, 16 : 16 + 320]
    assert (label.max(axis=2) > 150).sum() > 150  # its caption right under it
    grid = get_operation("vary.grid", "1.1.0")
    looks = grid.parse_params({"palettes": ["autumn", "ocean"]})
    assert grid.run(looks, [base], OpContext()).image.size == (2 * 336 + 16, 2 * (213 + 16 + 80) + 16)
