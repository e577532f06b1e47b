"""Fuzzing the readers: mutated files and hostile chunk texts give a reading or a typed error, never a crash.

ARTPROOF_FUZZ_EXAMPLES raises the number of examples for a long run (the note records one).
"""

from __future__ import annotations

import io
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from artproof.errors import ArtproofError
from artproof.interop.readers import read_file

EXAMPLES = int(os.environ.get("ARTPROOF_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

A1111 = "a duck\nNegative prompt: bad\nSteps: 15, Sampler: UniPC, CFG scale: 5, Seed: 1, Size: 512x400, Model: m"
COMFY = json.dumps(
    {
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": 1,
                "steps": 20,
                "cfg": 8,
                "sampler_name": "euler",
                "scheduler": "normal",
                "denoise": 1,
                "model": ["4", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
        },
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.ckpt"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat"}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "bad"}},
    }
)


def png(text: dict[str, str]) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 80, 120)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


SEEDS = [
    png({"parameters": A1111}),
    png({"prompt": COMFY}),
    png({"invokeai_metadata": '{"seed": 1, "steps": 2}'}),
    png({"Software": "NovelAI", "Description": "x", "Comment": '{"steps": 1, "uc": "y"}'}),
]


def outcome(data: bytes) -> None:
    try:
        reading = read_file(data, "fuzz.png")
    except ArtproofError:
        return
    json.dumps([g.model_dump(mode="json") for g in reading.generations])  # records stay serialisable


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, 10_000),
)
def test_mutated_files(seed: bytes, edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    outcome(bytes(data[: max(1, len(data) - cut % len(data))]))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


@FUZZ
@given(
    key=st.sampled_from(["parameters", "prompt", "invokeai_metadata", "sd-metadata", "Dream", "Comment"]),
    value=st.one_of(st.text(max_size=300), json_values.map(json.dumps)),
)
def test_hostile_chunk_texts(key: str, value: str) -> None:
    extra = {"Software": "NovelAI", "Description": "d"} if key == "Comment" else {}
    outcome(png({key: value, **extra}))


@FUZZ
@given(
    graph=st.dictionaries(
        st.sampled_from(["1", "2", "3", "4"]),
        st.fixed_dictionaries(
            {
                "class_type": st.sampled_from(
                    ["KSampler", "CLIPTextEncode", "LoraLoader", "CheckpointLoaderSimple", "X"]
                ),
                "inputs": st.dictionaries(
                    st.sampled_from(
                        [
                            "seed",
                            "steps",
                            "cfg",
                            "model",
                            "positive",
                            "text",
                            "lora_name",
                            "ckpt_name",
                            "latent_image",
                            "width",
                        ]
                    ),
                    st.one_of(
                        json_values, st.tuples(st.sampled_from(["1", "2", "3", "4", "9"]), st.integers(0, 1)).map(list)
                    ),
                ),
            }
        ),
        max_size=4,
    )
)
def test_comfyui_graphs_with_cycles_and_junk(graph: dict[str, object]) -> None:
    outcome(png({"prompt": json.dumps(graph)}))
