"""Restoration (issue 13): holes found and filled, beside OpenCV Telea given the true mask.

24 pictures (scikit-image's samples, trained-style paintings, CPPN renders, crops of them), each
damaged with 3-5 holes (discs of paper white or black, 8-30 px radius) and 6 cracks (dark and light
random-walk lines, 1-3 px) whose originals are known. Reported:

- hole detection (``restore --detect holes``): pixel precision and recall against the true holes;
- inside the holes: PSNR and SSIM of artproof's automatic pipeline (its detected mask, exemplar fill)
  beside OpenCV Telea given the true mask (the anchor), and beside artproof's fill given the true mask;
- crack detection (``restore --detect cracks``, sensitivity 0.5): pixel precision and recall against
  the true cracks;
- inside the cracks: artproof's automatic pipeline (detected holes and cracks, exemplar fill) beside
  OpenCV Telea given the true mask (the anchor), and every fill (exemplar, Telea, NS, biharmonic)
  given the true mask;
- inside all the damage (holes and cracks): the automatic pipeline beside Telea with the true mask.

Run: .venv/bin/python benchmarks/restore.py [--write]   (needs the bench extra: scikit-image)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from datetime import UTC, datetime

import cv2
import numpy as np
from PIL import Image
from results import write_section
from skimage import data
from skimage.metrics import structural_similarity

from artproof.ops import OpContext, get_operation
from artproof.ops.restore import detect_cracks, detect_holes, fill

SAMPLES = ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field", "retina",
           "colorwheel", "cat", "logo" )  # fmt: skip


def pictures() -> list[tuple[str, np.ndarray]]:
    out = []
    for name in SAMPLES:
        try:
            rgb = np.asarray(Image.fromarray(getattr(data, name)()).convert("RGB"))
        except Exception:
            continue
        out.append((f"skimage:{name}", rgb))
    neural = get_operation("generate.neural", "1.0.0")
    cppn = get_operation("generate.cppn", "1.0.0")
    for i, style in enumerate((19, 7, 13, 0)):
        p = neural.resolve(
            neural.parse_params({"prompt": f"p{i}", "seed": i, "width": 768, "height": 576, "style": style})
        )
        out.append((f"neural:{style}", np.asarray(neural.run(p, [], OpContext()).image)))
    for i in range(4):
        p = cppn.resolve(cppn.parse_params({"prompt": f"tide {i}", "seed": 50 + i, "width": 768, "height": 576}))
        out.append((f"cppn:{i}", np.asarray(cppn.run(p, [], OpContext()).image.convert("RGB"))))
    for name, rgb in list(out[:6]):
        h, w = rgb.shape[:2]
        out.append((f"crop:{name}", np.ascontiguousarray(rgb[h // 8 : h - h // 8, w // 8 : w - w // 8])))
    return out[:24]


def damage(rgb: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(damaged picture, true holes, true cracks)."""
    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    out = rgb.copy()
    holes = np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(3, 6))):
        r = int(rng.integers(8, 31))
        cv2.circle(holes, (int(rng.integers(r, w - r)), int(rng.integers(r, h - r))), r, 255, -1)
    out[holes > 0] = 250 if seed % 2 else 5
    cracks = np.zeros((h, w), np.uint8)
    for k in range(6):
        x, y, angle = float(rng.integers(0, w)), float(rng.integers(0, h)), rng.random() * 2 * np.pi
        points = []
        for _ in range(int(rng.integers(30, 120))):
            angle += rng.normal(0, 0.25)
            x, y = x + 3 * np.cos(angle), y + 3 * np.sin(angle)
            points.append((int(x), int(y)))
        line = np.zeros((h, w), np.uint8)
        cv2.polylines(line, [np.array(points, np.int32)], False, 255, int(rng.integers(1, 4)))
        line[holes > 0] = 0
        out[line > 0] = int(rng.integers(10, 40)) if k % 3 else int(rng.integers(215, 245))
        cracks |= line
    return out, holes > 0, cracks > 0


def psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    error = np.mean((a.astype(np.float64) - b.astype(np.float64))[where] ** 2)
    return float(10 * np.log10(255.0**2 / max(error, 1e-9)))


def ssim(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    _, full = structural_similarity(a, b, channel_axis=2, data_range=255, full=True)
    return float(full.mean(axis=2)[where].mean())


def goal_lines(rows: dict[str, list[tuple[float, float]]]) -> list[str]:
    """The issue's goal (detected masks beat Telea given the true mask, PSNR inside the damage), per kind."""

    def median(name: str) -> float:
        return statistics.median(p for p, _ in rows[name])

    out = []
    for kind, auto, anchor in (
        ("holes", "holes: artproof auto (detected mask, exemplar)", "holes: OpenCV Telea, true mask (anchor)"),
        ("cracks", "cracks: artproof auto (detected holes + cracks, exemplar)",
         "cracks: OpenCV Telea, painted (true) mask"),
        ("all damage", "all damage: artproof auto (detected holes + cracks, exemplar)",
         "all damage: OpenCV Telea, true mask (anchor)"),
    ):  # fmt: skip
        met = "met" if median(auto) > median(anchor) else "not met"
        out.append(f"- goal for {kind}: {met} ({median(auto):.2f} dB with detected masks vs {median(anchor):.2f} dB)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows: dict[str, list[tuple[float, float]]] = {}
    precision, recall = [], []
    crack_precision, crack_recall = [], []

    def add(name: str, result: np.ndarray, original: np.ndarray, where: np.ndarray) -> None:
        rows.setdefault(name, []).append((psnr(result, original, where), ssim(result, original, where)))

    images = pictures()
    for i, (name, original) in enumerate(images):
        damaged, holes, cracks = damage(original, i)
        picture = Image.fromarray(damaged)
        found = detect_holes(picture)
        precision.append(float((found & holes).sum() / max(found.sum(), 1)))
        recall.append(float((found & holes).sum() / holes.sum()))
        lines = detect_cracks(picture)
        crack_precision.append(float((lines & cracks).sum() / max(lines.sum(), 1)))
        crack_recall.append(float((lines & cracks).sum() / cracks.sum()))
        automatic = np.asarray(fill(picture, found | lines, "exemplar"))
        anchor = np.asarray(fill(picture, holes | cracks, "telea"))
        add("all damage: artproof auto (detected holes + cracks, exemplar)", automatic, original, holes | cracks)
        add("all damage: OpenCV Telea, true mask (anchor)", anchor, original, holes | cracks)
        add("cracks: artproof auto (detected holes + cracks, exemplar)", automatic, original, cracks)
        add(
            "holes: artproof auto (detected mask, exemplar)",
            np.asarray(fill(picture, found, "exemplar")),
            original,
            holes,
        )
        add("holes: artproof exemplar, true mask", np.asarray(fill(picture, holes, "exemplar")), original, holes)
        add("holes: OpenCV Telea, true mask (anchor)", np.asarray(fill(picture, holes, "telea")), original, holes)
        add("holes: damaged, unfilled", damaged, original, holes)
        for method, label in (("exemplar", "artproof exemplar"), ("telea", "OpenCV Telea"), ("ns", "OpenCV NS"),
                              ("biharmonic", "scikit-image biharmonic")):  # fmt: skip
            add(f"cracks: {label}, painted (true) mask", np.asarray(fill(picture, cracks, method)), original, cracks)
        print(name, f"holes P {precision[-1]:.3f} R {recall[-1]:.3f}", f"cracks P {crack_precision[-1]:.3f} "
              f"R {crack_recall[-1]:.3f}", flush=True)  # fmt: skip
    lines = [
        "## Restoration (issue 13)",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}",
        "- command: `.venv/bin/python benchmarks/restore.py --write`",
        f"- {len(images)} pictures (scikit-image samples, trained-style paintings, CPPN renders, crops), each with",
        "  3-5 holes (discs of paper white or black, 8-30 px) and 6 random-walk cracks (1-3 px, dark or light)",
        "",
        f"Hole detection: pixel precision median {statistics.median(precision):.3f} (min {min(precision):.3f}), "
        f"recall median {statistics.median(recall):.3f} (min {min(recall):.3f}).",
        f"Crack detection: pixel precision median {statistics.median(crack_precision):.3f} "
        f"(min {min(crack_precision):.3f}), recall median {statistics.median(crack_recall):.3f} "
        f"(min {min(crack_recall):.3f}).",
        "",
        "Inside the damage (medians over the pictures):",
        "",
        "| method | PSNR dB | SSIM |",
        "|---|---|---|",
        *(
            f"| {name} | {statistics.median(p for p, _ in v):.2f} | {statistics.median(s for _, s in v):.3f} |"
            for name, v in rows.items()
        ),
        "",
        *goal_lines(rows),
    ]
    if args.write:
        print(write_section("restore", lines))
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
