"""What the events outbox says beyond the queue: check-ins by outcome, refused presses by
reason, priority tickets by reason, NIK typing mistakes and hub lease conflicts.

- refused presses: one event per refused press (``refused_paper_out``,
  ``refused_nik_limit``, ``walkin_burst``, ``refused_paused``,
  ``refused_closed``, ``refused_not_served_today``); the cap's are the lane's
  turned-away count (lane_days), so they are counted once. Refusals with an
  untrusted clock (its time would be wrong too) are not recorded (NOT_RECORDED)
  and so cannot be counted.
- NIK typing mistakes: one ``nik_entry_mistake`` event each time the keypad
  refused a typed NIK, by problem (kiosk/privacy/nik.py REASONS, else "other"); the
  event holds the lane and the problem only, never a digit of the NIK.
- lease conflicts (hub leases only): tickets whose number may be on another kiosk's
  ticket too, because staff released a dead kiosk's numbers before its ticket
  reached the hub.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import TYPE_CHECKING

from kiosk.queue.walkin_guard import BURST_GAP, CHECKED_AT_COUNTER, PRIORITY, PRIORITY_REASONS
from kiosk.reports.event_kinds import (
    CHECKIN_OUTCOMES,
    LEASE_CONFLICT,
    NIK_MISTAKE,
    NIK_PROBLEMS,
    ONLY_WHEN_SEEN,
    REFUSAL_EVENTS,
)
from kiosk.reports.figures import (
    CheckinOutcome,
    LeaseConflict,
    NikMistake,
    PriorityCount,
    Refusal,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from zoneinfo import ZoneInfo

    from kiosk.reports.rows import EventRow, Rows


def checkin_outcomes(events: Iterable[EventRow]) -> tuple[CheckinOutcome, ...]:
    attempts: Tally[str] = Tally()
    codes: dict[str, set[str]] = {}
    applicants = 0
    for event in events:
        if event.kind == "booking_checked_in":
            outcome = "valid"
            applicants += len(event.payload.get("labels", ()))
        elif event.kind == "checkin_refused":
            outcome = str(event.payload.get("reason", "unknown"))
        else:
            continue
        attempts[outcome] += 1
        if event.payload.get("code"):
            codes.setdefault(outcome, set()).add(event.payload["code"])
    order = list(CHECKIN_OUTCOMES) + sorted(set(attempts) - set(CHECKIN_OUTCOMES))
    return tuple(CheckinOutcome(o, attempts[o], len(codes.get(o, ())),
                                applicants if o == "valid" else 0) for o in order)


def refused_presses(rows: Rows) -> tuple[Refusal, ...]:
    """Refused presses by reason: one event per press (a burst event's ``refused`` is a
    running count within the burst, so the events are counted, not summed)."""
    kinds = {kind: reason for reason, kind in REFUSAL_EVENTS.items()}
    presses: Tally[str] = Tally()
    bursts, last_refusal = 0, {}  # (day, device) -> last refused press
    for event in rows.events:
        if event.kind not in kinds:
            continue
        presses[kinds[event.kind]] += 1
        if event.kind == "walkin_burst":  # as the staff screen groups them (recent_bursts)
            key = (event.day, event.device)
            if key not in last_refusal or event.at - last_refusal[key] >= BURST_GAP:
                bursts += 1
            last_refusal[key] = event.at
    cap = Refusal("cap", sum(rows.turned_away.values()))
    return (cap, *(Refusal(reason, presses[reason], bursts if reason == "walkin_burst" else None)
                   for reason in REFUSAL_EVENTS
                   if reason not in ONLY_WHEN_SEEN or presses[reason]))


def priority_tickets(rows: Rows) -> tuple[PriorityCount, ...]:
    """Priority tickets by the reason granted; lane P tickets with none recorded at the end."""
    counts: Tally[tuple[str, str]] = Tally(
        (str(e.payload.get("reason")), str(e.payload.get("check", "")))
        for e in rows.events if e.kind == "priority_reason")
    usual = [(r, "counter" if r in CHECKED_AT_COUNTER else "nik") for r in PRIORITY_REASONS]
    order = usual + sorted(set(counts) - set(usual))
    issued = sum(1 for t in rows.tickets if t.lane == PRIORITY)
    unrecorded = max(0, issued - sum(counts.values()))
    return (*(PriorityCount(r, c, counts[(r, c)]) for r, c in order),
            PriorityCount("unrecorded", "", unrecorded))


def nik_mistakes(rows: Rows) -> tuple[NikMistake, ...]:
    """NIKs refused on the keypad by problem: only those seen, in kiosk/privacy/nik.py's order."""
    counts = Tally(str(e.payload.get("problem") or "other") for e in rows.events
                   if e.kind == NIK_MISTAKE)
    order = [p for p in NIK_PROBLEMS if p in counts] + sorted(set(counts) - set(NIK_PROBLEMS))
    return tuple(NikMistake(problem, counts[problem]) for problem in order)


def lease_conflicts(rows: Rows, zone: ZoneInfo) -> tuple[LeaseConflict, ...]:
    """Tickets that may share their number with another kiosk's, in the order recorded."""
    printed = {t.id: t.issued_at for t in rows.tickets}
    result = []
    for event in rows.events:
        if event.kind != LEASE_CONFLICT:
            continue
        p = event.payload
        number = p.get("number")
        lane = str(p.get("lane", ""))
        issued = printed.get(event.ticket_id) if event.ticket_id else None
        result.append(LeaseConflict(
            day=event.day, at=event.at.astimezone(zone), device=event.device, lane=lane,
            number=number if isinstance(number, int) else 0,
            label=str(p.get("label") or f"{lane}{number}"), ticket_id=event.ticket_id,
            printed_at=issued.astimezone(zone) if issued is not None else None))
    return tuple(result)
