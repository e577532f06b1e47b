"""The watermark's carriers: Fourier coefficients of a periodic tile, fixed and public.

The mark lives in the 2-D DFT of a PxP tile (P = 96) laid over the image after
it is scaled to a working size whose short side is 512 px. Code bits share the
coefficients of a mid-frequency annulus two by two (the real and the imaginary
axis of a coefficient with a public random phase: radius 4.5-13.5 cycles per
tile, periods of 7-21 working pixels, below what JPEG, blur and halving remove,
above the picture's own strongest content); the other coefficients of the
annulus carry a known pilot. The carriers are exactly orthogonal. Tiling makes the mark periodic: a
crop shifts every coefficient's phase by the same translation (found from the
pilot), and a rescale shows as a change of period (found by autocorrelation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from artproof.core.filters import box_mean
from artproof.core.prng import stable_uniform
from artproof.watermark.code import CODE_BITS

__all__ = [
    "R_HIGH",
    "R_LOW",
    "WORK_SHORT",
    "Carriers",
    "P",
    "box_mean",
    "carriers",
    "detector_weights",
    "fold",
    "folded_spectrum",
    "highpass",
]

P = 96
WORK_SHORT = 512
R_LOW, R_HIGH = 4.5, 13.5
LABEL = "org.artproof.watermark.1"


@dataclass(frozen=True)
class Carriers:
    data_y: NDArray[np.intp]  # row index (0..P-1) of each code bit's coefficient in rfft2 layout
    data_x: NDArray[np.intp]
    data_phase: NDArray[np.complex128]
    pilot_y: NDArray[np.intp]
    pilot_x: NDArray[np.intp]
    pilot_phase: NDArray[np.complex128]

    def tile(self, data: NDArray[np.float64], pilot: float | NDArray[np.complex128] = 1.0) -> NDArray[np.float32]:
        """The PxP tile with signed amplitude ``data[i]`` on code bit i's carrier and ``pilot`` on the pilot's.

        Unit amplitudes everywhere give a tile of RMS ``sqrt(2 · bins) / P²``; callers scale.
        """
        spectrum = np.zeros((P, P // 2 + 1), dtype=np.complex128)
        spectrum[self.pilot_y, self.pilot_x] = pilot * self.pilot_phase
        np.add.at(spectrum, (self.data_y, self.data_x), data * self.data_phase)
        return np.fft.irfft2(spectrum, s=(P, P)).astype(np.float32)

    def soft_bits(
        self, spectrum: NDArray[np.complex128], offset: tuple[float, float] = (0.0, 0.0)
    ) -> NDArray[np.float64]:
        """Each code bit's projection in a folded tile's spectrum, the tile grid shifted by ``offset``."""
        ky = np.fft.fftfreq(P, d=1.0 / P)[self.data_y]
        turn = np.exp(2j * np.pi * (ky * offset[0] + self.data_x * offset[1]) / P)
        return np.real(spectrum[self.data_y, self.data_x] * turn * np.conj(self.data_phase))


def highpass(work: NDArray[np.float32]) -> NDArray[np.float32]:
    """Remove content with periods over ~64 working px (it only leaks into the carriers when folding)."""
    return (work - box_mean(work, 33)).astype(np.float32)


def fold(work: NDArray[np.float32]) -> NDArray[np.float32]:
    """Sum every PxP tile of ``work`` into one (partial tiles padded with zeros)."""
    h, w = work.shape
    padded = np.zeros((-(-h // P) * P, -(-w // P) * P), dtype=np.float32)
    padded[:h, :w] = work
    return np.asarray(padded.reshape(padded.shape[0] // P, P, padded.shape[1] // P, P).sum(axis=(0, 2)), np.float32)


def detector_weights(work: NDArray[np.float32]) -> NDArray[np.float32]:
    """Per-pixel weights of the matched filter: busy regions carry more host noise per unit of mark."""
    residual = highpass(work)
    activity = box_mean(residual * residual, 17)
    return np.asarray(1.0 / np.sqrt(activity + 4.0), dtype=np.float32)


def folded_spectrum(work: NDArray[np.float32], weights: NDArray[np.float32] | None = None) -> NDArray[np.complex128]:
    """What the detector looks at: the spectrum of the high-passed, activity-weighted, folded working image.

    Busy regions carry more host noise per unit of mark, so each pixel is weighted
    down by its local activity before the tiles are summed (a matched filter for
    a host whose variance changes across the picture).
    """
    if weights is None:
        weights = detector_weights(work)
    return np.asarray(np.fft.rfft2(fold(highpass(work) * weights)), dtype=np.complex128)


def _phases(label: str, count: int) -> NDArray[np.complex128]:
    return np.asarray(np.exp(2j * np.pi * stable_uniform(label, count)), dtype=np.complex128)


@cache
def carriers() -> Carriers:
    """The one public carrier set of ``org.artproof.watermark.1``."""
    ky = np.fft.fftfreq(P, d=1.0 / P)[:, None]  # -64..63 cycles per tile
    kx = np.arange(1, P // 2)[None, :]  # one half-plane; kx = 0 and Nyquist left out (they are not free)
    radius = np.hypot(ky, kx)
    rows, cols = np.nonzero((radius >= R_LOW) & (radius <= R_HIGH))
    cols = cols + 1
    order = np.argsort(stable_uniform(f"{LABEL}/order", len(rows)))
    rows, cols = rows[order], cols[order]
    shared = (CODE_BITS + 1) // 2  # two code bits per coefficient: its real and imaginary axes
    if len(rows) < shared + 64:
        raise AssertionError("the annulus is too small for the code")
    d, p = np.repeat(np.arange(shared), 2)[:CODE_BITS], slice(shared, None)
    quarter = np.tile(np.array([1.0, 1j]), shared)[:CODE_BITS]
    return Carriers(
        data_y=rows[d],
        data_x=cols[d],
        data_phase=np.repeat(_phases(f"{LABEL}/data", shared), 2)[:CODE_BITS] * quarter,
        pilot_y=rows[p],
        pilot_x=cols[p],
        pilot_phase=_phases(f"{LABEL}/pilot", len(rows) - shared),
    )
