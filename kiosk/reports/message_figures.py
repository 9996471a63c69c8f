"""The report's opt-in messages section ([notify], issue 15): applicants who asked for a
message, and the messages sent, failed (refused by the gateway) and stale (dropped:
too late to be true) per day. Counted from the notify tables; no number is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.reports.figures import MessageFigures
from kiosk.texts import t

if TYPE_CHECKING:
    from kiosk.reports.figures import Figures
    from kiosk.reports.rows import Rows

STATES = ("opted_in", "sent", "failed", "stale", "pending")


def message_figures(rows: Rows) -> MessageFigures | None:
    """None when nobody opted in and no message was due: the report shows no section."""
    if not rows.messages:
        return None
    totals = dict.fromkeys(STATES, 0)
    for (_day, state), count in rows.messages.items():
        totals[state] = totals.get(state, 0) + count
    return MessageFigures(**{state: totals[state] for state in STATES})


def message_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t("report.col.messages", language), t("report.col.count", language)]
    found = figures.messages or MessageFigures()
    return head, [[t(f"report.message.{state}", language), getattr(found, state)]
                  for state in STATES]
