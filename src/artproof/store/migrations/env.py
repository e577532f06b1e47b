"""Alembic environment: runs on the connection artproof hands it."""

from __future__ import annotations

from alembic import context

from artproof.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
