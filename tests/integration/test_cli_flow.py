"""The tour of the issue, end to end, through the CLI as a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.inproc import call as run

STEP_KEYS = {"op", "version", "agency", "params", "inputs", "output"}


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("cli") / "home"
    assert run(home, "init", "--name", "Ada Studio").code == 0
    created = run(
        home,
        "create",
        "--engine",
        "cppn",
        "--prompt",
        "tidal dusk, copper and ink",
        "--seed",
        "42",
        "--size",
        "256x256",
        "--json",
    )
    assert created.code == 0, created.stderr
    return home, created.json()["work_id"]


def test_create_prints_the_json_contract(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run(home, "init", "--name", "Ada")
    result = run(home, "create", "--prompt", "tidal dusk, copper and ink", "--seed", "42", "--size", "128x96", "--json")
    assert result.code == 0, result.stderr
    doc = result.json()  # exactly one JSON document on stdout
    assert doc["title"] == "Tidal Dusk"
    assert doc["master"].startswith("sha256:") and len(doc["master"]) == 71
    assert (doc["width"], doc["height"]) == (128, 96)
    assert doc["classification"]["digital_source_type"] == "algorithmicMedia"
    assert set(doc["classification"]) >= {"digital_source_type", "physical_hybrid", "human_decisions", "explanation"}
    [first] = doc["steps"]
    assert set(first) >= STEP_KEYS
    assert first["op"] == "generate.cppn" and first["params"]["seed"] == 42 and first["output"] == doc["master"]

    titled = run(
        home, "create", "--prompt", "tidal dusk", "--seed", "1", "--size", "64x64", "--title", "Tide I", "--json"
    )
    assert titled.json()["title"] == "Tide I"


def test_same_prompt_and_seed_give_the_same_master(tmp_path: Path) -> None:
    masters = []
    for name in ("a", "b"):
        home = tmp_path / name
        run(home, "init", "--name", name)
        masters.append(
            run(home, "create", "--prompt", "glacier memory", "--seed", "9", "--size", "96x96", "--json").json()[
                "master"
            ]
        )
    assert masters[0] == masters[1]


def test_vary_select_crop_show_replay(studio: tuple[Path, str], tmp_path: Path) -> None:
    home, work = studio
    sheet = tmp_path / "sheet.png"
    varied = run(home, "vary", work, "--count", "8", "--seed", "7", "-o", str(sheet), "--json")
    assert varied.code == 0, varied.stderr
    assert sorted(varied.json()["candidates"]) == sorted(f"c{i}" for i in range(1, 9))
    assert Image.open(sheet).size[0] > 512
    master_before = varied.json()["master"]
    assert master_before == varied.json()["steps"][0]["output"]  # variation leaves the master alone

    chosen = run(home, "select", work, "c3", "--json").json()
    assert chosen["master"] == varied.json()["candidates"]["c3"]
    cropped = run(home, "edit", work, "crop", "--box", "0,0,200,180", "--json")
    assert cropped.code == 0, cropped.stderr
    doc = cropped.json()
    assert (doc["width"], doc["height"]) == (200, 180)
    assert [s["op"] for s in doc["steps"]] == ["generate.cppn", "vary.candidates", "human.select", "edit.crop"]
    assert doc["classification"]["human_decisions"] == 2
    assert doc["classification"]["digital_source_type"] == "algorithmicMedia"

    shown = run(home, "work", "show", work, "--json").json()
    assert shown["master"] == doc["master"] and shown["revision"] == 4
    listed = run(home, "work", "list", "--json").json()
    assert work in [w["work_id"] for w in listed]
    human = run(home, "work", "show", work)
    assert "edit.crop" in human.stdout and "algorithmicMedia" in human.stdout

    replayed = run(home, "replay", work, "--json")
    assert replayed.code == 0, replayed.stdout
    statuses = [s["status"] for s in replayed.json()["steps"]]
    assert statuses == ["match", "match", "recorded", "match"]

    exported = tmp_path / "master.png"
    assert run(home, "work", "export", work, "-o", str(exported)).code == 0
    assert Image.open(exported).size == (200, 180)


def test_resize_and_prefix_lookup(studio: tuple[Path, str]) -> None:
    home, work = studio
    result = run(home, "edit", work[:6], "resize", "--size", "100x100", "--json")
    assert result.code == 0, result.stderr
    assert (result.json()["width"], result.json()["height"]) == (100, 100)


def test_identity_show_export_and_add(tmp_path: Path) -> None:
    ada, grace = tmp_path / "ada", tmp_path / "grace"
    run(ada, "init", "--name", "Ada Studio")
    run(grace, "init", "--name", "Grace Collector")
    shown = run(ada, "identity", "show", "--json").json()
    assert shown["name"] == "Ada Studio" and len(shown["key_id"]) == 16
    pub = tmp_path / "ada.pub"
    assert run(ada, "identity", "export-public", "-o", str(pub)).code == 0
    assert json.loads(pub.read_text())["key_id"] == shown["key_id"]
    added = run(grace, "identity", "add", "Ada", str(pub), "--json")
    assert added.code == 0 and added.json()["key_id"] == shown["key_id"]
    listed = run(grace, "identity", "list", "--json").json()
    assert {(i["name"], i["self"]) for i in listed} == {("Grace Collector", True), ("Ada", False)}


def test_ops_lists_every_operation(tmp_path: Path) -> None:
    listing = run(tmp_path / "h", "ops", "--json").json()
    assert {o["op"] for o in listing} >= {
        "generate.cppn",
        "vary.candidates",
        "human.select",
        "edit.crop",
        "edit.resize",
    }
