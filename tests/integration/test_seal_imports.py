"""Every kind of import can be sealed and issued, and the credentials carry the record exactly.

The artist's own renders are the common case: a real tool's metadata (from ../shared) on a
real-sized picture goes through import -> seal -> edition issue, and a marketplace copy of an
edition verifies as that edition. The sealed file's actions carry each step's parameters so
that c2pa gives them back unchanged, and its recipe holds the signed manifest, checkable from
the file alone.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from artproof.core.canonical import canonical_json
from artproof.core.signing import SignedDocument
from artproof.interop.c2pa import read_credentials
from artproof.interop.c2pa_manifest import action_params, recipe_manifest
from artproof.provenance.manifest import check_manifest
from artproof.services import build_services
from artproof.settings import Settings
from tests.factories import line_art
from tests.integration.inproc import call


def picture(seed: int, size: tuple[int, int] = (768, 640)) -> Image.Image:
    """A render-like picture: smooth colour fields, soft shapes and grain (what a generator makes)."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w] / max(w, h)
    channels = []
    for _ in range(3):
        fx, fy, phase = rng.uniform(2, 9), rng.uniform(2, 9), rng.uniform(0, 6.3)
        channels.append(0.5 + 0.35 * np.sin(fx * x + phase) * np.cos(fy * y + phase / 2))
    image = np.stack(channels, axis=2)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(40, 160)
        blob = np.exp(-(((x * max(w, h) - cx) ** 2 + (y * max(w, h) - cy) ** 2) / (2 * r * r)))
        image += blob[..., None] * rng.uniform(-0.4, 0.4, 3)
    image += rng.normal(0, 0.03, image.shape)
    return Image.fromarray((image.clip(0, 1) * 255).astype(np.uint8))


def _png(texts: dict[str, str], seed: int) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    picture(seed).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _texts(external: Path, name: str) -> dict[str, str]:
    return {k: v for k, v in Image.open(external / name).info.items() if isinstance(v, str)}


def a1111(external: Path) -> tuple[str, bytes]:
    return "duck.png", _png(_texts(external, "a1111/automatic1111_cropped.png"), 1)


def comfyui(external: Path) -> tuple[str, bytes]:
    return "ComfyUI_00042_.png", _png(_texts(external, "comfyui/img2img_cropped.png"), 2)


def comfyui_webp(external: Path) -> tuple[str, bytes]:
    texts = _texts(external, "comfyui/img2img_cropped.png")
    exif = Image.Exif()
    exif[0x010F] = "workflow:" + texts["workflow"]  # Make
    exif[0x0110] = "prompt:" + texts["prompt"]  # Model
    buffer = io.BytesIO()
    picture(3).save(buffer, format="WEBP", quality=92, exif=exif.tobytes())
    return "ComfyUI_00043_.webp", buffer.getvalue()


def invokeai(external: Path) -> tuple[str, bytes]:
    return "invoke.png", _png(_texts(external, "invokeai/invokeai_imeta1.png"), 4)


def novelai(external: Path) -> tuple[str, bytes]:
    return "nai.png", _png(_texts(external, "novelai/novelai1_cropped.png"), 5)


def fooocus(external: Path) -> tuple[str, bytes]:
    params = {"prompt": "a lighthouse in fog", "negative_prompt": "", "seed": 77, "steps": 30,
              "sampler": "dpmpp_2m_sde_gpu", "base_model": "juggernautXL_v8Rundiffusion.safetensors",
              "resolution": "(768, 640)", "guidance_scale": 4}  # fmt: skip
    return "fooocus.png", _png({"parameters": json.dumps(params), "fooocus_scheme": "fooocus"}, 6)


def camera(external: Path) -> tuple[str, bytes]:
    exif = Image.open(external / "exif/Canon_40D.jpg").info["exif"]
    buffer = io.BytesIO()
    picture(7).save(buffer, format="JPEG", quality=93, exif=exif)
    return "IMG_0042.jpg", buffer.getvalue()


def content_credentials(external: Path) -> tuple[str, bytes]:
    return "CA.jpg", (external / "c2pa/c2pa-rs/CA.jpg").read_bytes()  # 1024x683, signed by another tool


KINDS: dict[str, tuple[Callable[[Path], tuple[str, bytes]], str]] = {
    "a1111": (a1111, "AUTOMATIC1111"),
    "comfyui": (comfyui, "ComfyUI"),
    "comfyui-webp": (comfyui_webp, "ComfyUI"),
    "invokeai": (invokeai, "InvokeAI"),
    "novelai": (novelai, "NovelAI"),
    "fooocus": (fooocus, "Fooocus"),
    "camera": (camera, "camera"),
    "c2pa": (content_credentials, "make_test_images"),
}


def _marketplace_copy(path: Path, out: Path) -> Path:
    """What a marketplace makes of an edition: cropped to 85% of its width, JPEG q70, no metadata."""
    image = Image.open(path).convert("RGB")
    image.crop((0, 0, int(image.width * 0.85), image.height)).save(out, quality=70)
    return out


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_import_seal_issue_verify(kind: str, external: Path, tmp_path: Path) -> None:
    make, tool = KINDS[kind]
    name, data = make(external)
    home = tmp_path / "artist"
    source = tmp_path / name
    source.write_bytes(data)
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    imported = call(home, "import", str(source), "--json")
    assert imported.code == 0, imported.stderr
    [doc] = imported.json()
    assert doc["source_tool"].startswith(tool), doc
    work = doc["work_id"]
    sealed = call(home, "seal", work, "-o", str(tmp_path / "master.png"), "--json")
    assert sealed.code == 0, sealed.stderr
    assert sealed.json()["validation_state"] == "Trusted"
    report = read_credentials((tmp_path / "master.png").read_bytes(), "image/png")
    [parent] = report.ingredients
    assert (parent["title"], parent["relationship"]) == (name, "parentOf")
    opened = report.actions[0]
    assert opened["action"] == "c2pa.opened"
    recorded = call(home, "work", "show", work, "--json").json()["steps"][0]["params"]
    assert action_params(opened) == recorded  # the import's record, generations and raw metadata, exactly
    if kind == "c2pa":
        assert parent["active_manifest"], "the imported file's own manifest travels with it"
    issued = call(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / "editions"), "--json")
    assert issued.code == 0, issued.stderr
    assert not [n for n in issued.json()["notes"] if "invisible mark" in n]  # a render carries a robust mark
    second = next(e for e in issued.json()["editions"] if e["number"] == 2)
    edition_file = next((tmp_path / "editions").glob("*-2of2.png"))
    copy = _marketplace_copy(edition_file, tmp_path / "copy.jpg")
    verdict = call(home, "verify", str(copy), "--json")
    assert verdict.code == 0, verdict.stdout
    result = verdict.json()
    assert result["verdict"] == "authentic_edition", result["headline"]
    assert result["edition"]["number"] == 2 and result["edition"]["edition_id"] == second["edition_id"]


def test_every_operation_reads_back_exactly(tmp_path: Path) -> None:
    """Each action's parameters as c2pa reads them equal the recorded step; the recipe's manifest checks."""
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    work = call(home, "create", "--prompt", "salt marsh", "--seed", "4", "--size", "320x256", "--json").json()
    work_id = work["work_id"]
    assert call(home, "vary", work_id, "--count", "3", "--seed", "2", "-o", str(tmp_path / "sheet.png")).code == 0
    assert call(home, "select", work_id, "c2").code == 0
    assert call(home, "edit", work_id, "crop", "--box", "10,12,300,250").code == 0
    assert call(home, "edit", work_id, "resize", "--size", "580x476").code == 0
    sealed = call(home, "seal", work_id, "-o", str(tmp_path / "master.png"))
    assert sealed.code == 0, sealed.stderr
    shown = call(home, "work", "show", work_id, "--json").json()
    steps = {s["step_id"]: s for s in shown["steps"]}
    report = read_credentials((tmp_path / "master.png").read_bytes(), "image/png")
    ops = []
    for action in report.actions:
        step = steps[action["parameters"]["org.artproof.step"]]
        ops.append(step["op"])
        assert action_params(action) == step["params"], step["op"]
    assert ops == ["generate.cppn", "vary.candidates", "human.select", "edit.crop", "edit.resize"]
    crop = next(a for a in report.actions if a["action"] == "c2pa.cropped")
    assert action_params(crop) == {"box": [10, 12, 300, 250]}
    document = recipe_manifest(report.assertions["org.artproof.recipe"])
    assert isinstance(document, SignedDocument)
    manifest = check_manifest(document, expected_key_id=shown["artist"]["key_id"])
    assert manifest.work_id == work_id and manifest.revision == shown["revision"]
    stored = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)})).studio.resolve(work_id).manifest
    assert canonical_json(document.model_dump(mode="json")) == canonical_json(stored.model_dump(mode="json"))


def test_a_picture_too_flat_for_a_robust_mark_says_so_and_its_copy_still_verifies(tmp_path: Path) -> None:
    """Line art of pure black on white: the mark cannot go above white or below black, so it lives in the
    edge pixels only and no strength makes it read blind from a JPEG copy (the watermark benchmark's
    horse). The artist is told when the editions are issued; a collector's marketplace copy still
    verifies through the registry (fingerprint, then the mark read with the master)."""
    source = tmp_path / "ink.png"
    Image.fromarray(line_art()).save(source)
    home = tmp_path / "artist"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    imported = call(home, "import", str(source), "--json")
    assert imported.code == 0, imported.stderr
    work = imported.json()[0]["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "master.png")).code == 0
    issued = call(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / "editions"), "--json")
    assert issued.code == 0, issued.stderr
    [note] = [n for n in issued.json()["notes"] if "invisible mark" in n]
    assert note.startswith("the invisible mark of 2 of 2 editions will not read"), note
    plain = call(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / "editions"))
    assert plain.code == 0 and "invisible mark" not in plain.stderr  # an issued set is not marked again
    edition_file = next((tmp_path / "editions").glob("*-2of2.png"))
    copy = _marketplace_copy(edition_file, tmp_path / "copy.jpg")
    verdict = call(home, "verify", str(copy), "--json").json()
    assert verdict["verdict"] == "authentic_edition", verdict["headline"]
    assert verdict["edition"]["number"] == 2
