"""Finding the copies people really make (issue 16): recall, false matches and search time.

1. A registry of REGISTERED pictures of mixed kinds (windows of the photographs that ship with
   scikit-image and Matplotlib, each graded differently; pattern-engine renders; procedural
   graphics), at 512-1024 px. Every transform of benchmarks/copies.py (rotations, mirror, photo of a
   print, screenshot, details, overlay, letterbox, WebP, resize + JPEG, chains of two) is applied to
   QUERIES of them; a hit is the right picture confirmed first, by the global hashes alone (the
   anchor: what the registry did before issue 16) and by the whole search (global, then keypoints).
2. UNREGISTERED pictures never registered (windows from the other half of each photograph, other
   renders and graphics) are searched: any confirmed match is a false match, but for a held-out
   photograph quadrant holding a cloned patch of a registered one (counted apart: see ``_cloned``).
3. The keypoint shortlist at 100k and 1M pictures with synthetic descriptor words (uniform): the time
   to shortlist one query, beside a brute-force Hamming match of its descriptors against 1,000
   pictures (what matching without an index costs per thousand works).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/fingerprint_copies.py \
       [--registered 2000] [--queries 100] [--unregistered 10000] [--sizes 100000,1000000] [--write]
       [--keep DIR] (the registry kept between runs) [--workers N] (the never-registered pictures in N
       processes) [--first K] (from never-registered picture K: a run resumed where one stopped)
       [--grey] (the never-registered pictures as greyscale reposts)
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

sys.path.insert(0, str(Path(__file__).parent))

from copies import CHAINS, TRANSFORMS, copy_of
from results import write_section

from artproof.core.images import encode_png
from artproof.fingerprint.registry import SHORTLIST_QUERY, FingerprintRegistry, Query
from artproof.fingerprint.shortlist import NPROBE, Shortlist, cells_for
from artproof.ops import OpContext, get_operation
from artproof.store.blobs import BlobStore
from artproof.store.database import open_engine


def _photographs() -> list[Image.Image]:
    import matplotlib
    import skimage

    folders = [Path(skimage.__file__).parent / "data", Path(matplotlib.get_data_path()) / "sample_data"]
    out = []
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() not in (".png", ".jpg") or path.stat().st_size < 30_000:
                continue
            picture = Image.open(path).convert("RGB")
            if min(picture.size) >= 300:
                out.append(picture)
    return out


PHOTOS: list[Image.Image] = []


def kind_of(i: int) -> str:
    """The kind of picture number ``i`` (registered or held out alike), without making it."""
    if not PHOTOS:
        PHOTOS.extend(_photographs())
    kind = ("photo", "painting", "pattern", "graphic")[i % 4]
    return "painting" if kind == "photo" and i // 4 >= 2 * len(PHOTOS) else kind


def picture(i: int, held_out: bool = False) -> tuple[str, Image.Image]:
    """(kind, picture) number ``i``, never two alike; held-out ones come from other quadrants and seeds.

    Kinds: a quadrant of one of the photographs that ship with scikit-image and Matplotlib (each
    quadrant once: the first two of each for registered pictures, the last two for held-out ones,
    so no two pictures share content), a painting by the neural engine (a trained style network over
    a pattern), a pattern-engine render, a procedural graphic.
    """
    rng = np.random.default_rng(i * 2 + held_out)
    size = int(rng.integers(512, 1025))
    aspect = float(rng.choice([1.0, 0.75, 4 / 3, 2 / 3]))
    w, h = (size, int(size * aspect)) if aspect <= 1 else (int(size / aspect), size)
    kind = kind_of(i)
    if kind == "photo":
        source = PHOTOS[(i // 4) % len(PHOTOS)]
        quadrant = (i // 4) // len(PHOTOS) + 2 * held_out
        x0, y0 = (quadrant % 2) * source.width // 2, (quadrant // 2) * source.height // 2
        window = source.crop((x0, y0, x0 + source.width // 2, y0 + source.height // 2))
        window = window.resize((w, h), Image.Resampling.LANCZOS)
        window = ImageEnhance.Color(window).enhance(float(rng.uniform(0.6, 1.4)))
        return kind, ImageEnhance.Brightness(window).enhance(float(rng.uniform(0.8, 1.2)))
    if kind == "painting":
        neural = get_operation("generate.neural", "1.0.0")
        prompt = f"{'held' if held_out else 'series'} {i % 97}"
        params = neural.parse_params(
            {"prompt": prompt, "seed": i * 2 + held_out, "width": w, "height": h, "style": int(rng.integers(26))}
        )
        return kind, neural.run(params, [], OpContext()).image.convert("RGB")
    if kind == "pattern":
        cppn = get_operation("generate.cppn", "1.0.0")
        prompt = f"{'held' if held_out else 'series'} {i % 211}"
        params = cppn.parse_params({"prompt": prompt, "seed": i * 2 + held_out, "width": w, "height": h})
        return kind, cppn.run(params, [], OpContext()).image.convert("RGB")
    out = Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(out)
    for _ in range(int(rng.integers(6, 30))):
        box = sorted(rng.integers(0, w, 2).tolist()), sorted(rng.integers(0, h, 2).tolist())
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        shape = int(rng.integers(3))
        xy = (box[0][0], box[1][0], box[0][1], box[1][1])
        if shape == 0:
            draw.ellipse(xy, fill=colour)
        elif shape == 1:
            draw.rectangle(xy, fill=colour)
        else:
            draw.line(xy, fill=colour, width=int(rng.integers(2, 20)))
    noise = np.random.default_rng(i).normal(0, float(rng.uniform(0, 10)), (h, w, 1))
    return kind, Image.fromarray(np.clip(np.asarray(out, np.float32) + noise, 0, 255).astype(np.uint8))


CLONES: dict[int, set[tuple[int, int]]] = {}


def _cloned(photo: int) -> set[tuple[int, int]]:
    """Pairs (registered quadrant, held-out quadrant) of photograph ``photo`` that hold the same patch.

    Some of the shipped photographs are textures with cloned patches (scikit-image's grass: a patch of
    its top-left quadrant is repeated in both bottom quadrants, 32-pixel blocks correlating 0.94-0.96
    after a pure shift). A held-out quadrant holding a registered quadrant's pixels is no stranger to
    the registry, so a match between them is counted apart. Judged independently of the registry's
    own keypoints (ORB): SIFT matches between the two quadrants at the source's size, of which at
    least 20 agree on a shift alone (scale 1 within 1 %, no turn), as only copied pixels do.
    """
    if photo not in CLONES:
        import cv2

        source = np.asarray(PHOTOS[photo].convert("L"))
        h, w = source.shape

        def quadrant(q: int) -> np.ndarray:
            y0, x0 = (q // 2) * h // 2, (q % 2) * w // 2
            return source[y0 : y0 + h // 2, x0 : x0 + w // 2]

        sift = cv2.SIFT_create(4000)  # type: ignore[attr-defined]
        described = {q: sift.detectAndCompute(quadrant(q), None) for q in range(4)}
        pairs = set()
        for registered in (0, 1):
            for held in (2, 3):
                (kr, dr), (kh, dh) = described[registered], described[held]
                if dr is None or dh is None or len(dr) < 2 or len(dh) < 2:
                    continue
                good = [a for a, b in cv2.BFMatcher().knnMatch(dh, dr, k=2) if a.distance < 0.75 * b.distance]
                if len(good) < 20:
                    continue
                ph = np.float32([kh[g.queryIdx].pt for g in good])
                pr = np.float32([kr[g.trainIdx].pt for g in good])
                m, inliers = cv2.estimateAffinePartial2D(ph, pr, ransacReprojThreshold=2)
                if m is not None and int(inliers.sum()) >= 20 and np.allclose(m[:, :2], np.eye(2), atol=0.01):
                    pairs.add((registered, held))
        CLONES[photo] = pairs
    return CLONES[photo]


def shares_content(stranger: int, ref: str) -> bool:
    """Whether never-registered picture ``stranger`` holds pixels of registered picture ``ref`` (``w<i>``)."""
    i = int(ref.removeprefix("w"))
    if kind_of(stranger) != "photo" or kind_of(i) != "photo":
        return False
    n = len(PHOTOS)
    if (stranger // 4) % n != (i // 4) % n:  # quadrants of two different photographs
        return False
    return ((i // 4) // n, (stranger // 4) // n + 2) in _cloned((i // 4) % n)


def recall(
    registered: int,
    queries: int,
    unregistered: int,
    keep: Path | None = None,
    workers: int = 1,
    first: int = 0,
    grey: bool = False,
) -> dict[str, object]:
    """Recall per transform, then false matches (over ``workers`` processes); ``keep``: a folder holding the
    registry between runs."""
    names = [*TRANSFORMS, *(f"{a}>{b}" for a, b in CHAINS)]
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() if keep is None else contextlib.nullcontext(str(keep)) as tmp:
        kept = (Path(tmp) / "fp.db").exists()
        engine = open_engine(f"sqlite:///{Path(tmp) / 'fp.db'}")
        registry = FingerprintRegistry(engine, BlobStore(Path(tmp) / "blobs"))
        started = time.perf_counter()
        rows = []
        kinds: dict[int, str] = {i: kind_of(i) for i in range(registered)}
        for i in range(0 if kept else registered):  # a kept registry holds them already
            kinds[i], image = picture(i)
            blob = registry.blobs.put(encode_png(image))
            rows.append(FingerprintRegistry.row("work", f"w{i}", f"w{i}", "k", image, blob, datetime.now(UTC)))
            if len(rows) == 200:
                with engine.begin() as c:
                    FingerprintRegistry.insert(c, rows)
                rows = []
                print(f"registered {i + 1}", file=sys.stderr)
        with engine.begin() as c:
            FingerprintRegistry.insert(c, rows)
        registering = 0.0 if kept else (time.perf_counter() - started) / registered
        chosen = [int(i) for i in np.random.default_rng(16).choice(registered, min(queries, registered), replace=False)]
        table: dict[str, Counter[str]] = {}
        times: dict[str, list[float]] = {"global": [], "beyond": []}
        originals = {i: picture(i)[1] for i in chosen}
        for name in names:
            counts: Counter[str] = Counter()
            for n, i in enumerate(chosen):
                copy = copy_of(originals[i], name, n)
                query = Query.of(copy)
                t = time.perf_counter()
                plain = registry.search_global(query, limit=5)
                times["global"].append(time.perf_counter() - t)
                counts["global"] += bool(plain) and plain[0].confirmed and plain[0].entry.ref == f"w{i}"
                if any(m.confirmed for m in plain):
                    found = plain
                else:  # the rest of registry.search(): keypoints, the outline laid flat, the picture without bars
                    t = time.perf_counter()
                    found = registry.search_beyond(query, plain, limit=5)
                    times["beyond"].append(time.perf_counter() - t)
                confirmed = [m for m in found if m.confirmed]
                laid = confirmed[0].alignment if confirmed else None
                counts["outline"] += laid is not None and laid.method.startswith("outline")
                counts["hit"] += bool(confirmed) and confirmed[0].entry.ref == f"w{i}"
                counts["wrong"] += any(m.entry.ref != f"w{i}" for m in confirmed)
                if any(m.entry.ref != f"w{i}" for m in confirmed):
                    print(f"  wrong: {name} w{i} -> {[m.entry.ref for m in confirmed]}", file=sys.stderr)
                counts[f"hit {kinds[i]}"] += bool(confirmed) and confirmed[0].entry.ref == f"w{i}"
                counts[f"n {kinds[i]}"] += 1
            table[name] = counts
            print(name, dict(counts), file=sys.stderr)
        strangers, stranger_times = Counter[str](), []
        if unregistered:
            jobs = [(tmp, first + w, workers, unregistered, os.getpid(), grey) for w in range(workers)]
            if workers == 1:
                done = [_strangers(tmp, first, 1, unregistered, None, grey, registry)]
            else:  # each worker its own process and connection, on every workers-th picture
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                    done = list(pool.map(_strangers, *zip(*jobs, strict=True)))
            for counts, spent in done:
                strangers.update(counts)
                stranger_times += spent
        return {
            "registering": registering,
            "table": table,
            "queries": len(chosen),
            "strangers": strangers,
            "unregistered": unregistered - first,
            "global_p50": statistics.median(times["global"]) if times["global"] else 0.0,
            "beyond_p50": statistics.median(times["beyond"]) if times["beyond"] else 0.0,
            "beyond_p95": float(np.percentile(times["beyond"], 95)) if times["beyond"] else 0.0,
            "stranger_p50": statistics.median(stranger_times) if stranger_times else 0.0,
        }


def _strangers(
    folder: str,
    worker: int,
    workers: int,
    unregistered: int,
    parent: int | None,
    grey: bool = False,
    registry: FingerprintRegistry | None = None,
) -> tuple[Counter[str], list[float]]:
    """Pictures never registered (every ``workers``-th from number ``worker``) searched as ``verify`` does
    (``grey``: as greyscale reposts, compared with the registered pictures in grey).

    A worker stops when ``parent`` (the benchmark's process) is gone: killed, its workers went on
    for 17 minutes holding both cores (they are spawned, so nothing else ends them).
    """
    if registry is None:
        registry = FingerprintRegistry(
            open_engine(f"sqlite:///{Path(folder) / 'fp.db'}"), BlobStore(Path(folder) / "blobs")
        )
    strangers, times = Counter[str](), []
    for n, j in enumerate(range(worker, unregistered, workers)):
        if parent is not None and os.getppid() != parent:
            print(f"strangers (from {worker}): the benchmark's process is gone, stopping", file=sys.stderr)
            os._exit(1)  # returning leaves the pool's worker waiting on its dead parent's queue
        kind, image = picture(j, held_out=True)  # other quadrants, seeds and prompts than picture(j)
        if grey:
            image = copy_of(image, "greyscale", j)
        t = time.perf_counter()
        found = registry.search(image)
        times.append(time.perf_counter() - t)
        confirmed = [m.entry.ref for m in found if m.confirmed]
        if shared := [ref for ref in confirmed if shares_content(j, ref)]:
            strangers["shared"] += 1
            print(f"  shares a patch: stranger {j} ({kind}) -> {shared}", file=sys.stderr, flush=True)
        wrongly = [ref for ref in confirmed if ref not in shared]
        strangers[kind] += bool(wrongly)
        strangers[f"n {kind}"] += 1
        if wrongly:
            print(f"  false: stranger {j} ({kind}) -> {wrongly}", file=sys.stderr, flush=True)
        if (n + 1) % 250 == 0:
            print(f"strangers (from {worker}) {n + 1}: {dict(strangers)}", file=sys.stderr, flush=True)
    return strangers, times


def shortlist_speed(
    size: int, per: int = 256, queries: int = 30, nprobe: int = NPROBE, asked: int = SHORTLIST_QUERY, spread: int = 4
) -> dict[str, float]:
    """Shortlist time with ``size`` pictures of ``per`` synthetic descriptors each, in the inverted file.

    The cells are filled directly with uniform random codes (uniform data spreads evenly over the
    cells; assigning 256M codes to their nearest centres would take an hour and change no list's
    length), so the search does exactly the work it does on a registry of that size.
    """
    import faiss

    rng = np.random.default_rng(size)
    started = time.perf_counter()
    total = size * per
    cells = cells_for(total, spread)
    quantizer = faiss.IndexBinaryFlat(256)
    quantizer.add(rng.integers(0, 256, (cells, 32), dtype=np.uint8))
    index = faiss.IndexBinaryIVF(quantizer, 256, cells)
    index.is_trained = True
    index.nprobe = nprobe
    per_cell = total // cells
    for cell in range(cells):
        codes = rng.integers(0, 256, (per_cell, 32), dtype=np.uint8)
        ids = np.arange(cell * per_cell, (cell + 1) * per_cell, dtype=np.int64)
        index.invlists.add_entries(cell, per_cell, faiss.swig_ptr(ids), faiss.swig_ptr(codes))
    index.ntotal = per_cell * cells
    shortlist = Shortlist()
    shortlist._index, shortlist._quantizer = index, quantizer
    shortlist._owner = (np.arange(index.ntotal) // per).astype(np.int32)
    shortlist.count, shortlist.size = size, int(index.ntotal)
    build = time.perf_counter() - started
    times = []
    for _ in range(queries):
        # a copy of a registered picture: half its descriptors have a stored neighbour 24 of 256 bits away
        # (written into the first cell each probes: they vote), half are new (nothing within the vote radius)
        descriptors = rng.integers(0, 256, (asked, 32), dtype=np.uint8)
        planted = descriptors[: asked // 2]
        _, probed = quantizer.search(planted, 1)
        bits = np.unpackbits(planted, axis=1)
        for row in bits:
            row[rng.choice(256, 24, replace=False)] ^= 1
        for code, cell in zip(np.packbits(bits, axis=1), probed[:, 0], strict=True):
            stored = faiss.rev_swig_ptr(index.invlists.get_codes(int(cell)), per_cell * 32).reshape(per_cell, 32)
            stored[int(rng.integers(0, per_cell))] = code
        t = time.perf_counter()
        found = shortlist.search(descriptors, k=24)
        times.append(time.perf_counter() - t)
        assert found, "planted neighbours must vote"
    import cv2

    stored = [rng.integers(0, 256, (512, 32), dtype=np.uint8) for _ in range(1000)]
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    query = rng.integers(0, 256, (1000, 32), dtype=np.uint8)
    t = time.perf_counter()
    for s in stored:
        matcher.knnMatch(query, s, k=2)
    brute = time.perf_counter() - t
    return {"build": build, "p50": statistics.median(times), "p95": float(np.percentile(times, 95)), "brute": brute,
            "cells": cells}  # fmt: skip


def strangers_lines(args: argparse.Namespace, result: dict[str, object]) -> list[str]:
    """The section of a run over never-registered pictures alone (``--queries 0``)."""
    strangers: Counter[str] = result["strangers"]  # type: ignore[assignment]
    false = _false(strangers)
    return [
        "## Real-world copies: pictures never registered (issue 16)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}.",
        f"Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/fingerprint_copies.py --registered "
        f"{args.registered} --queries 0 --unregistered {args.unregistered} --sizes ''"
        + (f" --first {args.first}" if args.first else "")
        + (f" --workers {args.workers}" if args.workers > 1 else "")
        + (" --keep DIR" if args.keep else "")
        + (" --grey" if args.grey else "")
        + " --write`"
        + (f" (the registry of {args.registered:,} made once and kept)." if args.keep else "."),
        "",
        f"{args.registered} registered pictures as in the section above; {result['unregistered']} others"
        + (f" (numbers {args.first:,} to {args.unregistered - 1:,} of the benchmark's " if args.first else " (")
        + "other "
        "photograph quadrants, seeds and prompts) searched as `verify` searches: every stage, the mirror image "
        f"included{'; each as a greyscale repost (JPEG q80), compared in grey' if args.grey else ''}. "
        f"Goal: 0 confirmed. Confirmed: **{false}** (photographs {strangers['photo']}/"
        f"{strangers['n photo']}, paintings {strangers['painting']}/{strangers['n painting']}, patterns "
        f"{strangers['pattern']}/{strangers['n pattern']}, graphics {strangers['graphic']}/{strangers['n graphic']}); "
        f"{_shared_line(strangers)}a search p50 {result['stranger_p50'] * 1000:.0f} ms.",
    ]


def _false(strangers: Counter[str]) -> int:
    """Never-registered pictures confirmed as a registered one they share no pixels with."""
    return sum(strangers[kind] for kind in ("photo", "painting", "pattern", "graphic"))


def _shared_line(strangers: Counter[str]) -> str:
    return (
        f"found, and counted apart, as the registered quadrant of the same photograph whose cloned patch they "
        f"hold: {strangers['shared']}; "
        if strangers["shared"]
        else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registered", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--unregistered", type=int, default=10_000)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--keep", type=Path, help="a folder for the registry, reused when it holds one")
    parser.add_argument("--workers", type=int, default=1, help="processes searching the never-registered pictures")
    parser.add_argument(
        "--first",
        type=int,
        default=0,
        help="the first never-registered picture's number (a run resumed where one stopped)",
    )
    parser.add_argument(
        "--grey", action="store_true", help="the never-registered pictures searched as greyscale reposts of them"
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    speeds = {}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        speeds[size] = shortlist_speed(size)
        print(f"shortlist {size:,}: {speeds[size]}", file=sys.stderr)
    result = recall(args.registered, args.queries, args.unregistered, args.keep, args.workers, args.first, args.grey)
    if not args.queries:  # never-registered pictures alone (the long run: about a second each)
        lines = strangers_lines(args, result)
        print(write_section("copies-strangers", lines) if args.write else "\n".join(lines))
        return
    q = int(result["queries"])  # type: ignore[call-overload]
    lines = [
        "## Real-world copies: finding them (issue 16)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}.",
        f"Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/fingerprint_copies.py --registered "
        f"{args.registered} --queries {args.queries} --unregistered {args.unregistered} --sizes {args.sizes} --write`.",
        "",
        f"{args.registered} registered pictures of four kinds (photograph quadrants while they last, paintings "
        f"by the neural engine, pattern renders, procedural graphics; 512-1024 px, four aspect ratios); {q} of "
        "them copied by each transform. "
        "Recall: the right picture confirmed first by the whole search (`FingerprintRegistry.search`, as `verify` "
        "runs it: global hashes, then keypoints, the outline laid flat, the picture without its bars). Anchor: the "
        "global hashes alone (the registry before issue 16).",
        "",
        "| copy | global hashes (anchor) | whole search | of which by an outline | photographs "
        "| paintings | patterns | graphics | wrong picture confirmed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    table: dict[str, Counter[str]] = result["table"]  # type: ignore[assignment]
    for name, c in table.items():

        def share(kind: str, c: Counter[str] = c) -> str:
            return f"{c[f'hit {kind}']}/{c[f'n {kind}']}" if c[f"n {kind}"] else "-"

        lines.append(
            f"| {name} | {c['global'] / q:.0%} | **{c['hit'] / q:.0%}** | {c['outline']} | {share('photo')} | "
            f"{share('painting')} | "
            f"{share('pattern')} | {share('graphic')} | {c['wrong']} |"
        )
    strangers: Counter[str] = result["strangers"]  # type: ignore[assignment]
    lines += [
        "",
        (
            f"False matches on {result['unregistered']} pictures never registered: **"
            f"{_false(strangers)}** (photographs "
            f"{strangers['photo']}/{strangers['n photo']}, paintings {strangers['painting']}/"
            f"{strangers['n painting']}, patterns {strangers['pattern']}/{strangers['n pattern']}, "
            f"graphics {strangers['graphic']}/{strangers['n graphic']}); {_shared_line(strangers)}".rstrip("; ")
            + "."
            if result["unregistered"]
            else "Pictures never registered: measured on their own (`--queries 0`), in the next section."
        ),
        "",
        f"Time per search: global stage p50 {result['global_p50'] * 1000:.1f} ms; the stages beyond it when they "
        f"run (keypoints: describing the copy, the shortlist, matching and warping up to six works; the "
        f"outline laid flat; the picture without its bars) p50 {result['beyond_p50'] * 1000:.0f} ms, p95 "
        f"{result['beyond_p95'] * 1000:.0f} ms"
        + (
            f"; a picture never registered (every stage, and the mirror image) p50 "
            f"{result['stranger_p50'] * 1000:.0f} ms"
            if result["unregistered"]
            else ""
        )
        + ". Registering: "
        + (
            f"{result['registering'] * 1000:.0f} ms a picture (hashes, thumbnail, keypoints, the row)."
            if result["registering"]
            else "not timed (the registry kept by an earlier run, `--keep`)."
        ),
        "",
        f"Keypoint shortlist at scale: FAISS IndexBinaryIVF over 256 synthetic descriptors per picture, "
        f"{NPROBE} cells probed, one query of {SHORTLIST_QUERY} descriptors (two neighbours each); anchor: "
        "matching the query's 1,000 descriptors against 1,000 pictures' 512 by brute force (OpenCV BFMatcher), "
        "what finding a copy costs per thousand works without an index:",
        "",
        "| pictures | descriptors | cells | build (synthetic) | shortlist p50 | p95 | anchor per 1,000 pictures |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, s in speeds.items():
        lines.append(
            f"| {size:,} | {size * 256:,} | {int(s['cells']):,} | {s['build']:.0f} s | {s['p50'] * 1000:.1f} ms | "
            f"{s['p95'] * 1000:.1f} ms | {s['brute'] * 1000:.0f} ms |"
        )
    print(write_section("copies-found", lines) if args.write else "\n".join(lines))


if __name__ == "__main__":
    main()
