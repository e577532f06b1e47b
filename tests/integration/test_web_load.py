"""A bounded load test: 50 verify uploads at once against a real server on loopback, none failing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app's dependencies are not installed")
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "web_load.py"


def test_fifty_concurrent_verify_uploads_all_answer(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("web_load", BENCH)
    assert spec is not None and spec.loader is not None
    web_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(web_load)
    data = web_load.prepare(tmp_path / "home", "512x512")
    with web_load.Serving(tmp_path / "home") as base:
        measured = web_load.load(base, data, uploads=50, concurrency=50)
    assert measured["errors"] == 0
    assert measured["verdicts"] == ["authentic_edition"]
    assert measured["p50"] <= measured["p95"] <= measured["wall"]
