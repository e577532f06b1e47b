"""One settings object, read once from the environment.

``ARTPROOF_HOME`` (default ``~/.artproof``) holds the database and the blob
store; ``ARTPROOF_DATABASE_URL`` overrides the SQLite default (PostgreSQL for a
shared registry); ``ARTPROOF_PASSPHRASE`` unlocks the private key without a prompt;
``ARTPROOF_LOG_ORIGIN`` names the ledger (its checkpoint origin) for a shared registry;
``ARTPROOF_TSA_URL`` asks a timestamp authority to countersign seals (needs a network; none by default).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    passphrase: str | None = None
    log_origin: str | None = None
    tsa_url: str | None = None
    public_url: str | None = None  # the public registry (ARTPROOF_PUBLIC_URL): QR codes link to <url>/v/<edition id>

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("ARTPROOF_HOME") or Path.home() / ".artproof").expanduser()
        url = env.get("ARTPROOF_DATABASE_URL") or f"sqlite:///{home / 'artproof.db'}"
        return cls(
            home=home,
            database_url=url,
            passphrase=env.get("ARTPROOF_PASSPHRASE"),
            log_origin=env.get("ARTPROOF_LOG_ORIGIN"),
            tsa_url=env.get("ARTPROOF_TSA_URL") or None,
            public_url=env.get("ARTPROOF_PUBLIC_URL") or None,
        )
