"""``artproof backup``: the whole home in one encrypted file; verified without restoring; restored into an
empty home. The services are not built here (building them opens the database, and a restore needs
the home left empty until everything checked)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from artproof.cli.common import FORCE, JSON, passphrase
from artproof.cli.render import out, print_json

if TYPE_CHECKING:
    from artproof.backup.service import BackupService

__all__ = ["backup_app"]

backup_app = typer.Typer(no_args_is_help=True, help="Encrypted backups of this home: create, verify, restore.")


def _service() -> BackupService:
    from artproof.backup.service import BackupService
    from artproof.services import utc_now
    from artproof.settings import Settings

    settings = Settings.from_env()
    return BackupService(settings.home, settings.database_url, utc_now)


@backup_app.command("create")
def backup_create(
    output: Path = typer.Option(..., "-o", "--output", help="the backup file to write"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Everything in this home (database, pictures, keys, collection, documents), encrypted with a passphrase."""
    made = _service().create(output, passphrase(confirm=True), force=force)
    if as_json:
        print_json(made)
    else:
        out.print(f"wrote {output}: {made.files} files, {made.bytes:,} bytes, encrypted (keep the passphrase)")


@backup_app.command("verify")
def backup_verify(path: Path, as_json: bool = JSON) -> None:
    """Decrypt and check every file of a backup against its listing, without restoring anything."""
    checked = _service().verify(path, passphrase())
    if as_json:
        print_json(checked)
    else:
        rows = sum(checked.tables.values())
        out.print(f"{path}: intact; {checked.files} files, {checked.bytes:,} bytes, {rows} database rows, "
                  f"made {checked.created_at}")  # fmt: skip


@backup_app.command("restore")
def backup_restore(path: Path, as_json: bool = JSON) -> None:
    """Restore a backup into this home (ARTPROOF_HOME), which must be empty; nothing appears unless all checks."""
    restored = _service().restore(path, passphrase())
    if as_json:
        print_json(restored)
    else:
        out.print(f"restored {restored.files} files into {restored.home}")
