"""Shared fixtures: factories for identities, studios and tiny images."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

# Keep every test single-threaded and off the user's real data.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

PASSPHRASE = "correct horse battery staple"


class FakeClock:
    """A clock that ticks one second per reading: records get distinct, known times."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def services(home: Path) -> Iterator[object]:
    from artproof.services import build_services
    from artproof.settings import Settings

    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}), clock=FakeClock())
    svc.identities.init("Ada Studio", PASSPHRASE)
    yield svc


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine the ledger supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    yield from _fresh_postgres()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (the shared registry's tests)."""
    yield from _fresh_postgres()


def _fresh_postgres() -> Iterator[str]:
    base = os.environ.get("ARTPROOF_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required under CI: make test starts it (scripts/pg-test.sh)")
        pytest.skip("no PostgreSQL: run through 'make test', which starts a private one")
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:16]
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


SHARED = Path(__file__).parents[1].parent / "shared" / "fixtures" / "external"


@pytest.fixture(scope="session")
def external() -> Path:
    """The other tools' real files in ../shared (read-only); required under CI."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"../shared/fixtures/external is missing under CI (looked in {SHARED})")
        pytest.skip("../shared/fixtures/external is not beside this checkout")
    return SHARED


@pytest.fixture
def poppler() -> None:
    """poppler-utils (pdftoppm, pdftotext, pdfinfo), which ``make test`` installs; required under CI."""
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils is missing: scripts/system-deps.sh installs it (make test)")
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server on loopback: the one ``make test`` started, or moto's server started here."""
    given = os.environ.get("ARTPROOF_TEST_S3_ENDPOINT")
    if given:
        yield given
        return
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    server = Path(sys.executable).parent / "moto_server"
    if not server.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("moto_server is required under CI: the dev extra installs moto[server]")
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh bucket; AWS settings in the environment; returns the ARTPROOF_ settings that use it."""
    import uuid

    import boto3

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": s3_endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    bucket = "artproof-" + uuid.uuid4().hex[:12]
    boto3.client("s3").create_bucket(Bucket=bucket)
    return {"ARTPROOF_BLOB_URL": f"s3://{bucket}/registry"}
