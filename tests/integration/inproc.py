"""Running ``artproof`` in this process through ``main(argv)``: what a user types, without a process per call.

The environment is exactly what the user would have (``ARTPROOF_HOME``, the passphrase), stdout and
stderr are captured, and the exit code is ``main``'s return value. Use the subprocess runner
(:mod:`tests.integration.cli`) where the process boundary itself is under test.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

from artproof.cli.app import main
from tests.integration.cli import Result

__all__ = ["call"]


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("ARTPROOF_")}
    for key in saved:
        del os.environ[key]
    os.environ.update(values)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("ARTPROOF_")]:
            del os.environ[key]
        os.environ.update(saved)


def call(home: Path, *args: str, passphrase: str | None = "pw-for-tests", env: dict[str, str] | None = None) -> Result:
    """``artproof *args`` with ``home`` as ARTPROOF_HOME; returns the exit code, stdout and stderr."""
    values = {"ARTPROOF_HOME": str(home), **(env or {})}
    if passphrase is not None:
        values["ARTPROOF_PASSPHRASE"] = passphrase
    stdout, stderr = io.StringIO(), io.StringIO()
    with _environment(values), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(args))
    return Result(code, stdout.getvalue(), stderr.getvalue())
