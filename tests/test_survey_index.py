"""The IKM of PermenPANRB 14/2017: a worked example by hand, the bands' limits, and
properties that must hold for any answers (25-100, monotone in every answer)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiosk.survey.index import InvalidAnswers, band, compute, rounded

# Four respondents, elements U1..U9 (persyaratan ... sarana dan prasarana).
WORKED = [
    (4, 4, 3, 3, 4, 3, 3, 2, 4),
    (3, 3, 3, 2, 3, 3, 4, 3, 3),
    (4, 3, 4, 4, 3, 4, 4, 3, 3),
    (3, 2, 3, 4, 3, 3, 3, 2, 4),
]


def test_the_worked_example_computed_by_hand() -> None:
    # NRR per element = sum of the element's answers / respondents:
    #   U1 4+3+4+3 = 14 -> 14/4 = 3.50     U6 3+3+4+3 = 13 -> 3.25
    #   U2 4+3+3+2 = 12 -> 12/4 = 3.00     U7 3+4+4+3 = 14 -> 3.50
    #   U3 3+3+4+3 = 13 -> 13/4 = 3.25     U8 2+3+3+2 = 10 -> 2.50
    #   U4 3+2+4+4 = 13 -> 13/4 = 3.25     U9 4+3+3+4 = 14 -> 3.50
    #   U5 4+3+3+3 = 13 -> 13/4 = 3.25
    # Weighted NRR = sum of NRR x 1/9 = (3.5+3+3.25+3.25+3.25+3.25+3.5+2.5+3.5)/9
    #              = 29/9 = 3.2222...
    # IKM = 29/9 x 25 = 725/9 = 80.5555... -> 80.56, in 76.61-88.30: B (Baik).
    # (The regulation's table, weight rounded to 0.111: 29 x 0.111 x 25 = 80.475, also B.)
    result = compute(WORKED)
    assert result.respondents == 4
    assert [float(v) for v in result.nrr] == [3.5, 3.0, 3.25, 3.25, 3.25, 3.25, 3.5, 2.5, 3.5]
    assert result.weighted == Fraction(29, 9)
    assert result.ikm == Fraction(725, 9)
    assert rounded(result.ikm) == Decimal("80.56")
    assert result.band == "B"


def test_all_fours_is_exactly_100_and_all_ones_exactly_25() -> None:
    assert compute([(4,) * 9]).ikm == 100 and compute([(4,) * 9]).band == "A"
    assert compute([(1,) * 9]).ikm == 25 and compute([(1,) * 9]).band == "D"


@pytest.mark.parametrize("ikm, expected", [
    ("100", "A"), ("88.31", "A"), ("88.305", "A"),  # 88.305 is published as 88.31
    ("88.3049", "B"), ("88.30", "B"), ("76.61", "B"),
    ("76.60", "C"), ("76.6049", "C"), ("65.00", "C"), ("64.995", "C"),
    ("64.99", "D"), ("25", "D"),
])
def test_the_bands_follow_the_regulations_intervals(ikm: str, expected: str) -> None:
    assert band(Fraction(ikm)) == expected


@pytest.mark.parametrize("responses", [
    [], [(1, 2, 3)], [(1, 2, 3, 4, 1, 2, 3, 4, 5)], [(0,) * 9], [(True,) * 9],
])
def test_answers_that_are_not_nine_times_one_to_four_are_refused(responses: list) -> None:
    with pytest.raises(InvalidAnswers):
        compute(responses)


answer = st.integers(min_value=1, max_value=4)
response = st.tuples(*[answer] * 9)
responses = st.lists(response, min_size=1, max_size=30)


@given(responses)
def test_the_ikm_is_always_between_25_and_100(listed: list[tuple[int, ...]]) -> None:
    result = compute(listed)
    assert 25 <= result.ikm <= 100
    assert all(1 <= value <= 4 for value in result.nrr)
    assert result.band in "ABCD"


@given(responses, st.data())
def test_a_better_answer_never_lowers_the_ikm(listed: list[tuple[int, ...]], data) -> None:
    who = data.draw(st.integers(0, len(listed) - 1))
    element = data.draw(st.integers(0, 8))
    assume(listed[who][element] < 4)
    before = compute(listed)
    better = list(listed)
    raised = list(better[who])
    raised[element] += 1
    better[who] = tuple(raised)
    after = compute(better)
    # One answer one step up raises the IKM by exactly 25 / (9 x respondents).
    assert after.ikm - before.ikm == Fraction(25, 9 * len(listed))
    assert after.band <= before.band  # "A" < "B": the band never gets worse
