"""Accounts of the web registry: sign-up, sign-in, sessions, API tokens.

Each account has a role (artist, collector, admin) and its own signing identity: an Ed25519 key
pair made at sign-up and sealed (scrypt + AES-GCM, as ``artproof init`` seals the home's key)
under the account's password. The password itself is stored only as an argon2id hash, which is
what sign-in checks; a session cookie is a random token of which only the SHA-256 is stored (a
copy of the database signs no one in), with its own CSRF token and an expiry. So that a session
(or an API token) can sign, the account's password is kept with it sealed (AES-GCM) under a key
derived from the token: only the bearer of the cookie or token can unseal it, the database alone
cannot, and signing out deletes it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import Field
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from artproof.core.results import Result
from artproof.core.text import check_name, check_passphrase
from artproof.editions.parties import Party
from artproof.errors import Forbidden, InvalidInput, NotFound, NotSignedIn
from artproof.identity.service import IdentityService
from artproof.store.repository import IdentityRecord, SqlStore
from artproof.store.tables import accounts, api_tokens, identities, web_sessions

__all__ = ["ROLES", "Account", "AccountService", "SignedIn", "Viewer"]

Role = Literal["artist", "collector", "admin"]
ROLES: tuple[Role, ...] = ("artist", "collector", "admin")
USERNAME = re.compile(r"[a-z0-9][a-z0-9_-]{2,39}")
SESSION_HOURS = 12


class Account(Result):
    username: str
    display_name: str
    role: Role
    key_id: str
    created_at: str


class Viewer(Result):
    """Who a request comes from: the account, its CSRF token, and its password (unsealed for signing)."""

    account: Account
    csrf: str
    password: str = Field(repr=False, exclude=True)


class SignedIn(Result):
    """A new session: ``token`` goes into the cookie once and is never stored."""

    account: Account
    token: str
    csrf: str
    expires_at: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token_key(token: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"artproof session seal").derive(
        token.encode("utf-8")
    )


def _seal(token: str, password: str) -> str:
    """The password sealed under a key only the bearer of ``token`` can derive."""
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + AESGCM(_token_key(token)).encrypt(nonce, password.encode("utf-8"), None)).decode()


def _unseal(token: str, sealed: str) -> str:
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(_token_key(token)).decrypt(raw[:12], raw[12:], None).decode("utf-8")
    except InvalidTag:
        raise NotSignedIn("the session cannot be unsealed", hint="sign in again") from None


class AccountService:
    def __init__(
        self,
        engine: Engine,
        identities: IdentityService,
        clock: Callable[[], datetime],
        session_hours: int = SESSION_HOURS,
    ) -> None:
        self.engine = engine
        self.identities = identities
        self.clock = clock
        self.session_hours = session_hours
        # argon2id with the library's defaults (RFC 9106's second recommended option: 64 MiB, t=3)
        self.hasher = PasswordHasher()

    # accounts ---------------------------------------------------------------

    def sign_up(self, username: str, display_name: str, password: str, role: str) -> Account:
        """A new account and its identity, written in one transaction (a taken name leaves nothing)."""
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise InvalidInput(
                "the username is 3 to 40 lowercase letters, digits, '-' or '_'",
                value=username[:40],
                hint="e.g. ada-lovelace",
            )
        if role not in ROLES:
            raise InvalidInput("unknown role", value=role, hint=f"one of: {', '.join(ROLES)}")
        display_name = check_name(display_name, "the display name")
        check_passphrase(password)
        record = self.identities.account_identity(display_name, password)
        now = self.clock().isoformat()
        try:
            with self.engine.begin() as c:
                if c.execute(select(accounts.c.username).where(accounts.c.username == username)).first():
                    raise InvalidInput("this username is taken", value=username, hint="choose another")
                c.execute(insert(identities).values(**SqlStore.identity_values(record)))
                c.execute(
                    insert(accounts).values(
                        username=username,
                        display_name=display_name,
                        role=role,
                        password_hash=self.hasher.hash(password),
                        key_id=record.key_id,
                        created_at=now,
                    )
                )
        except SqlIntegrityError:  # two sign-ups of one name at once: the second insert loses
            raise InvalidInput("this username is taken", value=username, hint="choose another") from None
        return Account(username=username, display_name=display_name, role=role, key_id=record.key_id, created_at=now)

    def get(self, username: str) -> Account:
        with self.engine.connect() as c:
            row = c.execute(select(accounts).where(accounts.c.username == username)).first()
        if row is None:
            raise NotFound("no such account", value=username)
        return self._account(row)

    def by_key(self, key_id: str) -> Account | None:
        with self.engine.connect() as c:
            row = c.execute(select(accounts).where(accounts.c.key_id == key_id)).first()
        return None if row is None else self._account(row)

    def list(self, role: str | None = None) -> list[Account]:
        query = select(accounts).order_by(accounts.c.created_at)
        if role is not None:
            query = query.where(accounts.c.role == role)
        with self.engine.connect() as c:
            return [self._account(r) for r in c.execute(query).all()]

    def identity(self, account: Account) -> IdentityRecord:
        return self.identities.get(account.key_id)

    def party(self, username: str) -> Party:
        """An account as the new owner of an edition: its display name and its public key."""
        account = self.get(username.strip().lower())
        record = self.identities.get(account.key_id)
        return Party(name=account.display_name, key_id=record.key_id, public_key=record.public_key)

    @staticmethod
    def _account(row: object) -> Account:
        m = row._mapping  # type: ignore[attr-defined]
        return Account(
            username=m["username"],
            display_name=m["display_name"],
            role=m["role"],
            key_id=m["key_id"],
            created_at=m["created_at"],
        )

    # sessions ---------------------------------------------------------------

    def check_password(self, username: str, password: str) -> Account:
        """The account, if the password is its own; one message for a wrong name or password."""
        with self.engine.connect() as c:
            row = c.execute(select(accounts).where(accounts.c.username == username.strip().lower())).first()
        stored = row._mapping["password_hash"] if row is not None else None
        try:
            if stored is None:
                self.hasher.hash(password)  # the same cost for an unknown name: no timing oracle
                raise VerificationError
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            raise NotSignedIn("the username or the password is wrong", hint="check both and try again") from None
        return self._account(row)

    def sign_in(self, username: str, password: str) -> SignedIn:
        account = self.check_password(username, password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        expires = now + timedelta(hours=self.session_hours)
        with self.engine.begin() as c:
            c.execute(delete(web_sessions).where(web_sessions.c.expires_at < now.isoformat()))
            c.execute(
                insert(web_sessions).values(
                    token_hash=_digest(token),
                    username=account.username,
                    csrf=csrf,
                    sealed=_seal(token, password),
                    created_at=now.isoformat(),
                    expires_at=expires.isoformat(),
                )
            )
        return SignedIn(account=account, token=token, csrf=csrf, expires_at=expires.isoformat())

    def session(self, token: str) -> Viewer:
        """The viewer of a live session; an unknown or expired one raises ``NotSignedIn``."""
        with self.engine.connect() as c:
            row = c.execute(select(web_sessions).where(web_sessions.c.token_hash == _digest(token))).first()
        if row is None:
            raise NotSignedIn("you are not signed in", hint="sign in at /signin")
        if row.expires_at < self.clock().isoformat():
            self.sign_out(token)
            raise NotSignedIn("your session has expired", hint="sign in again at /signin")
        return Viewer(account=self.get(row.username), csrf=row.csrf, password=_unseal(token, row.sealed))

    def sign_out(self, token: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(web_sessions).where(web_sessions.c.token_hash == _digest(token)))

    # API tokens -------------------------------------------------------------

    def new_token(self, username: str, password: str, label: str) -> str:
        """A bearer token for ``/api/v1`` calls that change state (shown once; only its hash is kept)."""
        account = self.check_password(username, password)
        token = "ap_" + secrets.token_urlsafe(32)
        with self.engine.begin() as c:
            c.execute(
                insert(api_tokens).values(
                    token_hash=_digest(token),
                    username=account.username,
                    label=check_name(label or "api", "the token's label"),
                    sealed=_seal(token, password),
                    created_at=self.clock().isoformat(),
                )
            )
        return token

    def by_token(self, token: str) -> Viewer:
        """The viewer an API token stands for (no CSRF: a bearer token is not sent by browsers on their own)."""
        with self.engine.connect() as c:
            row = c.execute(select(api_tokens).where(api_tokens.c.token_hash == _digest(token))).first()
        if row is None:
            raise NotSignedIn("the API token is not known", hint="make one: POST /api/v1/tokens")
        return Viewer(account=self.get(row.username), csrf="", password=_unseal(token, row.sealed))

    # rules --------------------------------------------------------------------

    @staticmethod
    def require(account: Account, *roles: Role) -> None:
        if account.role not in roles and account.role != "admin":
            raise Forbidden(f"this needs a {' or '.join(roles)} account", value=account.role)
