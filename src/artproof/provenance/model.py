"""The records of provenance: assets, steps and the work manifest.

A step is self-describing: it carries its operation, version, agency,
parameters, inputs, outputs and the recorded origin of its output's pixels,
so a graph can be classified and checked without running anything.
"""

from __future__ import annotations

import platform
from typing import Any, Literal

import PIL
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from artproof.core.hashing import document_id

__all__ = ["AssetInfo", "Classification", "Runtime", "Step", "WorkManifest", "current_runtime"]

SOURCE_TYPE_BASE = "http://cv.iptc.org/newscodes/digitalsourcetype/"


class AssetInfo(BaseModel):
    """An image in the blob store: its file hash, its pixel hash and its perceptual hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="SHA-256 of the file bytes")
    pixels: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="SHA-256 of the decoded pixels")
    phash: str = Field(pattern=r"^[0-9a-f]{16}$")
    width: int
    height: int
    media_type: str = "image/png"
    bytes: int


class Runtime(BaseModel):
    """Where a step ran: replay compares bit for bit only on the same runtime."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    machine: str
    system: str
    numpy: str
    pillow: str

    def same_as(self, other: Runtime) -> bool:
        return self == other


def current_runtime() -> Runtime:
    """The runtime a step ran on (imports NumPy only when a step is recorded: start-up time)."""
    import numpy as np

    return Runtime(machine=platform.machine(), system=platform.system(), numpy=np.__version__, pillow=PIL.__version__)


class Step(BaseModel):
    """One applied operation. ``step_id`` is the content id of the rest of the record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step_id: str
    op: str
    version: str
    agency: Literal["trained", "algorithmic", "human", "physical", "capture", "import"]
    params: dict[str, Any]
    inputs: list[str]
    output: str
    extra_outputs: list[str] = Field(default_factory=list)
    origin: dict[str, float]
    # The origin of each extra output, when they differ from one another (a grid where some candidates
    # were painted by a trained network and others only recoloured). Absent from older records: the
    # key is left out of the record when None, so their ids and signatures are unchanged.
    extra_origins: list[dict[str, float]] | None = None
    reexecutable: bool
    replay_tolerance: int = Field(ge=0, le=32, description="pHash bits allowed across runtimes")
    actor: str
    at: str
    runtime: Runtime

    @model_serializer(mode="wrap")
    def _leave_out_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("extra_origins") is None:
            data.pop("extra_origins", None)
        return data

    def origin_of(self, asset: str) -> dict[str, float]:
        """The origin of one of this step's outputs."""
        if self.extra_origins is not None and asset in self.extra_outputs:
            return dict(self.extra_origins[self.extra_outputs.index(asset)])
        return dict(self.origin)

    @staticmethod
    def compute_id(body: dict[str, Any]) -> str:
        return document_id({k: v for k, v in body.items() if k != "step_id"})

    @classmethod
    def create(cls, **fields: Any) -> Step:
        body = cls.model_validate({**fields, "step_id": ""}).model_dump(mode="json")
        return cls.model_validate({**body, "step_id": cls.compute_id(body)})

    def id_is_valid(self) -> bool:
        return self.step_id == self.compute_id(self.model_dump(mode="json"))


class Classification(BaseModel):
    """Derived from the graph, never typed in: what made the pixels, and who decided."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    digital_source_type: str | None
    digital_source_type_uri: str | None
    category: str
    physical_hybrid: bool
    human_decisions: int
    human_pixel_share: float
    pixel_origin: dict[str, float]
    explanation: str


class WorkManifest(BaseModel):
    """What the artist signs: the work, its graph, its assets and its classification."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["artproof.work/1"] = "artproof.work/1"
    work_id: str
    title: str
    artist: dict[str, str]
    created_at: str
    revision: int = Field(ge=1)
    steps: list[Step]
    assets: dict[str, AssetInfo]
    master: str
    classification: Classification

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
