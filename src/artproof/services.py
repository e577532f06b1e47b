"""The composition root: builds every service from the settings, each the first time it is used.

The CLI (and later the web app) call only what this returns, so the two cannot disagree; files,
the database and the clock enter the program here. Services are built on first use (and their
modules imported then), so ``artproof identity show`` never loads the watermark, c2pa, FAISS or
NumPy: a command pays for what it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from artproof.errors import ArtproofError, StorageError
from artproof.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from artproof.accounts.service import AccountService
    from artproof.catalog.market import MarketView
    from artproof.catalog.service import CatalogService
    from artproof.deploy.jobs import JobStore
    from artproof.deploy.queue import JobQueue
    from artproof.editions.collection import Collection
    from artproof.editions.identify import Identification
    from artproof.editions.ownership import Ownership
    from artproof.editions.service import EditionService
    from artproof.editions.store import EditionStore
    from artproof.fingerprint.registry import FingerprintRegistry
    from artproof.gallery.exhibitions import ExhibitionService
    from artproof.gallery.service import GalleryService
    from artproof.identity.service import IdentityService
    from artproof.ledger.service import LedgerService
    from artproof.models.cards import ModelCards
    from artproof.pack.service import PackService
    from artproof.seal.credentials import CredentialService
    from artproof.seal.expiry import LedgerTimeJudge
    from artproof.seal.registry import WorkRegistry
    from artproof.seal.service import SealService
    from artproof.store.repository import SqlStore
    from artproof.studio.importing import ImportService
    from artproof.studio.service import Studio
    from artproof.taste.service import TasteService
    from artproof.verify.logkeys import LogKeys
    from artproof.verify.service import VerifyService

__all__ = ["Services", "build_services", "ensure_home", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Services:
    """Every service of one home, wired once; each is built (and its module imported) when first used."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.clock = clock

    @cached_property
    def engine(self) -> Engine:
        from artproof.store.database import open_engine

        return open_engine(self.settings.database_url)

    @cached_property
    def store(self) -> SqlStore:
        from artproof.store.repository import SqlStore

        return SqlStore(self.engine)

    @cached_property
    def model_cards(self) -> ModelCards:
        from artproof.models.cards import ModelCards

        return ModelCards(self.engine, self.clock)

    @cached_property
    def identities(self) -> IdentityService:
        from artproof.identity.service import IdentityService

        return IdentityService(self.store, self.clock)

    @cached_property
    def studio(self) -> Studio:
        from artproof.store.blobs import open_blobs
        from artproof.studio.service import Studio

        blobs = open_blobs(self.settings.blob_url, self.settings.blob_dir)
        studio = Studio(self.store, blobs, self.identities, self.clock)
        studio.choice_observers.append(lambda work_id, chosen, offered: self.taste.chose(work_id, chosen, offered))
        studio.taste_ranker = lambda images: self.taste.order(images)
        return studio

    @cached_property
    def taste(self) -> TasteService:
        from artproof.taste.service import TasteService

        return TasteService(self.settings.home, self.studio, self.clock)

    @cached_property
    def importing(self) -> ImportService:
        from artproof.studio.importing import ImportService

        return ImportService(
            self.studio, self.credentials.anchors_pem, self.ledger_time, self.registry.prior_registrations
        )

    @cached_property
    def jobs(self) -> JobStore:
        from artproof.deploy.jobs import JobStore

        return JobStore(self.engine, self.clock)

    @cached_property
    def queue(self) -> JobQueue:
        from artproof.deploy.queue import JobQueue

        return JobQueue(self.settings, self.jobs)

    @cached_property
    def fingerprints(self) -> FingerprintRegistry:
        from artproof.fingerprint.registry import FingerprintRegistry

        return FingerprintRegistry(self.engine, self.studio.blobs)

    @cached_property
    def ledger(self) -> LedgerService:
        from artproof.ledger.service import LedgerService

        return LedgerService(
            self.engine,
            self.identities,
            self.clock,
            origin=self.settings.log_origin,
            subject_of=lambda ref: self.studio.resolve(ref).work_id,
        )

    @cached_property
    def registry(self) -> WorkRegistry:
        from artproof.seal.registry import WorkRegistry

        return WorkRegistry(self.ledger, self.studio, self.identities, self.fingerprints, self.clock)

    @cached_property
    def credentials(self) -> CredentialService:
        from artproof.seal.credentials import CredentialService

        return CredentialService(self.settings.home, self.identities, self.clock)

    @cached_property
    def sealing(self) -> SealService:
        from artproof.seal.service import SealService

        return SealService(
            self.studio, self.credentials, self.registry, self.settings.home, tsa_url=self.settings.tsa_url
        )

    @cached_property
    def log_keys(self) -> LogKeys:
        from artproof.verify.logkeys import LogKeys

        return LogKeys(self.settings.home, self.ledger.verifier, self.clock)  # a collector's home has no log

    @cached_property
    def collection(self) -> Collection:
        from artproof.editions.collection import Collection

        return Collection(self.settings.home, self.log_keys, self.clock)

    @cached_property
    def edition_store(self) -> EditionStore:
        from artproof.editions.store import EditionStore

        return EditionStore(self.engine)

    @cached_property
    def ownership(self) -> Ownership:
        from artproof.editions.ownership import Ownership

        return Ownership(self.edition_store, self.ledger, self.identities, self.collection, self.clock)

    @cached_property
    def identification(self) -> Identification:
        from artproof.editions.identify import Identification

        return Identification(self.edition_store, self.fingerprints, self.studio.blobs)

    @cached_property
    def editions(self) -> EditionService:
        from artproof.editions.service import EditionService

        return EditionService(
            self.studio,
            self.sealing,
            self.ledger,
            self.registry,
            self.identities,
            self.edition_store,
            self.fingerprints,
            self.clock,
            self.collection,
            self.ownership,
            models_of=self.model_cards.of_steps,
        )

    @cached_property
    def catalog(self) -> CatalogService:
        from artproof.catalog.service import CatalogService

        return CatalogService(
            self.engine,
            self.studio.blobs,
            self.clock,
            verify=lambda data, name, certificate, **where: self.verifier.verify(data, name, certificate, **where),
            edition=self.editions.show,
            sales=self._sales,
            public_url=self.settings.public_url,
            holder=lambda: acting.key_id if (acting := self.identities.acting()) is not None else None,
        )

    def _sales(self, query: str) -> MarketView:
        from artproof.catalog.market import market

        return market(query, self.edition_store.all(), self.ownership.chain)

    @cached_property
    def packs(self) -> PackService:
        from artproof.pack.service import PackService

        return PackService(
            self.editions,
            self.studio.blobs,
            self.settings.public_url,
            studio=self.studio,
            registry=self.registry,
            ledger=self.ledger,
            ownership=self.ownership,
            model_cards=self.model_cards,
            identities=self.identities,
            ca_pem=lambda: self.credentials.registry_ca_pem(),
            sign_pdf=self.sealing.sign_document,
            seal=lambda ref, path, secret: self.sealing.seal(ref, path, passphrase=secret),
        )

    @cached_property
    def ledger_time(self) -> LedgerTimeJudge:
        from artproof.seal.expiry import LedgerTimeJudge

        return LedgerTimeJudge(self.registry, self.credentials.anchors_pem)

    @cached_property
    def accounts(self) -> AccountService:
        from artproof.accounts.service import AccountService

        return AccountService(self.engine, self.identities, self.clock)

    @cached_property
    def gallery(self) -> GalleryService:
        from artproof.gallery.service import GalleryService

        def owner_name(key_id: str | None, recorded: str) -> str:
            """An owner is named in public only when they hold an account here (they joined in public)."""
            account = self.accounts.by_key(key_id) if key_id else None
            return account.display_name if account is not None else "a private collector"

        return GalleryService(self.studio, self.registry, self.ledger, self.edition_store, owner_name)

    @cached_property
    def exhibitions(self) -> ExhibitionService:
        from artproof.gallery.exhibitions import ExhibitionService

        def name_of(username: str) -> str:
            try:
                return self.accounts.get(username).display_name
            except ArtproofError:
                return username

        return ExhibitionService(self.engine, self.gallery, self.clock, name_of)

    @cached_property
    def verifier(self) -> VerifyService:
        from artproof.verify.service import VerifyService

        return VerifyService(
            self.studio,
            self.ledger,
            self.registry,
            self.edition_store,
            self.identification,
            self.ownership,
            self.fingerprints,
            self.credentials.anchors_pem,
            self.ledger_time,
            self.log_keys,
        )


def ensure_home(settings: Settings) -> None:
    """The home folder made (or refused with a message) before anything is written into it."""
    from artproof.store.blobs import storage_error

    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, settings.home) from exc
    if not settings.home.is_dir():
        raise StorageError("ARTPROOF_HOME is not a directory", value=str(settings.home), hint="point it at a directory")


def build_services(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Services:
    """The services of the home ``settings`` names; the home folder is made (or refused) here, at once."""
    ensure_home(settings)
    services = Services(settings, clock)
    services.engine  # noqa: B018  (open the database now: a wrong URL or an old schema fails before any work)
    return services
