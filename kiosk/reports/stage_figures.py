"""How multi-stage visits moved, stage by stage: waits and service times per stage,
and the transfers between stages (issue 13), from tickets, calls and "sent" events.

A visit is cut into one stay per stage: it reaches its first stage when the
ticket is issued and each later one when staff send it on (the "sent" event).

- wait at a stage = reaching it -> the first call there (a no-show who came
  back is not counted twice);
- service at a stage = the last call there -> leaving it (sent on, or served
  when the visit ends there);
- a stay still open at report time has a wait only if it was called.

Services with fewer than two stages have no rows here: their figures are the lane's.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.reports.event_kinds import STAGE_SENT
from kiosk.reports.figures import StageFigures, Transfer
from kiosk.reports.stats import minutes_between, stats

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.config import Config
    from kiosk.reports.rows import CallRow, Rows, TicketRow


@dataclass
class _Stay:
    stage: str
    reached: datetime
    left: datetime | None = None
    how: str = ""  # sent | served | no_show | "" (still there)
    calls: list[datetime] = field(default_factory=list)


def _stays(ticket: TicketRow, first: str, sent: list[tuple[datetime, str]],
           calls: list[CallRow]) -> list[_Stay]:
    stays = [_Stay(first, ticket.issued_at)]
    for at, to in sent:
        stays[-1].left, stays[-1].how = at, "sent"
        stays.append(_Stay(to, at))
    last = stays[-1]
    if ticket.status == "served":
        last.left, last.how = ticket.served_at, "served"
    elif ticket.status == "no_show":
        last.how = "no_show"
    for call in calls:
        stage = call.stage or first
        for stay in stays:
            if (stay.stage == stage and stay.reached <= call.at
                    and (stay.left is None or call.at <= stay.left)):
                stay.calls.append(call.at)
                break
    return stays


def stage_figures(rows: Rows, config: Config) -> tuple[tuple[StageFigures, ...],
                                                      tuple[Transfer, ...]]:
    plans = {code: lane.stages for code, lane in config.lanes.items() if len(lane.stages) > 1}
    if not plans:
        return (), ()
    sent: dict[str, list[tuple[datetime, str]]] = {}
    transfers: Tally[tuple[str, str, str]] = Tally()
    for event in rows.events:
        if event.kind == STAGE_SENT and event.ticket_id:
            to, origin = str(event.payload.get("to", "")), str(event.payload.get("from", ""))
            sent.setdefault(event.ticket_id, []).append((event.at, to))
            label = str(event.payload.get("label", ""))
            transfers[(label[:1], origin, to)] += 1
    calls: dict[str, list[CallRow]] = {}
    for call in rows.calls:
        if call.kind == "call":
            calls.setdefault(call.ticket_id, []).append(call)
    by_stage: dict[tuple[str, str], list[_Stay]] = {
        (code, stage): [] for code, stages in plans.items() for stage in stages}
    for ticket in rows.tickets:
        if ticket.lane not in plans:
            continue
        for stay in _stays(ticket, plans[ticket.lane][0], sent.get(ticket.id, []),
                           calls.get(ticket.id, [])):
            by_stage.setdefault((ticket.lane, stay.stage), []).append(stay)
    figures = []
    for (code, stage), stays in by_stage.items():
        called = [s for s in stays if s.calls]
        figures.append(StageFigures(
            lane=code, stage=stage,
            name_id=config.stage_name(stage, "id"), name_en=config.stage_name(stage, "en"),
            reached=len(stays), called=len(called),
            sent_on=sum(1 for s in stays if s.how == "sent"),
            finished=sum(1 for s in stays if s.how == "served"),
            no_show=sum(1 for s in stays if s.how == "no_show"),
            wait=stats([minutes_between(s.reached, s.calls[0]) for s in called]),
            service=stats([minutes_between(s.calls[-1], s.left) for s in called
                           if s.left is not None and s.how in ("sent", "served")]),
        ))
    moved = tuple(Transfer(lane, origin, to, count)
                  for (lane, origin, to), count in sorted(transfers.items()))
    return tuple(figures), moved
