"""Words for the queue core's facts: a lane the day does not serve, a NIK problem.

The queue core returns facts (kiosk/queue/lane_rules.py, kiosk/privacy/nik.py) and
never imports a sentence; the screens, prompts and tickets word them here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import DAYS, format_moment, t

if TYPE_CHECKING:
    from kiosk.privacy.nik import NikInvalid
    from kiosk.queue.lane_rules import NotServed


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1 if language == "en" else 0]


def lane_rule_sentence(rule: NotServed, language: str) -> str:
    """ "Hari Sabtu hanya untuk Prioritas dan Online" / "On Saturdays only Priority and
    Online booking are served"."""
    names = [_pick(pair, language) for pair in rule.served]
    key = "lane_rule.day_one" if len(names) == 1 else "lane_rule.day_many"
    return t(key, language, day=DAYS[language][rule.weekday],
             served=join_names(names, language))


def lane_rule_next_line(rule: NotServed, language: str) -> str:
    """When the lane is served again, or that nobody knows yet."""
    lane = _pick(rule.lane_name, language)
    if rule.next_opening is None:
        return t("lane_rule.unknown", language, lane=lane)
    return t("lane_rule.next", language, lane=lane,
             when=format_moment(rule.next_opening, language))


def join_names(names: list[str], language: str) -> str:
    """ "A", "A dan B", "A, B dan C" ("and" in English)."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('lane_rule.and', language)} {names[-1]}"


def nik_problem_text(problem: NikInvalid, language: str) -> str:
    """What is wrong with a typed NIK, so the applicant knows what to fix."""
    if problem.reason == "length":
        return t("nik.length", language, length=problem.length)
    return t(f"nik.{problem.reason}", language)
