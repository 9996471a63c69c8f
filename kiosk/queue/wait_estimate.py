"""A rough, explainable wait: people ahead x minutes per person / open counters.

Applicants asked for "how many are ahead, and roughly when" (DOMAIN.md). A
model staff can check on paper beats a clever one: minutes per person is the
median of today's last few services (robust to one long interview), or the
field-study figure of 10-15 minutes at a first counter visit when nothing was
served yet today. With no counter open we say "unknown" rather than guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.ports import TicketWait
from kiosk.queue.call_forecast import CounterNow, Forecast, Simulation
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.stages import StagePlan

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import sqlite_utils

    from kiosk.queue.calling import Counter

DEFAULT_MINUTES = 12.0  # DOMAIN.md: a first visit at the counter takes about 10-15 minutes
LAST_N = 10  # today's latest services that set the pace
MIN_SAMPLES = 3  # fewer than this and the default is steadier than the data
DEFAULT_SPREAD = (0.8, 1.25)  # 12 min -> 9.6-15 min: the DOMAIN range, rounded out
ACTIVE_WITHIN = timedelta(minutes=60)  # a counter that called nobody for an hour is closed
RESUME_EVENTS = 50  # more events since the last forecast: read the queues again


@dataclass(frozen=True)
class WaitEstimate:
    minutes: float  # best guess
    low: float
    high: float
    per_person: float  # minutes one applicant takes at a counter
    from_today: bool  # False: no/too few services today, DOMAIN default used


@dataclass(frozen=True)
class PerPerson:
    """Minutes one applicant takes at a counter: quartiles of today, or the default spread."""

    low: float
    mid: float
    high: float
    from_today: bool


def per_person(recent_service_minutes: Sequence[float],
               default_minutes: float = DEFAULT_MINUTES, last_n: int = LAST_N) -> PerPerson:
    samples = [m for m in recent_service_minutes[-last_n:] if m >= 0]
    if len(samples) >= MIN_SAMPLES:
        import statistics  # here: its import (fractions, decimal) is 2 ms of each `kiosk issue`

        low_per, per, high_per = statistics.quantiles(samples, n=4, method="inclusive")
        return PerPerson(low_per, per, high_per, True)
    low_per, high_per = (default_minutes * f for f in DEFAULT_SPREAD)
    return PerPerson(low_per, default_minutes, high_per, False)


def scaled_wait(people_ahead: int, open_counters: int, pace: PerPerson) -> WaitEstimate | None:
    """People ahead shared among open counters, at ``pace``; None when none is open."""
    if people_ahead < 0:
        raise ValueError(f"people_ahead must be >= 0, got {people_ahead}")
    if open_counters <= 0:
        return None
    scale = people_ahead / open_counters
    return WaitEstimate(round(scale * pace.mid, 1), round(scale * pace.low, 1),
                        round(scale * pace.high, 1), round(pace.mid, 1), pace.from_today)


def wait_in_turns(turns: float, pace: PerPerson) -> WaitEstimate:
    """``turns`` services at one counter (a forecast's) at ``pace``."""
    if turns < 0:
        raise ValueError(f"turns must be >= 0, got {turns}")
    return WaitEstimate(round(turns * pace.mid, 1), round(turns * pace.low, 1),
                        round(turns * pace.high, 1), round(pace.mid, 1), pace.from_today)


def estimate_wait(people_ahead: int, recent_service_minutes: Sequence[float],
                  open_counters: int, default_minutes: float = DEFAULT_MINUTES,
                  last_n: int = LAST_N) -> WaitEstimate | None:
    """Minutes until called, with a range; None when no counter serves the lane (unknown).

    ``recent_service_minutes`` is oldest first; only the last ``last_n`` count.
    The range uses the quartiles of those services (or 0.8-1.25x the default).
    """
    return scaled_wait(people_ahead, open_counters,
                       per_person(recent_service_minutes, default_minutes, last_n))


def recent_service_minutes(db: sqlite_utils.Database, office_code: str, office_day: date,
                           last_n: int = LAST_N) -> list[float]:
    """Call-to-served minutes of the day's last ``last_n`` services, oldest first.

    All lanes together: every applicant goes through the same counter steps.
    """
    rows = db.execute(
        "SELECT called_at, served_at FROM tickets WHERE office_code = ? AND office_day = ?"
        " AND status = 'served' AND called_at IS NOT NULL ORDER BY served_at DESC LIMIT ?",
        (office_code, office_day.isoformat(), last_n),
    ).fetchall()
    return [
        (datetime.fromisoformat(served) - datetime.fromisoformat(called)).total_seconds() / 60
        for called, served in reversed(rows)
    ]


def open_counters(db: sqlite_utils.Database, office_code: str, office_day: date, lane: str,
                  counters: Iterable[Counter], now: datetime,
                  active_within: timedelta = ACTIVE_WITHIN) -> int:
    """Counters serving ``lane`` that called someone within ``active_within``.

    Before the first call of the day every configured counter serving the lane
    counts (the office is just opening); after that, idle counters are closed.
    """
    serving = {c.number for c in counters if lane in c.lanes}
    last_call: dict[int, datetime] = {}
    for counter, at in db.execute(
        "SELECT counter, at FROM calls WHERE office_code = ? AND office_day = ?",
        (office_code, office_day.isoformat()),
    ):
        when = datetime.fromisoformat(at)
        last_call[counter] = max(when, last_call.get(counter, when))
    if not last_call:
        return len(serving)
    return sum(1 for n in serving if n in last_call and now - last_call[n] <= active_within)


def estimate_for_lane(db: sqlite_utils.Database, office_code: str, office_day: date, lane: str,
                      counters: Iterable[Counter], now: datetime,
                      people_ahead: int | None = None,
                      default_minutes: float = DEFAULT_MINUTES) -> WaitEstimate | None:
    """The wait for ``lane`` read from the store; by default for someone taking a ticket now."""
    if people_ahead is None:
        people_ahead = db.execute(
            "SELECT count(*) FROM tickets WHERE office_code = ? AND office_day = ? AND lane = ?"
            " AND status = 'waiting'", (office_code, office_day.isoformat(), lane),
        ).fetchone()[0]
    return estimate_wait(people_ahead, recent_service_minutes(db, office_code, office_day),
                         open_counters(db, office_code, office_day, lane, counters, now),
                         default_minutes)


def waiting_queues(db: sqlite_utils.Database, office_code: str, office_day: date,
                   stages: StagePlan | None = None) -> dict[str, list[int]]:
    """The day's waiting numbers per lane (per lane and stage, keyed by ``stages.key``),
    ascending: one range of the tickets' primary key.

    One row per lane (the numbers joined by SQLite, split and sorted here): half the
    cost of a Python row per ticket with a few hundred waiting, on every press.
    """
    plan = stages or StagePlan()
    queues: dict[str, list[int]] = {}
    for lane, stage, numbers in db.conn.execute(
            "SELECT lane, stage, group_concat(number) FROM tickets WHERE office_code = ?"
            " AND office_day = ? AND status = 'waiting' GROUP BY lane, stage",
            (office_code, office_day.isoformat())):
        queues.setdefault(plan.key(lane, stage), []).extend(map(int, numbers.split(",")))
    return {key: sorted(numbers) for key, numbers in queues.items()}


def counters_now(db: sqlite_utils.Database, office_code: str, office_day: date,
                 counters: Iterable[Counter], now: datetime,
                 active_within: timedelta = ACTIVE_WITHIN,
                 stages: StagePlan | None = None) -> tuple[CounterNow, ...]:
    """The open counters (as :func:`open_counters` counts them) with today's calls, in the
    order they will be free: the one that called longest ago first. Their lanes and
    calls are the forecast's queue keys (``stages.key``)."""
    plan = stages or StagePlan()
    last_call: dict[int, datetime] = {}
    history: dict[int, list[str]] = {}
    for counter, lane, stage, at, kind in db.execute(
        "SELECT counter, lane, stage, at, kind FROM calls WHERE office_code = ?"
        " AND office_day = ? ORDER BY seq", (office_code, office_day.isoformat()),
    ):
        when = datetime.fromisoformat(at)
        last_call[counter] = max(when, last_call.get(counter, when))
        if kind == "call":
            history.setdefault(counter, []).append(plan.key(lane, stage))
    known = sorted(counters, key=lambda c: c.number)
    if not last_call:  # the office is just opening: every counter, by number
        return tuple(CounterNow(c.number, plan.keys_served(c.lanes, c.stages)) for c in known)
    open_now = [c for c in known if c.number in last_call
                and now - last_call[c.number] <= active_within]
    open_now.sort(key=lambda c: last_call[c.number])
    return tuple(CounterNow(c.number, plan.keys_served(c.lanes, c.stages),
                            tuple(history.get(c.number, ()))) for c in open_now)


@dataclass(frozen=True)
class Floor:
    """What a ticket's forecast needs besides the queues, as read at ``read_at``."""

    counters: tuple[CounterNow, ...]
    per_person: PerPerson
    read_at: datetime
    calls_seen: int


@dataclass(frozen=True)
class Pace:
    """What a lane's estimate needs besides people ahead, as read at ``read_at``."""

    recent: tuple[float, ...]  # today's recent service minutes, oldest first
    per_person: PerPerson
    open_counters: int
    read_at: datetime
    calls_seen: int  # newest calls.seq when read: a new call means a new pace


class PaceCache:
    """Today's pace per lane, re-read at most every ``max_age`` or after a new call.

    Issuing must stay about one durable commit: reading the day's services and
    calls on every press would not, so a press only costs one indexed
    ``max(seq)`` lookup while the pace is fresh. Served-only actions (no call)
    show up within ``max_age``. Not thread-safe: callers hold the issuing lock.
    """

    def __init__(self, db: sqlite_utils.Database, office_code: str,
                 counters: Iterable[Counter], max_age: timedelta = timedelta(seconds=30),
                 default_minutes: float = DEFAULT_MINUTES,
                 policy: CallPolicy | None = None,
                 classes: Mapping[str, str] | None = None,
                 stages: StagePlan | None = None) -> None:
        self.db, self.office_code, self.counters = db, office_code, tuple(counters)
        self.stages = stages or StagePlan()
        # service (and service/stage, see StagePlan.key) -> the lane whose call rules it follows
        self.classes = self.stages.key_classes(classes or {}) if self.stages.stages else classes
        self.max_age, self.default_minutes = max_age, default_minutes
        self.policy = policy or CallPolicy()
        self._paces: dict[tuple[date, str], Pace] = {}
        self._floor: tuple[date, Floor] | None = None
        # The last forecast, to go on from for the lane's next ticket (see _resume).
        self._last: tuple[Floor, str, int, Simulation] | None = None
        self.resumed = 0  # forecasts that went on from the last one (tests, bench)

    def _calls_seen(self) -> int:
        return self.db.conn.execute("SELECT coalesce(max(seq), 0) FROM calls").fetchone()[0]

    def floor(self, office_day: date, now: datetime, calls_seen: int | None = None) -> Floor:
        """Open counters (with their calls) and minutes per person, cached like ``pace``."""
        if calls_seen is None:
            calls_seen = self._calls_seen()
        if self._floor is not None:
            day, cached = self._floor
            if (day == office_day and cached.calls_seen == calls_seen
                    and cached.read_at <= now < cached.read_at + self.max_age):
                return cached
        recent = recent_service_minutes(self.db, self.office_code, office_day)
        fresh = Floor(counters_now(self.db, self.office_code, office_day, self.counters, now,
                                   stages=self.stages),
                      per_person(recent, self.default_minutes), now, calls_seen)
        self._floor = (office_day, fresh)
        return fresh

    def forecast(self, office_day: date, lane: str, number: int, now: datetime
                 ) -> tuple[Forecast | None, WaitEstimate | None]:
        """Who is called before this ticket under the policy, and the wait that makes;
        (None, None) when no open counter serves ``lane``. Costs one read of the
        waiting queues and one ``max(seq)`` lookup while the floor is fresh; the
        lane's next ticket in a burst reads only the events since (see ``_resume``)."""
        calls_seen, seen = self.db.conn.execute(
            "SELECT (SELECT coalesce(max(seq), 0) FROM calls),"
            " (SELECT coalesce(max(seq), 0) FROM events)").fetchone()
        floor = self.floor(office_day, now, calls_seen)
        ahead = self._resume(floor, lane, number, seen)
        if ahead is None:
            waiting = waiting_queues(self.db, self.office_code, office_day, self.stages)
            simulation = Simulation.start(self.policy, waiting, floor.counters, lane, number,
                                          self.classes)
            if simulation is None:
                self._last = None
                return None, None
            ahead = simulation.run_to(number)
            self._last = (floor, lane, seen, simulation)
        return ahead, wait_in_turns(ahead.turns, floor.per_person)

    def _resume(self, floor: Floor, lane: str, number: int, seen: int) -> Forecast | None:
        """Go on from the last forecast if only later tickets of its lane came since.

        Every change to who waits appends an event in the same transaction (a ticket
        "issued", a no-show "returned", a "called"), so the events since the last
        forecast say what changed: with the same floor (no call, not re-read) and
        nothing but this lane's "issued" and the printer's "printed"/"print_failed",
        the queue ahead is as it was plus this lane's new numbers. Anything else
        (or many events): None, read the queues and play it all again.
        """
        if self._last is None:
            return None
        last_floor, last_lane, last_seen, simulation = self._last
        last = simulation.last
        if (last_floor is not floor or last_lane != lane or last is None or number <= last
                or seen - last_seen > RESUME_EVENTS):
            return None
        new: list[int] = []
        for kind, issued_lane, issued_number in self.db.conn.execute(
                "SELECT kind, json_extract(payload, '$.lane'), json_extract(payload, '$.number')"
                " FROM events WHERE seq > ? AND seq <= ?", (last_seen, seen)):
            if kind in ("printed", "print_failed"):
                continue
            if kind != "issued" or issued_lane != lane:
                return None
            new.append(issued_number)
        simulation.extend([*sorted(n for n in new if last < n < number), number])
        self._last = (floor, lane, seen, simulation)
        self.resumed += 1
        return simulation.run_to(number)

    def pace(self, office_day: date, lane: str, now: datetime) -> Pace:
        calls_seen = self._calls_seen()
        cached = self._paces.get((office_day, lane))
        if (cached is not None and cached.calls_seen == calls_seen
                and cached.read_at <= now < cached.read_at + self.max_age):
            return cached
        # Yesterday's paces are never asked for again.
        self._paces = {k: v for k, v in self._paces.items() if k[0] == office_day}
        recent = tuple(recent_service_minutes(self.db, self.office_code, office_day))
        fresh = Pace(
            recent, per_person(recent, self.default_minutes),
            open_counters(self.db, self.office_code, office_day, lane, self.counters, now),
            now, calls_seen)
        self._paces[(office_day, lane)] = fresh
        return fresh

    def estimate(self, office_day: date, lane: str, people_ahead: int,
                 now: datetime) -> WaitEstimate | None:
        pace = self.pace(office_day, lane, now)
        return scaled_wait(people_ahead, pace.open_counters, pace.per_person)


# --- the estimate as people read it --------------------------------------------
# A ticket saying "17.3 minutes" promises what no queue keeps. Ranges are rounded out
# to steps of 5 minutes (15 above an hour), the low end to the nearest step and the
# high end up, so the range is at least one step wide and rather long than short: an
# applicant who waits less is not annoyed. kiosk/texts/wait.py words the result.

SHORT_STEP, LONG_STEP, LONG_FROM = 5, 15, 60  # minutes


def _step(minutes: float) -> int:
    return SHORT_STEP if minutes <= LONG_FROM else LONG_STEP


def _nearest(minutes: float) -> int:
    step = _step(minutes)
    return step * math.floor(minutes / step + 0.5)


def _up(minutes: float) -> int:
    step = _step(minutes)
    return step * math.ceil(round(minutes / step, 9))  # 30.000000001 stays 30


def rounded_range(low: float, high: float) -> tuple[int, int]:
    """(low, high) minutes in people's steps; high >= low + 5 and never below ``high``."""
    if low < 0 or high < low:
        raise ValueError(f"expected 0 <= low <= high, got {low}-{high}")
    lo = _nearest(low)
    return lo, _up(max(high, lo + SHORT_STEP))


def ticket_wait(estimate: WaitEstimate | None) -> TicketWait:
    """What the ticket says for an estimate; None (no counter open) reads 'cannot estimate'."""
    if estimate is None:
        return TicketWait(None)
    return TicketWait(rounded_range(estimate.low, estimate.high), estimate.from_today)
