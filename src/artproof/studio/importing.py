"""Importing files and folders made elsewhere: the per-file rule, resumable, with registration warnings.

One work per file. A folder is searched recursively for PNG, JPEG and WebP. A file that cannot
be read or is no image is an outcome with its error (the run goes on and exits 2); a file
imported before (the same bytes) is skipped with a note; a wrong passphrase stops the run (it
would fail every file). Every imported picture is looked up in the fingerprint registry, and a
copy of a registered work or edition is a warning on that file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from artproof.core.images import decode_image
from artproof.errors import InvalidInput
from artproof.interop.c2pa import CredentialJudge
from artproof.studio.service import ImportOutcome, Studio

__all__ = ["IMPORT_SUFFIXES", "ImportRun", "ImportService"]

IMPORT_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})


@dataclass(frozen=True)
class ImportRun:
    outcomes: list[ImportOutcome]

    @property
    def failed(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def skipped(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.skipped]

    @property
    def imported(self) -> int:
        return len(self.outcomes) - len(self.failed) - len(self.skipped)

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else 0

    def to_json(self) -> list[dict[str, Any]]:
        return [o.to_json() for o in self.outcomes]


def expand(paths: list[Path]) -> list[Path]:
    """The files named, and the images inside the folders named (recursively, in name order)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMPORT_SUFFIXES))
        else:
            files.append(path)
    return files


class ImportService:
    def __init__(
        self,
        studio: Studio,
        anchors_pem: Callable[[], str | None],
        judge: CredentialJudge,
        prior_registrations: Callable[[Image.Image, str | None], list[str]],
    ) -> None:
        self.studio = studio
        self.anchors_pem = anchors_pem
        self.judge = judge
        self.prior_registrations = prior_registrations

    def import_paths(
        self,
        paths: list[Path],
        *,
        title: str | None = None,
        again: bool = False,
        passphrase: str | None,
        progress: Callable[[float], None] | None = None,
    ) -> ImportRun:
        files = expand(paths)
        if not files:
            raise InvalidInput("no image files found", value=" ".join(map(str, paths)), hint="PNG, JPEG or WebP")
        if title and len(files) > 1:
            raise InvalidInput("--title applies to a single file", value=len(files))
        anchors = self.anchors_pem()
        outcomes: list[ImportOutcome] = []
        for n, path in enumerate(files, start=1):
            outcome = self.studio.import_path(
                path, title=title, passphrase=passphrase, trust_pem=anchors, judge=self.judge, again=again
            )
            if outcome.data is not None and outcome.work_id is not None:
                image = decode_image(outcome.data, name=path.name)
                outcome.warnings += self.prior_registrations(image, outcome.work_id)
            outcomes.append(outcome)
            if progress is not None:
                progress(n / len(files))
        return ImportRun(outcomes)
