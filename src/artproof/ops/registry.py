"""The operation registry.

An operation is a class with typed, constrained parameters (a pydantic model),
a semantic version, a declared kind of agency, and a deterministic ``run``.
``@operation("edit.crop", version="1.0.0", agency="human")`` registers it under
its name and version; :func:`get_operation` turns a recorded step back into
exactly that class, or fails loudly when this program lacks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, get_args

from PIL import Image
from pydantic import BaseModel, ValidationError

from artproof.errors import InvalidInput, UnknownOperation

__all__ = [
    "AGENCIES",
    "Agency",
    "OpContext",
    "OpOutput",
    "Operation",
    "Origin",
    "all_operations",
    "blend_origin",
    "get_operation",
    "latest_operation",
    "operation",
]

Agency = Literal["trained", "algorithmic", "human", "physical", "capture", "import"]
AGENCIES: tuple[str, ...] = get_args(Agency)

# Share of the output's pixels by where they came from. Keys are agencies, plus
# "unknown" for pixels of unknown provenance; values sum to 1.
Origin = dict[str, float]

_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(slots=True)
class OpContext:
    """What an operation may see of the world: a progress callback, nothing else.

    Inputs arrive decoded, outputs leave as images; files, the database and the
    clock stay outside, so a unit test hands an operation a bare context.
    """

    progress: Callable[[float], None] = field(default=lambda fraction: None)


@dataclass(slots=True)
class OpOutput:
    """The primary output image and, for multi-output operations, the others.

    ``extra`` holds e.g. the candidates of a variation step, whose primary
    output is the contact sheet the person chose from.
    """

    image: Image.Image
    extra: list[Image.Image] = field(default_factory=list)


class Operation:
    """Base class of every operation. Subclasses set ``Params`` and implement ``run``."""

    name: ClassVar[str]
    version: ClassVar[str]
    agency: ClassVar[Agency]
    Params: ClassVar[type[BaseModel]]
    # How many input images the operation takes.
    inputs: ClassVar[tuple[int, int]] = (1, 1)
    # Whether replay can run it again. Human decisions that are only parameters
    # (a crop box) are re-executable; the choice among candidates, imports,
    # physical work and captures are recorded, not re-executable.
    reexecutable: ClassVar[bool] = True
    # Whether the primary output becomes the work's current image (variation
    # steps leave it alone until a person selects a candidate).
    sets_master: ClassVar[bool] = True
    # Whether the output's pixels keep their input's origin (geometry, colour and light change what is
    # there; they make no pixels of their own): cropping an AI image does not make it human pixels.
    keeps_origin: ClassVar[bool] = False
    summary: ClassVar[str] = ""

    def parse_params(self, raw: dict[str, Any]) -> BaseModel:
        """Validate raw parameters; errors name the parameter and the bad value."""
        try:
            return self.Params.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "params"
            raise InvalidInput(
                f"invalid parameter {where!r} for {self.name}: {first['msg']}",
                value=first.get("input"),
                hint=f"see 'artproof ops' for the parameters of {self.name} {self.version}",
            ) from None

    def resolve(self, params: BaseModel) -> BaseModel:
        """Fill parameters derived from others (recorded explicitly for replay)."""
        return params

    def run(self, params: Any, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise NotImplementedError

    def passthrough(self, params: Any, count: int) -> int | None:
        """The input an operation hands on unchanged (a choice among candidates), or None when it makes pixels.

        Recording such a step reuses the input's stored file and hashes: nothing is decoded or encoded,
        so choosing among 4096-pixel candidates costs what recording a choice should.
        """
        return None

    def check_recorded(self, params: Any, input_pixels: Sequence[str], output_pixels: str) -> str | None:
        """For a step replay cannot re-run: what is wrong with its record, judged from pixel hashes, or None."""
        return None

    def arrange(self, params: Any, inputs: Sequence[Image.Image], candidates: Sequence[Image.Image]) -> OpOutput:
        """For operations that offer candidates: the output with ``candidates`` (made in their natural order)
        arranged as ``params`` says (a taste ranking), without making them again."""
        raise NotImplementedError(f"{self.name} offers no candidates to arrange")

    def same_device(self, params: Any) -> bool:
        """Whether this step runs here on the device it was recorded on (a GPU rounds differently from a
        CPU: replay then compares perceptually, within the step's tolerance)."""
        return True

    def step_agency(self, params: Any) -> Agency:
        """The agency the step records: the operation's, unless its parameters decide (a grid of
        variations is ``trained`` when a trained network paints any of them)."""
        return self.agency

    def extra_origins(self, params: Any, input_origins: Sequence[Origin]) -> list[Origin] | None:
        """The origin of each extra output when they differ (None: all share :meth:`origin`)."""
        return None

    def origin(self, params: Any, input_origins: Sequence[Origin]) -> Origin:
        """Where the output's pixels come from. Generators: all from their own agency; operations that
        ``keeps_origin``: their first input's."""
        return dict(input_origins[0]) if self.keeps_origin else {self.agency: 1.0}


def blend_origin(kept: Origin, agency: str, share: float) -> Origin:
    """``kept`` for ``1 - share`` of the pixels and ``agency`` for ``share`` of them (a hand edit, a fill,
    a painting over a picture), rounded as steps record it."""
    out = {k: v * (1.0 - share) for k, v in kept.items()}
    out[agency] = out.get(agency, 0.0) + share
    return {k: round(v, 6) for k, v in out.items() if v > 0}


_REGISTRY: dict[tuple[str, str], type[Operation]] = {}


def _load_builtins() -> None:
    import artproof.ops.builtin  # noqa: F401  (registers every built-in operation)


OpClass = TypeVar("OpClass", bound=type[Operation])


def operation(name: str, *, version: str, agency: Agency) -> Callable[[OpClass], OpClass]:
    """Register an operation class under ``name`` and ``version`` (semver)."""
    if not _SEMVER.match(version):
        raise ValueError(f"operation version must be semver like 1.0.0, got {version!r}")
    if agency not in AGENCIES:
        raise ValueError(f"agency must be one of {AGENCIES}, got {agency!r}")

    def register(cls: OpClass) -> OpClass:
        key = (name, version)
        if key in _REGISTRY and _REGISTRY[key] is not cls:
            raise ValueError(f"operation {name} {version} is registered twice")
        cls.name, cls.version, cls.agency = name, version, agency
        _REGISTRY[key] = cls
        return cls

    return register


def get_operation(name: str, version: str) -> Operation:
    """The exact operation that recorded a step, or :class:`UnknownOperation`."""
    _load_builtins()
    cls = _REGISTRY.get((name, version))
    if cls is None:
        known = sorted(v for (n, v) in _REGISTRY if n == name)
        if known:
            raise UnknownOperation(
                f"operation {name} has no version {version} in this artproof",
                value=version,
                hint=f"known versions: {', '.join(known)}; upgrade artproof to replay this step",
            )
        raise UnknownOperation(
            "unknown operation", value=name, hint="upgrade artproof or check the name ('artproof ops' lists them)"
        )
    return cls()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def latest_operation(name: str) -> Operation:
    _load_builtins()
    versions = [v for (n, v) in _REGISTRY if n == name]
    if not versions:
        raise UnknownOperation("unknown operation", value=name, hint="'artproof ops' lists them")
    return get_operation(name, max(versions, key=_version_key))


def all_operations() -> list[type[Operation]]:
    _load_builtins()
    return [cls for _, cls in sorted(_REGISTRY.items())]
