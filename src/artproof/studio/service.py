"""The studio: creating works and recording every step that changes them.

Each command follows one path (:meth:`Studio._record`): unlock the key (a wrong
passphrase fails before any work is done), validate the parameters, run the
operation, hash the outputs, derive the classification, sign the new manifest,
write the images (atomically), then save the step, the assets and the signed
manifest in one database transaction. A failure at any point leaves the work
as it was.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from pydantic import BaseModel, ConfigDict

from artproof.core.canonical import canonical_json
from artproof.core.hashing import content_id, short_id
from artproof.core.images import decode_image, encode_png, pixel_hash
from artproof.core.text import check_name, printable
from artproof.errors import ArtproofError, Forbidden, InvalidInput, NotFound
from artproof.fingerprint import perceptual_hash
from artproof.identity.service import IdentityService
from artproof.ops import OpContext, Operation, latest_operation
from artproof.provenance.manifest import build_manifest, check_manifest, sign_manifest
from artproof.provenance.model import AssetInfo, Step, WorkManifest, current_runtime
from artproof.provenance.replay import StepReplay, replay_manifest
from artproof.store.blobs import Blobs
from artproof.store.repository import SqlStore, WorkRecord
from artproof.studio.history import Target, undo_target

if TYPE_CHECKING:
    from artproof.interop.c2pa import CredentialJudge
    from artproof.interop.readers import Reading

__all__ = ["ENGINES", "Candidates", "Studio", "parse_size", "title_from_prompt"]

ENGINES = {"cppn": "generate.cppn", "neural": "generate.neural", "diffusion": "generate.diffusion"}
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
REPLAY_TOLERANCE = 6  # pHash bits: re-encoding moves 0-2, unrelated images 25-40
Progress = Callable[[float], None]


def edit_params(
    operation: str, *, box: str | None, size: str | None, resample: str = "lanczos"
) -> tuple[str, dict[str, Any]]:
    """(operation name, parameters) of ``crop`` / ``resize`` written as text; the operation validates ranges."""
    example = "for example --box 0,0,900,900"
    if operation == "crop":
        if box is None:
            raise InvalidInput("crop needs --box left,top,right,bottom", hint=example)
        try:
            values = [int(v) for v in box.split(",")]
        except ValueError:
            raise InvalidInput("--box must be four integers", value=box, hint=example) from None
        if len(values) != 4:
            raise InvalidInput("--box must be four integers", value=box, hint=example)
        return "edit.crop", {"box": values}
    if operation == "resize":
        if size is None:
            raise InvalidInput("resize needs --size WIDTHxHEIGHT", hint="for example --size 2048x2048")
        width, height = parse_size(size)
        return "edit.resize", {"width": width, "height": height, "resample": resample}
    raise InvalidInput("unknown edit", value=operation, hint="use crop or resize")


RESTORE_KINDS = ("holes", "fading", "cracks")
FILLS = {"auto": "exemplar", "exemplar": "exemplar", "telea": "telea", "ns": "ns", "biharmonic": "biharmonic",
         "diffusion": "diffusion"}  # fmt: skip


def check_restore(
    detect: Sequence[str], masked: bool, fill: str = "auto", model: str | None = None, fade: str = "stretch"
) -> list[str]:
    """The kinds of damage to look for and the fill, checked before anything is asked or recorded."""
    if fade not in ("stretch", "retinex"):
        raise InvalidInput("unknown fading correction", value=fade, hint="stretch (even fading) or retinex (uneven)")
    kinds = [k.strip().lower() for k in detect if k.strip()]
    for kind in kinds:
        if kind not in RESTORE_KINDS:
            raise InvalidInput("unknown kind of damage", value=kind, hint=f"one of: {', '.join(RESTORE_KINDS)}")
    if not kinds and not masked:
        raise InvalidInput("say what to restore", hint="--detect holes,cracks,fading, or --mask mask.png")
    if fill not in FILLS:
        raise InvalidInput("unknown fill", value=fill, hint=", ".join(FILLS))
    if fill == "diffusion" and not model:
        raise InvalidInput(
            "--fill diffusion needs a local model",
            hint="--model ~/models/sd15-inpainting/ (a diffusers folder or file)",
        )
    return kinds


class InpaintModel(BaseModel):
    """``restore --fill diffusion``: the local model and how it paints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_path: str
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = 0
    steps: int = 25
    guidance: float = 7.5


ASSISTS = ("remove-background", "upscale", "relight", "fit-print")


def assist_params(
    action: str,
    value: str | None = None,
    *,
    direction: str | None = None,
    strength: float | None = None,
    dpi: int | None = None,
    fit: str | None = None,
    quality: str | None = None,
    method: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """(operation name, parameters) of an assistance written as a person writes it:
    ``remove-background [--method u2net|grabcut]``, ``upscale 4x``, ``relight --from left``,
    ``fit-print A3 --dpi 300``."""
    if method is not None and action != "remove-background":
        raise InvalidInput("--method is for remove-background", value=method)
    if action == "remove-background":
        if method in (None, "u2net"):
            return "assist.remove_background", {}
        if method == "grabcut":
            return "assist.cutout", {}
        raise InvalidInput("unknown background removal method", value=method, hint="u2net (trained) or grabcut")
    if action == "upscale":
        match = re.fullmatch(r"\s*([234])\s*[xX]?\s*", value or "")
        if match is None:
            raise InvalidInput("upscale by 2x, 3x or 4x", value=value, hint="e.g. artproof assist WORK upscale 4x")
        params: dict[str, Any] = {"factor": int(match.group(1))}
        if quality is not None:
            params["quality"] = quality
        return "assist.upscale", params
    if action == "relight":
        if direction is None:
            raise InvalidInput("relight needs --from", hint="--from left|right|top|bottom|top-left|...")
        params = {"direction": direction}
        if strength is not None:
            params["strength"] = strength
        return "assist.relight", params
    if action == "fit-print":
        if not value:
            raise InvalidInput("fit-print needs a paper size", hint="e.g. artproof assist WORK fit-print A3 --dpi 300")
        from artproof.ops.assist import PAPERS

        paper = next((p for p in PAPERS if p.lower() == value.strip().lower()), None)
        if paper is None:
            raise InvalidInput("unknown paper size", value=value, hint=f"one of: {', '.join(PAPERS)}")
        params = {"paper": paper}
        params |= {k: v for k, v in (("dpi", dpi), ("fit", fit)) if v is not None}
        return "assist.fit_print", params
    raise InvalidInput("unknown assistance", value=action, hint=f"one of: {', '.join(ASSISTS)}")


def parse_size(text: str) -> tuple[int, int]:
    """``"1024x768"`` -> (1024, 768); ``"512"`` -> (512, 512)."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:[xX\u00d7]\s*(\d+))?\s*", text)
    if not match:
        raise InvalidInput("size must be WIDTHxHEIGHT in pixels", value=text, hint="for example 1024x1024")
    width = int(match.group(1))
    height = int(match.group(2) or width)
    for side in (width, height):
        if not 64 <= side <= 8192:
            raise InvalidInput("each side must be 64 to 8192 pixels", value=text, hint="for example 1024x1024")
    return width, height


def title_from_prompt(prompt: str) -> str:
    """A title from the prompt's first phrase: "tidal dusk, copper and ink" -> "Tidal Dusk"."""
    first = re.split(r"[,.;:\n(]", prompt, maxsplit=1)[0]
    words = re.findall(r"[\w'-]+", first)[:6]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Untitled"


@dataclass(frozen=True, slots=True)
class DiffusionOptions:
    """The diffusion engine's settings: a local model, steps, guidance, a negative prompt, an init image."""

    model: str
    steps: int | None = None
    guidance: float | None = None
    negative: str | None = None
    init: tuple[bytes, str] | None = None  # (the file's bytes, its name)


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restoration recorded: the work, and the share of its pixels filled with the mask filled
    (None when no damage was asked for or found: fading alone)."""

    manifest: WorkManifest
    filled_share: float | None = None
    mask: str | None = None  # the mask's asset id


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidates a person can choose from: those of the latest variation step."""

    step_index: int
    assets: list[str]


class Studio:
    def __init__(self, store: SqlStore, blobs: Blobs, identities: IdentityService, clock: Callable[[], datetime]):
        self.store = store
        self.blobs = blobs
        self.identities = identities
        self.clock = clock
        # told (work id, chosen image, images offered) after each recorded choice among candidates
        self.choice_observers: list[Callable[[str, str, list[str]], None]] = []
        # orders candidates best first (the artist's taste), for vary --by-taste; set by the composition root
        self.taste_ranker: Callable[[Sequence[Image.Image]], list[int]] | None = None

    # reading --------------------------------------------------------------

    def resolve(self, ref: str) -> WorkRecord:
        """A work by id, unique id prefix (4+ characters) or exact title."""
        ref = ref.strip()
        work = self.store.get_work(ref)
        if work is not None:
            return work
        works = self.store.list_works()
        matches = [w for w in works if len(ref) >= 4 and w.work_id.startswith(ref.lower())]
        matches = matches or [w for w in works if w.title.casefold() == ref.casefold()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InvalidInput(
                "more than one work matches", value=ref, hint="use the full work id from 'artproof work list'"
            )
        raise NotFound("no such work", value=ref, hint="'artproof work list' shows your works")

    def manifest(self, ref: str) -> WorkManifest:
        """The work's manifest, its signature and classification checked."""
        work = self.resolve(ref)
        return check_manifest(work.manifest, expected_key_id=work.artist_key_id)

    def list_works(self) -> list[WorkRecord]:
        return self.store.list_works()

    def load_image(self, asset_id: str) -> Image.Image:
        return decode_image(self.blobs.get(asset_id), name=f"stored image {asset_id[:19]}...")

    def candidates(self, manifest: WorkManifest) -> Candidates | None:
        for index in range(len(manifest.steps) - 1, -1, -1):
            if manifest.steps[index].extra_outputs:
                return Candidates(step_index=index + 1, assets=list(manifest.steps[index].extra_outputs))
        return None

    # recording ------------------------------------------------------------

    def create(
        self,
        *,
        engine: str,
        prompt: str,
        seed: int,
        size: str | None,
        title: str | None,
        passphrase: str | None,
        progress: Progress | None = None,
        style: int | None = None,
        strength: float | None = None,
        diffusion: DiffusionOptions | None = None,
    ) -> WorkManifest:
        """A new work whose first step is a generation.

        ``style`` is the neural engine's (one of its 26 trained styles); ``strength`` is how much of its
        painting over the canvas (neural), or how far from the init image (diffusion img2img). The
        diffusion engine's model and settings come in ``diffusion``; its init image is recorded as an
        import first, with whatever provenance that file carries, and generated from.
        """
        if engine not in ENGINES:
            raise InvalidInput("unknown engine", value=engine, hint=f"choose one of: {', '.join(ENGINES)}")
        width, height = parse_size(size or ("512x512" if engine == "diffusion" else "1024x1024"))
        params: dict[str, Any] = {"prompt": prompt, "seed": seed, "width": width, "height": height}
        if engine != "neural" and style is not None:
            raise InvalidInput("--style applies to the neural engine", value=engine, hint="add --engine neural")
        if engine == "cppn" and strength is not None:
            raise InvalidInput("--strength applies to the neural and diffusion engines", value=engine)
        if (engine == "diffusion") != (diffusion is not None and bool(diffusion.model)):
            raise InvalidInput(
                "the diffusion engine needs --model (a local model folder or file)",
                hint="artproof create --engine diffusion --model ~/models/sd15/ --prompt ...",
            )
        params |= {k: v for k, v in (("style", style), ("strength", strength)) if v is not None}
        title = (title or "").strip() or title_from_prompt(prompt)
        if diffusion is None:
            return self._record(None, ENGINES[engine], params, [], passphrase, progress, title=title)
        params |= {
            "model_path": diffusion.model, "steps": diffusion.steps, "guidance": diffusion.guidance,
            "negative_prompt": diffusion.negative,
        }  # fmt: skip
        params = {k: v for k, v in params.items() if v is not None}
        if diffusion.init is None:
            return self._record(None, "generate.diffusion", params, [], passphrase, progress, title=title)
        operation = latest_operation("generate.diffusion")
        operation.parse_params(params)  # a bad setting is refused before the init image is recorded
        started, _ = self.import_file(diffusion.init[0], diffusion.init[1], title=title, passphrase=passphrase)
        work = self.resolve(started.work_id)
        return self._record(work, "generate.diffusion", params, [work.master], passphrase, progress)

    def vary(
        self,
        ref: str,
        *,
        count: int,
        seed: int,
        strength: float | None,
        passphrase: str | None,
        progress: Progress | None = None,
        by_taste: bool = False,
    ) -> WorkManifest:
        work = self.resolve(ref)
        params: dict[str, Any] = {"count": count, "seed": seed}
        if strength is not None:
            params["strength"] = strength
        return self._vary(work, "vary.candidates", params, passphrase, progress, by_taste)

    def _vary(
        self, work: WorkRecord, op_name: str, raw: dict[str, Any], passphrase: str | None,
        progress: Progress | None, by_taste: bool, inputs: list[str] | None = None,
    ) -> WorkManifest:  # fmt: skip
        """Record a variation step; ``by_taste``: its candidates ordered best first by the artist's taste.

        The candidates are made once, ranked, arranged in that order and recorded with it (``order``,
        ``ordered_by: taste``): replay makes them again and arranges them the same way.
        """
        inputs = inputs or [work.master]
        if not by_taste:
            return self._record(work, op_name, raw, inputs, passphrase, progress)
        if self.taste_ranker is None:
            raise InvalidInput("no taste in this installation", hint="vary without --by-taste")
        self.identities.unlock(passphrase)  # a wrong passphrase fails before the candidates are made
        operation = latest_operation(op_name)
        params = operation.resolve(operation.parse_params(raw))
        pictures = [self.load_image(a) for a in inputs]
        made = operation.run(params, pictures, OpContext(progress=progress or (lambda f: None)))
        order = self.taste_ranker(made.extra)
        ranked = params.model_copy(update={"order": tuple(order), "ordered_by": "taste"})
        out = operation.arrange(ranked, pictures, made.extra)
        produced = [(encode_png(img), img, "image/png") for img in (out.image, *out.extra)]
        return self._record(work, op_name, ranked.model_dump(mode="json"), inputs, passphrase, None, produced=produced)

    def vary_grid(
        self,
        ref: str,
        *,
        palettes: Sequence[str] = (),
        lightings: Sequence[str] = (),
        styles: Sequence[str] = (),
        strength: float | None = None,
        seed: int = 0,
        passphrase: str | None,
        progress: Progress | None = None,
        by_taste: bool = False,
        references: Sequence[tuple[bytes, str]] = (),
    ) -> WorkManifest:
        """Every combination of the named palettes, lightings and styles, as candidates (``vary.grid``).

        ``references`` (file bytes, name) are pictures whose style ``ref:1``, ``ref:2`` ... borrow: each
        is first recorded as an ``input.reference`` image of the work, then given to the grid as an input.
        """
        work = self.resolve(ref)
        params: dict[str, Any] = {
            "palettes": list(palettes), "lightings": list(lightings), "styles": list(styles), "seed": seed,
        }  # fmt: skip
        if strength is not None:
            params["strength"] = strength
        if references:
            from artproof.ops.grid import parse_looks

            parse_looks(palettes, lightings, styles, references=len(references))  # before anything is recorded
        inputs = [work.master]
        for data, name in references:
            given = {"file": printable(Path(name).name), "file_sha256": content_id(data)}
            recorded = self._given_before(work, given)
            if recorded is not None:  # the same picture given again: it is the same input, recorded once
                inputs.append(recorded)
                continue
            picture = decode_image(data, name=name).convert("RGB")
            png = encode_png(picture)
            manifest = self._record(
                work, "input.reference", given, [], passphrase, None, produced=[(png, picture, "image/png")]
            )
            inputs.append(manifest.steps[-1].output)
            work = self.resolve(work.work_id)
        return self._vary(work, "vary.grid", params, passphrase, progress, by_taste, inputs)

    @staticmethod
    def _given_before(work: WorkRecord, given: dict[str, Any]) -> str | None:
        """The image an ``input.reference`` step with these parameters (its defaults aside) recorded for the work.

        Giving the same reference picture twice within a second recorded two identical steps (the same
        parameters, no inputs, the same output and time), so the second had the first's id and the work's
        record was refused ("the same step is recorded twice"); later, it only repeated the picture.
        """
        for step in check_manifest(work.manifest, expected_key_id=work.artist_key_id).steps:
            if step.op == "input.reference" and all(step.params.get(k) == v for k, v in given.items()):
                return step.output
        return None

    def select(self, ref: str, choice: str, *, passphrase: str | None) -> WorkManifest:
        work = self.resolve(ref)
        offer = self.candidates(check_manifest(work.manifest, expected_key_id=work.artist_key_id))
        if offer is None:
            raise NotFound(
                "this work has no candidates to choose from",
                value=work.work_id,
                hint=f"run: artproof vary {work.work_id} --count 8",
            )
        manifest = self._record(work, "human.select", {"choice": choice}, offer.assets, passphrase, None)
        for observer in self.choice_observers:  # taste learns from every choice (recorded first)
            observer(manifest.work_id, manifest.steps[-1].output, offer.assets)
        return manifest

    @staticmethod
    def undoable(manifest: WorkManifest) -> Target | None:
        """What an undo would bring back now (for a page's button), None when this is the work's first image."""
        try:
            return undo_target(manifest)
        except NotFound:
            return None

    def undo(self, ref: str, *, to_step: int | None = None, passphrase: str | None) -> tuple[WorkManifest, Target]:
        """Go back to the image before the one the last step made (or to the image of step ``to_step``): a
        ``human.revert`` step (:mod:`artproof.studio.history`). Returns the new record and what it went back to."""
        work = self.resolve(ref)
        target = undo_target(check_manifest(work.manifest, expected_key_id=work.artist_key_id), to_step)
        manifest = self._record(work, "human.revert", {"to_step": target.step}, [target.asset], passphrase, None)
        return manifest, target

    def edit_external(
        self, ref: str, data: bytes, name: str, *, tool: str, note: str = "", passphrase: str | None
    ) -> WorkManifest:
        """Record a hand edit made in another program (``edit.external``): the picture as it came back
        (stored as PNG of its pixels, the file itself kept beside it), the tool, the note, and the mask
        and share of the pixels that changed from the work's current image."""
        import numpy as np

        from artproof.ops.external import changed_mask

        work = self.resolve(ref)
        tool = check_name(tool, "the tool")
        note = printable(note)
        edited = decode_image(data, name=name, upright=True).convert("RGB")
        before = self.load_image(work.master)
        mask = changed_mask(before, edited)
        share = float(np.count_nonzero(np.asarray(mask)) / (mask.width * mask.height))
        mask_id = self.blobs.put(encode_png(mask))  # evidence first: a record never points at a missing file
        file_id = self.blobs.put(data)
        params = {
            "tool": tool, "note": note, "file": printable(Path(name).name), "file_sha256": file_id,
            "changed_share": round(share, 6), "mask": mask_id,
        }  # fmt: skip
        png = encode_png(edited)
        return self._record(
            work, "edit.external", params, [work.master], passphrase, None, produced=[(png, edited, "image/png")]
        )

    def restore(
        self,
        ref: str,
        *,
        detect: Sequence[str] = (),
        mask: tuple[bytes, str] | None = None,
        method: str = "auto",
        sensitivity: float = 0.5,
        fade_strength: float | None = None,
        fade_method: str = "stretch",
        model: InpaintModel | None = None,
        passphrase: str | None,
        progress: Progress | None = None,
    ) -> Restored:
        """Restore the current image: fill the damage a mask marks (found by ``restore.detect``, or painted by
        a person and recorded as ``input.mask``), then correct fading, each a step; the fill is ``restore.fill``
        (algorithmic) or, with a model, ``restore.inpaint`` (trained).

        Damage first, fading last: a fade correction stretches the picture's brightest half percent to white,
        and the hole detector then took the highlights it made for holes (a faded portrait of an astronaut with
        four holes and six scratches, 0.9 % of it: 15 % of it found and filled after the stretch, the helmet's
        reflections among it; 1.8 % before). The stretch is also measured on the picture without its white
        scratches, and the mask a dry run shows (``find_damage``) is the one filled.
        """
        from artproof.ops.restore import mask_image, mask_of

        kinds = check_restore(detect, mask is not None, method, model.model_path if model else None, fade_method)
        found = [k for k in kinds if k in ("holes", "cracks")]
        work = self.resolve(ref)
        manifest = self.manifest(work.work_id)
        picture = work.master
        if mask is not None:
            painted = decode_image(mask[0], name=mask[1])
            size = (manifest.assets[picture].width, manifest.assets[picture].height)
            if painted.size != size:
                raise InvalidInput(
                    f"the mask is {painted.width}x{painted.height}, the picture {size[0]}x{size[1]}",
                    hint="paint the mask at the picture's size (an 8-bit PNG, 255 = damage)",
                )
            damaged = mask_of(painted)
            png = encode_png(mask_image(damaged))
            params: dict[str, Any] = {"file": printable(Path(mask[1]).name), "share": round(float(damaged.mean()), 6)}
            image = decode_image(png, name="mask")
            manifest = self._record(
                work, "input.mask", params, [], passphrase, None, produced=[(png, image, "image/png")]
            )
        elif found:
            detect_params = {"kinds": found, "sensitivity": sensitivity}
            manifest = self._record(work, "restore.detect", detect_params, [picture], passphrase, None)
        filled: float | None = None
        mask_asset: str | None = None
        if mask is not None or found:
            work = self.resolve(work.work_id)
            mask_asset = manifest.steps[-1].output
            share = round(float(mask_of(self.load_image(mask_asset)).mean()), 6)
            if FILLS[method] == "diffusion" and model is not None:
                inpaint = {**model.model_dump(), "filled_share": share}
                manifest = self._record(work, "restore.inpaint", inpaint, [picture, mask_asset], passphrase, progress)
            else:
                params = {"method": FILLS[method], "filled_share": share}
                manifest = self._record(work, "restore.fill", params, [picture, mask_asset], passphrase, progress)
            filled = share
        if "fading" in kinds:
            work = self.resolve(work.work_id)
            params = {"method": fade_method}
            params |= {} if fade_strength is None else {"strength": fade_strength}
            manifest = self._record(work, "restore.fade", params, [work.master], passphrase, None)
        return Restored(manifest, filled, mask_asset)

    def find_damage(self, ref: str, detect: Sequence[str], sensitivity: float = 0.5) -> tuple[Image.Image, float]:
        """(the mask ``restore`` would fill, white = damaged; its share of the picture), recording
        nothing: ``--dry-run``."""
        from artproof.ops.restore import detect_damage, mask_image

        kinds = check_restore(detect, False)
        damaged = detect_damage(self.load_image(self.resolve(ref).master), kinds, sensitivity)
        return mask_image(damaged), round(float(damaged.mean()), 6)

    def physical(
        self,
        ref: str,
        kind: str,
        *,
        method: str = "",
        material: str = "",
        date: str | None = None,
        note: str = "",
        photos: Sequence[tuple[bytes, str]] = (),
        passphrase: str | None,
    ) -> WorkManifest:
        """Record physical work on the picture (``physical.print`` / ``finish`` / ``sign``) with its
        evidence photographs; the digital picture is handed on unchanged."""
        from artproof.core.dates import check_day
        from artproof.ops.physical import KINDS

        if kind not in KINDS:
            raise InvalidInput("unknown physical step", value=kind, hint=f"one of: {', '.join(KINDS)}")
        work = self.resolve(ref)
        stored = []
        for data, name in photos:
            picture = decode_image(data, name=name)  # a photograph artproof can read, within the pixel limit
            kind_of = Image.open(io.BytesIO(data)).format or ""
            stored.append(
                {
                    "sha256": self.blobs.put(data), "media_type": MEDIA_TYPES.get(kind_of, "image/" + kind_of.lower()),
                    "name": printable(Path(name).name), "width": picture.width, "height": picture.height,
                }
            )  # fmt: skip
        params = {
            "method": check_name(method, "the method") if method.strip() else "",
            "material": check_name(material, "the material") if material.strip() else "",
            "date": check_day(date, what="the date", today=self.clock().date()),
            "note": printable(note),
            "photos": stored,
        }
        if kind == "print" and not (params["method"] or params["material"]):
            raise InvalidInput("say how it was printed", hint='--material "Hahnemühle Photo Rag 308" --method giclée')
        return self._record(work, f"physical.{kind}", params, [work.master], passphrase, None)

    def describe(
        self,
        ref: str,
        *,
        title: str | None = None,
        series: str | None = None,
        year: int | None = None,
        statement: str | None = None,
        medium: str | None = None,
        dimensions: str | None = None,
        passphrase: str | None,
    ) -> WorkManifest:
        """Describe the work (``work.describe``): the fields given replace the current ones, the rest
        are kept; the whole description is recorded as a new signed revision."""
        from artproof.ops.describe import details_of

        work = self.resolve(ref)
        current = details_of(self.manifest(work.work_id))
        given: dict[str, Any] = {
            "title": None if title is None else check_name(title, "the title"),
            "series": None if series is None else (check_name(series, "the series") if series.strip() else ""),
            "medium": None if medium is None else printable(medium).strip(),
            "dimensions": None if dimensions is None else printable(dimensions).strip(),
            "statement": None if statement is None else statement.strip(),
            "year": year,
        }
        if year is not None and year > self.clock().year:
            raise InvalidInput("the year is in the future", value=year, hint="the year the work was made")
        changes = {k: v for k, v in given.items() if v is not None}
        if not changes:
            raise InvalidInput(
                "nothing to set", hint="--title, --series, --year, --statement, --medium or --dimensions"
            )
        details = current.model_copy(update=changes)
        if details == current:
            raise InvalidInput("the work already reads so: nothing changed", value=work.work_id)
        params = type(current).model_validate(details.model_dump()).model_dump(mode="json")  # validated again
        return self._record(work, "work.describe", params, [work.master], passphrase, None)

    def edit(
        self,
        ref: str,
        op_name: str,
        params: dict[str, Any],
        *,
        passphrase: str | None,
        progress: Progress | None = None,
    ) -> WorkManifest:
        work = self.resolve(ref)
        return self._record(work, op_name, params, [work.master], passphrase, progress)

    def subject_warning(self, manifest: WorkManifest) -> str | None:
        """After a background removal: a word when the mask kept almost none or almost all of the picture.

        U²-Net-p finds a salient subject against a ground; a close-up whose subject fills the frame
        (a cat's face) comes back as one eye on transparency (2 % kept), and nothing says so but the
        picture. Under 5 % or over 97 % kept, the artist is told, with the way back.
        """
        step = manifest.steps[-1]
        if step.op not in ("assist.remove_background", "assist.cutout"):
            return None
        import numpy as np

        picture = self.load_image(manifest.master)
        if "A" not in picture.getbands():
            return None
        alpha = np.asarray(picture.getchannel("A"), dtype=np.float32) / 255.0
        kept = float(alpha.mean())
        if 0.05 <= kept <= 0.97:
            return None
        what = "almost none of the picture" if kept < 0.05 else "almost all of the picture"
        other = "--method grabcut" if step.op == "assist.remove_background" else "the default network"
        return (
            f"the subject kept is {kept:.0%} of the picture ({what}): if that is not the subject, go back with "
            f"'artproof undo {manifest.work_id}' and try {other}, or a picture whose subject stands on a ground"
        )

    def _record(
        self,
        work: WorkRecord | None,
        op_name: str,
        raw_params: dict[str, Any],
        inputs: Sequence[str],
        passphrase: str | None,
        progress: Progress | None,
        *,
        title: str | None = None,
        produced: list[tuple[bytes, Image.Image, str]] | None = None,
    ) -> WorkManifest:
        """Record one step. ``produced`` (file bytes, decoded image, media type) stands in for
        running the operation when the output exists already (an imported file)."""
        me, key = self.identities.unlock(passphrase)
        if work is not None and work.artist_key_id != me.key_id:
            raise Forbidden("this work belongs to another identity", value=work.artist_key_id)
        previous = None if work is None else check_manifest(work.manifest, expected_key_id=work.artist_key_id)
        operation: Operation = latest_operation(op_name)
        params = operation.resolve(operation.parse_params(raw_params))
        lo, hi = operation.inputs
        if not lo <= len(inputs) <= hi:
            raise InvalidInput(f"{op_name} takes {lo} to {hi} input images", value=len(inputs))

        handed_on = operation.passthrough(params, len(inputs)) if produced is None and previous else None
        if handed_on is not None and previous is not None:
            # the output is that input, byte for byte: reuse its stored file and hashes
            produced, new_assets = [], [previous.assets[inputs[handed_on]]]
        elif produced is None:
            images = [self.load_image(a) for a in inputs]
            output = operation.run(params, images, OpContext(progress=progress or (lambda f: None)))
            produced = [(encode_png(img), img, "image/png") for img in (output.image, *output.extra)]
        if produced:
            new_assets = [
                AssetInfo(
                    id=content_id(data),
                    pixels=pixel_hash(img),
                    phash=perceptual_hash(img),
                    width=img.width,
                    height=img.height,
                    media_type=media_type,
                    bytes=len(data),
                )
                for data, img, media_type in produced
            ]
        encoded = [(data, img) for data, img, _ in produced]
        assets = dict(previous.assets) if previous else {}
        assets.update({a.id: a for a in new_assets})
        prior_steps = previous.steps if previous else []
        origins = [_origin_of(prior_steps, a) for a in inputs]
        step = Step.create(
            op=operation.name,
            version=operation.version,
            agency=operation.step_agency(params),
            params=params.model_dump(mode="json"),
            inputs=list(inputs),
            output=new_assets[0].id,
            extra_outputs=[a.id for a in new_assets[1:]],
            origin=operation.origin(params, origins),
            extra_origins=operation.extra_origins(params, origins),
            reexecutable=operation.reexecutable,
            replay_tolerance=REPLAY_TOLERANCE,
            actor=me.key_id,
            at=self.clock().isoformat(),
            runtime=current_runtime(),
        )
        now = self.clock().isoformat()
        if previous is None:
            created_at = now
            work_id = short_id(canonical_json({"artist": me.key_id, "step": step.step_id, "at": now}) + os.urandom(16))
            revision = 1
            master = step.output
            work_title = check_name(title, "the title") if title and title.strip() else "Untitled"
        else:
            created_at, work_id, revision = previous.created_at, previous.work_id, previous.revision + 1
            master = step.output if operation.sets_master else previous.master
            work_title = params.title if operation.name == "work.describe" else previous.title  # type: ignore[attr-defined]
        manifest = build_manifest(
            work_id=work_id,
            title=work_title,
            artist={"key_id": me.key_id, "name": me.name, "public_key": me.public_key},
            created_at=created_at,
            revision=revision,
            steps=[*prior_steps, step],
            assets=assets,
            master=master,
        )
        signed = sign_manifest(manifest, key)
        for data, _ in encoded:
            self.blobs.put(data)
        self.store.save_work(
            WorkRecord(
                work_id=work_id,
                title=work_title,
                artist_key_id=me.key_id,
                created_at=created_at,
                updated_at=now,
                revision=revision,
                master=master,
                manifest=signed,
            ),
            [step],
            new_assets,
        )
        return manifest

    def import_path(
        self,
        path: Path,
        *,
        title: str | None,
        passphrase: str | None,
        trust_pem: str | None = None,
        judge: CredentialJudge | None = None,
        again: bool = False,
    ) -> ImportOutcome:
        """One file of an import (the per-file rule a folder import follows, resumable).

        A file whose exact bytes were imported before is skipped with a note naming its work (a
        re-run after an interruption picks up where it stopped); ``again`` imports a copy anyway.
        A file that cannot be read or is no image is an outcome with its error, not an abort; a
        wrong passphrase is raised (it would fail every file).
        """
        try:
            data = path.read_bytes()
        except OSError as exc:
            return ImportOutcome(file=str(path), error=f"cannot read: {exc.strerror}")
        if not again:
            existing = self.store.imported_as(content_id(data))
            if existing is not None:
                return ImportOutcome(
                    file=str(path),
                    work_id=existing,
                    skipped=True,
                    warnings=[f"already imported as work {existing}: skipped (--again imports a copy)"],
                )
        try:
            manifest, reading = self.import_file(
                data, path.name, title=title, passphrase=passphrase, trust_pem=trust_pem, judge=judge
            )
        except ArtproofError as exc:
            if exc.exit_code == 5:
                raise
            return ImportOutcome(file=str(path), error=exc.diagnostics())
        return ImportOutcome(
            file=str(path),
            work_id=manifest.work_id,
            source_tool=reading.source_tool,
            generations=[g.model_dump(mode="json") for g in reading.generations],
            warnings=list(reading.warnings),
            classification=manifest.classification.digital_source_type,
            data=data,
        )

    def import_file(
        self,
        data: bytes,
        name: str,
        *,
        title: str | None,
        passphrase: str | None,
        trust_pem: str | None = None,
        judge: CredentialJudge | None = None,
    ) -> tuple[WorkManifest, Reading]:
        """A new work from a file made elsewhere, its provenance read from the file (kept byte for byte).

        A file's own Content Credentials are kept in the record (state, signer, actions) and the original
        file, credentials included, becomes the parent ingredient when the work is sealed.
        """
        from artproof.interop.readers import read_file  # the readers (and c2pa) load only to import

        reading = read_file(data, name, trust_pem, judge)
        image = decode_image(data, name=name)
        params = {
            "file": name,
            "format": reading.format,
            "source_tool": reading.source_tool,
            "generations": [g.model_dump(mode="json") for g in reading.generations],
            "digital_source_type": reading.digital_source_type,
            "c2pa": reading.c2pa.to_json() if reading.c2pa is not None and reading.c2pa.present else None,
            "raw": reading.raw,
            "warnings": reading.warnings,
        }
        prompt = next((g.prompt for g in reading.generations if g.prompt), None)
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        given = check_name(title, "the title") if title and title.strip() else None
        chosen = given or (title_from_prompt(prompt) if prompt else printable(stem)) or "Untitled"
        media = MEDIA_TYPES.get(reading.format, "application/octet-stream")
        manifest = self._record(
            None, "import.file", params, [], passphrase, None, title=chosen, produced=[(data, image, media)]
        )
        return manifest, reading

    # replay ---------------------------------------------------------------

    def replay(
        self, ref: str, on_step: Callable[[StepReplay], None] | None = None
    ) -> tuple[WorkManifest, list[StepReplay]]:
        manifest = self.manifest(ref)
        return manifest, replay_manifest(manifest, self.load_image, on_step)


@dataclass
class ImportOutcome:
    """What became of one imported file: its work, or why not, or that it was imported before."""

    file: str
    work_id: str | None = None
    source_tool: str | None = None
    generations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    classification: str | None = None
    error: str | None = None
    skipped: bool = False
    data: bytes | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file": self.file, "work_id": self.work_id}
        if self.error is not None:
            return doc | {"error": self.error}
        doc |= {"source_tool": self.source_tool, "generations": self.generations, "warnings": self.warnings}
        doc |= {"classification": self.classification, "skipped": self.skipped}
        return doc


def _origin_of(steps: Sequence[Step], asset: str) -> dict[str, float]:
    for step in reversed(steps):
        if asset == step.output or asset in step.extra_outputs:
            return step.origin_of(asset)
    raise NotFound("no recorded step produced this image", value=asset)
