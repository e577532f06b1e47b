"""What every command module shares: the services, the passphrase, the --json option, a progress bar."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from artproof.cli.render import err
from artproof.errors import ConfigError, InvalidInput
from artproof.settings import Settings
from artproof.store.files import atomic_write, check_output

if TYPE_CHECKING:
    from artproof.ledger.checkpoint import NoteVerifier
    from artproof.services import Services

__all__ = [
    "FORCE",
    "JSON",
    "image_bytes",
    "interactive",
    "load_log_key",
    "passphrase",
    "progress_bar",
    "read_input",
    "services",
    "set_quiet",
    "write_output",
]

JSON = typer.Option(False, "--json", help="print exactly one JSON document on stdout")


def services() -> Services:
    """Every service, built from the environment (imported here: ``--help`` never loads them)."""
    from artproof.services import build_services

    return build_services(Settings.from_env())


def passphrase(*, confirm: bool = False) -> str:
    """ARTPROOF_PASSPHRASE, or a prompt on the terminal; never a silent default."""
    value = os.environ.get("ARTPROOF_PASSPHRASE")
    if value is not None:
        return value
    if not interactive():
        raise ConfigError("a passphrase is needed and there is no terminal to ask on", hint="set ARTPROOF_PASSPHRASE")
    try:
        value = getpass.getpass("Passphrase: ", stream=sys.stderr)
        if confirm and getpass.getpass("Repeat passphrase: ", stream=sys.stderr) != value:
            raise InvalidInput("the two passphrases differ", hint="run the command again")
    except (EOFError, OSError):
        raise ConfigError("no passphrase could be read", hint="set ARTPROOF_PASSPHRASE") from None
    return value


def interactive() -> bool:
    """Whether a person can be asked: standard input is open and a terminal (not closed, not a pipe)."""
    try:
        return sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


_QUIET = {"on": False}


def set_quiet(quiet: bool) -> None:
    """``artproof --quiet``: no progress bars (each command's output is unchanged)."""
    _QUIET["on"] = quiet


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A progress bar on stderr (none with --quiet); yields a callback taking the fraction done."""
    if _QUIET["on"]:
        yield lambda fraction: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=1.0)
        yield lambda fraction: bar.update(task, completed=fraction)


def read_input(path: Path, what: str = "the file") -> bytes:
    """The bytes of a file the user named, or an input error saying which could not be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {what}", value=str(path), hint=exc.strerror or "check the path") from None


def text_or_file(value: str, what: str) -> str:
    """``FILE|TEXT`` options (a statement, a training-data declaration): the text of the file when the
    value names one (UTF-8, at most 100 kB), else the value itself."""
    path = Path(value).expanduser()
    try:
        is_file = len(value) < 4096 and path.is_file()
    except OSError:
        is_file = False
    if not is_file:
        return value
    data = read_input(path, what)
    if len(data) > 100_000:
        raise InvalidInput(f"{what} is too long", value=f"{len(data)} bytes", hint="at most 100 kB of text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} is not UTF-8 text", value=str(path), hint="save it as plain text") from None


def load_log_key(path: Path) -> NoteVerifier:
    """A log's public key from the file the user named (``artproof ledger key -o log.pub``)."""
    from artproof.ledger.checkpoint import NoteVerifier

    return NoteVerifier.from_vkey(read_input(path, "the log key file").decode("utf-8", errors="replace"))


def write_output(path: Path, data: bytes, *, force: bool = False, suffixes: tuple[str, ...] | None = None) -> None:
    """Write a deliverable the user named: checked first (see :func:`check_output`), 0644, atomically."""
    check_output(path, suffixes=suffixes, force=force)
    atomic_write(path, data)


def image_bytes(image: Any, path: Path) -> bytes:
    """An image encoded for the format its file name says (.png, .jpg/.jpeg, .webp; checked before)."""
    from artproof.core.images import FORMATS, encode_as

    return encode_as(image, FORMATS[path.suffix.lower()][0])


FORCE = typer.Option(False, "--force", help="overwrite an existing output file")
