"""One settings object, read once from the environment.

``ARTPROOF_HOME`` (default ``~/.artproof``) holds the database and the blob
store; ``ARTPROOF_DATABASE_URL`` overrides the SQLite default (PostgreSQL for a
shared registry); ``ARTPROOF_PASSPHRASE`` unlocks the private key without a prompt;
``ARTPROOF_LOG_ORIGIN`` names the ledger (its checkpoint origin) for a shared registry;
``ARTPROOF_BLOB_URL=s3://bucket/prefix`` keeps pictures and documents in an S3-compatible object
store instead of the home's ``blobs`` folder (boto3's own settings reach it: ``AWS_ENDPOINT_URL_S3``...);
``ARTPROOF_JOBS=queue`` sends the web studio's long work to the job queue (``artproof worker``);
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
    blob_url: str | None = None  # s3://bucket/prefix (ARTPROOF_BLOB_URL); None: the home's blobs folder
    jobs: str = "inline"  # ARTPROOF_JOBS: "inline" (the web's long work in the app process) or "queue" (workers)
    public_url: str | None = None  # the public registry (ARTPROOF_PUBLIC_URL): QR codes link to <url>/v/<edition id>
    rate_verify: int = 30  # the web registry: verify requests a minute per address (ARTPROOF_RATE_VERIFY; 0: off)
    rate_login: int = 10  # sign-in and sign-up attempts a minute per address (ARTPROOF_RATE_LOGIN; 0: off)

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
            blob_url=env.get("ARTPROOF_BLOB_URL") or None,
            jobs=_choice(env.get("ARTPROOF_JOBS"), ("inline", "queue"), "ARTPROOF_JOBS"),
            public_url=env.get("ARTPROOF_PUBLIC_URL") or None,
            rate_verify=_count(env.get("ARTPROOF_RATE_VERIFY"), 30, "ARTPROOF_RATE_VERIFY"),
            rate_login=_count(env.get("ARTPROOF_RATE_LOGIN"), 10, "ARTPROOF_RATE_LOGIN"),
        )


def _choice(text: str | None, allowed: tuple[str, ...], name: str) -> str:
    from artproof.errors import ConfigError

    value = (text or allowed[0]).strip().lower()
    if value not in allowed:
        raise ConfigError(f"{name} is one of {', '.join(allowed)}", value=text, hint=f"e.g. {name}={allowed[0]}")
    return value


def _count(text: str | None, default: int, name: str) -> int:
    """A non-negative whole number from the environment, or a message naming the variable."""
    from artproof.errors import ConfigError

    if text is None or text.strip() == "":
        return default
    if not text.strip().isdigit():
        raise ConfigError(f"{name} is a whole number of requests a minute", value=text, hint="e.g. 30, or 0 for none")
    return int(text)
