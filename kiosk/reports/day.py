"""What happened on an office day (or a range of days), read back from the store.

The office head asked where the day went (issue 7): how many numbers each
lane gave out and served, when the walk-in quota ran out and how many people
were turned away after that, how long people waited and were served, what each
counter got through, and how online check-ins ended. Later (issue 7 again):
everything else that kept applicants from a number (paper out, a NIK already
holding one, the per-minute walk-in limit), priority tickets by reason, and what
staff changed (pauses, today's cap, reprints and restarts, clock confirmations).
With hub leases, also the tickets whose number may be on another kiosk's ticket
too (``lease_conflict``: staff released a dead kiosk's numbers before its ticket
reached the hub), so the office head sees the one way a number can be doubled.
Everything here is computed from rows the kiosk already writes (tickets, calls,
lane_days and the events outbox); nothing is written. Renderers (table, CSV,
JSON, HTML) only format the dataclasses built here.

Definitions (docs/report.md says the same for staff):
- wait = issued -> *first* call (a no-show who came back is not counted twice);
  service = the last call -> served.
- median: the middle value (mean of the two middle ones); P90: nearest rank,
  the smallest observed value that at least 90% of the values do not exceed.
- no-show: still a no-show at report time; someone who came back and was
  served counts as served.
- hours a counter was active: its first call of the day to its last call,
  serve or no-show, added up over the days.
- refused presses: one event per refused press (``refused_paper_out``,
  ``refused_nik_limit``, ``walkin_burst``, ``refused_paused``,
  ``refused_closed``, ``refused_not_served_today``); the cap's are the lane's
  turned-away count (lane_days), so they are counted once. Refusals with an
  untrusted clock (its time would be wrong too) are not recorded (NOT_RECORDED)
  and so cannot be counted.
- NIK typing mistakes: one ``nik_entry_mistake`` event each time the keypad
  refused a typed NIK, by problem (kiosk/privacy/nik.py REASONS, else "other"); the
  event holds the lane and the problem only, never a digit of the NIK.
- paused minutes: per office day, pause to resume, clipped to the day's opening
  hours. A pause still open at the end of the day counts until closing time (or
  until the report was made, if that is earlier); a resume without a pause that
  day (the pause began on an earlier day) counts from opening time. A day
  without opening hours (closed, a holiday) counts no paused minutes: the kiosk
  refused everyone as closed anyway. A day with no pause or resume event counts
  nothing, even if issuing stayed paused through it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from kiosk.checkin.service import REASONS
from kiosk.privacy.nik import REASONS as NIK_REASONS
from kiosk.queue.schedule import Schedule
from kiosk.queue.walkin_guard import BURST_GAP, CHECKED_AT_COUNTER, PRIORITY, PRIORITY_REASONS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from zoneinfo import ZoneInfo

    import sqlite_utils

    from kiosk.config import Config, CounterConfig, Lane

MAX_DAYS = 366  # a year per report: enough for an annual review, bounded for a Pi
# Wait-distribution buckets in minutes: [lower, upper); None = open-ended.
WAIT_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 15), (15, 30), (30, 45), (45, 60), (60, 90), (90, 120), (120, 180), (180, None))
# Check-in outcomes in the order the report lists them. Malformed scans are
# not recorded (a camera may re-read a stray QR all day: kiosk/checkin/service.py).
_USUAL = ("valid", "wrong_day", "too_late", "too_early", "already_checked_in", "cancelled",
          "unknown_code", "bad_signature", "unknown_key", "wrong_office", "closed", "cap")
CHECKIN_OUTCOMES = _USUAL + tuple(r for r in REASONS if r not in _USUAL and r != "malformed")
# Refused walk-in/priority presses, by reason, in the order the report lists them.
REFUSAL_EVENTS = {"paper_out": "refused_paper_out", "nik_limit": "refused_nik_limit",
                  "walkin_burst": "walkin_burst", "paused": "refused_paused",
                  "closed": "refused_closed",
                  "not_served_today": "refused_not_served_today",
                  "no_numbers": "refused_no_numbers"}
REFUSALS = ("cap", *REFUSAL_EVENTS)
# Only offices whose kiosks lease numbers from a hub, or whose [hours] leave a lane out
# on some day, can have these: no row of zeros for the others.
ONLY_WHEN_SEEN = ("not_served_today", "no_numbers")
# Refusals kiosk/queue/issuing.py and kiosk/queue/walkin_guard.py return without recording an event:
# the report cannot count them (docs/report.md). Not "nik_invalid": the keypad refuses a
# NIK that cannot be one before it reaches the service, and counts it (NIK_MISTAKE).
NOT_RECORDED = ("clock", "nik_required", "priority_reason", "priority_not_lansia")
# A NIK the keypad refused (kiosk/queue/issuing.py record_nik_mistake): lane and problem only.
NIK_MISTAKE = "nik_entry_mistake"
NIK_PROBLEMS = (*NIK_REASONS, "other")  # the order the report lists them
STAFF_EVENTS = ("issuing_paused", "issuing_resumed", "cap_changed", "staff_action",
                "clock_confirmed")
# With hub leases: a ticket printed from a number staff released at the hub before the
# ticket reached it (kiosk/sync/worker.py): the same number may be on two tickets.
LEASE_CONFLICT = "lease_conflict"
_EVENT_KINDS = ("refused_cap", "checkin_refused", "booking_checked_in", "priority_reason",
                *REFUSAL_EVENTS.values(), *STAFF_EVENTS, LEASE_CONFLICT, NIK_MISTAKE)


@dataclass(frozen=True)
class Stats:
    """Durations in minutes; median and p90 are None when nothing was measured."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class LaneFigures:
    lane: str
    name_id: str
    name_en: str
    issued: int
    called: int  # called at least once
    served: int
    no_show: int
    unfinished: int  # still waiting or at a counter when the report was made
    turned_away: int  # refused because the lane's cap was reached
    cap: int | None  # the cap in force (from the refusals, else the config)
    cap_ran_out_at: datetime | None  # office-local; one-day figures only
    cap_ran_out_days: int  # days on which the cap ran out
    wait: Stats
    service: Stats

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True)
class CounterFigures:
    counter: int
    name: str
    calls: int
    recalls: int
    served: int
    no_show: int
    hours_active: float
    served_per_hour: float | None
    service: Stats


@dataclass(frozen=True)
class HourCount:
    """One office-local hour (for a range: that hour of the day, summed over the days)."""

    hour: int
    issued: int
    called: int
    served: int
    turned_away: int


@dataclass(frozen=True)
class CheckinOutcome:
    outcome: str  # "valid" or a refusal reason of kiosk/checkin/service.py
    attempts: int
    bookings: int  # distinct booking codes recorded (none for unknown or unreadable codes)
    applicants: int  # valid only: numbers given out


@dataclass(frozen=True)
class WaitBucket:
    low: int
    high: int | None
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Refusal:
    """Walk-in/priority presses that got no number, for one reason."""

    reason: str  # one of REFUSALS
    presses: int
    bursts: int | None = None  # walkin_burst only: refused presses < 1 min apart are one


@dataclass(frozen=True)
class PriorityCount:
    reason: str  # one of PRIORITY_REASONS, or "unrecorded" (issued without NIK entry)
    check: str  # "nik" (60+ by the NIK), "counter" (the applicant's word) or "" (unrecorded)
    tickets: int


@dataclass(frozen=True)
class StaffAction:
    """One thing staff did, in the order it happened."""

    at: datetime  # office-local
    by: str | None
    # "pause" | "resume" | "cap_changed" | "clock_confirmed" | a staff_action: "reprint",
    # "restart", "shutdown", "exit", ...
    action: str
    lane: str | None = None  # cap_changed
    old: int | None = None  # cap_changed: None = no cap
    new: int | None = None
    label: str | None = None  # reprint: the ticket printed again
    previous: datetime | None = None  # clock_confirmed: the newest time recorded before, local
    minutes: float | None = None  # pause / carried-over resume: paused minutes counted
    open: bool = False  # pause: not resumed that day; resume: the pause began on an earlier day

    @property
    def detail(self) -> str:
        """A language-neutral one-line summary (CSV, JSON)."""
        if self.action == "cap_changed":
            return f"{self.lane}: {_cap_text(self.old)} -> {_cap_text(self.new)}"
        if self.action == "pause" or (self.action == "resume" and self.open):
            minutes = f"{self.minutes:g} min"
            if self.action == "resume":
                return f"paused since an earlier day, {minutes} today"
            return f"{minutes}, not resumed" if self.open else minutes
        if self.action == "clock_confirmed" and self.previous is not None:
            return f"was {self.previous:%Y-%m-%d %H:%M}"
        return self.label or ""


@dataclass(frozen=True)
class LeaseConflict:
    """A number this kiosk printed that the hub may have lent to another kiosk as well.

    Staff released the kiosk's numbers at the hub (``kiosk hub release``) before this
    ticket reached it; the kiosk kept the ticket and recorded the clash when it came back.
    """

    day: date
    at: datetime  # office-local: when the kiosk learned of the release and recorded it
    device: str  # the kiosk that printed the ticket
    lane: str
    number: int
    label: str
    ticket_id: str | None = None
    printed_at: datetime | None = None  # office-local: the ticket's issue time, if in the store


@dataclass(frozen=True)
class NikMistake:
    """NIKs the keypad refused for one problem (no NIK is kept, only the count)."""

    problem: str  # one of NIK_PROBLEMS (kiosk/privacy/nik.py REASONS or "other")
    count: int


def _cap_text(cap: int | None) -> str:
    return "none" if cap is None else str(cap)


@dataclass(frozen=True)
class Figures:
    """The figures of one office day (first == last) or of a whole range."""

    first: date
    last: date
    lanes: tuple[LaneFigures, ...]
    counters: tuple[CounterFigures, ...]
    checkins: tuple[CheckinOutcome, ...]
    hourly: tuple[HourCount, ...]
    wait: Stats
    service: Stats
    wait_histogram: tuple[WaitBucket, ...]
    refusals: tuple[Refusal, ...] = ()
    priority: tuple[PriorityCount, ...] = ()
    pauses: int = 0
    paused_minutes: float = 0.0
    staff_actions: tuple[StaffAction, ...] = ()
    lease_conflicts: tuple[LeaseConflict, ...] = ()  # hub leases only; usually none
    nik_mistakes: tuple[NikMistake, ...] = ()  # NIK entry on: only the problems seen

    @property
    def issued(self) -> int:
        return sum(lane.issued for lane in self.lanes)

    @property
    def served(self) -> int:
        return sum(lane.served for lane in self.lanes)

    @property
    def no_show(self) -> int:
        return sum(lane.no_show for lane in self.lanes)

    @property
    def turned_away(self) -> int:
        return sum(lane.turned_away for lane in self.lanes)

    @property
    def refused(self) -> int:
        """Every recorded refused press, whatever the reason (cap counted once)."""
        return sum(r.presses for r in self.refusals)

    @property
    def nik_mistakes_total(self) -> int:
        return sum(m.count for m in self.nik_mistakes)

    def refusal(self, reason: str) -> Refusal:
        return next(r for r in self.refusals if r.reason == reason)

    def priority_of(self, reason: str) -> PriorityCount:
        return next(p for p in self.priority if p.reason == reason)

    def lane(self, code: str) -> LaneFigures:
        return next(lane for lane in self.lanes if lane.lane == code)

    def counter(self, number: int) -> CounterFigures:
        return next(c for c in self.counters if c.counter == number)

    def checkin(self, outcome: str) -> CheckinOutcome:
        return next(c for c in self.checkins if c.outcome == outcome)


@dataclass(frozen=True)
class Report:
    office_code: str
    office_name: str
    timezone: str
    first: date
    last: date
    generated_at: datetime  # office-local
    days: tuple[Figures, ...]  # office days with any activity, in order
    total: Figures

    @property
    def single_day(self) -> bool:
        return self.first == self.last


# --- statistics ---------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: an observed value, easy to check on paper."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def stats(values: Sequence[float]) -> Stats:
    rounded = [round(v, 2) for v in values]
    return Stats(len(rounded), median(rounded), percentile(rounded, 90))


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


# --- rows read from the store -------------------------------------------------


@dataclass(frozen=True)
class _Ticket:
    day: date
    lane: str
    number: int
    id: str
    issued_at: datetime
    status: str
    counter: int | None
    called_at: datetime | None
    served_at: datetime | None
    no_show_at: datetime | None


@dataclass(frozen=True)
class _Call:
    day: date
    ticket_id: str
    counter: int
    at: datetime
    kind: str


@dataclass(frozen=True)
class _Event:
    day: date
    at: datetime
    kind: str
    payload: dict
    device: str = ""
    ticket_id: str | None = None


@dataclass(frozen=True)
class _Rows:
    tickets: list[_Ticket]
    calls: list[_Call]
    events: list[_Event]
    turned_away: dict[tuple[date, str], int]

    def by_day(self) -> dict[date, _Rows]:
        """The rows split per office day, for the days with any activity, in order."""
        split: dict[date, _Rows] = {}

        def day_rows(day: date) -> _Rows:
            return split.setdefault(day, _Rows([], [], [], {}))

        for ticket in self.tickets:
            day_rows(ticket.day).tickets.append(ticket)
        for call in self.calls:
            day_rows(call.day).calls.append(call)
        for event in self.events:
            day_rows(event.day).events.append(event)
        for key, count in self.turned_away.items():
            day_rows(key[0]).turned_away[key] = count
        return dict(sorted(split.items()))


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _read(db: sqlite_utils.Database, office_code: str, first: date, last: date,
          with_events: bool = True) -> _Rows:
    span = (office_code, first.isoformat(), last.isoformat())
    where = "WHERE office_code = ? AND office_day BETWEEN ? AND ?"
    tickets = [
        _Ticket(date.fromisoformat(day), lane, number, ticket_id, datetime.fromisoformat(issued),
                status, counter, _when(called), _when(served), _when(no_show))
        for day, lane, number, ticket_id, issued, status, counter, called, served, no_show
        in db.execute(
            "SELECT office_day, lane, number, id, issued_at, status, counter, called_at,"
            f" served_at, no_show_at FROM tickets {where}", span)
    ]
    calls = [
        _Call(date.fromisoformat(day), ticket_id, counter, datetime.fromisoformat(at), kind)
        for day, ticket_id, counter, at, kind in db.execute(
            f"SELECT office_day, ticket_id, counter, at, kind FROM calls {where} ORDER BY seq",
            span)
    ]
    kinds = ", ".join("?" * len(_EVENT_KINDS))
    events = [
        _Event(date.fromisoformat(day), datetime.fromisoformat(at), kind,
               json.loads(payload or "{}"), device, ticket_id)
        for day, at, kind, payload, device, ticket_id in db.execute(
            "SELECT office_day, at, kind, payload, device_id, ticket_id FROM events"
            f" {where}"
            f" AND kind IN ({kinds}) ORDER BY seq", (*span, *_EVENT_KINDS))
    ] if with_events else []
    turned_away = {
        (date.fromisoformat(day), lane): count
        for day, lane, count in db.execute(
            f"SELECT office_day, lane, turned_away FROM lane_days {where}", span)
    }
    return _Rows(tickets, calls, events, turned_away)


# --- figures ------------------------------------------------------------------


def _first_calls(calls: Iterable[_Call]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for call in calls:
        if call.kind == "call" and (call.ticket_id not in first or call.at < first[call.ticket_id]):
            first[call.ticket_id] = call.at
    return first


def _waits(tickets: Iterable[_Ticket], first_calls: Mapping[str, datetime]) -> list[float]:
    return [_minutes(t.issued_at, first_calls[t.id]) for t in tickets if t.id in first_calls]


def _services(tickets: Iterable[_Ticket]) -> list[float]:
    return [_minutes(t.called_at, t.served_at) for t in tickets
            if t.status == "served" and t.called_at is not None and t.served_at is not None]


def _first_refusals(events: Iterable[_Event]) -> dict[tuple[date, str], _Event]:
    first: dict[tuple[date, str], _Event] = {}
    for event in events:
        if event.kind == "refused_cap":
            key = (event.day, str(event.payload.get("lane")))
            if key not in first or event.at < first[key].at:
                first[key] = event
    return first


def _cap_ran_out(issued: Mapping[tuple[date, str, int], datetime],
                 refusal: _Event | None, day: date, lane: str, config_cap: int | None,
                 zone: ZoneInfo) -> tuple[int | None, datetime | None]:
    """(cap, when) for one lane-day: the cap-th number's issue time, else the first refusal.

    The cap is the one the refusals recorded (the config may have changed since).
    """
    cap = refusal.payload.get("cap", config_cap) if refusal is not None else config_cap
    if cap is not None and (day, lane, cap) in issued:
        return cap, issued[(day, lane, cap)].astimezone(zone)
    if refusal is not None:
        return cap, refusal.at.astimezone(zone)
    return cap, None


def _lane_figures(rows: _Rows, lanes: Mapping[str, Lane], first_calls: Mapping[str, datetime],
                  days: Sequence[date], zone: ZoneInfo) -> tuple[LaneFigures, ...]:
    codes = list(lanes) + sorted({t.lane for t in rows.tickets} - set(lanes))
    issued = {(t.day, t.lane, t.number): t.issued_at for t in rows.tickets}
    refusals = _first_refusals(rows.events)
    result = []
    for code in codes:
        config_lane = lanes.get(code)
        config_cap = config_lane.cap if config_lane else None
        tickets = [t for t in rows.tickets if t.lane == code]
        statuses = Tally(t.status for t in tickets)
        ran_out = [_cap_ran_out(issued, refusals.get((day, code)), day, code, config_cap, zone)
                   for day in days]
        result.append(LaneFigures(
            lane=code,
            name_id=config_lane.name_id if config_lane else code,
            name_en=config_lane.name_en if config_lane else code,
            issued=len(tickets),
            called=sum(1 for t in tickets if t.id in first_calls),
            served=statuses["served"],
            no_show=statuses["no_show"],
            unfinished=statuses["waiting"] + statuses["called"],
            turned_away=sum(n for (_, lane), n in rows.turned_away.items() if lane == code),
            cap=ran_out[-1][0] if ran_out else config_cap,
            cap_ran_out_at=ran_out[0][1] if len(days) == 1 else None,
            cap_ran_out_days=sum(1 for _, when in ran_out if when is not None),
            wait=stats(_waits(tickets, first_calls)),
            service=stats(_services(tickets)),
        ))
    return tuple(result)


def _active_hours(calls: Iterable[_Call], tickets: Iterable[_Ticket]) -> float:
    """Per day: the first call to the last call, serve or no-show; summed over the days."""
    spans: dict[date, tuple[datetime, datetime]] = {}

    def see(day: date, moment: datetime) -> None:
        low, high = spans.get(day, (moment, moment))
        spans[day] = (min(low, moment), max(high, moment))

    for call in calls:
        see(call.day, call.at)
    for ticket in tickets:
        for moment in (ticket.served_at, ticket.no_show_at):
            if moment is not None and ticket.day in spans:
                see(ticket.day, moment)
    return sum((high - low).total_seconds() for low, high in spans.values()) / 3600


def _counter_figures(rows: _Rows, counters: Sequence[CounterConfig]) -> tuple[CounterFigures, ...]:
    names = {c.number: c.name for c in counters}
    calls_at: dict[int, list[_Call]] = {n: [] for n in names}
    for call in rows.calls:
        calls_at.setdefault(call.counter, []).append(call)
    tickets_at: dict[int, list[_Ticket]] = {}
    for ticket in rows.tickets:
        if ticket.counter is not None:
            tickets_at.setdefault(ticket.counter, []).append(ticket)
    result = []
    for number in sorted(calls_at):
        calls, tickets = calls_at[number], tickets_at.get(number, [])
        served = [t for t in tickets if t.status == "served"]
        hours = _active_hours(calls, tickets)
        result.append(CounterFigures(
            counter=number,
            name=names.get(number, f"Loket {number}"),
            calls=sum(1 for c in calls if c.kind == "call"),
            recalls=sum(1 for c in calls if c.kind == "recall"),
            served=len(served),
            no_show=sum(1 for t in tickets if t.status == "no_show"),
            hours_active=round(hours, 4),
            served_per_hour=round(len(served) / hours, 2) if hours > 0 else None,
            service=stats(_services(served)),
        ))
    return tuple(result)


def _checkins(events: Iterable[_Event]) -> tuple[CheckinOutcome, ...]:
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


def _hourly(rows: _Rows, zone: ZoneInfo) -> tuple[HourCount, ...]:
    series: dict[str, Tally[int]] = {k: Tally() for k in ("issued", "called", "served",
                                                          "turned_away")}
    for t in rows.tickets:
        series["issued"][t.issued_at.astimezone(zone).hour] += 1
        if t.status == "served" and t.served_at is not None:
            series["served"][t.served_at.astimezone(zone).hour] += 1
    for c in rows.calls:
        if c.kind == "call":
            series["called"][c.at.astimezone(zone).hour] += 1
    for e in rows.events:
        if e.kind == "refused_cap":
            series["turned_away"][e.at.astimezone(zone).hour] += 1
    hours = [h for tally in series.values() for h in tally]
    if not hours:
        return ()
    return tuple(HourCount(h, *(series[k][h] for k in ("issued", "called", "served",
                                                        "turned_away")))
                 for h in range(min(hours), max(hours) + 1))


def _histogram(waits: Iterable[float]) -> tuple[WaitBucket, ...]:
    counts = Tally()
    for wait in waits:
        for low, high in WAIT_BUCKETS:
            if wait >= low and (high is None or wait < high):
                counts[low] += 1
                break
    return tuple(WaitBucket(low, high, counts[low]) for low, high in WAIT_BUCKETS)


def _refusals(rows: _Rows) -> tuple[Refusal, ...]:
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


def _priority(rows: _Rows) -> tuple[PriorityCount, ...]:
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


def _nik_mistakes(rows: _Rows) -> tuple[NikMistake, ...]:
    """NIKs refused on the keypad by problem: only those seen, in kiosk/privacy/nik.py's order."""
    counts = Tally(str(e.payload.get("problem") or "other") for e in rows.events
                   if e.kind == NIK_MISTAKE)
    order = [p for p in NIK_PROBLEMS if p in counts] + sorted(set(counts) - set(NIK_PROBLEMS))
    return tuple(NikMistake(problem, counts[problem]) for problem in order)


def _lease_conflicts(rows: _Rows, zone: ZoneInfo) -> tuple[LeaseConflict, ...]:
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


def _day_bounds(schedule: Schedule, day: date) -> tuple[datetime, datetime]:
    """Opening and closing of the office day (aware); a closed day opens and closes at once."""
    hours = schedule.hours_on(day)
    if hours is None:  # closed anyway: a pause kept nobody from a number
        midnight = datetime.combine(day, time(0), tzinfo=schedule.timezone)
        return midnight, midnight
    opens = datetime.combine(day, hours.opens, tzinfo=schedule.timezone)
    closes = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=schedule.timezone)
              if hours.closes == time.max  # "24:00"
              else datetime.combine(day, hours.closes, tzinfo=schedule.timezone))
    return opens, closes


def _staff(rows: _Rows, config: Config, now: datetime | None
           ) -> tuple[int, float, tuple[StaffAction, ...]]:
    """(pauses, paused minutes, every staff action) over the rows' days."""
    zone, schedule = config.timezone, Schedule(config.timezone, config.hours, config.holidays)
    pauses, paused, actions = 0, 0.0, []
    for day, day_rows in rows.by_day().items():
        events = [e for e in day_rows.events if e.kind in STAFF_EVENTS]
        if not events:
            continue
        opens, closes = _day_bounds(schedule, day)

        def minutes(start: datetime, end: datetime, opens=opens, closes=closes) -> float:
            return round(max(0.0, _minutes(max(start, opens), min(end, closes))), 2)

        pause_index: int | None = None
        for event in events:
            local, by = event.at.astimezone(zone), event.payload.get("by")
            if event.kind == "issuing_paused":
                pauses += 1
                pause_index = len(actions)
                actions.append(StaffAction(local, by, "pause", open=True))
            elif event.kind == "issuing_resumed":
                if pause_index is not None:
                    pause = actions[pause_index]
                    counted = minutes(pause.at, event.at)
                    actions[pause_index] = dataclasses.replace(pause, minutes=counted, open=False)
                    actions.append(StaffAction(local, by, "resume"))
                else:  # paused on an earlier day: counted from opening time
                    counted = minutes(opens, event.at)
                    actions.append(StaffAction(local, by, "resume", minutes=counted, open=True))
                paused += counted
                pause_index = None
            elif event.kind == "cap_changed":
                p = event.payload
                actions.append(StaffAction(local, by, "cap_changed", lane=p.get("lane"),
                                           old=p.get("old"), new=p.get("new")))
            elif event.kind == "clock_confirmed":
                previous = _when(event.payload.get("previous_newest"))
                actions.append(StaffAction(local, by, "clock_confirmed", previous=(
                    previous.astimezone(zone) if previous is not None else None)))
            else:
                label = event.payload.get("label")
                actions.append(StaffAction(local, by, str(event.payload.get("action", "?")),
                                           label=str(label) if label is not None else None))
        if pause_index is not None:  # still paused at the end of the day
            pause = actions[pause_index]
            counted = minutes(pause.at, closes if now is None else min(closes, now))
            actions[pause_index] = dataclasses.replace(pause, minutes=counted)
            paused += counted
    return pauses, round(paused, 2), tuple(actions)


def _figures(rows: _Rows, first: date, last: date, days: Sequence[date], config: Config,
             now: datetime | None = None) -> Figures:
    zone = config.timezone
    first_calls = _first_calls(rows.calls)
    waits = _waits(rows.tickets, first_calls)
    pauses, paused_minutes, staff_actions = _staff(rows, config, now)
    return Figures(
        first=first, last=last,
        lanes=_lane_figures(rows, config.lanes, first_calls, days, zone),
        counters=_counter_figures(rows, config.counters),
        checkins=_checkins(rows.events),
        hourly=_hourly(rows, zone),
        wait=stats(waits),
        service=stats(_services(rows.tickets)),
        wait_histogram=_histogram(waits),
        refusals=_refusals(rows),
        priority=_priority(rows),
        pauses=pauses,
        paused_minutes=paused_minutes,
        staff_actions=staff_actions,
        lease_conflicts=_lease_conflicts(rows, zone),
        nik_mistakes=_nik_mistakes(rows),
    )


def build_report(db: sqlite_utils.Database, config: Config, first: date, last: date,
                 now: datetime) -> Report:
    """The report for ``first``..``last`` (office days, inclusive) from the store."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    rows = _read(db, config.office.code, first, last)
    days = tuple(_figures(day_rows, day, day, [day], config, now)
                 for day, day_rows in rows.by_day().items())
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    total = (days[0] if first == last and days
             else _figures(rows, first, last, span, config, now))
    return Report(config.office.code, config.office.name, config.timezone.key, first, last,
                  now.astimezone(config.timezone), days, total)


def day_figures(db: sqlite_utils.Database, config: Config, day: date,
                now: datetime | None = None) -> Figures:
    """One office day's figures (the staff screen's "today").

    ``now``: a pause still open counts until then (if before closing time).
    """
    return _figures(_read(db, config.office.code, day, day), day, day, [day], config, now)


def hourly_counts(db: sqlite_utils.Database, office_code: str, office_day: date,
                  zone: ZoneInfo) -> tuple[HourCount, ...]:
    """Issued, called, served and turned away per office-local hour of one day.

    For the staff screen's small chart. Tickets and calls are read through
    their (office, day) keys; the events table has no such index (every index
    is another page per issued number), so its refusals are scanned only once
    someone was actually turned away that day. Even so, redraw on a change
    (``kiosk.queue.calling_view.change_marker``), not on every poll.
    """
    day = office_day.isoformat()
    rows = _read(db, office_code, office_day, office_day, with_events=bool(db.execute(
        "SELECT 1 FROM lane_days WHERE office_code = ? AND office_day = ? AND turned_away > 0",
        (office_code, day)).fetchone()))
    return _hourly(rows, zone)


# --- machine-readable forms -----------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _figures_dict(figures: Figures) -> dict:
    data = dataclasses.asdict(figures)
    data["totals"] = {"issued": figures.issued, "served": figures.served,
                      "no_show": figures.no_show, "turned_away": figures.turned_away,
                      "refused": figures.refused}
    for action, row in zip(figures.staff_actions, data["staff_actions"], strict=True):
        row["detail"] = action.detail
    for bucket, row in zip(figures.wait_histogram, data["wait_histogram"], strict=True):
        row["label"] = bucket.label
    data["nik_mistakes_total"] = figures.nik_mistakes_total
    return data


def report_dict(report: Report) -> dict:
    """The whole report as JSON-ready data (dates ISO, minutes as numbers)."""
    return _plain({
        "office": report.office_code, "office_name": report.office_name,
        "timezone": report.timezone, "first": report.first, "last": report.last,
        "generated_at": report.generated_at,
        "refusals_not_recorded": list(NOT_RECORDED),
        "days": [_figures_dict(day) for day in report.days],
        "total": _figures_dict(report.total),
    })  # type: ignore[return-value]


CSV_HEADER = ("day", "section", "item", "metric", "value")


def report_rows(report: Report) -> list[tuple[str, str, str, str, object]]:
    """One figure per row (day, section, item, metric, value): easy to filter or pivot.

    ``day`` is the office day, or "total" for the whole range; empty values
    (no median when nobody was served) are empty strings. Staff actions and lease
    conflicts are listed under their day only (for a range the total has their counts).
    """
    rows: list[tuple[str, str, str, str, object]] = []
    if report.single_day:  # the day is the total: say it once
        parts = [(report.first.isoformat(), report.total)]
    else:
        parts = [(day.first.isoformat(), day) for day in report.days]
        parts.append(("total", report.total))

    def add(day: str, section: str, item: object, metric: str, value: object) -> None:
        if isinstance(value, datetime):
            value = value.strftime("%H:%M")
        rows.append((day, section, str(item), metric, "" if value is None else value))

    for day, figures in parts:
        add(day, "overall", "all", "issued", figures.issued)
        add(day, "overall", "all", "served", figures.served)
        add(day, "overall", "all", "no_show", figures.no_show)
        add(day, "overall", "all", "turned_away", figures.turned_away)
        for name, stat in (("wait", figures.wait), ("service", figures.service)):
            add(day, "overall", "all", f"{name}_count", stat.count)
            add(day, "overall", "all", f"{name}_median_min", stat.median)
            add(day, "overall", "all", f"{name}_p90_min", stat.p90)
        for lane in figures.lanes:
            for metric in ("issued", "called", "served", "no_show", "unfinished", "turned_away",
                           "cap", "cap_ran_out_at", "cap_ran_out_days"):
                add(day, "lane", lane.lane, metric, getattr(lane, metric))
            for name, stat in (("wait", lane.wait), ("service", lane.service)):
                add(day, "lane", lane.lane, f"{name}_median_min", stat.median)
                add(day, "lane", lane.lane, f"{name}_p90_min", stat.p90)
        for counter in figures.counters:
            for metric in ("calls", "recalls", "served", "no_show", "hours_active",
                           "served_per_hour"):
                add(day, "counter", counter.counter, metric, getattr(counter, metric))
            add(day, "counter", counter.counter, "service_median_min", counter.service.median)
        for outcome in figures.checkins:
            add(day, "checkin", outcome.outcome, "attempts", outcome.attempts)
            add(day, "checkin", outcome.outcome, "bookings", outcome.bookings)
            if outcome.outcome == "valid":
                add(day, "checkin", outcome.outcome, "applicants", outcome.applicants)
        for hour in figures.hourly:
            for metric in ("issued", "called", "served", "turned_away"):
                add(day, "hour", f"{hour.hour:02d}", metric, getattr(hour, metric))
        for bucket in figures.wait_histogram:
            add(day, "wait_minutes", bucket.label, "count", bucket.count)
        for refusal in figures.refusals:
            add(day, "refusal", refusal.reason, "presses", refusal.presses)
            if refusal.bursts is not None:
                add(day, "refusal", refusal.reason, "bursts", refusal.bursts)
        add(day, "refusal", "all", "presses", figures.refused)
        for priority in figures.priority:
            add(day, "priority", priority.reason, "tickets", priority.tickets)
            if priority.check:
                add(day, "priority", priority.reason, "checked_by", priority.check)
        add(day, "staff", "all", "pauses", figures.pauses)
        add(day, "staff", "all", "paused_minutes", figures.paused_minutes)
        for name, count in sorted(Tally(a.action for a in figures.staff_actions).items()):
            add(day, "staff", "all", f"{name}_count", count)
        if figures.nik_mistakes:  # NIK entry on: no rows at all when there were none
            for mistake in figures.nik_mistakes:
                add(day, "nik_mistake", mistake.problem, "count", mistake.count)
            add(day, "nik_mistake", "all", "count", figures.nik_mistakes_total)
        if figures.lease_conflicts:  # hub leases only: no rows at all when there are none
            add(day, "lease_conflict", "all", "count", len(figures.lease_conflicts))
        if day != "total":
            for conflict in figures.lease_conflicts:
                add(day, "lease_conflict", conflict.label, "kiosk", conflict.device)
                add(day, "lease_conflict", conflict.label, "printed_at", conflict.printed_at)
                add(day, "lease_conflict", conflict.label, "recorded_at", conflict.at)
            for action in figures.staff_actions:
                add(day, "staff_action", action.at.strftime("%H:%M"), action.action,
                    f"{action.by or '-'}: {action.detail}" if action.detail
                    else action.by or "-")
    return rows
