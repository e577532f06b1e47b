"""The composition root: builds every service once from the settings.

The CLI (and later the web app) call only what this returns, so the two
cannot disagree; files, the database and the clock enter the program here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from artproof.credentials import CredentialService
from artproof.editions.collection import Collection
from artproof.editions.service import EditionService
from artproof.editions.store import EditionStore
from artproof.errors import StorageError
from artproof.expiry import LedgerTimeJudge
from artproof.fingerprint.registry import FingerprintRegistry
from artproof.identities import IdentityService
from artproof.ledger.service import LedgerService
from artproof.sealing import SealService
from artproof.settings import Settings
from artproof.store.blobs import BlobStore, storage_error
from artproof.store.database import open_engine
from artproof.store.repository import SqlStore
from artproof.studio import Studio
from artproof.verify.logkeys import LogKeys
from artproof.verify.service import VerifyService

__all__ = ["Services", "build_services", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    identities: IdentityService
    studio: Studio
    ledger: LedgerService
    credentials: CredentialService
    sealing: SealService
    ledger_time: LedgerTimeJudge
    editions: EditionService
    fingerprints: FingerprintRegistry
    verifier: VerifyService


def build_services(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Services:
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, settings.home) from exc
    if not settings.home.is_dir():
        raise StorageError("ARTPROOF_HOME is not a directory", value=str(settings.home), hint="point it at a directory")
    engine = open_engine(settings.database_url)
    store = SqlStore(engine)
    identities = IdentityService(store, clock)
    studio = Studio(store, BlobStore(settings.blob_dir), identities, clock)
    fingerprints = FingerprintRegistry(engine, studio.blobs)
    ledger = LedgerService(engine, identities, studio, clock, fingerprints, origin=settings.log_origin)
    credentials = CredentialService(settings.home, identities, clock)
    sealing = SealService(studio, credentials, ledger, settings.home, tsa_url=settings.tsa_url)
    log_keys = LogKeys(settings.home, ledger.verifier, clock)  # a collector's home has no log: NotFound
    collection = Collection(settings.home, log_keys, clock)
    editions = EditionService(
        studio, sealing, ledger, identities, EditionStore(engine), fingerprints, clock, collection
    )
    ledger_time = LedgerTimeJudge(ledger, credentials.anchors_pem)
    return Services(
        settings=settings,
        identities=identities,
        studio=studio,
        ledger=ledger,
        credentials=credentials,
        sealing=sealing,
        ledger_time=ledger_time,
        editions=editions,
        fingerprints=fingerprints,
        verifier=VerifyService(
            studio,
            ledger,
            editions,
            fingerprints,
            credentials.anchors_pem,
            ledger_time,
            log_keys,
        ),
    )
