"""Which key a log signs with, as this home knows it: given, pinned, or learned from a mirror.

A collector meets a log for the first time through ``--log-key`` or a mirror's ``log.pub``;
the key is then pinned in the home (``logs.json``, origin -> verifier key) and every later
check of that log uses it. A different key for a pinned origin is refused loudly: that is
what a forked or hijacked log looks like. The registry's own log needs no pin.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from artproof.errors import ArtproofError, IntegrityError, KeyConflict
from artproof.ledger.checkpoint import NoteVerifier
from artproof.store.files import atomic_write

__all__ = ["LogKeys"]


class LogKeys:
    def __init__(
        self,
        home: Path,
        local: Callable[[], NoteVerifier | None],
        clock: Callable[[], datetime],
        given: NoteVerifier | None = None,
        given_by: str = "--log-key",
    ) -> None:
        self.path = home / "logs.json"
        self.local = local
        self.clock = clock
        self.given = given
        self.given_by = given_by  # where the given key came from, as the report names it

    def with_given(self, given: NoteVerifier | None, given_by: str = "--log-key") -> LogKeys:
        return LogKeys(self.path.parent, self.local, self.clock, given, given_by)

    def _pins(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise IntegrityError(
                "the pinned log keys cannot be read", value=str(self.path), hint="restore or remove the file"
            ) from None
        return data if isinstance(data, dict) else {}

    def _pin(self, verifier: NoteVerifier, source: str) -> None:
        pins = self._pins()
        pins[verifier.name] = {"vkey": verifier.vkey(), "source": source, "pinned_at": self.clock().isoformat()}
        atomic_write(self.path, (json.dumps(pins, indent=2, sort_keys=True) + "\n").encode())

    def resolve(self, origin: str, mirror_vkey: str | None = None) -> tuple[NoteVerifier | None, str]:
        """The verifier for ``origin`` and where it came from; refuses a key that contradicts a pin."""
        local = None
        try:
            local = self.local()
        except ArtproofError:
            local = None
        if local is not None and local.name == origin and self.given is None:
            return local, "this registry's own log"
        pinned = self._pins().get(origin)
        offered: list[tuple[NoteVerifier, str]] = []
        if self.given is not None:
            offered.append((self.given, self.given_by))
        if mirror_vkey:
            try:
                offered.append((NoteVerifier.from_vkey(mirror_vkey), "the mirror's log.pub"))
            except ArtproofError:
                raise IntegrityError("the mirror's log key is malformed") from None
        for verifier, source in offered:
            if verifier.name != origin:
                if source == self.given_by:
                    return verifier, f"{source} (a key for {verifier.name!r}, not for {origin!r})"
                continue
            if pinned is not None and pinned.get("vkey") != verifier.vkey():
                raise KeyConflict(
                    f"the key for log {origin!r} from {source} differs from the one pinned in this home",
                    value=verifier.vkey()[:60],
                    hint=f"pinned on {pinned.get('pinned_at', '?')[:10]} from {pinned.get('source')} "
                    f"({self.path}); a log that changed keys is not the log you checked before",
                )
            if pinned is None:
                self._pin(verifier, source)
                return verifier, f"{source} (pinned in this home now)"
            return verifier, f"{source}, the key pinned in this home"
        if pinned is not None:
            return NoteVerifier.from_vkey(pinned["vkey"]), f"pinned in this home on {pinned.get('pinned_at', '?')[:10]}"
        return None, "no key known for this log"
