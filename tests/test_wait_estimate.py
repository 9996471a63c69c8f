"""Wait estimates: plain arithmetic staff can check, honest when unknown."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.numbering import Numbering
from kiosk.queue.wait_estimate import (
    WaitEstimate,
    estimate_for_lane,
    estimate_wait,
    open_counters,
    recent_service_minutes,
)

DAY = date(2026, 11, 25)
COUNTERS = {1: Counter(1, "Loket 1", frozenset("PBA")), 2: Counter(2, "Loket 2", frozenset("A")),
            3: Counter(3, "Loket 3", frozenset("B"))}


@pytest.mark.parametrize(
    ("ahead", "samples", "counters", "expected"),
    [
        # No service yet today: the DOMAIN figure of about 12 min (10-15).
        (4, [], 2, WaitEstimate(24.0, 19.2, 30.0, 12.0, False)),
        (4, [8.0, 9.0], 2, WaitEstimate(24.0, 19.2, 30.0, 12.0, False)),  # too few to trust
        # Median and quartiles of today's services.
        (6, [8.0, 10.0, 12.0], 3, WaitEstimate(20.0, 18.0, 22.0, 10.0, True)),
        (6, [8.0, 10.0, 60.0], 3, WaitEstimate(20.0, 18.0, 70.0, 10.0, True)),  # one long case
        (0, [8.0, 10.0, 12.0], 1, WaitEstimate(0.0, 0.0, 0.0, 10.0, True)),
        (3, [], 0, None),  # no counter open: unknown, not a guess
    ],
)
def test_estimate_wait(ahead, samples, counters, expected) -> None:
    assert estimate_wait(ahead, samples, counters) == expected


def test_only_the_last_services_count() -> None:
    morning_rush = [30.0] * 20
    estimate = estimate_wait(1, morning_rush + [6.0, 6.0, 6.0], 1, last_n=3)
    assert estimate is not None and estimate.per_person == 6.0


def test_people_ahead_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        estimate_wait(-1, [], 1)


@given(st.integers(0, 200), st.lists(st.floats(0, 120), max_size=30), st.integers(1, 8))
def test_more_people_ahead_never_means_a_shorter_wait(ahead, samples, counters) -> None:
    now = estimate_wait(ahead, samples, counters)
    later = estimate_wait(ahead + 1, samples, counters)
    fewer_counters = estimate_wait(ahead, samples, max(counters - 1, 1))
    assert now is not None and later is not None and fewer_counters is not None
    assert now.low <= now.minutes <= now.high
    assert later.minutes >= now.minutes
    assert fewer_counters.minutes >= now.minutes


def test_reads_the_day_from_the_store(db, clock) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    for lane in "AAAAAAB":
        numbering.take(lane, DAY, None, clock())
    calling = CallingService(db, "KUP", "KUP-C1", COUNTERS, CallPolicy(), clock, office_day=DAY)
    # Before the first call every counter serving the lane counts as open.
    assert open_counters(db, "KUP", DAY, "A", COUNTERS.values(), clock()) == 2
    first = estimate_for_lane(db, "KUP", DAY, "A", COUNTERS.values(), clock())
    assert first == WaitEstimate(36.0, 28.8, 45.0, 12.0, False)  # 6 ahead / 2 counters x 12
    for minutes in (8, 10, 12):
        calling.call_next(2)
        clock.advance(minutes=minutes)
    calling.mark_served(2)
    assert recent_service_minutes(db, "KUP", DAY) == [8.0, 10.0, 12.0]
    # Only counter 2 has called anyone: counter 1 is not staffed.
    assert open_counters(db, "KUP", DAY, "A", COUNTERS.values(), clock()) == 1
    assert estimate_for_lane(db, "KUP", DAY, "A", COUNTERS.values(), clock()) == WaitEstimate(
        30.0, 27.0, 33.0, 10.0, True)
    assert estimate_for_lane(db, "KUP", DAY, "A", COUNTERS.values(), clock(),
                             people_ahead=1).minutes == 10.0
    # An hour with no call: the counter is closed, the wait unknown.
    clock.advance(minutes=61)
    assert estimate_for_lane(db, "KUP", DAY, "A", COUNTERS.values(), clock()) is None
    # No counter serves lane P except counter 1, which never called: unknown.
    assert estimate_for_lane(db, "KUP", DAY, "P", COUNTERS.values(), clock()) is None
