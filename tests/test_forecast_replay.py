"""The wait forecast against a replayed day: seeded arrivals, real counters calling.

A day is played through the real store: tickets are taken with ``Numbering`` (the
kiosk's own transaction), the forecast is read with ``PaceCache.forecast`` at each
issue (what ``IssuingService`` prints as "Menunggu sebelum Anda"), and the
counters call with the real ``CallingService.call_next`` on a ``MovableClock``.
Afterwards each ticket's *actual* count is how many calls came between its issue
and its own call.

The forecast knows only who waits at the press. Applicants who arrive later
and are called before the ticket (a priority applicant, or a booked one the
ratio lets in first) add to the actual count; in these replays none ever took
one away (checked here for every policy, not proven in general). So:

- ``forecast <= actual`` for every ticket, as long as the counters keep the turn
  the forecast assumes: every counter takes ``SERVICE`` minutes per applicant (so
  the one that called longest ago is free first) and a counter with nobody to call
  calls as soon as someone it serves arrives;
- ``forecast == actual`` when nobody arrives after the forecast: for the whole dawn
  queue forecast at the first call, and for every dawn ticket no later arrival passed.
  A later arrival who goes first can do more than add one: it shifts a counter's
  B:A rhythm, so an earlier applicant of another lane may go first too. That is
  why the equality is not "forecast + arrivals that passed".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk import store
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.numbering import Numbering, Ticket
from kiosk.queue.wait_estimate import PaceCache
from tests.conftest import MovableClock, office_time

DAY = date(2026, 11, 25)
SERVICE = timedelta(minutes=12)
# config/kiosk.toml's counters: two take every lane, one only online bookings.
COUNTERS = {1: Counter(1, "Loket 1", frozenset("APB")), 2: Counter(2, "Loket 2", frozenset("APB")),
            3: Counter(3, "Loket 3 (Online)", frozenset("B"))}


@dataclass
class Issued:
    ticket: Ticket
    forecast: int
    seq_at_issue: int  # the newest call when it was issued
    called_seq: int | None = None
    jumped: int = 0  # later arrivals called before it
    actual: int = 0  # calls between its issue and its own call
    at_open: int | None = None  # forecast just before the first call (dawn queue only)
    from_open: int = 0  # calls between the first call and its own
    lane_count: int = 0  # waiting before it in its own lane when issued (the old estimate)


def replay(db_path: Path, policy: CallPolicy, seed: int, dawn: int, later: int,
           lanes: str) -> list[Issued]:
    """A seeded day: ``dawn`` tickets before 08:00, ``later`` arriving while counters
    call every SERVICE minutes, evenly spaced, until everyone is called."""
    rng = random.Random(seed)
    clock = MovableClock(office_time("2026-11-25 07:00"))
    db = store.connect(db_path)
    try:
        numbering = Numbering(db, "KUP", "KUP-K1")
        calling = CallingService(db, "KUP", "KUP-C1", COUNTERS, policy, clock, office_day=DAY)
        pace = PaceCache(db, "KUP", COUNTERS.values(), policy=policy)
        opening = office_time("2026-11-25 08:00")
        events: list[tuple] = []  # (when, order, kind, what)
        for i in range(dawn):
            events.append((clock() + timedelta(seconds=i), 0, "issue", rng.choice(lanes)))
        at = opening + SERVICE  # every counter has called once: all count as open
        for _ in range(later):
            at += timedelta(minutes=rng.uniform(0.5, 4.5))
            events.append((at, 0, "issue", rng.choice(lanes)))
        spacing = SERVICE / len(COUNTERS)
        for i, number in enumerate(sorted(COUNTERS)):
            events.append((opening + i * spacing, 1, "call", number))
        issued: list[Issued] = []
        by_label: dict[str, Issued] = {}
        idle: set[int] = set()
        opened = False
        while events:
            events.sort(key=lambda e: (e[0], e[1]))
            when, _, kind, what = events.pop(0)
            clock.now = when
            seq = db.execute("SELECT coalesce(max(seq), 0) FROM calls").fetchone()[0]
            if kind == "issue":
                ticket = numbering.take(what, DAY, None, when)
                assert isinstance(ticket, Ticket)
                ahead, _ = pace.forecast(DAY, what, ticket.number, when)
                assert ahead is not None
                entry = Issued(ticket, ahead.before, seq,
                               lane_count=numbering.waiting_before(what, DAY, ticket.number))
                issued.append(entry)
                by_label[ticket.label] = entry
                for number in sorted(idle):  # a counter with nobody to call calls at once
                    if what in COUNTERS[number].lanes:
                        idle.discard(number)
                        events.append((when, 1, "call", number))
                continue
            if not opened:  # the first call: forecast the dawn queue as it stands
                opened = True
                for entry in issued:
                    ahead, _ = pace.forecast(DAY, entry.ticket.lane, entry.ticket.number, when)
                    assert ahead is not None
                    entry.at_open = ahead.before
            called = calling.call_next(what)
            if called is None:  # waits for someone it may call
                idle.add(what)
                continue
            entry = by_label[called.label]
            entry.called_seq = seq + 1
            events.append((when + SERVICE, 1, "call", what))
        calls = [(seq, label) for seq, label in db.execute(
            "SELECT seq, label FROM calls WHERE kind = 'call' ORDER BY seq")]
    finally:
        db.close()
    order = {label: n for n, (_, label) in enumerate(calls)}
    for entry in issued:
        assert entry.called_seq is not None, f"{entry.ticket.label} was never called"
        between = [label for seq, label in calls if entry.seq_at_issue < seq < entry.called_seq]
        entry.actual = len(between)
        entry.jumped = sum(1 for label in between
                           if by_label[label].ticket.issued_at > entry.ticket.issued_at)
        entry.from_open = order[entry.ticket.label]
    return issued


POLICIES = [CallPolicy(), CallPolicy(booked_per_walkin=(2, 1)), CallPolicy("strict"),
            CallPolicy("ratio", booked_per_walkin=(2, 1), priority_every=2)]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.mode)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_dawn_queue_is_called_exactly_as_forecast(tmp_path: Path, policy, seed) -> None:
    """Nobody arrives after the counters open: forecast at the first call, every ticket
    is called after exactly as many as forecast. Forecast at its own press, a ticket
    may see later dawn arrivals go first, never fewer calls than forecast."""
    day = replay(tmp_path / "kiosk.db", policy, seed, dawn=60, later=0, lanes="AAAPBB")
    assert [e.at_open for e in day] == [e.from_open for e in day]
    assert all(e.forecast <= e.actual for e in day)
    assert all(e.forecast == e.actual for e in day if e.jumped == 0)
    assert any(e.forecast > e.lane_count for e in day)  # other lanes counted, not just its own


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.mode)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_busy_day_is_forecast_but_for_later_arrivals(tmp_path: Path, policy, seed) -> None:
    """Arrivals all day: a forecast never promises fewer than were really called first,
    and it is nearer the truth than counting the ticket's own lane."""
    day = replay(tmp_path / "kiosk.db", policy, seed, dawn=40, later=120, lanes="AAAPBB")
    assert all(e.forecast <= e.actual for e in day)
    assert sum(e.jumped for e in day) > 0  # the day did have applicants jumping ahead
    missed = sum(e.actual - e.forecast for e in day)
    assert missed < sum(abs(e.actual - e.lane_count) for e in day)
