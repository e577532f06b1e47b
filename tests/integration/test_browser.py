"""The web registry end to end in a real browser: Playwright driving Debian's chromium (headless; no
browser is ever downloaded) against ``artproof serve`` on loopback.

An artist signs up, generates, varies, picks, seals, issues an edition and curates an exhibition; a
collector signs up; the artist transfers edition 1 to them; a stranger verifies that edition's file
after it was re-encoded as a JPEG, and opens its certificate page from the QR code the page shows.
Every page is screenshotted (set ARTPROOF_UPDATE_SCREENSHOTS=1 to write them to docs/screenshots/),
checked for images without alt text and form fields without labels.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("fastapi", reason="the web app's dependencies are not installed")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = "operator passphrase"
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)"""
NO_ALT = "() => [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src)"


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing: scripts/system-deps.sh installs it (make test)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    import uvicorn

    from artproof.services import build_services
    from artproof.settings import Settings
    from artproof.web.app import create_app

    home = tmp_path_factory.mktemp("browser-registry")
    settings = Settings.from_env({"ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": OPERATOR})
    build_services(settings).identities.init("The Registry", OPERATOR)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", home
    server.should_exit = True
    thread.join(10)


class Shots:
    """Screenshots of each page: always to a temporary folder, to docs/screenshots/ when asked."""

    def __init__(self, folder: Path) -> None:
        self.folders = [folder]
        if os.environ.get("ARTPROOF_UPDATE_SCREENSHOTS") == "1":
            self.folders.append(ROOT / "docs" / "screenshots")

    def take(self, page: Any, name: str) -> None:
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_ALT) == [], f"{name}: images without alt text"
        assert page.evaluate(UNLABELLED) == [], f"{name}: form fields without a label"
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _sign_up(page: Any, base: str, username: str, name: str, role: str, shots: Shots | None = None) -> None:
    page.goto(f"{base}/signup")
    page.fill("#username", username)
    page.fill("#display_name", name)
    page.fill("#password", "a long password")
    page.check(f"input[name=role][value={role}]")
    if shots:
        shots.take(page, "signup")
    page.click("form.stack button[type=submit]")


def _decode_qr(png: bytes) -> str:
    """The QR code's text: OpenCV's two detectors on the picture, binarised, and at half size (each of
    them alone misses a few percent of the codes a screen shows)."""
    import cv2

    grey = np.pad(np.asarray(Image.open(io.BytesIO(png)).convert("L")), 40, constant_values=255)
    binary = ((grey > 128) * 255).astype(np.uint8)
    half = cv2.resize(binary, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    for picture in (grey, binary, half):
        for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
            text, _, _ = detector.detectAndDecode(picture)
            if text:
                return str(text)
    return ""


def test_sign_up_generate_vary_pick_seal_issue_transfer_verify_and_follow_the_qr(
    chromium: str, server: tuple[str, Path], tmp_path: Path
) -> None:
    base, home = server
    shots = Shots(tmp_path / "shots")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]  # fmt: skip
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        artist = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        errors: list[str] = []
        artist.on("pageerror", lambda e: errors.append(str(e)))
        artist.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        _sign_up(artist, base, "ada", "Ada Okonkwo", "artist", shots)
        artist.wait_for_url(f"{base}/studio")
        artist.fill("textarea[name=prompt]", "tidal dusk, copper and ink")
        artist.select_option("select[name=engine]", "neural")
        artist.fill("input[name=seed]", "42")
        artist.select_option("select[name=size]", "512x512")
        shots.take(artist, "studio")
        artist.click("form.grid-form button[type=submit]")
        artist.wait_for_url(re.compile(r".*/studio/works/\w+$"), timeout=60_000)  # the job page redirects (HTMX)
        work_url = artist.url
        work_id = work_url.rsplit("/", 1)[1]

        artist.select_option("select[name=count]", "4")
        artist.click("text=Make variations")
        artist.wait_for_url(re.compile(r".*/studio/works/\w+#candidates$"), timeout=60_000)
        assert artist.locator("ul.candidates button.pick").count() == 4
        shots.take(artist, "studio-candidates")
        artist.click("button[aria-label='pick candidate 2']")
        artist.wait_for_url(work_url)
        assert artist.locator("ul.candidates").count() == 0  # picked: the grid is gone

        artist.goto(f"{work_url}?detect=holes&sensitivity=0.5")
        shots.take(artist, "studio-restore-preview")
        assert artist.locator("#mask img.mask").count() == 1

        artist.click("text=Seal and register revision")
        artist.wait_for_url(work_url)
        assert "is sealed and registered" in artist.inner_text("main")
        artist.fill("input[name=count]", "3")
        artist.click("form.row >> text=Issue")
        artist.wait_for_url(f"{base}/works/{work_id}#editions", timeout=120_000)
        shots.take(artist, "work")
        first = artist.locator("table.rows a", has_text="1 of 3").get_attribute("href")
        assert first is not None
        edition_id = first.rsplit("/", 1)[1]

        artist.goto(f"{base}/exhibitions")
        artist.fill("#ex-title", "Low Water")
        artist.fill("#ex-essay", "Pictures of estuaries at the ebb.\n\nEach with its own record.")
        artist.click("text=Create a draft")
        artist.fill("#hang-text", "The third of four variations.")
        artist.click("text=Hang it")
        artist.click("text=Publish at this address")
        shots.take(artist, "exhibition")
        exhibition_url = artist.url

        collector_context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        collector = collector_context.new_page()
        _sign_up(collector, base, "grace", "Grace Gallery", "collector")
        collector.wait_for_url(f"{base}/collection")

        artist.goto(f"{base}{first}")
        artist.fill("#to", "grace")
        artist.fill("#price", "900")
        artist.fill("#currency", "EUR")
        artist.click("text=Sign the transfer")
        artist.wait_for_url(f"{base}{first}")
        assert "Held by Grace Gallery" in artist.inner_text("main") and "EUR 900" in artist.inner_text("main")
        assert artist.locator("text=Sign the transfer").count() == 0  # no longer the owner
        shots.take(artist, "certificate")

        collector.goto(f"{base}/collection")
        assert "1 of 3" in collector.inner_text("main")
        collector.click("text=Add to my catalog")
        collector.fill("input[name=fmv]", "1500")
        collector.fill("input[name=insurance]", "2000")
        collector.click("form.compact button:text-is('Value')")
        collector.fill("input[name=location]", "Gallery, east wall")
        collector.click("form.compact button:text-is('Move')")
        catalog = collector.inner_text("table.catalog")
        assert "EUR 1500" in catalog and "EUR 2000" in catalog and "Gallery, east wall" in catalog
        shots.take(collector, "collection-phone")
        collector.goto(exhibition_url)
        assert "The third of four variations." in collector.inner_text("main")
        shots.take(collector, "exhibition-phone")

        # a stranger with a re-encoded copy of edition 1
        edition_file = next((home / "web" / "editions" / work_id).glob("*1of3.png"))
        copy = tmp_path / "reposted.jpg"
        Image.open(edition_file).convert("RGB").save(copy, quality=82)
        stranger = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2).new_page()
        stranger.goto(f"{base}/verify")
        stranger.set_input_files("#file", str(copy))
        stranger.click("form.verify button[type=submit]")
        stranger.wait_for_selector("section.verdict")
        assert "authentic edition" in stranger.inner_text("section.verdict").lower()
        shots.take(stranger, "verify")
        stranger.click(f"a[href='/v/{edition_id}']")
        source = stranger.locator("figure.qr img").get_attribute("src")  # the code this page shows, as served
        svg = stranger.request.get(f"{base}{source}").body()
        scanner = browser.new_context(device_scale_factor=2).new_page()  # shown large on a plain page, as scanned
        scanner.set_content(f'<body style="margin:0;background:#fff"><img id="qr" width="480" height="480" '
                            f'src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}"></body>')  # fmt: skip
        link = _decode_qr(scanner.locator("#qr").screenshot())
        assert link == f"{base}/v/{edition_id}"
        stranger.goto(link)
        assert "certificate of authenticity" in stranger.inner_text("main").lower()

        for name, path in (
            ("home", "/"),
            ("gallery", "/gallery"),
            ("ledger", "/ledger"),
            ("ledger-entry", "/ledger/view/0"),
        ):
            stranger.goto(f"{base}{path}")
            shots.take(stranger, name)
        assert errors == [], errors
        browser.close()
