"""Why no number was given, in words an applicant understands.

Shared by the kiosk screens and the CLI so both always say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import format_moment, t
from kiosk.texts.rules import lane_rule_next_line, lane_rule_sentence, nik_problem_text

if TYPE_CHECKING:
    from kiosk.queue.issuing import Refused

# Refusals of kiosk/queue/walkin_guard.py (NIK entry, per-minute limit, priority reasons).
WALKIN_GUARD_REASONS = ("nik_required", "nik_invalid", "nik_limit", "walkin_burst",
                        "priority_reason", "priority_not_lansia")


def notice_lines(refused: Refused, language: str) -> tuple[str, list[str]]:
    """Title and body lines for a refusal, in the applicant's language."""
    when = format_moment(refused.next_opening, language) if refused.next_opening else None
    if refused.reason == "cap":
        if refused.service is not None:  # one of several quotas: say whose
            service = refused.service[1 if language == "en" else 0]
            title = t("quota.service.title", language, service=service)
            body = [t("quota.service.body", language, cap=refused.cap, service=service)]
        else:
            title, body = t("quota.title", language), [t("quota.body", language, cap=refused.cap)]
        if when:
            body.append(t("quota.next", language, when=when))
        body.append(t("quota.online", language))
        return title, body
    if refused.reason == "no_numbers":
        return t("no_numbers.title", language), [t("no_numbers.body", language),
                                                 t("no_numbers.retry", language)]
    if refused.reason == "not_served_today" and refused.rule is not None:
        # The day's rule, as the home screen says it before the press.
        rule = refused.rule
        return lane_rule_sentence(rule, language), [lane_rule_next_line(rule, language)]
    if refused.reason == "closed":
        body = [t("closed.lane", language)]
        body.append(
            t("closed.next", language, when=when) if when else t("closed.unknown", language))
        return t("closed.title", language), body
    if refused.reason == "paper_out":
        return t("printer.title", language), [t("printer.paper_out", language)]
    if refused.reason == "paused":
        return t("notice.paused.title", language), [t("notice.paused.body", language)]
    if refused.reason == "clock":
        return t("clock.title", language), [t("clock.body", language)]
    if refused.reason in WALKIN_GUARD_REASONS:
        return _guard_lines(refused, language)
    return t("error.title", language), [t("error.body", language)]


def _guard_lines(refused: Refused, language: str) -> tuple[str, list[str]]:
    if refused.reason == "nik_limit":
        at = f"{refused.earlier_at:%H:%M}" if refused.earlier_at else "?"
        return t("walkin.limit.title", language), [
            t("walkin.limit.body", language, label=refused.earlier_label, time=at),
            t("walkin.limit.keep", language)]
    if refused.reason == "walkin_burst":
        return t("walkin.burst.title", language), [t("walkin.burst.body", language),
                                                   t("walkin.burst.retry", language)]
    if refused.reason == "nik_invalid":
        problem = nik_problem_text(refused.nik_problem, language) if refused.nik_problem else ""
        return t("walkin.nik_invalid.title", language), [
            line for line in (problem, t("walkin.nik_invalid.retry", language)) if line]
    if refused.reason == "nik_required":
        return t("walkin.nik_required.title", language), [t("walkin.nik_required.body",
                                                            language)]
    if refused.reason == "priority_not_lansia":
        return t("priority.refused.title", language), [t("priority.not_lansia", language),
                                                       t("priority.refused.retry", language)]
    return t("priority.refused.title", language), [t("priority.refused.body", language),
                                                   t("priority.refused.retry", language)]
