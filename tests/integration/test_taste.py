"""Taste through the CLI: likes, dislikes and choices recorded; rankings follow them."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tests.integration.inproc import call


def _work(home: Path, palette: str, seed: int) -> str:
    made = call(home, "create", "--prompt", "study", "--seed", str(seed), "--size", "128x96", "--json").json()
    grid = call(home, "vary", made["work_id"], "--palette", palette, "--json")
    assert grid.code == 0, grid.stderr
    assert call(home, "select", made["work_id"], "c1").code == 0
    return str(made["work_id"])


def test_likes_and_dislikes_order_new_pictures_and_select_is_learned(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    warm = [_work(home, p, s) for p, s in (("ember", 1), ("autumn", 2), ("sunset", 3))]
    cool = [_work(home, p, s) for p, s in (("ice", 4), ("ocean", 5), ("mono", 6))]
    events = (home / "taste" / "events.jsonl").read_text().splitlines()
    assert len(events) == 6 and all(json.loads(e)["kind"] == "choice" for e in events)  # every select
    for work in warm:
        assert call(home, "taste", "like", work).code == 0
    for work in cool:
        assert call(home, "taste", "dislike", work).code == 0
    fresh_warm, fresh_cool = _work(home, "autumn", 9), _work(home, "ice", 10)
    for work, name in ((fresh_warm, "warm.png"), (fresh_cool, "cool.png")):
        assert call(home, "work", "export", work, "-o", str(tmp_path / name)).code == 0
    ranked = call(home, "taste", "rank", str(tmp_path / "cool.png"), str(tmp_path / "warm.png"), "--json")
    assert ranked.code == 0, ranked.stderr
    doc = ranked.json()
    assert [i["name"] for i in doc["items"]] == [str(tmp_path / "warm.png"), str(tmp_path / "cool.png")]
    assert doc["pairs"] >= 9 and doc["items"][0]["score"] > doc["items"][1]["score"]
    from artproof.taste.features import content_available

    cached = json.loads((home / "taste" / "features.json").read_text())
    lengths = {name: len(v) for name, v in next(iter(cached.values())).items()}
    assert lengths["colour"] == 24 and lengths["style"] == 100
    assert lengths.get("content") == (1280 if content_available() else None)  # the taste extra, when installed
    by_work = call(home, "taste", "rank", fresh_cool, fresh_warm, "--json").json()
    assert by_work["items"][0]["name"] == fresh_warm
    ordered = call(home, "vary", fresh_cool, "--palette", "ice,ember,mono,autumn", "--by-taste", "--json")
    assert ordered.code == 0, ordered.stderr
    step = ordered.json()["steps"][-1]
    assert step["params"]["ordered_by"] == "taste" and sorted(step["params"]["order"]) == [0, 1, 2, 3]
    first_two = {step["params"]["looks"][i]["palette"] for i in step["params"]["order"][:2]}
    assert first_two == {"ember", "autumn"}  # the warm ones first: c1 and c2 on the sheet
    replayed = call(home, "replay", fresh_cool)
    assert replayed.code == 0 and "mismatch" not in replayed.stdout


def test_ranking_without_taste_or_with_one_picture_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    Image.new("RGB", (64, 64), (200, 0, 0)).save(tmp_path / "a.png")
    Image.new("RGB", (64, 64), (0, 0, 200)).save(tmp_path / "b.png")
    none = call(home, "taste", "rank", str(tmp_path / "a.png"), str(tmp_path / "b.png"))
    assert none.code == 2 and "no taste learned yet" in none.stderr
    one = call(home, "taste", "rank", str(tmp_path / "a.png"))
    assert one.code == 2 and "at least two" in one.stderr
    work = call(home, "create", "--prompt", "p", "--seed", "1", "--size", "96x96", "--json").json()["work_id"]
    refused = call(home, "vary", work, "--count", "3", "--by-taste")
    assert refused.code == 2 and "no taste learned yet" in refused.stderr
    assert call(home, "work", "show", work, "--json").json()["revision"] == 1
