"""The rule that says whether a picture whose mark names an edition is that edition's picture, row by row."""

from __future__ import annotations

import numpy as np

from artproof.fingerprint.features import Alignment
from artproof.fingerprint.hashes import Fingerprint
from artproof.fingerprint.registry import Match, Registered
from artproof.verify.likeness import likeness

ENTRY = Registered(1, "edition", "e1", "w1", "k1", Fingerprint(0, 0, 0), "blob", "2026-12-01", b"")
TURNED = Alignment(np.array([[0.998, -0.07, 30.0], [0.07, 0.998, -20.0], [0.0, 0.0, 1.0]]), 80, 120)
SHIFTED = Alignment(np.array([[1.6, 0.0, -445.0], [0.0, 1.6, -80.0], [0.0, 0.0, 1.0]]), 300, 400)  # in a page


def _match(
    similarity: float, distance: int = 2, *, moved: bool = False, shifted: bool = False, changed: float | None = None
) -> Match:
    alignment = TURNED if moved else SHIFTED if shifted else None
    return Match(ENTRY, "full", distance, similarity, 1.0, alignment, 1.0, changed)


def test_a_confirmed_comparison_is_the_edition_unless_a_part_of_it_shows_something_else() -> None:
    assert likeness("e1", _match(0.97)).outcome == "edition"
    assert likeness("e1", _match(0.96, 14, moved=True, changed=0.01)).outcome == "edition"
    stamped = likeness("e1", _match(0.88, 14, moved=True, changed=0.4))
    assert stamped.outcome == "altered" and "40% of it shows something else" in stamped.reason


def test_the_same_frame_confirmed_is_altered_where_a_part_of_it_shows_something_else() -> None:
    """In its own frame, or shifted and scaled into a page, a stamp is judged by the share it changes (a
    faithful copy: under 0.1 %); laid back by a turn, a mirror or as a detail, a placement a little off
    leaves up to 2.7 % "changed" on a faithful copy, so 3 % accuses there."""
    stamped = likeness("e1", _match(0.93, 2, changed=0.04))
    assert stamped.outcome == "altered" and "4% of it shows something else" in stamped.reason
    assert likeness("e1", _match(0.93, 2, changed=0.01)).outcome == "edition"
    assert likeness("e1", _match(0.93, 2, changed=None)).outcome == "edition"  # a detail: its correlation judged it
    assert likeness("e1", _match(0.93, 12, moved=True, changed=0.04)).outcome == "altered"  # a stamped detail
    assert likeness("e1", _match(0.93, 12, moved=True, changed=0.027)).outcome == "edition"  # a half detail a bit off
    # laid back by a shift and a scale alone (letterboxed, in a page, cropped): judged as its own frame is
    assert likeness("e1", _match(0.93, 12, shifted=True, changed=0.04)).outcome == "altered"
    assert likeness("e1", _match(0.93, 12, shifted=True, changed=0.01)).outcome == "edition"


def test_the_same_frame_correlating_part_way_is_altered_and_a_stranger_is_a_copied_mark() -> None:
    stamped = likeness("e1", _match(0.7, 3))
    assert stamped.outcome == "altered" and "changed in places" in stamped.reason
    assert likeness("e1", _match(0.7, 25)).outcome == "another"  # not its frame, not laid back by keypoints
    assert likeness("e1", _match(0.3, 1)).outcome == "another"
    copied = likeness("e1", None)
    assert copied.outcome == "another" and "copied into another image" in copied.reason


def test_a_copy_laid_back_short_of_confirmation_with_nothing_changed_is_not_accused() -> None:
    """The demo's turned edition compared 0.79 with nothing differing in places: degraded, not altered."""
    degraded = likeness("e1", _match(0.79, 12, moved=True, changed=0.0))
    assert degraded.outcome == "unconfirmed" and "names edition e1" in degraded.reason
    painted = likeness("e1", _match(0.62, 14, moved=True, changed=0.4))  # a band over 40 % of a turned copy
    assert painted.outcome == "altered" and "changed in places" in painted.reason
    logo = likeness("e1", _match(0.8, 10, moved=True, changed=0.06))  # a seller's text over 6 % of a photograph
    assert logo.outcome == "altered" and "changed in places" in logo.reason


def _laid_back(degrees: float, perspective: float = 0.0) -> Alignment:
    """A lay-back of a 600-px picture letterboxed at (100, 40), turned about its centre and given some perspective,
    the keypoints agreeing over all of it (copy -> registered, as the registry fits them)."""
    a = np.radians(degrees)
    turn = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    centre = np.array([[1.0, 0.0, 300.0], [0.0, 1.0, 300.0], [0.0, 0.0, 1.0]])
    homography = centre @ turn @ np.linalg.inv(centre) @ np.array([[1.0, 0, -100.0], [0, 1.0, -40.0], [0, 0, 1.0]])
    homography[2, :2] = perspective, perspective
    region = np.array([[0, 0], [600, 0], [600, 600], [0, 600]], np.float32)
    return Alignment(homography, 200, 260, region=region)


def test_a_letterboxed_copy_whose_keypoints_read_a_small_turn_is_judged_in_its_own_frame() -> None:
    """Keypoints a pixel off turn a letterboxed copy by up to 0.6 degrees or give it a perspective; judged as
    turned (then 25 %), a seller's stamp over 4.5 % of it read ``authentic_edition`` (3 or 4 of 12 stamped,
    letterboxed editions). Within the keypoints' noise it is its own frame: 2 %. A real turn of three
    degrees, or a photograph's perspective, keeps the turned copies' rule: 3 %."""
    for noisy in (_laid_back(0.5), _laid_back(0.0, 1.5e-5)):
        assert noisy.moved() and (noisy.departure() or 1.0) < 0.01
        stamped = Match(ENTRY, "features", 2, 0.98, 1.0, noisy, 1.0, 0.045)
        assert likeness("e1", stamped).outcome == "altered"
        assert likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, noisy, 1.0, 0.002)).outcome == "edition"
    for moved in (_laid_back(3.0), _laid_back(0.0, 2e-4)):
        assert (moved.departure() or 0.0) > 0.02
        assert likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, moved, 1.0, 0.025)).outcome == "edition"
        photographed = moved.transform()["perspective"] >= 0.05  # its placement extrapolates a perspective: 25 %
        stamped = likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, moved, 1.0, 0.045)).outcome
        assert stamped == ("edition" if photographed else "altered"), moved.transform()
        assert likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, moved, 1.0, 0.3)).outcome == "altered"
    assert _laid_back(0.0, 2e-4).transform()["perspective"] >= 0.05  # the second is a photograph's
    mirrored = Alignment(noisy.homography, 200, 260, mirrored=True, region=noisy.region)
    assert likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, mirrored, 1.0, 0.025)).outcome == "edition"
    # keypoints agreeing over a detail's share only: a wrong homography is as straight there as a right one
    assert likeness("e1", Match(ENTRY, "features", 2, 0.98, 1.0, noisy, 0.1, 0.025)).outcome == "edition"


def test_a_copy_placed_by_few_keypoints_over_little_of_the_picture_is_accused_only_by_a_large_share() -> None:
    """A mirrored copy placed by 13 keypoints on repeated motifs over 8 % of the picture, turned 125 degrees:
    right there, wrong elsewhere (17 % "changed"); a stamped detail placed by 16 or more is judged at 3 %."""
    wrong = Alignment(np.array([[-0.57, -0.82, 600.0], [0.82, -0.57, 200.0], [0.0, 0.0, 1.0]]), 13, 40, mirrored=True)
    assert likeness("e1", Match(ENTRY, "features", 30, 0.98, 1.0, wrong, 0.077, 0.17)).outcome == "edition"
    assert likeness("e1", Match(ENTRY, "features", 30, 0.98, 1.0, wrong, 0.077, 0.3)).outcome == "altered"
    stamped = Alignment(TURNED.homography, 16, 30)
    assert likeness("e1", Match(ENTRY, "features", 30, 0.98, 1.0, stamped, 0.077, 0.05)).outcome == "altered"
    assert likeness("e1", Match(ENTRY, "features", 30, 0.98, 1.0, stamped, 0.077, 0.02)).outcome == "edition"
