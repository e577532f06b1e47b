"""The composition root: builds every service once from the settings.

The CLI (and later the web app) call only what this returns, so the two
cannot disagree; files, the database and the clock enter the program here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from artproof.editions.collection import Collection
from artproof.editions.identify import Identification
from artproof.editions.ownership import Ownership
from artproof.editions.service import EditionService
from artproof.editions.store import EditionStore
from artproof.errors import StorageError
from artproof.fingerprint.registry import FingerprintRegistry
from artproof.identity.service import IdentityService
from artproof.ledger.service import LedgerService
from artproof.seal.credentials import CredentialService
from artproof.seal.expiry import LedgerTimeJudge
from artproof.seal.registry import WorkRegistry
from artproof.seal.service import SealService
from artproof.settings import Settings
from artproof.store.blobs import BlobStore, storage_error
from artproof.store.database import open_engine
from artproof.store.repository import SqlStore
from artproof.studio.service import Studio
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
    registry: WorkRegistry
    credentials: CredentialService
    sealing: SealService
    ledger_time: LedgerTimeJudge
    editions: EditionService
    ownership: Ownership
    identification: Identification
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
    ledger = LedgerService(
        engine, identities, clock, origin=settings.log_origin, subject_of=lambda ref: studio.resolve(ref).work_id
    )
    registry = WorkRegistry(ledger, studio, identities, fingerprints, clock)
    credentials = CredentialService(settings.home, identities, clock)
    sealing = SealService(studio, credentials, registry, settings.home, tsa_url=settings.tsa_url)
    log_keys = LogKeys(settings.home, ledger.verifier, clock)  # a collector's home has no log: NotFound
    collection = Collection(settings.home, log_keys, clock)
    edition_store = EditionStore(engine)
    ownership = Ownership(edition_store, ledger, identities, collection, clock)
    identification = Identification(edition_store, fingerprints, studio.blobs)
    editions = EditionService(
        studio, sealing, ledger, registry, identities, edition_store, fingerprints, clock, collection, ownership
    )
    ledger_time = LedgerTimeJudge(registry, credentials.anchors_pem)
    return Services(
        settings=settings,
        identities=identities,
        studio=studio,
        ledger=ledger,
        registry=registry,
        credentials=credentials,
        sealing=sealing,
        ledger_time=ledger_time,
        editions=editions,
        ownership=ownership,
        identification=identification,
        fingerprints=fingerprints,
        verifier=VerifyService(
            studio,
            ledger,
            registry,
            edition_store,
            identification,
            ownership,
            fingerprints,
            credentials.anchors_pem,
            ledger_time,
            log_keys,
        ),
    )
