"""The Indeks Kepuasan Masyarakat (IKM) computed as PermenPANRB 14/2017 prescribes.

Nine elements (*unsur*), each answered 1-4. For each element the mean of the
answers is its *nilai rata-rata* (NRR); each NRR is weighted equally,
1/9 (the regulation's table rounds this weight to 0.111, which would cap the
index at 99.9: the exact ninth gives 100.00 for all-4 answers, the band's
top); the weighted sum is the index on the 1-4 scale, and times 25 it is the
converted IKM (25-100) whose band is the service quality.

Pure functions on exact fractions: no rounding error can move a result across
a band limit. Rounding happens only where a figure is shown (2 decimals, half
up, as the regulation's intervals are written), and the band is read from the
IKM so rounded, the way an office reading its own published figure would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

ELEMENTS = 9  # U1..U9, in the regulation's order (kiosk/texts/survey_words.py names them)
ANSWERS = (1, 2, 3, 4)  # tidak baik / kurang baik / baik / sangat baik
WEIGHT = Fraction(1, ELEMENTS)
CONVERSION = 25

# The regulation's converted-value intervals, on the IKM rounded to 2 decimals.
BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("88.31"), "A"),  # Sangat Baik, 88.31-100.00
    (Decimal("76.61"), "B"),  # Baik, 76.61-88.30
    (Decimal("65.00"), "C"),  # Kurang Baik, 65.00-76.60
    (Decimal("25.00"), "D"),  # Tidak Baik, 25.00-64.99
)


class InvalidAnswers(ValueError):
    """A response that is not nine answers of 1-4."""


def check_answers(answers: Sequence[int]) -> tuple[int, ...]:
    """The nine answers as a tuple, or InvalidAnswers saying what is wrong."""
    if len(answers) != ELEMENTS:
        raise InvalidAnswers(f"need {ELEMENTS} answers, got {len(answers)}")
    for position, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or answer not in ANSWERS:
            raise InvalidAnswers(f"U{position}: {answer!r} is not 1-4")
    return tuple(answers)


def nrr_per_element(responses: Iterable[Sequence[int]]) -> tuple[Fraction, ...]:
    """NRR of each element: the sum of its answers over the number of respondents."""
    totals = [0] * ELEMENTS
    count = 0
    for response in responses:
        for position, answer in enumerate(check_answers(response)):
            totals[position] += answer
        count += 1
    if count == 0:
        raise InvalidAnswers("no responses: the index is undefined")
    return tuple(Fraction(total, count) for total in totals)


def weighted_nrr(nrr: Sequence[Fraction]) -> Fraction:
    """The index on the 1-4 scale: the sum of NRR x 1/9."""
    if len(nrr) != ELEMENTS:
        raise InvalidAnswers(f"need {ELEMENTS} element means, got {len(nrr)}")
    return sum((value * WEIGHT for value in nrr), Fraction(0))


def converted(index: Fraction) -> Fraction:
    """The IKM: the weighted index x 25 (25-100)."""
    return index * CONVERSION


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """A figure as published: ``places`` decimals, half up."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def band(ikm: Fraction) -> str:
    """A, B, C or D for a converted IKM (read on its 2-decimal published value)."""
    shown = rounded(ikm)
    for lower, letter in BANDS:
        if shown >= lower:
            return letter
    raise InvalidAnswers(f"IKM {shown} is below 25: not from 1-4 answers")


@dataclass(frozen=True)
class Index:
    """The survey's result over a set of full responses."""

    respondents: int
    nrr: tuple[Fraction, ...]  # per element, U1..U9
    weighted: Fraction  # 1-4 scale
    ikm: Fraction  # 25-100
    band: str  # A | B | C | D


def compute(responses: Iterable[Sequence[int]]) -> Index:
    """NRR per element, weighted NRR, IKM and band, for one or more full responses."""
    listed = [check_answers(r) for r in responses]
    nrr = nrr_per_element(listed)
    weighted = weighted_nrr(nrr)
    ikm = converted(weighted)
    return Index(len(listed), nrr, weighted, ikm, band(ikm))
