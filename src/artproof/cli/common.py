"""What every command module shares: the services, the passphrase, the --json option, a progress bar."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from artproof.cli.render import err
from artproof.errors import ConfigError, InvalidInput
from artproof.ledger.checkpoint import NoteVerifier
from artproof.services import Services, build_services
from artproof.settings import Settings
from artproof.store.files import atomic_write

__all__ = ["JSON", "load_log_key", "passphrase", "progress_bar", "read_input", "services", "write_output"]

JSON = typer.Option(False, "--json", help="print exactly one JSON document on stdout")


def services() -> Services:
    return build_services(Settings.from_env())


def passphrase(*, confirm: bool = False) -> str:
    """ARTPROOF_PASSPHRASE, or a prompt on the terminal; never a silent default."""
    value = os.environ.get("ARTPROOF_PASSPHRASE")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise ConfigError("a passphrase is needed and there is no terminal to ask on", hint="set ARTPROOF_PASSPHRASE")
    value = getpass.getpass("Passphrase: ", stream=sys.stderr)
    if confirm and getpass.getpass("Repeat passphrase: ", stream=sys.stderr) != value:
        raise InvalidInput("the two passphrases differ", hint="run the command again")
    return value


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A progress bar on stderr; yields a callback taking the fraction done."""
    with Progress(TextColumn(label), BarColumn(), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=1.0)
        yield lambda fraction: bar.update(task, completed=fraction)


def read_input(path: Path, what: str = "the file") -> bytes:
    """The bytes of a file the user named, or an input error saying which could not be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {what}", value=str(path), hint=exc.strerror or "check the path") from None


def load_log_key(path: Path) -> NoteVerifier:
    """A log's public key from the file the user named (``artproof ledger key -o log.pub``)."""
    return NoteVerifier.from_vkey(read_input(path, "the log key file").decode("utf-8", errors="replace"))


def write_output(path: Path, data: bytes) -> None:
    """Write a deliverable the user named (0644, atomically); a missing parent folder is created."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput("cannot create the output folder", value=str(path.parent), hint=exc.strerror) from None
    if path.is_dir():
        raise InvalidInput("the output is a folder", value=str(path), hint="name a file")
    atomic_write(path, data)
