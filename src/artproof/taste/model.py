"""A small model of one person's taste: pairwise logistic regression on picture features.

Every preference is a pair (preferred, other): a choice among candidates gives one pair per
candidate not chosen; likes and dislikes give every liked picture over every disliked one. Features
are standardised over the pictures seen; the weights minimise the logistic loss of the pairs with an
L2 penalty (gradient descent, deterministic). A picture's score is its standardised features times
the weights: higher is more to this person's taste.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["TasteModel", "fit"]


@dataclass(frozen=True)
class TasteModel:
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    pairs: int

    def score(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """Scores of one picture's features (1-D) or of many (rows)."""
        return np.asarray(((features - self.mean) / self.scale) @ self.weights)


def fit(
    seen: NDArray[np.float64], pairs: Sequence[tuple[int, int]], penalty: float = 0.05, steps: int = 400
) -> TasteModel:
    """Fit on ``pairs`` of row indices of ``seen`` (preferred first)."""
    mean = seen.mean(axis=0)
    scale = np.where(seen.std(axis=0) > 1e-9, seen.std(axis=0), 1.0)
    z = (seen - mean) / scale
    if not pairs:
        return TasteModel(mean, scale, np.zeros(seen.shape[1]), 0)
    diff = np.stack([z[a] - z[b] for a, b in pairs])
    w = np.zeros(seen.shape[1])
    rate = 0.5
    for _ in range(steps):
        margin = diff @ w
        gradient = -(diff * (1.0 / (1.0 + np.exp(margin)))[:, None]).mean(axis=0) + penalty * w
        w -= rate * gradient
    return TasteModel(mean, scale, w, len(pairs))
