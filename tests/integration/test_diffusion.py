"""The diffusion engine on a real (tiny, random-weight) Stable Diffusion pipeline, built offline here.

The pipeline is made from config in the test (PACKAGES.md: diffusers 0.42, transformers 5, torch 2.13
CPU) and saved as a diffusers folder, so artproof's real path runs: load from a local folder, seed,
txt2img and img2img, record the model's hash and the settings, replay bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.inproc import call

torch = pytest.importorskip("torch", reason="the diffusion extra is not installed (make test installs it)")
diffusers = pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=32, block_out_channels=(32, 64), layers_per_block=1, cross_attention_dim=32,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
    )  # fmt: skip
    vae = AutoencoderKL(
        block_out_channels=[32, 64], in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
    )  # fmt: skip
    text = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=32, intermediate_size=37,
            num_attention_heads=4, num_hidden_layers=2, vocab_size=1000,
        )
    )  # fmt: skip
    vocab = {"<|startoftext|>": 0, "!": 1, "<|endoftext|>": 2}
    for word in ["a", "harbour", "at", "dusk", "painting", "of", "the", "sea"]:
        vocab.setdefault(word + "</w>", len(vocab))
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)
    pipe = StableDiffusionPipeline(
        unet=unet, vae=vae, text_encoder=text, tokenizer=tokenizer, scheduler=DDIMScheduler(),
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("models") / "tiny-sd"
    pipe.save_pretrained(folder)
    return folder


def test_txt2img_records_the_model_and_settings_and_replays_bit_for_bit(tmp_path: Path, tiny_model: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    made = call(
        home, "create", "--engine", "diffusion", "--model", str(tiny_model), "--prompt", "a harbour at dusk",
        "--seed", "3", "--steps", "3", "--guidance", "5", "--size", "64x64", "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    work = made.json()
    step = work["steps"][0]
    p = step["params"]
    assert step["op"] == "generate.diffusion" and step["agency"] == "trained"
    assert p["model_sha256"].startswith("sha256:") and p["model_name"] == "tiny-sd"
    assert p["pipeline"] == "StableDiffusionPipeline" and p["scheduler"] == "DDIMScheduler"
    assert (
        p["device"] == "cpu"
        and p["dtype"] == "float32"
        and set(p["libraries"]) == {"torch", "diffusers", "transformers"}
    )
    assert (p["steps"], p["guidance"], p["seed"], p["width"], p["height"]) == (3, 5.0, 3, 64, 64)
    assert work["classification"]["digital_source_type"] == "trainedAlgorithmicMedia"
    replayed = call(home, "replay", work["work_id"])
    assert replayed.code == 0 and "identical, bit for bit" in replayed.stdout
    again = call(
        home, "create", "--engine", "diffusion", "--model", str(tiny_model), "--prompt", "a harbour at dusk",
        "--seed", "3", "--steps", "3", "--guidance", "5", "--size", "64x64", "--json",
    )  # fmt: skip
    assert again.json()["master_pixels"] == work["master_pixels"]  # same model, seed and settings: same pixels


def test_img2img_records_the_init_image_as_an_import_first(tmp_path: Path, tiny_model: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    Image.new("RGB", (80, 72), (200, 120, 40)).save(tmp_path / "sketch.png")
    made = call(
        home, "create", "--engine", "diffusion", "--model", str(tiny_model), "--prompt", "the sea",
        "--seed", "1", "--steps", "4", "--size", "64x64", "--init", str(tmp_path / "sketch.png"),
        "--strength", "0.5", "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    steps = made.json()["steps"]
    assert [s["op"] for s in steps] == ["import.file", "generate.diffusion"]
    assert steps[1]["inputs"] == [steps[0]["output"]] and steps[1]["params"]["strength"] == 0.5
    assert call(home, "replay", made.json()["work_id"]).code == 0


def test_a_changed_or_missing_model_and_bad_settings_are_refused(tmp_path: Path, tiny_model: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    for args, words in [
        (("--model", str(tmp_path / "nowhere")), "no model at this path"),
        (("--model", str(tmp_path)), "not a diffusers model"),
        ((), "needs --model"),
        (("--model", str(tiny_model), "--size", "65x64"), "multiple of 8"),
        (("--model", str(tiny_model), "--steps", "0"), "steps"),
    ]:
        refused = call(home, "create", "--engine", "diffusion", "--prompt", "p", "--seed", "1", *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    assert call(home, "create", "--prompt", "p", "--seed", "1", "--steps", "3").code == 2  # not the cppn's
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(tiny_model, copy)
    made = call(
        home, "create", "--engine", "diffusion", "--model", str(copy), "--prompt", "a harbour", "--seed", "2",
        "--steps", "2", "--size", "64x64", "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    index = json.loads((copy / "scheduler" / "scheduler_config.json").read_text())
    index["steps_offset"] = 1
    (copy / "scheduler" / "scheduler_config.json").write_text(json.dumps(index))  # the model's files changed
    replayed = call(home, "replay", made.json()["work_id"], "--json")
    [step] = replayed.json()["steps"]
    assert replayed.code == 4 and step["status"] == "error" and "not the one this step was made with" in step["detail"]


def test_a_step_recorded_on_another_device_is_compared_perceptually(tiny_model: Path) -> None:
    from artproof.ops import get_operation

    op = get_operation("generate.diffusion", "1.0.0")
    here = op.resolve(op.parse_params({"model_path": str(tiny_model), "prompt": "a harbour", "seed": 1, "steps": 1,
                                       "width": 64, "height": 64}))  # fmt: skip
    assert op.same_device(here)
    elsewhere = here.model_copy(update={"device": "cuda" if here.device == "cpu" else "cpu"})  # type: ignore[attr-defined]
    assert not op.same_device(elsewhere)  # replay then allows the step's perceptual tolerance


def test_restore_fill_diffusion_repaints_only_the_mask_and_replays(tmp_path: Path, tiny_model: Path) -> None:
    import numpy as np
    from PIL import ImageDraw

    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    rng = np.random.default_rng(5)
    picture = Image.fromarray((rng.random((12, 16, 3)) * 255).astype(np.uint8)).resize((160, 120))
    picture.save(tmp_path / "torn.png")
    mask = Image.new("L", picture.size)
    ImageDraw.Draw(mask).rectangle((60, 40, 100, 80), fill=255)
    mask.save(tmp_path / "missing.png")
    work = call(home, "import", str(tmp_path / "torn.png"), "--json").json()[0]["work_id"]
    done = call(
        home, "restore", work, "--mask", str(tmp_path / "missing.png"), "--fill", "diffusion",
        "--model", str(tiny_model), "--prompt", "the sea", "--seed", "4", "--steps", "2", "--json",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    record = done.json()
    step = record["steps"][-1]
    assert step["op"] == "restore.inpaint" and step["agency"] == "trained"
    assert step["params"]["model_sha256"].startswith("sha256:") and step["params"]["seed"] == 4
    assert step["params"]["filled_share"] == round(41 * 41 / (160 * 120), 6)
    assert record["classification"]["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert call(home, "work", "export", work, "-o", str(tmp_path / "restored.png")).code == 0
    before = np.asarray(picture.convert("RGB"), dtype=np.int16)
    after = np.asarray(Image.open(tmp_path / "restored.png").convert("RGB"), dtype=np.int16)
    far = np.ones(before.shape[:2], bool)
    far[38:83, 58:103] = False  # the mask and its 2-px blending band
    assert np.array_equal(before[far], after[far])  # every other pixel is the picture's own
    assert np.abs(before[40:81, 60:101] - after[40:81, 60:101]).mean() > 5  # the mask is repainted
    replayed = call(home, "replay", work)
    assert replayed.code == 0 and "mismatch" not in replayed.stdout
