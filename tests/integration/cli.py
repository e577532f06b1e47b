"""Running the installed ``artproof`` command as a user would: a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTPROOF = [sys.executable, "-m", "artproof.cli.app"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(
    home: Path,
    *args: str,
    passphrase: str | None = "pw-for-tests",
    env: dict[str, str] | None = None,
    timeout: float = 120,
    at: str | None = None,
) -> Result:
    """Run ``artproof *args`` with ``home``; ``at`` runs it under libfaketime at that UTC time."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARTPROOF_")}
    environment.update({"ARTPROOF_HOME": str(home), "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "200"})
    if passphrase is not None:
        environment["ARTPROOF_PASSPHRASE"] = passphrase
    environment.update(env or {})
    prefix = ["faketime", at] if at is not None else []
    if at is not None:
        environment["TZ"] = "UTC"
    done = subprocess.run(
        [*prefix, *ARTPROOF, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Result(done.returncode, done.stdout, done.stderr)
