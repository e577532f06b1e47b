"""``artproof account``: the web registry's accounts, made and listed by the operator on its machine."""

from __future__ import annotations

import getpass
import os
import sys

import typer

from artproof.cli.common import JSON, interactive, services
from artproof.cli.render import out, print_json
from artproof.errors import ConfigError, InvalidInput

__all__ = ["account_app"]

account_app = typer.Typer(no_args_is_help=True, help="Accounts of the web registry (artproof serve).")


def _password() -> str:
    """ARTPROOF_ACCOUNT_PASSWORD, or asked twice on the terminal."""
    value = os.environ.get("ARTPROOF_ACCOUNT_PASSWORD")
    if value is not None:
        return value
    if not interactive():
        raise ConfigError("the account's password is needed", hint="set ARTPROOF_ACCOUNT_PASSWORD")
    value = getpass.getpass("The account's password: ", stream=sys.stderr)
    if getpass.getpass("Repeat it: ", stream=sys.stderr) != value:
        raise InvalidInput("the two passwords differ", hint="run the command again")
    return value


@account_app.command("add")
def account_add(
    username: str = typer.Argument(..., help="3 to 40 lowercase letters, digits, - or _"),
    name: str = typer.Option(..., "--name", help="the name shown on certificates"),
    role: str = typer.Option("artist", "--role", help="artist, collector or admin (admins only here)"),
    as_json: bool = JSON,
) -> None:
    """Make an account with its own signing key (the password from ARTPROOF_ACCOUNT_PASSWORD or asked)."""
    account = services().accounts.sign_up(username, name, _password(), role)
    if as_json:
        print_json(account)
        return
    out.print(f"account {account.username} ({account.role}), key {account.key_id}")


@account_app.command("list")
def account_list(as_json: bool = JSON) -> None:
    """Every account: username, role, name and signing key."""
    accounts = services().accounts.list()
    if as_json:
        print_json([a.to_json() for a in accounts])
        return
    for a in accounts:
        out.print(f"{a.username:<20} {a.role:<9} {a.key_id}  {a.display_name}")
