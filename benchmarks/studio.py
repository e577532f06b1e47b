"""The studio's trained and classical operations (issue 13): time, peak memory, and background-removal IoU.

One run, one process per measurement (its peak resident memory is the operation's plus Python's):

- time at 1 MP and 12 MP of generate.neural (painted at a 1536-px working scale, then Lanczos),
  assist.remove_background, assist.relight and assist.fit_print, a vary.grid candidate per kind, and
  assist.upscale (fast at 0.25 and 1 MP input; general, Real-ESRGAN x4plus, at 0.05 MP: it is the slow one);
- background removal: IoU of the alpha (> 50 %) with the known mask on 20 composites (shapes with
  soft and hard edges pasted on paintings, noise and gradients), beside U²-Net-p's mask without the
  guided-filter refinement and beside a colour baseline (distance from the border's median colour,
  Otsu's threshold): what artproof adds over no model and over the raw network.

Run: .venv/bin/python benchmarks/studio.py [--write]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from results import write_section

from artproof.ops import OpContext, get_operation

SIZES = {"1 MP": (1152, 864), "12 MP": (4000, 3000)}


def _canvas(size: tuple[int, int], seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = (rng.random((48, 64, 3)) * 255).astype(np.uint8)
    return Image.fromarray(small).resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(3))


def _measure(job: Callable[[], Any]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``job`` run in a fresh forked process."""
    queue: mp.Queue[tuple[float, float]] = mp.Queue()

    def child() -> None:
        start = time.perf_counter()
        job()
        queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

    process = mp.get_context("fork").Process(target=child)
    process.start()
    result = queue.get()
    process.join()
    return result


def _op(name: str, params: dict[str, Any], picture: Image.Image | None, version: str = "1.0.0") -> Callable[[], Any]:
    op = get_operation(name, version)

    def job() -> Any:
        resolved = op.resolve(op.parse_params(params))
        return op.run(resolved, [] if picture is None else [picture], OpContext())

    return job


def timings() -> list[tuple[str, str, float, float]]:
    rows = []
    for label, size in SIZES.items():
        picture = _canvas(size)
        jobs = {
            "generate.neural (style 19)": _op(
                "generate.neural", {"prompt": "harbour", "seed": 1, "width": size[0], "height": size[1]}, None
            ),
            "assist.remove_background": _op("assist.remove_background", {}, picture),
            "assist.cutout (GrabCut, at most 640 px)": _op("assist.cutout", {}, picture),
            "restore.detect (holes, cracks)": _op("restore.detect", {"kinds": ["holes", "cracks"]}, picture, "1.1.0"),
            "assist.relight": _op("assist.relight", {"direction": "left"}, picture),
            "assist.fit_print (A3, 300 dpi)": _op("assist.fit_print", {"paper": "A3", "dpi": 300}, picture),
            "vary.grid: 1 candidate, style 19": _op("vary.grid", {"styles": ["19"]}, picture),
            "vary.grid: 1 candidate, oil": _op("vary.grid", {"styles": ["oil"]}, picture),
            "vary.grid: 1 candidate, palette autumn + dusk": _op(
                "vary.grid", {"palettes": ["autumn"], "lightings": ["dusk"]}, picture
            ),
        }
        for name, job in jobs.items():
            seconds, peak = _measure(job)
            rows.append((name, label, seconds, peak))
            print(f"{name} {label}: {seconds:.2f} s, {peak:.0f} MB", flush=True)
    for label, size, quality in (("0.25 MP", (576, 432), "fast"), ("1 MP", (1152, 864), "fast"),
                                 ("0.05 MP", (256, 192), "general")):  # fmt: skip
        seconds, peak = _measure(_op("assist.upscale", {"factor": 4, "quality": quality}, _canvas(size)))
        rows.append((f"assist.upscale 4x ({quality})", label, seconds, peak))
        print(f"upscale {quality} {label}: {seconds:.2f} s, {peak:.0f} MB", flush=True)
    return rows


def composites(count: int = 20) -> list[tuple[Image.Image, np.ndarray]]:
    """Objects with known masks pasted on backgrounds: paintings, noise and gradients."""
    neural = get_operation("generate.neural", "1.0.0")
    out = []
    for i in range(count):
        rng = np.random.default_rng(100 + i)
        w, h = 768, 576
        if i % 3 == 0:
            params = neural.resolve(neural.parse_params({"prompt": f"bg {i}", "seed": i, "width": w, "height": h}))
            background = neural.run(params, [], OpContext()).image
        elif i % 3 == 1:
            background = _canvas((w, h), seed=i)
        else:
            y = np.linspace(0, 1, h)[:, None, None]
            background = Image.fromarray(
                (np.clip(y * rng.random(3) * 255 + rng.random(3) * 60, 0, 255) + np.zeros((h, w, 3))).astype(np.uint8)
            )
        mask = Image.new("L", (w, h))
        draw = ImageDraw.Draw(mask)
        cx, cy = rng.integers(250, 520), rng.integers(200, 380)
        if i % 2 == 0:
            draw.ellipse((cx - 150, cy - 170, cx + 150, cy + 170), fill=255)
        else:
            radii = 180 * (0.6 + 0.4 * rng.random(8))
            angles = np.linspace(0, 2 * np.pi, 9)[:-1]
            points = [(cx + r * np.cos(t), cy + r * np.sin(t)) for r, t in zip(radii, angles, strict=True)]
            draw.polygon(points, fill=255)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        texture = Image.new("RGB", (w, h), colour)
        shade = Image.linear_gradient("L").resize((w, h)).point(lambda v: 180 + v // 4)
        subject = Image.composite(texture, Image.new("RGB", (w, h), (0, 0, 0)), shade)
        picture = background.convert("RGB").copy()
        picture.paste(subject, mask=mask)
        out.append((picture, np.asarray(mask) > 127))
    return out


def iou(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float((predicted & truth).sum() / max(1, (predicted | truth).sum()))


def colour_baseline(picture: Image.Image) -> np.ndarray:
    """Distance from the border's median colour, thresholded by Otsu: what a tool with no model can do."""
    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    distance = np.sqrt(((rgb - np.median(border, axis=0)) ** 2).sum(axis=2))
    hist, edges = np.histogram(distance, bins=256)
    centres = (edges[:-1] + edges[1:]) / 2
    best, threshold = -1.0, float(centres[0])
    for k in range(1, 256):
        w0, w1 = hist[:k].sum(), hist[k:].sum()
        if w0 == 0 or w1 == 0:
            continue
        m0 = (hist[:k] * centres[:k]).sum() / w0
        m1 = (hist[k:] * centres[k:]).sum() / w1
        between = w0 * w1 * (m0 - m1) ** 2
        if between > best:
            best, threshold = between, float(centres[k])
    return np.asarray(distance > threshold)


def background_removal() -> dict[str, list[float]]:
    op = get_operation("assist.remove_background", "1.0.0")
    scores: dict[str, list[float]] = {
        "artproof (U2-Net-p + guided filter)": [],
        "U2-Net-p alone": [],
        "GrabCut, no network (assist.cutout)": [],
        "colour baseline": [],
    }
    cutout = get_operation("assist.cutout", "1.0.0")
    for picture, truth in composites():
        refined = op.run(op.resolve(op.parse_params({})), [picture], OpContext()).image
        raw = op.run(op.resolve(op.parse_params({"refine": False})), [picture], OpContext()).image
        scores["artproof (U2-Net-p + guided filter)"].append(iou(np.asarray(refined.getchannel("A")) > 127, truth))
        scores["U2-Net-p alone"].append(iou(np.asarray(raw.getchannel("A")) > 127, truth))
        grabbed = cutout.run(cutout.parse_params({}), [picture], OpContext()).image
        scores["GrabCut, no network (assist.cutout)"].append(iou(np.asarray(grabbed.getchannel("A")) > 127, truth))
        scores["colour baseline"].append(iou(colour_baseline(picture), truth))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    scores = background_removal()
    for name, values in scores.items():
        print(f"{name}: IoU median {statistics.median(values):.3f}, min {min(values):.3f}", flush=True)
    rows = timings()
    lines = [
        "## Studio operations (issue 13)",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}",
        "- command: `.venv/bin/python benchmarks/studio.py --write`",
        "- each timing is one fresh process (forked); peak memory is that process's resident peak",
        "",
        "Background removal, IoU of the alpha (> 50 %) with the known mask, 20 composites (ellipses and",
        "irregular polygons, shaded, on trained-style paintings, blurred noise and gradients, 768x576):",
        "",
        "| method | IoU median | IoU min | IoU mean |",
        "|---|---|---|---|",
        *(
            f"| {name} | {statistics.median(v):.3f} | {min(v):.3f} | {statistics.mean(v):.3f} |"
            for name, v in scores.items()
        ),
        "",
        "| operation | input | seconds | peak MB |",
        "|---|---|---|---|",
        *(f"| {name} | {label} | {seconds:.2f} | {peak:.0f} |" for name, label, seconds, peak in rows),
        "",
        "generate.neural paints at most 1536 px on the long side and brings it to size with Lanczos;",
        "vary.grid's trained styles likewise; the rest work at full size.",
    ]
    if args.write:
        print(write_section("studio", lines))
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
