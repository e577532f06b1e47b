"""Local means: the one box filter the watermark, the guided filter and the studio's filters share."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["box_mean"]


def box_mean(values: NDArray[np.floating], size: int, mode: str = "reflect") -> NDArray[np.float32]:
    """The mean over a size x size window (SciPy, imported on first use: the CLI starts faster without it)."""
    from scipy.ndimage import uniform_filter

    return np.asarray(uniform_filter(np.asarray(values, dtype=np.float32), size, mode=mode), dtype=np.float32)
