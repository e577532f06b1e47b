"""Licence templates: each a versioned text; a certificate carries the id, the version and the text's hash.

The hash is over the template as written here (UTF-8), so anyone holding the
template can check which words a certificate refers to; the rendered copy in
the certificate's folder fills in the names.
"""

from __future__ import annotations

from dataclasses import dataclass

from artproof.core.hashing import content_id
from artproof.errors import InvalidInput

__all__ = ["LICENCES", "Licence", "licence"]


@dataclass(frozen=True, slots=True)
class Licence:
    id: str
    version: str
    title: str
    text: str

    @property
    def sha256(self) -> str:
        return content_id(self.text.encode("utf-8"))

    def reference(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "title": self.title, "sha256": self.sha256}

    def render(self, **names: str) -> str:
        return self.text.format(**names)


_COMMON = (
    'This licence concerns edition {edition} of the work "{title}" (work {work_id}) by {artist}, '
    "identified by its certificate of authenticity {edition_id}. "
)

LICENCES: dict[str, Licence] = {
    item.id: item
    for item in (
        Licence(
            "copyright-assignment",
            "1.0",
            "Full copyright assignment",
            _COMMON + "The artist assigns to the owner of this edition all copyright in the work, worldwide, "
            "for its full term, including the rights to reproduce, adapt, distribute, display and license it. "
            "The artist keeps the right to be named as its author. The assignment passes with the edition "
            "when ownership is transferred.",
        ),
        Licence(
            "exclusive",
            "1.0",
            "Exclusive licence",
            _COMMON + "The artist grants the owner of this edition an exclusive, worldwide licence to reproduce, "
            "display and distribute the work, commercially or not, and undertakes to grant no such licence to "
            "anyone else while this edition is owned. Copyright stays with the artist. The licence passes with "
            "the edition when ownership is transferred.",
        ),
        Licence(
            "commercial",
            "1.0",
            "Non-exclusive commercial licence",
            _COMMON + "The artist grants the owner of this edition a non-exclusive, worldwide licence to reproduce "
            "and display the work, commercially or not, with credit to the artist. Copyright stays with the "
            "artist, who may license the work to others. The licence passes with the edition when ownership is "
            "transferred.",
        ),
        Licence(
            "display-only",
            "1.0",
            "Display only (personal)",
            _COMMON + "The owner of this edition may display it privately and publicly, non-commercially, and "
            "may resell the edition itself. No right to reproduce, adapt or license the work is granted; "
            "copyright stays with the artist.",
        ),
    )
}


def licence(licence_id: str) -> Licence:
    try:
        return LICENCES[licence_id]
    except KeyError:
        raise InvalidInput("unknown licence", value=licence_id, hint=f"one of {', '.join(LICENCES)}") from None
