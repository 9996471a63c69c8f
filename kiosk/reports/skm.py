"""The report's SKM section: the satisfaction survey of a day or a range, per service
and for the office, computed the official way (kiosk/survey/index.py), and its
machine-readable forms (JSON-ready data and CSV rows).

Only full responses enter the IKM; quick (four faces) answers are counted apart,
never mixed in. A service with no respondent has no row (its index is undefined).
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from kiosk.survey.index import compute, rounded
from kiosk.survey.responses import EDUCATION, OCCUPATIONS, SEXES, stored_responses

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    import sqlite_utils

    from kiosk.config import Config
    from kiosk.survey.responses import StoredResponse

ALL = "all"  # the scope of the office's own index


@dataclass(frozen=True)
class SkmIndex:
    """The index of one scope: a service code, or ALL for the whole office."""

    scope: str
    respondents: int
    nrr: tuple[float, ...]  # per element U1..U9, 2 decimals
    weighted: float  # 1-4 scale, 4 decimals
    ikm: float  # 25-100, 2 decimals
    band: str  # A | B | C | D


@dataclass(frozen=True)
class QuickFigures:
    """Quick (one question, four faces) answers of one scope: never an IKM."""

    scope: str
    respondents: int
    counts: tuple[int, int, int, int]  # answers 1..4
    mean: float  # 2 decimals


@dataclass(frozen=True)
class SkmFigures:
    indexes: tuple[SkmIndex, ...]  # ALL first (when any full response), then per service
    quick: tuple[QuickFigures, ...]  # the same order
    profile: dict[str, dict[str, int]]  # sex/education/occupation -> code -> respondents
    comments: tuple[tuple[str, str, str], ...]  # (office day, service, text), oldest first

    @property
    def respondents(self) -> int:
        return self.indexes[0].respondents if self.indexes else 0


def _index(scope: str, answers: Sequence[tuple[int, ...]]) -> SkmIndex:
    result = compute(answers)
    return SkmIndex(scope, result.respondents, tuple(float(rounded(v)) for v in result.nrr),
                    float(rounded(result.weighted, 4)), float(rounded(result.ikm)), result.band)


def _quick(scope: str, answers: Sequence[int]) -> QuickFigures:
    tally = Tally(answers)
    counts = (tally[1], tally[2], tally[3], tally[4])
    return QuickFigures(scope, len(answers), counts,
                        float(rounded(Fraction(sum(answers), len(answers)))))


def skm_figures(responses: Sequence[StoredResponse], service_order: Sequence[str]
                ) -> SkmFigures:
    """The section from stored responses; services in the config's order, then others."""
    full = [r for r in responses if r.mode == "full" and r.answers is not None]
    quick = [r for r in responses if r.mode == "quick" and r.quick is not None]
    seen = {r.lane for r in responses}
    order = [s for s in service_order if s in seen] + sorted(seen - set(service_order))
    indexes = [_index(ALL, [r.answers for r in full])] if full else []  # type: ignore[misc]
    quicks = [_quick(ALL, [r.quick for r in quick])] if quick else []  # type: ignore[misc]
    for lane in order:
        if lane_full := [r.answers for r in full if r.lane == lane]:
            indexes.append(_index(lane, lane_full))  # type: ignore[arg-type]
        if lane_quick := [r.quick for r in quick if r.lane == lane]:
            quicks.append(_quick(lane, lane_quick))  # type: ignore[arg-type]
    profile = {name: {code: sum(1 for r in responses if getattr(r, name) == code)
                      for code in codes}
               for name, codes in (("sex", SEXES), ("education", EDUCATION),
                                   ("occupation", OCCUPATIONS))}
    comments = tuple((r.office_day, r.lane, r.comment) for r in responses if r.comment)
    return SkmFigures(tuple(indexes), tuple(quicks), profile, comments)  # type: ignore[arg-type]


def read_skm(db: sqlite_utils.Database, config: Config, first: date, last: date
             ) -> SkmFigures:
    return skm_figures(stored_responses(db, config.office.code, first, last), list(config.lanes))


def skm_dict(skm: SkmFigures) -> dict:
    """JSON-ready: every index with its NRR per element (``u1``..``u9``)."""
    return {
        "respondents": skm.respondents,
        "indexes": [{"scope": i.scope, "respondents": i.respondents,
                     "nrr": {f"u{n}": v for n, v in enumerate(i.nrr, start=1)},
                     "weighted_nrr": i.weighted, "ikm": i.ikm, "band": i.band}
                    for i in skm.indexes],
        "quick": [{"scope": q.scope, "respondents": q.respondents,
                   "counts": {str(n): c for n, c in enumerate(q.counts, start=1)},
                   "mean": q.mean} for q in skm.quick],
        "profile": skm.profile,
        "comments": [{"day": d, "service": s, "text": c} for d, s, c in skm.comments],
    }


def skm_rows(skm: SkmFigures, day: str) -> list[tuple[str, str, str, str, object]]:
    """CSV rows (day, section, item, metric, value), ``day`` the period's label."""
    rows: list[tuple[str, str, str, str, object]] = []
    for index in skm.indexes:
        rows.append((day, "skm", index.scope, "respondents", index.respondents))
        rows += [(day, "skm", index.scope, f"nrr_u{n}", value)
                 for n, value in enumerate(index.nrr, start=1)]
        rows += [(day, "skm", index.scope, "weighted_nrr", index.weighted),
                 (day, "skm", index.scope, "ikm", index.ikm),
                 (day, "skm", index.scope, "band", index.band)]
    for quick in skm.quick:
        rows.append((day, "skm_quick", quick.scope, "respondents", quick.respondents))
        rows += [(day, "skm_quick", quick.scope, f"answer_{n}", count)
                 for n, count in enumerate(quick.counts, start=1)]
        rows.append((day, "skm_quick", quick.scope, "mean", quick.mean))
    for name, counts in skm.profile.items():
        rows += [(day, "skm_profile", f"{name}:{code}", "respondents", count)
                 for code, count in counts.items() if count]
    if skm.comments:
        rows.append((day, "skm", ALL, "comments", len(skm.comments)))
    return rows
