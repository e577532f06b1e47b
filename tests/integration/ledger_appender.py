"""A process that appends to a ledger and acknowledges each committed batch on stdout.

Used by the crash and concurrency tests: ``python -m tests.integration.ledger_appender URL LABEL COUNT BATCH``.
A line ``ack <entry_id> ...`` is printed (and flushed) only after its batch committed.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from artproof.ledger.checkpoint import NoteVerifier, sign_checkpoint
from artproof.ledger.entries import entry_id
from artproof.ledger.log import AppendItem, Ledger, LogSigner
from artproof.store.database import open_engine

ORIGIN = "artproof.test/log"
LOG_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"artproof test log key").digest())


def signer() -> LogSigner:
    return LogSigner(ORIGIN, NoteVerifier.of(ORIGIN, LOG_KEY), lambda cp: sign_checkpoint(cp, ORIGIN, LOG_KEY))


def item(label: str, n: int) -> AppendItem:
    data = f'{{"label":"{label}","n":{n}}}'.encode()
    return AppendItem(data=data, entry_id=entry_id(data), kind="work.registered", subject=f"{label}-{n}")


def main() -> None:
    url, label, count, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ledger = Ledger(open_engine(url), lambda: datetime.now(UTC))
    sign = signer()
    for start in range(0, count, batch):
        items = [item(label, n) for n in range(start, min(count, start + batch))]
        ledger.append(items, sign)
        sys.stdout.write("ack " + " ".join(i.entry_id for i in items) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
