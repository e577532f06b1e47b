"""The machine-checkable bundle: a zip whose signed index names every member by SHA-256.

Members: ``index.json`` (the artist's signed list of every other member with its SHA-256 and size),
``manifest.json`` (the signed record of how the work was made), ``certificate.coa.json`` (an
edition's certificate with its inclusion proof) or ``proof.json`` (a work's registration proof),
``log.pub`` (the log's key), ``artist.pub`` (the artist's public key), ``ca.pem`` (the CA that signs
the artist's Content Credentials, when there is one), the picture (``edition.png`` or
``master.png``) and ``pack.pdf``. Written deterministically (sorted names, fixed times).

Reading is for files from strangers: before anything is read, every member is checked: a plain
relative name (no absolute path, no ``..``, no backslash or drive), no link or special file, at most
64 members and 512 MB uncompressed in all, and no member that expands more than 200 times (a
compression bomb); the sizes are then enforced while reading, not trusted from the directory.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Mapping

from artproof.core.hashing import content_id
from artproof.core.signing import SignedDocument, sign_document
from artproof.errors import IntegrityError, InvalidInput

__all__ = ["BUNDLE_FORMAT", "BUNDLE_PURPOSE", "bundle_index", "read_bundle", "write_bundle"]

BUNDLE_FORMAT = "artproof.bundle/1"
BUNDLE_PURPOSE = "artproof.bundle"
MAX_MEMBERS = 64
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200
_EPOCH = (2020, 1, 1, 0, 0, 0)


def bundle_index(members: Mapping[str, bytes], subject: dict[str, object], key: object) -> SignedDocument:
    """The artist's signed index of the members (name -> SHA-256 and size) and what the bundle is of."""
    payload = {
        "format": BUNDLE_FORMAT,
        "subject": subject,
        "members": {name: {"sha256": content_id(data), "bytes": len(data)} for name, data in sorted(members.items())},
    }
    return sign_document(BUNDLE_PURPOSE, payload, key)  # type: ignore[arg-type]


def write_bundle(members: Mapping[str, bytes]) -> bytes:
    """The zip, members in name order with fixed times (the same members, the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def _check_name(name: str) -> None:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or ":" in name
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(ch) < 32 for ch in name)
    ):
        raise IntegrityError(
            "the bundle holds a member with an unsafe name",
            value=name[:120],
            hint="a bundle made by artproof has plain relative names; do not open this one",
        )


def read_bundle(data: bytes) -> dict[str, bytes]:
    """Every member of a bundle, checked before and while it is read (see the module's docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise InvalidInput("not a zip file", hint="give the bundle made by 'artproof pack ... --bundle'") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IntegrityError("the bundle holds too many members", value=len(infos), hint=f"at most {MAX_MEMBERS}")
        total = 0
        for info in infos:
            _check_name(info.filename)
            kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool wrote no Unix type
            if info.is_dir() or kind not in (0, stat.S_IFREG):
                raise IntegrityError("the bundle holds a link, folder or special file", value=info.filename[:120])
            total += info.file_size
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1_000_000:
                raise IntegrityError("a bundle member expands too far (a compression bomb)", value=info.filename[:120])
        if total > MAX_TOTAL:
            raise IntegrityError("the bundle is too large once expanded", value=total, hint="at most 512 MB")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise IntegrityError("the bundle names a member twice")
        members: dict[str, bytes] = {}
        for info in infos:
            try:
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)  # never more than the directory says, plus one
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
                raise IntegrityError("a bundle member is damaged", value=f"{info.filename[:80]}: {exc}"[:160]) from None
            if len(content) != info.file_size:
                raise IntegrityError("a bundle member is not the size its directory says", value=info.filename[:120])
            members[info.filename] = content
        return members
