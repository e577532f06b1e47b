"""``artproof model``: model cards, what each trained model that touched a work is."""

from __future__ import annotations

from pathlib import Path

import typer

from artproof.cli.common import JSON, services, text_or_file
from artproof.cli.render import out, print_json, safe
from artproof.errors import InvalidInput

__all__ = ["model_app"]

model_app = typer.Typer(
    no_args_is_help=True, help="Model cards: architecture, licence and training data by weights hash."
)


@model_app.command("add")
def model_add(
    path: Path | None = typer.Argument(None, help="the weights: a file, or a diffusers folder (hashed here)"),
    sha256: str | None = typer.Option(None, "--sha256", help="the weights' SHA-256, when the file is elsewhere"),
    name: str = typer.Option(..., "--name", help="the model's name"),
    version: str = typer.Option("", "--version", help="its version"),
    architecture: str = typer.Option("", "--architecture", help='e.g. "SDXL 1.0"'),
    licence: str = typer.Option("", "--licence", help='e.g. "CreativeML OpenRAIL++-M"'),
    training_data: str | None = typer.Option(None, "--training-data", help="what it was trained on: a file or text"),
    url: str = typer.Option("", "--url", help="where it is published"),
    as_json: bool = JSON,
) -> None:
    """Add (or replace) the card of a model, keyed by its weights' SHA-256."""
    from artproof.models.cards import weights_digest

    if (path is None) == (sha256 is None):
        raise InvalidInput("give the weights or their hash, one of the two", hint="artproof model add PATH --name N")
    digest = (
        weights_digest(path) if path is not None else "sha256:" + (sha256 or "").strip().lower().removeprefix("sha256:")
    )
    words = text_or_file(training_data, "the training-data statement") if training_data is not None else ""
    card = services().model_cards.add(
        {"sha256": digest, "name": name, "version": version, "architecture": architecture, "licence": licence,
         "training_data": words, "url": url}
    )  # fmt: skip
    if as_json:
        print_json(card)
    else:
        out.print(f"model card for {safe(card.name)} ({card.sha256[:23]}...) saved", markup=False)


@model_app.command("list")
def model_list(as_json: bool = JSON) -> None:
    """The model cards this home knows: those that ship with artproof and those you added."""
    cards = services().model_cards.all()
    if as_json:
        print_json([c.to_json() for c in cards])
        return
    for card in cards:
        out.print(
            f"{card.sha256[7:19]}  {safe(card.name)}  ({card.source})  {safe(card.summary())}",
            markup=False,
            soft_wrap=True,
        )


@model_app.command("show")
def model_show(
    ref: str = typer.Argument(..., help="a card's name or (a prefix of) its hash"), as_json: bool = JSON
) -> None:
    """One model card in full."""
    card = services().model_cards.find(ref)
    if as_json:
        print_json(card)
        return
    for label, value in (
        ("name", card.name), ("version", card.version), ("weights", card.sha256), ("architecture", card.architecture),
        ("licence", card.licence), ("training data", card.training_text), ("url", card.url),
        ("card", "ships with artproof" if card.source == "artproof" else f"added {card.added_at}"),
    ):  # fmt: skip
        if value:
            out.print(f"{label:<14} {safe(value)}", markup=False, soft_wrap=True)
