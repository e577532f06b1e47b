"""Taste (issue 13): pairwise preference accuracy for simulated users, beside a random ranker.

Pictures: CPPN renders recoloured and relit through artproof's palettes and lighting presets and
painted in trained and classical styles (96 pictures, 256 px). Simulated users choose among 4
candidates at a time, 40 times, by a hidden liking plus noise: one prefers warm palettes, one prefers
busy texture, one prefers dark, saturated pictures. The model learns from those choices only (as
from 'select'); accuracy is measured on 500 held-out pairs of pictures it never saw, against the
user's hidden liking. Goal: at least 80 %.

Run: .venv/bin/python benchmarks/taste.py [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from PIL import Image
from results import write_section

from artproof.ops import OpContext, get_operation
from artproof.ops.looks import CLASSICAL, LIGHTINGS, PALETTES, apply_classical, apply_lighting, apply_palette
from artproof.taste.features import colour_statistics, features
from artproof.taste.model import fit


def pictures(count: int = 96) -> list[Image.Image]:
    cppn = get_operation("generate.cppn", "1.0.0")
    rng = np.random.default_rng(5)
    out = []
    palettes, lightings = list(PALETTES), list(LIGHTINGS)
    for i in range(count):
        p = cppn.resolve(cppn.parse_params({"prompt": f"study {i % 12}", "seed": i, "width": 256, "height": 256}))
        picture = cppn.run(p, [], OpContext()).image.convert("RGB")
        picture = apply_palette(picture, palettes[int(rng.integers(len(palettes)))])
        picture = apply_lighting(picture, lightings[int(rng.integers(len(lightings)))])
        if i % 3 == 1:
            picture = apply_classical(picture, CLASSICAL[int(rng.integers(len(CLASSICAL)))], i)
        elif i % 3 == 2:
            from artproof.ops.generate.neural import paint

            picture = paint(picture, int(rng.integers(26)))
        out.append(picture)
    return out


def users() -> dict[str, Callable[[Image.Image], float]]:
    def warm(p: Image.Image) -> float:
        return float(colour_statistics(p)[2])

    def texture(p: Image.Image) -> float:
        return float(colour_statistics(p)[19])

    def dark_saturated(p: Image.Image) -> float:
        s = colour_statistics(p)
        return float(-s[0] + s[4])

    return {"prefers warm palettes": warm, "prefers busy texture": texture, "prefers dark, saturated": dark_saturated}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    images = pictures()
    feats = np.stack([features(p) for p in images])
    rng = np.random.default_rng(11)
    train_ids, test_ids = np.arange(0, 64), np.arange(64, 96)
    results = {}
    for name, liking in users().items():
        utility = np.array([liking(p) for p in images])
        noise = utility.std() * 0.3
        pairs = []
        for _ in range(40):  # 40 selects among 4 candidates
            offer = rng.choice(train_ids, 4, replace=False)
            chosen = offer[np.argmax(utility[offer] + rng.normal(0, noise, 4))]
            pairs += [(int(chosen), int(o)) for o in offer if o != chosen]
        model = fit(feats, pairs)
        scores = model.score(feats)
        held = [tuple(rng.choice(test_ids, 2, replace=False)) for _ in range(500)]
        correct = [(scores[a] > scores[b]) == (utility[a] > utility[b]) for a, b in held if utility[a] != utility[b]]
        guesses = [(rng.random() > 0.5) == (utility[a] > utility[b]) for a, b in held if utility[a] != utility[b]]
        results[name] = (float(np.mean(correct)), float(np.mean(guesses)))
        print(name, results[name], flush=True)
    lines = [
        "## Taste (issue 13)",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}",
        "- command: `.venv/bin/python benchmarks/taste.py --write`",
        "- 96 pictures (CPPN renders through artproof's palettes, lighting, classical and trained styles, 256 px);",
        "  each simulated user makes 40 choices among 4 of the first 64 (noise 0.3 of the liking's spread);",
        "  accuracy on 500 held-out pairs of the other 32;",
        "  features: 24 colour statistics and the 100-number style vector",
        "",
        "| simulated user | pairwise accuracy | random ranker |",
        "|---|---|---|",
        *(f"| {n} | {a:.1%} | {r:.1%} |" for n, (a, r) in results.items()),
        "",
        f"Mean {statistics.mean(a for a, _ in results.values()):.1%}; goal: at least 80 %.",
    ]
    if args.write:
        print(write_section("taste", lines))
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
