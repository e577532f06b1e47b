"""The relational schema (SQLAlchemy Core). Migrations in ``migrations/`` create it."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text

__all__ = ["assets", "identities", "metadata", "steps", "works"]

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
