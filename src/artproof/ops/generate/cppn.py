"""generate.cppn: a compositional pattern-producing network (Stanley, 2007).

A small neural network with seeded random weights maps each pixel's
coordinates (x, y, r and a few architecture-specific features) plus a latent
vector to a position along a palette and a shade. Because it is a function of
continuous coordinates, it renders at any resolution.

The prompt conditions the image deterministically: it picks the palette (its
colour words, or a hashed harmony), part of the latent vector, the spatial
frequency and, unless given, the architecture; the seed draws the weights and
the rest of the latent. Weights come from SHAKE-256 (platform-stable), the
pixel maths runs in float32 and is quantised to 8 bits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.core.prng import stable_normal, stable_uniform
from artproof.ops.generate.palette import palette_for_prompt
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

__all__ = ["ARCHITECTURES", "CppnGenerate", "CppnParams", "render_cppn"]

F32 = NDArray[np.float32]
Architecture = Literal["flow", "nebula", "crystal", "weave"]


def _triangle(h: F32) -> F32:
    """A triangle wave of period 4 in [-1, 1]: facets and folds, hence "crystal".

    In place, with floor instead of mod: this is the hot loop of the crystal family.
    """
    m = h + np.float32(1.0)
    folds = np.floor(m * np.float32(0.25))
    folds *= np.float32(4.0)
    m -= folds
    m -= np.float32(2.0)
    np.abs(m, out=m)
    m -= np.float32(1.0)
    return m


_ACTIVATIONS: dict[str, Callable[[F32], F32]] = {
    "tanh": np.tanh,
    "sin": np.sin,
    "gauss": lambda h: np.exp(-(h * h)),
    "tri": lambda h: _triangle(h),
}

# Each architecture is a family: the same activations and input features, so
# works rendered with one look like one series.
ARCHITECTURES: dict[str, tuple[str, ...]] = {
    "flow": ("tanh", "sin", "tanh", "tanh"),
    "nebula": ("gauss", "tanh", "gauss", "tanh"),
    "crystal": ("tri", "tanh", "tri", "tanh"),
    "weave": ("sin", "tanh", "sin", "tanh"),
}
WIDTH = 16
LATENT = 8
CHUNK = 1 << 16  # pixels per block: keeps the working set in cache
LUT_SIZE = 1024  # palette samples: finer than 8-bit output can show
PREVIEW = 96  # side of the grid the palette quantiles are measured on
_QUANTILE_LEVELS = np.linspace(0.0, 1.0, 17)


class CppnParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str = Field(min_length=1, max_length=2000, description="conditions palette, latent and structure")
    seed: int = Field(ge=0, lt=2**53, description="draws the network's weights and latent")
    width: int = Field(ge=64, le=8192, description="pixels")
    height: int = Field(ge=64, le=8192, description="pixels")
    architecture: Architecture | None = Field(
        default=None, description="activation family; derived from the prompt when not given"
    )


def _prompt_digest(prompt: str) -> bytes:
    return hashlib.sha256(("cppn-prompt\n" + " ".join(prompt.lower().split())).encode("utf-8")).digest()


def architecture_for_prompt(prompt: str) -> Architecture:
    names: list[Architecture] = ["flow", "nebula", "crystal", "weave"]
    return names[_prompt_digest(prompt)[0] % len(names)]


def _features(arch: str, x: F32, y: F32, freq: float) -> list[F32]:
    r = np.sqrt(x * x + y * y)
    base = [x, y, r]
    if arch == "flow":
        return [*base, np.sin(np.float32(freq) * x + y), np.cos(np.float32(freq) * y - x)]
    if arch == "nebula":
        return [*base, r * r, np.exp(-r * np.float32(freq))]
    if arch == "crystal":
        return [*base, np.abs(x), np.abs(y)]
    return [*base, np.sin(np.float32(freq) * x) * np.cos(np.float32(freq) * y), np.sin(np.float32(freq) * r)]


class _Network:
    """The weights of one render, all drawn before any pixel is computed."""

    def __init__(self, params: CppnParams, arch: str) -> None:
        pd = _prompt_digest(params.prompt)
        label = f"cppn/1/{params.seed}/{pd.hex()}"
        self.arch = arch
        self.freq = 1.5 + 3.0 * (pd[1] / 255)
        self.zoom = 1.2 + 1.6 * (pd[2] / 255)
        n_feat = len(_features(arch, np.zeros(1, np.float32), np.zeros(1, np.float32), 1.0))
        latent = 0.6 * stable_normal(f"latent/{pd.hex()}", LATENT) + 0.8 * stable_normal(label + "/z", LATENT)
        # Periodic first activations multiply frequency; keep their input gentler.
        gain = self.freq if arch in ("flow", "nebula") else 1.2
        self.w_in = (stable_normal(label + "/w_in", (n_feat, WIDTH)) * gain).astype(np.float32)
        w_z = stable_normal(label + "/w_z", (LATENT, WIDTH))
        self.b_in = (latent @ w_z).astype(np.float32)
        activations = ARCHITECTURES[arch]
        self.hidden = [
            (stable_normal(f"{label}/w{i}", (WIDTH, WIDTH)) * (1.6 / np.sqrt(WIDTH))).astype(np.float32)
            for i in range(len(activations) - 1)
        ]
        self.activations = [_ACTIVATIONS[name] for name in activations]
        self.w_out = stable_normal(label + "/w_out", (WIDTH, 2)).astype(np.float32)
        # Palette position is equalised through these quantiles of a fixed
        # preview render (resolution-independent), so every stop shows.
        self.quantiles = np.zeros(len(_QUANTILE_LEVELS), dtype=np.float32)
        self.bias = np.float32(0.35 * (stable_uniform(label + "/bias", 1)[0] - 0.5))
        self.palette = np.array(palette_for_prompt(params.prompt), dtype=np.float32)

    def forward(self, feats: F32) -> F32:
        h = feats @ self.w_in
        h += self.b_in
        h = self.activations[0](h)
        for w, act in zip(self.hidden, self.activations[1:], strict=True):
            h = act(h @ w)
        return h @ self.w_out


def _axes(net: _Network, w: int, h: int) -> tuple[F32, F32]:
    aspect = np.float32(net.zoom / max(w, h))
    xs = ((np.arange(w, dtype=np.float32) + np.float32(0.5)) * np.float32(2) - np.float32(w)) * aspect
    ys = ((np.arange(h, dtype=np.float32) + np.float32(0.5)) * np.float32(2) - np.float32(h)) * aspect
    return xs, ys


def _measure_quantiles(net: _Network, w: int, h: int) -> None:
    """Quantiles of the palette channel on a fixed preview with the image's aspect."""
    scale = PREVIEW / max(w, h)
    pw, ph = max(8, round(w * scale)), max(8, round(h * scale))
    xs, ys = _axes(net, pw, ph)
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    feats = np.stack(_features(net.arch, gx.ravel(), gy.ravel(), net.freq), axis=1).astype(np.float32)
    values = net.forward(feats)[:, 0]
    net.quantiles = np.quantile(values, _QUANTILE_LEVELS).astype(np.float32)
    # Strictly increasing, or interp cannot map through flat stretches.
    net.quantiles += np.arange(len(net.quantiles), dtype=np.float32) * np.float32(1e-6)


def render_cppn(params: CppnParams, progress: Callable[[float], None] | None = None) -> Image.Image:
    """Render the RGB image for ``params``; the same parameters give the same pixels."""
    arch = params.architecture or architecture_for_prompt(params.prompt)
    net = _Network(params, arch)
    w, h = params.width, params.height
    _measure_quantiles(net, w, h)
    xs, ys = _axes(net, w, h)
    levels = _QUANTILE_LEVELS.astype(np.float32)
    out = np.empty((h * w, 3), dtype=np.uint8)
    stops = np.linspace(0.0, 1.0, len(net.palette))
    ramp = np.linspace(0.0, 1.0, LUT_SIZE)
    lut = np.stack([np.interp(ramp, stops, net.palette[:, c]) for c in range(3)], axis=1)
    lut = (lut * 255.0 + 0.5).astype(np.float32)
    rows_per_chunk = max(1, CHUNK // w)
    for top in range(0, h, rows_per_chunk):
        bottom = min(h, top + rows_per_chunk)
        gy, gx = np.meshgrid(ys[top:bottom], xs, indexing="ij")
        x, y = gx.ravel(), gy.ravel()
        feats = np.stack(_features(arch, x, y, net.freq), axis=1).astype(np.float32, copy=False)
        head = net.forward(feats)
        t = np.clip(np.interp(head[:, 0], net.quantiles, levels).astype(np.float32) + net.bias, 0, 1)
        shade = np.float32(1.0) + np.float32(0.18) * np.tanh(head[:, 1])
        rgb = lut[(t * np.float32(LUT_SIZE - 1) + np.float32(0.5)).astype(np.intp)]
        rgb *= shade[:, None]
        np.clip(rgb, 0, 255, out=rgb)
        out[top * w : bottom * w] = rgb.astype(np.uint8)
        if progress is not None:
            progress(bottom / h)
    return Image.fromarray(out.reshape(h, w, 3), mode="RGB")


@operation("generate.cppn", version="1.0.0", agency="algorithmic")
class CppnGenerate(Operation):
    """Abstract images from a seeded compositional pattern-producing network."""

    Params = CppnParams
    inputs = (0, 0)
    summary = "abstract image from a seeded CPPN, conditioned on the prompt"

    def resolve(self, params: CppnParams) -> CppnParams:  # type: ignore[override]
        if params.architecture is None:
            return params.model_copy(update={"architecture": architecture_for_prompt(params.prompt)})
        return params

    def run(self, params: CppnParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(render_cppn(params, ctx.progress))
