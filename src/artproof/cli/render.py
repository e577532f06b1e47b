"""Rendering for people (Rich tables) and for scripts (one JSON document)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the CLI starts fast: models load with the command that needs them
    from artproof.provenance.model import WorkManifest
    from artproof.provenance.replay import StepReplay
    from artproof.store.repository import WorkRecord

__all__ = ["err", "out", "print_json", "replay_table", "safe", "text", "work_json", "work_panel", "works_table"]

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]} | {0x9B: "\\x9b"}


def safe(text: str) -> str:
    """Text from a file or a database, with control characters escaped: it cannot clear or fake lines."""
    return text.translate(_CONTROL)


def text(value: str) -> str:
    """A string from a file or a database, made inert for Rich: control characters and markup escaped."""
    return escape(safe(value))


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout: a service's typed result (its ``to_json()``) or a plain value."""
    if hasattr(document, "to_json"):
        document = document.to_json()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def details_of(manifest: WorkManifest) -> Any:
    from artproof.ops.describe import details_of as described

    return described(manifest)


def work_json(manifest: WorkManifest, *, signature_valid: bool = True) -> dict[str, Any]:
    payload = manifest.payload()
    master = manifest.assets[manifest.master]
    return {
        "work_id": manifest.work_id,
        "title": manifest.title,
        "artist": manifest.artist,
        "created_at": manifest.created_at,
        "revision": manifest.revision,
        "master": manifest.master,
        "master_pixels": master.pixels,
        "width": master.width,
        "height": master.height,
        "details": details_of(manifest).model_dump(mode="json"),
        "classification": payload["classification"],
        "steps": payload["steps"],
        "assets": payload["assets"],
        "signature_valid": signature_valid,
    }


_PNG_INFO = (
    ("steps", "Steps"),
    ("sampler", "Sampler"),
    ("scheduler", "Schedule type"),
    ("cfg_scale", "CFG scale"),
    ("seed", "Seed"),
    ("size", "Size"),
    ("model_hash", "Model hash"),
    ("model", "Model"),
    ("vae", "VAE"),
    ("denoise", "Denoising strength"),
)


def _number(value: Any) -> str:
    """Numbers as people wrote them: 0.87, not 0.8700000000000001."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def png_info(g: dict[str, Any]) -> list[str]:
    """A generation in the "PNG Info" layout A1111 and ComfyUI users know: prompt, negative, then settings."""
    if g.get("source_tool") == "camera":
        fields = {k: v for k, v in g.items() if v not in (None, [], {}) and k not in ("extra", "source_tool")}
        return [", ".join(f"{k}: {_number(v)}" for k, v in fields.items())]
    lines = [str(g["prompt"])] if g.get("prompt") else []
    if g.get("negative_prompt"):
        lines.append(f"Negative prompt: {g['negative_prompt']}")
    values = dict(g)
    if g.get("width") and g.get("height"):
        values["size"] = f"{g['width']}x{g['height']}"
    settings = [f"{label}: {_number(values[key])}" for key, label in _PNG_INFO if values.get(key) not in (None, "")]
    settings += [f"Lora {lora.get('name')}: {_number(lora.get('weight'))}" for lora in g.get("loras") or []]
    settings.append(f"Tool: {g.get('source_tool')}")
    lines.append(", ".join(settings))
    return lines


def _params_text(params: dict[str, Any]) -> str:
    if "generations" in params and "source_tool" in params:  # an import: its normalised record is shown below
        count = len(params.get("generations") or [])
        return f"file={params.get('file')}, tool={params.get('source_tool') or 'unknown'}, {count} generation(s)"
    parts = []
    for key, value in params.items():
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        parts.append(f"{key}={text if len(text) <= 40 else text[:37] + '...'}")
    return ", ".join(parts)


def work_panel(manifest: WorkManifest) -> None:
    master = manifest.assets[manifest.master]
    c = manifest.classification
    out.print(
        f"[bold]{text(manifest.title)}[/bold]  work [cyan]{manifest.work_id}[/cyan]  revision {manifest.revision}"
    )
    out.print(f"by {text(manifest.artist['name'])} (key {manifest.artist['key_id']}), created {manifest.created_at}")
    out.print(f"master {manifest.master}  {master.width}x{master.height}")
    details = details_of(manifest)
    facts = [
        ("series", details.series), ("year", str(details.year or "")), ("medium", details.medium),
        ("dimensions", details.dimensions),
    ]  # fmt: skip
    shown = "; ".join(f"{name}: {value}" for name, value in facts if value)
    if shown:
        out.print(safe(shown), markup=False, soft_wrap=True)
    if details.statement:
        out.print("[bold]statement[/bold]")
        out.print(f"  {safe(details.statement)}", markup=False, soft_wrap=True)
    out.print(
        f"[bold]classification[/bold] {c.digital_source_type or 'unknown'} ({c.category}); "
        f"physical hybrid: {'yes' if c.physical_hybrid else 'no'}; human decisions: {c.human_decisions}; "
        f"pixels by hand: {round(c.human_pixel_share * 100)}%"
    )
    out.print(f"  {c.explanation}")
    table = Table(title="process graph (oldest first)", title_justify="left")
    for column in ("#", "operation", "agency", "parameters", "inputs", "output"):
        table.add_column(column, overflow="fold")
    for i, step in enumerate(manifest.steps, start=1):
        extra = f" +{len(step.extra_outputs)} candidates" if step.extra_outputs else ""
        table.add_row(
            str(i),
            f"{step.op} {step.version}",
            step.agency,
            Text(safe(_params_text(step.params))),
            str(len(step.inputs)),
            step.output[7:19] + extra,
        )
    out.print(table)
    for i, step in enumerate(manifest.steps, start=1):
        for n, g in enumerate(step.params.get("generations") or [], start=1) if step.op == "import.file" else ():
            out.print(f"[bold]step {i}, generation {n}[/bold] (as the file recorded it)")
            for line in png_info(g):
                out.print(f"  {safe(line)}", markup=False, soft_wrap=True)


def works_table(works: list[WorkRecord]) -> None:
    table = Table(title=f"{len(works)} work(s)", title_justify="left")
    for column in ("work", "title", "revision", "updated", "master"):
        table.add_column(column)
    for w in works:
        table.add_row(w.work_id, Text(safe(w.title)), str(w.revision), w.updated_at, w.master[:19] + "...")
    out.print(table)


_STATUS_STYLE = {"match": "green", "perceptual_match": "yellow", "recorded": "blue", "mismatch": "red", "error": "red"}


def replay_table(results: list[StepReplay]) -> None:
    table = Table(title="replay", title_justify="left")
    for column in ("#", "operation", "result", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        style = _STATUS_STYLE[r.status]
        table.add_row(str(r.index), f"{r.op} {r.version}", f"[{style}]{r.status}[/{style}]", Text(safe(r.detail)))
    out.print(table)
