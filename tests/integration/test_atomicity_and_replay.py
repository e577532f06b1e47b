"""Nothing half-written: interrupted writes, a full disk, two writers at once; replay mismatches."""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from artproof.core.keys import decrypt_private_key
from artproof.errors import StorageError
from artproof.provenance.manifest import build_manifest, sign_manifest
from artproof.provenance.model import Step
from artproof.store.repository import SqlStore
from tests.conftest import PASSPHRASE
from tests.integration.cli import run


def create(svc: Any, seed: int = 5) -> str:
    manifest = svc.studio.create(
        engine="cppn", prompt="moss and bone", seed=seed, size="96x96", title=None, passphrase=PASSPHRASE
    )
    return str(manifest.work_id)


def test_interrupted_save_leaves_the_work_unchanged(services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    work = create(services)
    before = services.studio.resolve(work)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the user pressed Ctrl-C, or the process was killed, mid-save

    monkeypatch.setattr(SqlStore, "save_work", crash)
    with pytest.raises(KeyboardInterrupt):
        services.studio.edit(work, "edit.crop", {"box": [0, 0, 50, 50]}, passphrase=PASSPHRASE)
    monkeypatch.undo()
    after = services.studio.resolve(work)
    assert (after.revision, after.master) == (before.revision, before.master)
    assert len(services.studio.manifest(work).steps) == 1


def test_full_disk_while_recording(services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    work = create(services)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StorageError, match="disk is full"):
        services.studio.edit(work, "edit.resize", {"width": 64, "height": 64}, passphrase=PASSPHRASE)
    monkeypatch.undo()
    assert services.studio.resolve(work).revision == 1


def test_concurrent_revision_is_refused_not_merged(services: Any) -> None:
    work = create(services)
    record = services.studio.resolve(work)
    stale = dataclasses.replace(record, revision=3)  # as if built on a revision that moved on
    with pytest.raises(StorageError, match="changed by another command"):
        services.studio.store.save_work(stale, [], [])


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada")
    work = run(home, "create", "--prompt", "slate", "--seed", "1", "--size", "128x128", "--json").json()["work_id"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTPROOF_")}
    env.update(ARTPROOF_HOME=str(home), ARTPROOF_PASSPHRASE="pw-for-tests")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "artproof.cli.app", "edit", work, "crop", "--box", f"0,0,{100 + i},100"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    ok = sum(1 for code, _ in outcomes if code == 0)
    refused = [msg for code, msg in outcomes if code != 0]
    assert ok >= 1
    assert all("changed by another command" in m or "busy" in m for m in refused), refused
    shown = run(home, "work", "show", work, "--json").json()  # signature and graph still check
    assert shown["revision"] == 1 + ok == len(shown["steps"])


def test_replay_reports_a_mismatch(services: Any) -> None:
    """A record whose parameters no longer produce its image (re-signed, so only replay can tell)."""
    work = create(services)
    manifest = services.studio.manifest(work)
    me = services.identities.me()
    key = decrypt_private_key(me.secret, PASSPHRASE)
    body = manifest.steps[0].model_dump(mode="json")
    body["params"] = {**body["params"], "seed": 6}
    altered = Step.create(**{k: v for k, v in body.items() if k != "step_id"})
    forged = build_manifest(
        work_id=manifest.work_id,
        title=manifest.title,
        artist=manifest.artist,
        created_at=manifest.created_at,
        revision=manifest.revision + 1,
        steps=[altered],
        assets=manifest.assets,
        master=manifest.master,
    )
    record = services.studio.resolve(work)
    services.studio.store.save_work(
        dataclasses.replace(record, revision=record.revision + 1, manifest=sign_manifest(forged, key)),
        [],
        [],
    )
    _, results = services.studio.replay(work)
    [result] = results
    assert result.status == "mismatch"
    assert "same runtime" in result.detail


def test_replay_across_runtimes_uses_the_perceptual_tolerance(services: Any) -> None:
    """Recorded elsewhere: bits may differ, pHash within tolerance is a perceptual match."""
    from artproof.provenance.model import Runtime
    from artproof.provenance.replay import _compare

    work = create(services)
    manifest = services.studio.manifest(work)
    image = services.studio.load_image(manifest.master)
    nudged = image.point(lambda v: min(255, v + 1))  # last-bit differences, as another FPU might give
    elsewhere = Runtime(machine="aarch64", system="Darwin", numpy="1.26.4", pillow="10.1.0")
    status, detail = _compare(manifest, [nudged], [manifest.master], elsewhere, 6)
    assert status == "perceptual_match" and "aarch64" in detail
    status, _ = _compare(manifest, [nudged], [manifest.master], manifest.steps[0].runtime, 6)
    assert status == "mismatch"
