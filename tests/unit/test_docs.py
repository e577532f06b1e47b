"""Documentation is checked: every CLI command and every operation is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from artproof.cli.app import app
from artproof.ops import all_operations

DOCS = Path(__file__).parents[2] / "docs"


def command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            paths.extend(f"{name} {child}" for child in sub)
        else:
            paths.append(name)
    return paths


def test_every_command_has_a_section_in_docs_cli() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [p for p in command_paths() if f"## `artproof {p}" not in text]
    assert not missing, f"undocumented commands: {missing}"
    assert len(command_paths()) >= 14


def test_every_operation_is_in_docs_provenance() -> None:
    text = (DOCS / "provenance.md").read_text()
    missing = [f"{c.name}` {c.version}" for c in all_operations() if f"`{c.name}` {c.version}" not in text]
    assert not missing, f"undocumented operations: {missing}"


def test_schema_head_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from artproof.store.database import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD  # type: ignore[arg-type]


def test_every_web_page_is_in_docs_web() -> None:
    """Every page route of the web app (not the API, whose document is /openapi.json) is described."""
    import re

    import pytest

    pytest.importorskip("fastapi")
    from fastapi.routing import APIRoute

    import artproof.web.accounts as accounts
    import artproof.web.collection as collection
    import artproof.web.public as public
    import artproof.web.studio as studio

    text = (DOCS / "web.md").read_text()
    documented = set(re.findall(r"`(/[^`?\s]*)", re.sub(r"<[^>]+>", "{}", text)))
    pages = {
        re.sub(r"\{[^}]+\}", "{}", r.path)
        for module in (public, accounts, studio, collection)
        for r in module.router.routes
        if isinstance(r, APIRoute) and "GET" in r.methods
    }
    missing = sorted(p for p in pages if p not in documented and p.replace("{}.png", "{}") not in documented)
    assert not missing, f"pages missing from docs/web.md: {missing}"
