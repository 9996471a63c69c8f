"""How the queue moved, from tickets and calls: figures per lane (issued, served, waits,
when the cap ran out), per counter (throughput, hours active), per hour, and the
wait distribution.

- wait = issued -> *first* call (a no-show who came back is not counted twice);
  service = the last call -> served.
- no-show: still a no-show at report time; someone who came back and was
  served counts as served.
- hours a counter was active: its first call of the day to its last call,
  serve or no-show, added up over the days.
- served per hour only from ``MIN_RATE_HOURS`` (30 minutes) of activity: two
  services in two minutes are not "60 per hour"; below that the rate is None.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import TYPE_CHECKING

from kiosk.reports.figures import CounterFigures, HourCount, LaneFigures, WaitBucket
from kiosk.reports.stats import minutes_between, stats

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from kiosk.config import CounterConfig, Lane
    from kiosk.reports.rows import CallRow, EventRow, Rows, TicketRow

# Wait-distribution buckets in minutes: [lower, upper); None = open-ended.
WAIT_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 15), (15, 30), (30, 45), (45, 60), (60, 90), (90, 120), (120, 180), (180, None))
MIN_RATE_HOURS = 0.5  # no per-hour rate extrapolated from less activity than this


def first_call_times(calls: Iterable[CallRow]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for call in calls:
        if call.kind == "call" and (call.ticket_id not in first or call.at < first[call.ticket_id]):
            first[call.ticket_id] = call.at
    return first


def wait_minutes(tickets: Iterable[TicketRow], first_calls: Mapping[str, datetime]
                 ) -> list[float]:
    return [minutes_between(t.issued_at, first_calls[t.id]) for t in tickets
            if t.id in first_calls]


def service_minutes(tickets: Iterable[TicketRow]) -> list[float]:
    return [minutes_between(t.called_at, t.served_at) for t in tickets
            if t.status == "served" and t.called_at is not None and t.served_at is not None]


def _first_refusals(events: Iterable[EventRow]) -> dict[tuple[date, str], EventRow]:
    first: dict[tuple[date, str], EventRow] = {}
    for event in events:
        if event.kind == "refused_cap":
            key = (event.day, str(event.payload.get("lane")))
            if key not in first or event.at < first[key].at:
                first[key] = event
    return first


def _cap_ran_out(issued: Mapping[tuple[date, str, int], datetime],
                 refusal: EventRow | None, day: date, lane: str, config_cap: int | None,
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


def lane_figures(rows: Rows, lanes: Mapping[str, Lane], first_calls: Mapping[str, datetime],
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
            wait=stats(wait_minutes(tickets, first_calls)),
            service=stats(service_minutes(tickets)),
        ))
    return tuple(result)


def _active_hours(calls: Iterable[CallRow], tickets: Iterable[TicketRow]) -> float:
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


def counter_figures(rows: Rows, counters: Sequence[CounterConfig]) -> tuple[CounterFigures, ...]:
    names = {c.number: c.name for c in counters}
    calls_at: dict[int, list[CallRow]] = {n: [] for n in names}
    for call in rows.calls:
        calls_at.setdefault(call.counter, []).append(call)
    tickets_at: dict[int, list[TicketRow]] = {}
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
            served_per_hour=(round(len(served) / hours, 2)
                             if hours >= MIN_RATE_HOURS else None),
            service=stats(service_minutes(served)),
        ))
    return tuple(result)


def per_hour(rows: Rows, zone: ZoneInfo) -> tuple[HourCount, ...]:
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


def wait_histogram(waits: Iterable[float]) -> tuple[WaitBucket, ...]:
    counts = Tally()
    for wait in waits:
        for low, high in WAIT_BUCKETS:
            if wait >= low and (high is None or wait < high):
                counts[low] += 1
                break
    return tuple(WaitBucket(low, high, counts[low]) for low, high in WAIT_BUCKETS)
