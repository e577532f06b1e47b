"""The web registry, in process (FastAPI's TestClient) and over a real socket (uvicorn on loopback): verify
page and API, certificate pages, the published ledger a stranger verifies against, security headers."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.inproc import call

fastapi = pytest.importorskip("fastapi", reason="the web app's dependencies are not installed")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("web")
    home = root / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    work = call(home, "create", "--prompt", "tide pools", "--seed", "7", "--size", "640x512", "--json").json()
    assert call(home, "seal", work["work_id"], "-o", str(root / "master.png")).code == 0
    issued = call(home, "edition", "issue", work["work_id"], "--count", "2", "-o", str(root / "ed"), "--json").json()
    return {"root": root, "home": home, "edition": issued["editions"][0]["edition_id"],
            "file": next((root / "ed").glob("*1of2.png")), "coa": next((root / "ed").glob("*1of2.coa.json"))}  # fmt: skip


def _client(home: Path) -> object:
    from fastapi.testclient import TestClient

    from artproof.settings import Settings
    from artproof.web.app import create_app

    return TestClient(create_app(Settings.from_env({"ARTPROOF_HOME": str(home)})))


def test_the_verify_api_returns_what_the_cli_does(registry: dict) -> None:
    client = _client(registry["home"])
    data = registry["file"].read_bytes()
    answer = client.post("/api/v1/verify", files={"file": ("copy.png", data, "image/png")})
    assert answer.status_code == 200
    document = answer.json()
    cli = call(registry["home"], "verify", str(registry["file"]), "--json").json()
    assert document["verdict"] == cli["verdict"] == "authentic_edition"
    assert document["edition"] == cli["edition"] and document["channels"].keys() == cli["channels"].keys()
    for name, value in {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}.items():
        assert answer.headers[name] == value
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    junk = client.post("/api/v1/verify", files={"file": ("notes.png", b"not an image", "image/png")})
    assert junk.status_code == 200 and junk.json()["verdict"] == "unreadable"
    assert client.post("/api/v1/verify").status_code == 422  # no file
    spec = client.get("/openapi.json").json()
    assert "/api/v1/verify" in spec["paths"] and "multipart/form-data" in json.dumps(spec["paths"]["/api/v1/verify"])


def test_the_verify_page_and_the_certificate_page(registry: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(registry["home"])
    form = client.get("/verify")
    assert form.status_code == 200 and 'type="file"' in form.text and "Nothing you upload is stored" in form.text
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    files = {"file": ("copy.png", registry["file"].read_bytes(), "image/png"),
             "certificate": ("c.coa.json", registry["coa"].read_bytes(), "application/json")}  # fmt: skip
    assert client.post("/verify", files=files).status_code == 403  # no CSRF token: refused
    page = client.post("/verify", files=files, data={"csrf": token.group(1)})
    assert page.status_code == 200 and "authentic edition" in page.text and "Tide Pools" in page.text
    import io

    from PIL import Image, ImageDraw

    stamped = Image.open(registry["file"]).convert("RGB")  # a seller's stamp over a corner
    ImageDraw.Draw(stamped).rectangle((30, 30, 230, 130), fill=(250, 20, 20))
    buffer = io.BytesIO()
    stamped.save(buffer, format="PNG")
    shown = client.post("/verify", files={"file": ("stamped.png", buffer.getvalue(), "image/png")},
                        data={"csrf": token.group(1)})  # fmt: skip
    assert "<h2>Tampered: " in shown.text, shown.text[-2000:]
    assert shown.text.count("changed in places") == 1  # the headline says it; no list repeats it below
    scripts = re.findall(r"<script[^>]*>", page.text)  # only the vendored HTMX, from this origin; nothing inline
    assert scripts == ['<script src="/static/htmx.min.js" defer>']
    assert client.get("/static/htmx.min.js").status_code == 200
    edition = client.get(f"/v/{registry['edition']}")
    assert edition.status_code == 200 and "Edition 1 of 2" in edition.text and "Certificate SHA-256" in edition.text
    assert f'src="/v/{registry["edition"]}/picture.png"' in edition.text and 'alt="Tide Pools, 1 of 2' in edition.text
    picture = client.get(f"/v/{registry['edition']}/picture.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert client.get("/v/zzzzz-zzzzz-zzzz").status_code == 404
    assert client.get("/v/zzzzz-zzzzz-zzzz/picture.png").status_code == 404
    import artproof.web.api as api

    monkeypatch.setattr(api, "MAX_UPLOAD", 1000)
    small = _client(registry["home"])
    too_big = small.post("/api/v1/verify", files={"file": ("big.png", b"\0" * 5000, "image/png")})
    assert too_big.status_code == 413


def test_the_ledger_is_served_as_published_and_a_stranger_verifies_against_it(registry: dict, tmp_path: Path) -> None:
    client = _client(registry["home"])
    checkpoint = client.get("/ledger/checkpoint")
    assert checkpoint.status_code == 200 and checkpoint.text.count("\n") >= 3
    assert client.get("/ledger/../artproof.db").status_code == 404
    assert client.get("/ledger/%2e%2e/artproof.db").status_code == 404
    with _serving(registry["home"]) as url:
        stranger = tmp_path / "stranger"
        verdict = call(stranger, "verify", str(registry["file"]), "--certificate", str(registry["coa"]), "--mirror",
                       f"{url}/ledger/", "--json")  # fmt: skip
        assert verdict.code == 0, verdict.stdout
        assert verdict.json()["verdict"] == "authentic_edition"


def _serving(home: Path) -> object:
    import contextlib

    import uvicorn

    from artproof.settings import Settings
    from artproof.web.app import create_app

    @contextlib.contextmanager
    def running() -> Iterator[str]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = create_app(Settings.from_env({"ARTPROOF_HOME": str(home)}))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)

    return running()
