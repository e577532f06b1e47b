"""The relational schema (SQLAlchemy Core). Migrations in ``migrations/`` create it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "assets",
    "editions",
    "fingerprints",
    "identities",
    "jobs",
    "ledger_checkpoints",
    "ledger_cosignatures",
    "ledger_entries",
    "ledger_filters",
    "ledger_keys",
    "ledger_lookup",
    "ledger_nodes",
    "ledger_openings",
    "ledger_state",
    "metadata",
    "steps",
    "transfers",
    "witness_state",
    "works",
]

metadata = MetaData()

identities = Table(
    "identities",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("secret", Text, nullable=True),  # EncryptedKey JSON, only for our own identity
    Column("is_self", Boolean, nullable=False, default=False),
    Column("created_at", String(40), nullable=False),
)

assets = Table(
    "assets",
    metadata,
    Column("asset_id", String(80), primary_key=True),
    Column("info", Text, nullable=False),  # AssetInfo JSON
)

works = Table(
    "works",
    metadata,
    Column("work_id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("artist_key_id", String(32), ForeignKey("identities.key_id"), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("master", String(80), nullable=False),
    Column("manifest", Text, nullable=False),  # SignedDocument JSON of the WorkManifest
)

steps = Table(
    "steps",
    metadata,
    Column("work_id", String(32), ForeignKey("works.work_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("step_id", String(80), nullable=False),
    Column("body", Text, nullable=False),  # Step JSON
)

# The ledger ----------------------------------------------------------------

ledger_state = Table(
    "ledger_state",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: the sequencer's lock and head
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
)

# SQLite's rowid only when the key is spelled INTEGER: one B-tree per table, not a table and an index
LEDGER_INDEX = BigInteger().with_variant(Integer(), "sqlite")

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", LEDGER_INDEX, primary_key=True, autoincrement=False),
    Column("entry_id", String(80), nullable=False),  # unique: refused by the sequencer (ledger/lookup.py)
    Column("kind", String(40), nullable=False),
    Column("subject", String(80), nullable=True),  # the work or edition id, for lookups
    Column("data", LargeBinary, nullable=False),  # canonical signed entry: the leaf data
)

ledger_lookup = Table(  # entry ids and subjects by epoch (ledger/lookup.py says why)
    "ledger_lookup",
    metadata,
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("term", String(90), primary_key=True),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

ledger_filters = Table(  # one Bloom filter of entry ids per filled epoch
    "ledger_filters",
    metadata,
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("bits", LargeBinary, nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,
)

jobs = Table(  # the shared registry's queued jobs (deploy/jobs.py); the queue itself is procrastinate's
    "jobs",
    metadata,
    Column("job_id", String(40), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("args", Text, nullable=False),
    Column("owner", String(80), nullable=False),
    Column("title", String(200), nullable=False),
    Column("state", String(12), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_jobs_state", "state", "created_at"),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

ledger_cosignatures = Table(
    "ledger_cosignatures",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("witness", String(200), primary_key=True),
    Column("note", Text, nullable=False),
)

ledger_keys = Table(
    "ledger_keys",
    metadata,
    Column("origin", String(200), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("secret", Text, nullable=False),  # EncryptedKey JSON
    Column("created_at", String(40), nullable=False),
)

ledger_openings = Table(
    "ledger_openings",
    metadata,
    Column("entry_id", String(80), primary_key=True),
    Column("field", String(80), primary_key=True),
    Column("opening", Text, nullable=False),  # clear value + salt; deletable on request
)

witness_state = Table(
    "witness_state",
    metadata,
    Column("origin", String(200), primary_key=True),
    Column("vkey", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
)


# Editions ------------------------------------------------------------------

editions = Table(
    "editions",
    metadata,
    Column("edition_id", String(20), primary_key=True),
    Column("work_id", String(32), ForeignKey("works.work_id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("number", Integer, nullable=False),  # k of N, or the artist's proof's k
    Column("count", Integer, nullable=False),
    Column("artist_proof", Boolean, nullable=False),
    Column("file_blob", String(80), nullable=False),  # the issued file, sealed
    Column("base_blob", String(80), nullable=False),  # its picture before the watermark
    Column("reference_blob", String(80), nullable=False),  # that picture's luminance, short side <= 1024 (reading)
    Column("phash", String(16), nullable=False),
    Column("seed", BigInteger, nullable=True),  # the unique render's seed
    Column("licence", String(40), nullable=False),
    Column("certificate", Text, nullable=False),  # SignedDocument JSON (artproof.coa/1)
    Column("ledger_index", BigInteger, nullable=False),
    Column("issued_at", String(40), nullable=False),
    Column("owner", Text, nullable=False),  # Party JSON: personal data, kept off the ledger
    Column("revoked_at", String(40), nullable=True),
    Column("revoked_reason", Text, nullable=True),
    UniqueConstraint("work_id", "artist_proof", "number", name="uq_editions_number"),
    Index("ix_editions_work", "work_id"),
)

transfers = Table(
    "transfers",
    metadata,
    Column("edition_id", String(20), ForeignKey("editions.edition_id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("document", Text, nullable=False),  # SignedDocument JSON (artproof.transfer/1)
    Column("acceptance", Text, nullable=True),  # the buyer's countersignature, when they have a key
    Column("ledger_index", BigInteger, nullable=False),
    Column("at", String(40), nullable=False),
)


# The fingerprint registry ---------------------------------------------------

fingerprints = Table(
    "fingerprints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # work | edition
    Column("ref", String(32), nullable=False),  # the work id or edition id
    Column("work_id", String(32), nullable=False),
    Column("artist_key_id", String(32), nullable=False),
    Column("phash", String(16), nullable=False),
    Column("dhash", String(16), nullable=False),
    Column("colorhash", String(16), nullable=False),
    Column("crops", Text, nullable=False),  # JSON: the five crop pHashes
    Column("image_blob", String(80), nullable=False),  # the picture itself
    Column("thumb", LargeBinary, nullable=False),  # the picture at 128 px (short side), PNG: the second stage
    Column("features", LargeBinary, nullable=True),  # ORB keypoints (fingerprint.features); NULL before 0008
    Column("registered_at", String(40), nullable=False),
    Index("ix_fingerprints_ref", "ref"),
)


# Model cards ---------------------------------------------------------------

model_cards = Table(
    "model_cards",
    metadata,
    Column("sha256", String(80), primary_key=True),  # "sha256:<hex>" of the weights (a file, or a folder's digest)
    Column("name", String(200), nullable=False),
    Column("card", Text, nullable=False),  # JSON: the ModelCard
    Column("added_at", String(40), nullable=False),
)


# The collector's catalog ----------------------------------------------------

catalog_items = Table(
    "catalog_items",
    metadata,
    Column("item_id", String(16), primary_key=True),
    Column("kind", String(10), nullable=False),  # edition | file
    Column("item", Text, nullable=False),  # JSON: what the item is (CatalogItem), as added
    Column("added_at", String(40), nullable=False),
)

catalog_events = Table(
    "catalog_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(16), nullable=False),
    Column("kind", String(20), nullable=False),  # acquired | valuation | condition | location | loan | document
    Column("on_day", String(10), nullable=False),  # the day it happened
    Column("data", Text, nullable=False),  # JSON
    Column("recorded_at", String(40), nullable=False),  # when it was entered: the audit log
    Index("ix_catalog_events_item", "item_id"),
)

catalog_contacts = Table(
    "catalog_contacts",
    metadata,
    Column("contact_id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("contact", Text, nullable=False),  # JSON: role, email, phone, note
    Column("added_at", String(40), nullable=False),
)

# the web registry (migration 0007) -------------------------------------------------

accounts = Table(
    "accounts",
    metadata,
    Column("username", String(40), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(12), nullable=False),  # artist | collector | admin
    Column("password_hash", Text, nullable=False),  # argon2id (the login check; the key is sealed separately)
    Column("key_id", String(64), nullable=False, unique=True),  # the account's own identity
    Column("created_at", String(40), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the cookie: a database leak signs no one in
    Column("username", String(40), nullable=False),
    Column("csrf", String(64), nullable=False),
    # the account's password sealed (AES-GCM) under a key derived from the cookie token, so that the
    # session can sign; the token is not stored, so the database alone unseals nothing
    Column("sealed", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(40), nullable=False),
    Column("label", String(200), nullable=False),
    Column("sealed", Text, nullable=False),  # the password sealed under the token, as for sessions
    Column("created_at", String(40), nullable=False),
)

exhibitions = Table(
    "exhibitions",
    metadata,
    Column("slug", String(80), primary_key=True),  # the stable URL: /exhibitions/<slug>
    Column("title", String(200), nullable=False),
    Column("essay", Text, nullable=False),
    Column("curator", String(40), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("published_at", String(40), nullable=True),
)

exhibition_works = Table(
    "exhibition_works",
    metadata,
    Column("slug", String(80), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("work_id", String(64), nullable=False),
    Column("wall_text", Text, nullable=False),
)
