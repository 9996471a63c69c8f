"""Why no number was given, in words an applicant understands.

Shared by the kiosk screens and the CLI so both always say the same thing.
"""

from __future__ import annotations

from kiosk.issuing import Refused
from kiosk.texts import format_moment, t


def notice_lines(refused: Refused, language: str) -> tuple[str, list[str]]:
    """Title and body lines for a refusal, in the applicant's language."""
    when = format_moment(refused.next_opening, language) if refused.next_opening else None
    if refused.reason == "cap":
        body = [t("quota.body", language, cap=refused.cap)]
        if when:
            body.append(t("quota.next", language, when=when))
        body.append(t("quota.online", language))
        return t("quota.title", language), body
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
    return t("error.title", language), [t("error.body", language)]
