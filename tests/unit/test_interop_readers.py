"""Readers of other tools' metadata: the shared real files give EXPECTED.md's values; the formats in general."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from artproof.core.images import decode_image
from artproof.errors import ImageError
from artproof.interop.a1111 import parse_a1111
from artproof.interop.readers import read_file


def read(external: Path, name: str):  # type: ignore[no-untyped-def]
    return read_file((external / name).read_bytes(), name)


def test_a1111_fixture(external: Path) -> None:
    r = read(external, "a1111/automatic1111_cropped.png")
    [g] = r.generations
    assert (r.source_tool, g.prompt, g.negative_prompt, g.steps, g.sampler, g.cfg_scale, g.seed) == (
        "AUTOMATIC1111",
        "photo of a duck",
        "monochrome",
        15,
        "UniPC",
        5.0,
        235284042,
    )
    assert (g.width, g.height, g.model_hash, g.model) == (512, 400, "c0d1994c73", "realistic_realisticVisionV20_v20")
    assert r.raw["parameters"].startswith("photo of a duck")  # kept verbatim


def test_comfyui_fixtures(external: Path) -> None:
    [g] = read(external, "comfyui/img2img_cropped.png").generations
    assert (g.seed, g.steps, g.cfg_scale, g.sampler, g.scheduler) == (
        280823642470253,
        20,
        8.0,
        "sample_dpmpp_2m",
        "normal",
    )
    assert g.denoise == pytest.approx(0.87)
    assert g.model == "v1-5-pruned-emaonly.ckpt"
    assert g.prompt == "photograph of victorian woman with wings, sky clouds, meadow grass"
    assert g.negative_prompt == "watermark, text"
    first, second = read(external, "comfyui/unclip_2pass_cropped.png").generations
    assert (first.seed, first.steps, first.cfg_scale, first.sampler) == (1106257833005336, 26, 8.0, "uni_pc_bh2")
    assert first.model == "wd-1-5-beta2-aesthetic-unclip-h-fp32.safetensors"
    assert (second.seed, second.sampler, second.model) == (
        119080905858220,
        "dpmpp_sde",
        "cardosAnimated_v20.safetensors",
    )
    assert first.prompt and second.prompt


def test_invokeai_fixture(external: Path) -> None:
    r = read(external, "invokeai/invokeai_imeta1.png")
    [g] = r.generations
    assert (g.scheduler, g.seed, g.cfg_scale, g.steps, g.model, g.width, g.height, g.vae) == (
        "euler",
        3293022630,
        8.0,
        35,
        "juggernautXL",
        1024,
        1024,
        "VAEFix",
    )
    assert g.prompt == "digital artwork, oil painting. painterly brushstrokes, holidays,"
    assert g.extra["generation_mode"] == "sdxl_txt2img"


def test_novelai_fixture(external: Path) -> None:
    [g] = read(external, "novelai/novelai1_cropped.png").generations
    assert (g.source_tool, g.prompt, g.steps, g.sampler, g.seed, g.cfg_scale) == (
        "NovelAI",
        "masterpiece, best quality,  cat, space, icon",
        50,
        "k_euler_ancestral",
        2253955223,
        10.0,
    )
    assert (g.denoise, g.extra["noise"], g.model_hash) == (0.4, 0.0, "1D44365E")
    assert g.negative_prompt and g.negative_prompt.startswith("lowres, bad anatomy")


def test_camera_fixture(external: Path) -> None:
    r = read(external, "exif/Canon_40D.jpg")
    [g] = r.generations
    assert (g.camera_make, g.camera_model, g.captured_at) == ("Canon", "Canon EOS 40D", "2008-05-30T15:56:01")
    assert g.gps is None  # only GPSVersionID is present
    assert r.exif["Software"] == "GIMP 2.4.5" and r.origin == {"capture": 1.0}
    assert g.extra["FocalLength"] == 135


def test_empty_file_is_not_an_image(external: Path) -> None:
    with pytest.raises(ImageError, match="empty"):
        read(external, "negative/empty_file.png")


# The formats in general, on files made here --------------------------------------------------


def png_with(text: dict[str, str], mode: str = "RGB", image: Image.Image | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value, zip=len(value) > 200)
    buffer = io.BytesIO()
    (image or Image.new(mode, (8, 8))).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def test_a1111_quoted_values_loras_and_multiline_prompts() -> None:
    text = (
        "a castle, <lora:detail:0.6>, <lora:style>\nat dusk\nNegative prompt: blurry,\nlow quality\n"
        "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 12, Size: 768x512, "
        'Model hash: abc, Model: sdxl, Denoising strength: 0.4, Lora hashes: "detail: 111, style: 222", '
        "Version: v1.9.0"
    )
    g = parse_a1111(text)
    assert g.prompt == "a castle, <lora:detail:0.6>, <lora:style>\nat dusk"
    assert g.negative_prompt == "blurry,\nlow quality"
    assert (g.sampler, g.scheduler, g.cfg_scale, g.denoise, g.width, g.height) == (
        "DPM++ 2M",
        "Karras",
        6.5,
        0.4,
        768,
        512,
    )
    assert g.extra["Lora hashes"] == "detail: 111, style: 222"
    assert [(lora.name, lora.weight) for lora in g.loras] == [("detail", 0.6), ("style", None)]


def test_fooocus_json_is_not_mistaken_for_a1111() -> None:
    params = {
        "prompt": "a fox",
        "negative_prompt": "",
        "seed": "123",
        "steps": 30,
        "sampler": "dpmpp_2m_sde_gpu",
        "scheduler": "karras",
        "guidance_scale": 4,
        "resolution": "(1152, 896)",
        "base_model": "juggernaut",
        "loras": [["sd_xl_offset.safetensors", 0.1]],
    }
    r = read_file(png_with({"parameters": json.dumps(params), "fooocus_scheme": "fooocus"}), "f.png")
    [g] = r.generations
    assert (r.source_tool, g.seed, g.width, g.height, g.cfg_scale, g.loras[0].weight) == (
        "Fooocus",
        123,
        1152,
        896,
        4.0,
        0.1,
    )


def test_legacy_invokeai_forms() -> None:
    dream = read_file(png_with({"Dream": '"a red boat" -s 50 -S 42 -W 512 -H 384 -C 7.5 -A k_lms'}), "d.png")
    [g] = dream.generations
    assert (g.prompt, g.steps, g.seed, g.width, g.height, g.cfg_scale, g.sampler) == (
        "a red boat",
        50,
        42,
        512,
        384,
        7.5,
        "k_lms",
    )
    legacy = {
        "model_weights": "stable-diffusion-1.5",
        "image": {
            "prompt": [{"prompt": "a cat", "weight": 1}],
            "seed": 7,
            "steps": 20,
            "cfg_scale": 7,
            "sampler": "ddim",
            "width": 512,
            "height": 512,
        },
    }
    [h] = read_file(png_with({"sd-metadata": json.dumps(legacy)}), "s.png").generations
    assert (h.prompt, h.model, h.seed) == ("a cat", "stable-diffusion-1.5", 7)


def test_a1111_in_jpeg_and_webp_exif_user_comment() -> None:
    text = "a lighthouse\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 99, Size: 64x64, Model: m"
    for fmt in ("JPEG", "WEBP"):
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + text.encode("utf-16-be")
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64)).save(buffer, format=fmt, exif=exif.tobytes())
        r = read_file(buffer.getvalue(), f"x.{fmt.lower()}")
        [g] = r.generations
        assert (r.source_tool, g.prompt, g.seed, g.sampler) == ("AUTOMATIC1111", "a lighthouse", 99, "Euler a"), fmt


def stealth(payload: bytes, signature: bytes, size: int = 64) -> Image.Image:
    bits = np.unpackbits(np.frombuffer(signature + (len(payload) * 8).to_bytes(4, "big") + payload, np.uint8))
    alpha = np.full(size * size, 255, np.uint8)
    alpha[: bits.size] = 254 | bits
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 3] = alpha.reshape(size, size).T  # written column by column
    return Image.fromarray(rgba, "RGBA")


def test_stealth_alpha_a1111_and_novelai() -> None:
    text = b"a comet\nSteps: 12, Sampler: Euler, CFG scale: 5, Seed: 5, Size: 64x64"
    r = read_file(png_with({}, image=stealth(text, b"stealth_pnginfo")), "s.png")
    assert [g.seed for g in r.generations] == [5] and r.source_tool == "AUTOMATIC1111"
    nai = {"Software": "NovelAI", "Description": "a moon", "Comment": json.dumps({"steps": 28, "seed": 3, "uc": "x"})}
    r = read_file(png_with({}, image=stealth(gzip.compress(json.dumps(nai).encode()), b"stealth_pngcomp", 96)), "n.png")
    [g] = r.generations
    assert (g.source_tool, g.prompt, g.steps, g.seed) == ("NovelAI", "a moon", 28, 3)


def test_malformed_fields_are_warnings_naming_file_and_field() -> None:
    r = read_file(
        png_with({"prompt": "{not json", "invokeai_metadata": "[1, 2]", "parameters": "no settings here"}), "bad.png"
    )
    assert r.generations == [] and r.source_tool == "unknown"
    joined = " | ".join(r.warnings)
    assert "bad.png: field 'prompt'" in joined and "bad.png: field 'invokeai_metadata'" in joined
    assert "bad.png: field 'parameters'" in joined


def test_json_bomb_truncated_and_lying_files() -> None:
    r = read_file(png_with({"prompt": "[" * 100_000 + "]" * 100_000}), "bomb.png")
    assert r.generations == [] and any("prompt" in w for w in r.warnings)
    good = png_with({"parameters": "x\nSteps: 1, Seed: 1"})
    with pytest.raises(ImageError, match="corrupt or truncated"):
        read_file(good[: len(good) // 2], "half.png")
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, format="JPEG")
    lying = read_file(jpeg.getvalue(), "really-a-jpeg.png")
    assert any("lies about its type" in w for w in lying.warnings)


def test_huge_compressed_text_chunk_is_a_warning_not_an_unreadable_file() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "x" * (2 << 20), zip=True)  # 2 MiB inflated from a few kB: Pillow refuses it
    info.add_text("Software", "painter 2")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, format="PNG", pnginfo=info)
    r = read_file(buffer.getvalue(), "huge.png")
    assert any("'parameters' inflates to more than 1 MiB" in w for w in r.warnings)
    assert r.raw.get("Software") == "painter 2" and (r.width, r.height) == (64, 48)
    assert decode_image(buffer.getvalue(), name="huge.png").size == (64, 48)


def test_comfyui_graph_in_webp_exif() -> None:
    graph = {
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": 5,
                "steps": 9,
                "cfg": 4.5,
                "sampler_name": "euler",
                "scheduler": "simple",
                "denoise": 1.0,
                "model": ["4", 0],
                "positive": ["6", 0],
            },
        },
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a harbour"}},
    }
    exif = Image.Exif()
    exif[0x010F] = "prompt:" + json.dumps(graph)  # ComfyUI's WebP writer: the graph in EXIF Make
    exif[0x010E] = "workflow:{}"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, format="WEBP", exif=exif.tobytes())
    r = read_file(buffer.getvalue(), "c.webp")
    [g] = r.generations
    assert (r.source_tool, g.seed, g.steps, g.model, g.prompt) == ("ComfyUI", 5, 9, "flux.safetensors", "a harbour")


@pytest.mark.parametrize(
    ("tags", "prefixed"),
    [
        ({0x010F: "workflow", 0x0110: "prompt"}, True),  # Make holds the workflow, Model the graph
        ({0x0110: "prompt", 0x010E: "workflow"}, False),  # no prefixes: recognised by their shape
        ({0x010E: "prompt"}, False),
    ],
)
def test_comfyui_graph_in_any_exif_text_tag(external: Path, tags: dict[int, str], prefixed: bool) -> None:
    """Real ComfyUI settings moved into EXIF string tags, as its WebP exports keep them: never a camera."""
    source = Image.open(external / "comfyui" / "img2img_cropped.png")
    exif = Image.Exif()
    for tag, field_name in tags.items():
        exif[tag] = (f"{field_name}:" if prefixed else "") + source.info[field_name]
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "teal").save(buffer, format="WEBP", exif=exif.tobytes())
    r = read_file(buffer.getvalue(), "comfy.webp")
    [g] = r.generations
    assert (r.source_tool, g.seed, g.steps) == ("ComfyUI", 280823642470253, 20)
    assert g.denoise == pytest.approx(0.87)
    assert g.prompt == "photograph of victorian woman with wings, sky clouds, meadow grass"
    assert g.camera_make is None and g.camera_model is None


def test_workflow_alone_in_exif_is_a_warning_not_a_camera(external: Path) -> None:
    source = Image.open(external / "comfyui" / "img2img_cropped.png")
    exif = Image.Exif()
    exif[0x010F] = "workflow:" + source.info["workflow"]
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, format="WEBP", exif=exif.tobytes())
    r = read_file(buffer.getvalue(), "wf.webp")
    assert r.generations == []
    assert any("workflow without its prompt graph" in w for w in r.warnings)


def test_mpo_jpeg_is_checked_for_content_credentials(external: Path) -> None:
    """A camera's multi-picture JPEG (Pillow says MPO) carrying a C2PA manifest is read like any JPEG."""
    from PIL import MpoImagePlugin  # noqa: F401  (registers the MPO writer)

    frames = [Image.new("RGB", (64, 48), c) for c in ("navy", "gold")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    from artproof.interop.c2pa import read_credentials

    signed = (external / "c2pa" / "c2pa-rs" / "C.jpg").read_bytes()
    # the C2PA APP11 segments of a signed file, spliced after SOI of the MPO: its data hash no longer matches,
    # which is the point: the reader must look (and report Invalid), not skip the file as "not a JPEG"
    segments, pos = [], 2
    while signed[pos] == 0xFF and signed[pos + 1] not in (0xDA, 0xD9):
        length = int.from_bytes(signed[pos + 2 : pos + 4], "big")
        if signed[pos + 1] == 0xEB:
            segments.append(signed[pos : pos + 2 + length])
        pos += 2 + length
    mpo = buffer.getvalue()
    spliced = mpo[:2] + b"".join(segments) + mpo[2:]
    r = read_file(spliced, "camera.jpg")
    assert r.format == "MPO"
    assert r.c2pa is not None and r.c2pa.present and r.c2pa.validation_state == "Invalid"
    assert "assertion.dataHash.mismatch" in r.c2pa.failures
    assert read_credentials(spliced, "image/jpeg").present
