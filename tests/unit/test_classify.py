"""Classification derived from the graph: five (and more) kinds of process."""

from __future__ import annotations

import pytest

from artproof.errors import IntegrityError
from artproof.provenance.classify import classify
from artproof.provenance.graph import ProcessGraph
from tests.factories import asset, step

ALGO = {"algorithmic": 1.0}
TRAINED = {"trained": 1.0}


def test_pure_cppn_is_algorithmic_media() -> None:
    graph = ProcessGraph([step("generate.cppn", "algorithmic", [], "g", ALGO)])
    c = classify(graph, asset("g"))
    assert (c.digital_source_type, c.category, c.human_decisions, c.physical_hybrid) == (
        "algorithmicMedia",
        "algorithmic",
        0,
        False,
    )
    assert c.digital_source_type_uri == "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"


def test_cppn_with_selection_and_crop_counts_two_decisions_but_no_pixels() -> None:
    graph = ProcessGraph(
        [
            step("generate.cppn", "algorithmic", [], "g", ALGO),
            step("vary.candidates", "algorithmic", ["g"], "sheet", ALGO, extra=["c1", "c2", "c3"]),
            step("human.select", "human", ["c1", "c2", "c3"], "c3", ALGO, params={"choice": "c3"}),
            step("edit.crop", "human", ["c3"], "crop", ALGO),
        ]
    )
    c = classify(graph, asset("crop"))
    assert c.digital_source_type == "algorithmicMedia"
    assert c.human_decisions == 2
    assert c.human_pixel_share == 0.0
    assert "choice among candidates" in c.explanation and "crop" in c.explanation


def test_imported_trained_image_with_human_edits() -> None:
    graph = ProcessGraph(
        [
            step("import.file", "import", [], "imp", TRAINED, reexecutable=False),
            step("edit.crop", "human", ["imp"], "crop", TRAINED),
            step("edit.paint", "human", ["crop"], "paint", {"trained": 0.7, "human": 0.3}),
        ]
    )
    cropped = classify(graph, asset("crop"))
    assert cropped.digital_source_type == "trainedAlgorithmicMedia"
    assert cropped.category == "AI-generated" and cropped.human_decisions == 1
    painted = classify(graph, asset("paint"))
    assert painted.digital_source_type == "compositeWithTrainedAlgorithmicMedia"
    assert painted.category == "AI-assisted"
    assert painted.human_pixel_share == pytest.approx(0.3)
    assert painted.human_decisions == 2


def test_human_only_work_is_digital_creation() -> None:
    graph = ProcessGraph(
        [
            step("paint.canvas", "human", [], "p", {"human": 1.0}),
            step("edit.resize", "human", ["p"], "r", {"human": 1.0}),
        ]
    )
    c = classify(graph, asset("r"))
    assert (c.digital_source_type, c.category, c.human_pixel_share) == ("digitalCreation", "human", 1.0)


def test_physical_step_makes_a_physical_hybrid() -> None:
    graph = ProcessGraph(
        [
            step("generate.cppn", "algorithmic", [], "g", ALGO),
            step(
                "physical.overpaint",
                "physical",
                ["g"],
                "scan",
                {"algorithmic": 0.6, "physical": 0.4},
                reexecutable=False,
            ),
        ]
    )
    c = classify(graph, asset("scan"))
    assert c.physical_hybrid is True
    assert c.digital_source_type == "compositeSynthetic"
    assert c.human_pixel_share == pytest.approx(0.4)
    assert "physical hybrid" in c.explanation


def test_capture_and_unknown_provenance() -> None:
    graph = ProcessGraph(
        [
            step("capture.camera", "capture", [], "photo", {"capture": 1.0}, reexecutable=False),
            step("edit.crop", "human", ["photo"], "crop", {"capture": 1.0}),
            step("import.file", "import", [], "mystery", {"unknown": 1.0}, reexecutable=False),
        ]
    )
    assert classify(graph, asset("photo")).digital_source_type == "digitalCapture"
    assert classify(graph, asset("crop")).digital_source_type == "humanEdits"
    unknown = classify(graph, asset("mystery"))
    assert unknown.digital_source_type is None and "unknown" in unknown.explanation


def test_only_ancestors_of_the_master_count() -> None:
    graph = ProcessGraph(
        [
            step("generate.cppn", "algorithmic", [], "g", ALGO),
            step("edit.crop", "human", ["g"], "side-branch", ALGO),
        ]
    )
    assert classify(graph, asset("g")).human_decisions == 0


def test_graph_refuses_an_input_nobody_produced() -> None:
    with pytest.raises(IntegrityError, match="no earlier step produced"):
        ProcessGraph([step("edit.crop", "human", ["ghost"], "x", ALGO)])


def test_graph_refuses_a_step_whose_id_does_not_match() -> None:
    good = step("generate.cppn", "algorithmic", [], "g", ALGO)
    forged = good.model_copy(update={"params": {"seed": 1}})
    with pytest.raises(IntegrityError, match="does not match its id"):
        ProcessGraph([forged])
