"""The call order: examples per mode, and properties over random days."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.queue.call_order import LANES, CallPolicy, choose_next, starvation_bound

ALL = {"P", "B", "A"}
DEFAULT = CallPolicy()
TWO_B_ONE_A = CallPolicy(booked_per_walkin=(2, 1))
STRICT = CallPolicy("strict")
RATIO = CallPolicy("ratio", booked_per_walkin=(2, 1), priority_every=2)


@pytest.mark.parametrize(
    ("policy", "waiting", "history", "lanes", "expected"),
    [
        # priority_first: P first, then B and A by ratio, starting with B.
        (DEFAULT, {"P": [3], "B": [1], "A": [1]}, ["B", "A"], ALL, ("P", 3)),
        (DEFAULT, {"B": [1], "A": [1]}, [], ALL, ("B", 1)),
        (DEFAULT, {"B": [2], "A": [1]}, ["B"], ALL, ("A", 1)),
        (DEFAULT, {"B": [2], "A": [1]}, ["B", "P", "P"], ALL, ("A", 1)),  # P leaves the run
        (TWO_B_ONE_A, {"B": [2], "A": [1]}, ["B"], ALL, ("B", 2)),
        (TWO_B_ONE_A, {"B": [3], "A": [1]}, ["B", "B"], ALL, ("A", 1)),
        (TWO_B_ONE_A, {"B": [3], "A": [2]}, ["B", "B", "A"], ALL, ("B", 3)),
        (TWO_B_ONE_A, {"A": [2]}, ["B", "B", "A"], ALL, ("A", 2)),  # nobody booked waits
        (DEFAULT, {"P": [1], "A": [4, 5]}, [], {"A"}, ("A", 4)),  # counter serves A only
        (DEFAULT, {"B": [1], "A": [4]}, [], {"P"}, None),
        (DEFAULT, {"P": [], "A": []}, [], ALL, None),
        (DEFAULT, {}, [], ALL, None),
        # strict: P, then B, then A, whatever was called before.
        (STRICT, {"P": [2], "B": [1], "A": [1]}, ["B", "B"], ALL, ("P", 2)),
        (STRICT, {"B": [5], "A": [1]}, ["B"] * 9, ALL, ("B", 5)),
        (STRICT, {"B": [5], "A": [1]}, [], {"A", "P"}, ("A", 1)),
        # ratio: one P after every two others; others 2 B : 1 A.
        (RATIO, {"P": [1], "B": [1], "A": [1]}, [], ALL, ("P", 1)),  # no P yet today: due
        (RATIO, {"P": [2], "B": [1], "A": [1]}, ["P"], ALL, ("B", 1)),
        (RATIO, {"P": [2], "B": [2], "A": [1]}, ["P", "B"], ALL, ("B", 2)),
        (RATIO, {"P": [2], "B": [3], "A": [1]}, ["P", "B", "B"], ALL, ("P", 2)),
        (RATIO, {"P": [3], "B": [3], "A": [1]}, ["P", "B", "B", "P"], ALL, ("A", 1)),
        (RATIO, {"P": [2]}, ["P"], ALL, ("P", 2)),  # nobody else waits
        (RATIO, {"P": [2], "A": [7]}, ["P"], {"P", "A"}, ("A", 7)),
    ],
)
def test_examples(policy, waiting, history, lanes, expected) -> None:
    assert choose_next(policy, waiting, history, lanes) == expected


@pytest.mark.parametrize(
    ("policy", "bounds"),
    [
        (DEFAULT, {"P": 0, "B": 1, "A": 1}),
        (TWO_B_ONE_A, {"P": 0, "B": 1, "A": 2}),
        (STRICT, {"P": 0, "B": None, "A": None}),
        (RATIO, {"P": 2, "B": 1 + 1 + 0, "A": 2 + 1 + 1}),
        (CallPolicy("ratio", (3, 1), 1), {"P": 1, "B": 3, "A": 7}),
    ],
)
def test_starvation_bounds_follow_from_the_ratio(policy, bounds) -> None:
    assert {lane: starvation_bound(policy, lane) for lane in LANES} == bounds


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "fifo"},
        {"booked_per_walkin": (0, 1)},
        {"booked_per_walkin": (1, 2, 3)},
        {"mode": "ratio"},  # needs priority_every
        {"mode": "ratio", "priority_every": 0},
        {"priority_every": 2},  # only meaningful in ratio mode
    ],
)
def test_policy_rejects_nonsense(kwargs) -> None:
    with pytest.raises(ValueError):
        CallPolicy(**kwargs)


def test_unknown_lane_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(ValueError, match="unknown lanes"):
        choose_next(DEFAULT, {"X": [1]}, [], ALL | {"X"})


# -- properties -------------------------------------------------------------

fair_policies = st.one_of(
    st.builds(CallPolicy, st.just("priority_first"),
              st.tuples(st.integers(1, 4), st.integers(1, 4))),
    st.builds(CallPolicy, st.just("ratio"), st.tuples(st.integers(1, 4), st.integers(1, 4)),
              st.integers(1, 4)),
)
counter_sets = st.lists(st.frozensets(st.sampled_from(LANES), min_size=1), min_size=1,
                        max_size=4)
days = st.lists(
    st.one_of(st.tuples(st.just("arrive"), st.sampled_from(LANES)),
              st.tuples(st.just("call"), st.integers(0, 3))),
    max_size=400,
)


def simulate(policy: CallPolicy, counters: list[frozenset[str]], actions) -> int:
    """Run a day; check every call's invariants; return the longest wait seen."""
    waiting: dict[str, deque[int]] = {lane: deque() for lane in LANES}
    issued = dict.fromkeys(LANES, 0)
    history: list[list[str]] = [[] for _ in counters]
    streak = [dict.fromkeys(lanes, 0) for lanes in counters]  # per counter and lane
    head_wait = dict.fromkeys(LANES, 0)  # per lane: other calls while its head waits
    serving = {lane: sum(lane in lanes for lanes in counters) for lane in LANES}
    longest = 0
    for kind, arg in actions:
        if kind == "arrive":
            issued[arg] += 1
            waiting[arg].append(issued[arg])
            continue
        c = arg % len(counters)
        lanes = counters[c]
        result = choose_next(policy, {k: list(v) for k, v in waiting.items()}, history[c], lanes)
        eligible = {lane for lane in lanes if waiting[lane]}
        if result is None:
            assert not eligible
            continue
        lane, number = result
        assert lane in lanes  # a counter only calls lanes it serves
        assert number == waiting[lane][0]  # first come, first served within a lane
        if policy.mode == "priority_first" and "P" in eligible:
            assert lane == "P"  # a P ticket is never behind anyone at a P counter
        for other in lanes:
            if other not in eligible:
                streak[c][other] = 0
                continue
            if other == lane:
                streak[c][other] = 0
                continue
            if policy.mode == "priority_first" and lane == "P":
                continue  # P calls are exempt from the B/A bound by design
            bound = starvation_bound(policy, other)
            assert bound is not None
            streak[c][other] += 1
            head_wait[other] += 1
            assert streak[c][other] <= bound, (other, c, history[c])
            assert head_wait[other] <= bound * serving[other]
            longest = max(longest, streak[c][other])
        waiting[lane].popleft()
        head_wait[lane] = 0  # a new ticket is at the head of the lane
        for empty in LANES:
            if not waiting[empty]:
                head_wait[empty] = 0
        history[c].append(lane)
    return longest


@settings(max_examples=400, deadline=None)
@given(fair_policies, counter_sets, days)
def test_no_ticket_waits_longer_than_the_bound(policy, counters, actions) -> None:
    simulate(policy, counters, actions)


@settings(max_examples=200, deadline=None)
@given(st.tuples(st.integers(1, 3), st.integers(1, 3)), counter_sets,
       st.lists(st.sampled_from(LANES), max_size=200), st.lists(st.integers(0, 3), max_size=200))
def test_busy_days_stay_within_the_bound(ratio, counters, arrivals, calls) -> None:
    """Bursty arrivals first, then calls: long queues in every lane at once."""
    actions = [("arrive", lane) for lane in arrivals] + [("call", c) for c in calls]
    simulate(CallPolicy(booked_per_walkin=ratio), counters, actions)
    simulate(CallPolicy("ratio", ratio, 2), counters, actions)


def test_the_bound_is_reached() -> None:
    """The bound is tight: 2 B : 1 A with k = 2 lets A wait P, B, B, P."""
    actions = [("arrive", lane) for lane in "PPPBBBBA"] + [("call", 0)] * 8
    assert simulate(RATIO, [frozenset(LANES)], actions) == starvation_bound(RATIO, "A")


def test_a_booked_only_counter_cannot_make_a_mixed_counter_starve_walk_ins() -> None:
    """Why the ratio is per counter: with one office-wide history, counter 2's B
    calls would keep P "due" at counter 1, which would then call P, P, P... while
    A waits. Per counter, counter 1 calls A within its bound."""
    policy = CallPolicy("ratio", (1, 1), 1)
    actions = ([("arrive", lane) for lane in "PPPPPPA"] + [("arrive", "B")] * 10
               + [("call", 1), ("call", 0)] * 6)
    longest = simulate(policy, [frozenset("PBA"), frozenset("B")], actions)
    assert longest <= starvation_bound(policy, "A")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 300))
def test_priority_first_keeps_the_booked_to_walkin_ratio(b, a, n) -> None:
    policy = CallPolicy(booked_per_walkin=(b, a))
    history: list[str] = []
    for _ in range(n):
        lane, _ = choose_next(policy, {"B": [1], "A": [1]}, history, ALL)
        history.append(lane)
    cycle = ["B"] * b + ["A"] * a
    assert history == (cycle * (n // len(cycle) + 1))[:n]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 400))
def test_ratio_mode_keeps_both_ratios_over_long_runs(b, a, k, n) -> None:
    policy = CallPolicy("ratio", (b, a), k)
    history: list[str] = []
    for _ in range(n):
        lane, _ = choose_next(policy, {"P": [1], "B": [1], "A": [1]}, history, ALL)
        history.append(lane)
    p, booked, walkin = (history.count(lane) for lane in LANES)
    assert 0 <= p * k - (booked + walkin) <= k  # one P per k others
    assert 0 <= booked * a - walkin * b <= a * b  # b booked per a walk-ins


def test_services_of_one_kind_share_their_lane_rules_and_take_turns() -> None:
    """A catalog's walk-in services (A regular, C percepatan) follow A's rules; the counter
    alternates between them, so neither waits while the other keeps the counter."""
    classes = {"A": "A", "C": "A", "P": "P", "D": "A"}
    policy = CallPolicy("priority_first")
    waiting = {"A": [1, 2], "C": [1, 2], "P": [1], "D": [1]}
    history: list[str] = []
    calls = []
    for _ in range(5):
        choice = choose_next(policy, waiting, history, {"A", "C", "P"}, classes)
        assert choice is not None
        lane, number = choice
        waiting[lane].remove(number)
        history.append(lane)
        calls.append(f"{lane}{number:03d}")
    assert calls == ["P001", "A001", "C001", "A002", "C002"]
    assert choose_next(policy, waiting, history, {"A", "C", "P"}, classes) is None  # D is not ours
    with pytest.raises(ValueError, match="unknown lanes"):
        choose_next(policy, {"C": [1]}, [], {"C"})  # a service with no class is an error
