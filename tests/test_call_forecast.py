"""The wait forecast follows the call policy: examples, the issue's scenario, and
real ``call_next`` calls over the same store (hypothesis)."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardware.printers import make_printer
from kiosk import store
from kiosk.config import Config
from kiosk.ports import TicketWait
from kiosk.queue.call_forecast import CounterNow, Simulation, forecast
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.issuing import Issued, IssuingService
from kiosk.queue.numbering import Numbering
from kiosk.queue.wait_estimate import PaceCache
from tests.conftest import MovableClock, office_time

DAY = date(2026, 11, 25)
ALL = frozenset("PBA")
PRIORITY_FIRST = CallPolicy()
STRICT = CallPolicy("strict")
RATIO = CallPolicy("ratio", booked_per_walkin=(2, 1), priority_every=2)
MIXED = (CounterNow(1, ALL), CounterNow(2, ALL), CounterNow(3, frozenset("B")))


# --- the pure forecast ---------------------------------------------------------------------


def test_the_issue_scenario_priority_first() -> None:
    """2 P and 5 B wait, a new A: priority-first calls both P, and B before A by 1:1.

    Counters 1 and 2 serve every lane, counter 3 only B (config/kiosk.toml). In turn:
    1 P1, 2 P2, 3 B1, 1 B2, 2 B3, 3 B4, then counter 1 (last call B) calls A1.
    """
    waiting = {"P": [1, 2], "B": [1, 2, 3, 4, 5], "A": [1]}
    ahead = forecast(PRIORITY_FIRST, waiting, MIXED, "A", 1)
    assert ahead is not None
    assert (ahead.before, ahead.by_lane) == (6, (("B", 4), ("P", 2)))
    assert ahead.counter == 1 and ahead.counters == (1, 2, 3)
    assert ahead.turns == 2  # counter 1's third call: two services at 9.6-15 min each


@pytest.mark.parametrize(("policy", "waiting", "lane", "number", "before", "by_lane"), [
    # strict: every P and B before any A; B after every P.
    (STRICT, {"P": [1, 2], "B": [1, 2, 3], "A": [1]}, "A", 1, 5, (("B", 3), ("P", 2))),
    (STRICT, {"P": [1, 2], "B": [1, 2, 3], "A": [1]}, "B", 2, 3, (("B", 1), ("P", 2))),
    (STRICT, {"P": [4], "A": [1, 2]}, "P", 4, 0, ()),
    # ratio 2 B : 1 A, one P after every two others; a counter with no P yet calls P first.
    (RATIO, {"P": [1, 2], "B": [1, 2, 3, 4], "A": [1, 2]}, "A", 1, 4, (("B", 2), ("P", 2))),
    (RATIO, {"P": [1, 2, 3], "B": [1, 2, 3, 4], "A": [1, 2]}, "A", 2, 8,
     (("A", 1), ("B", 4), ("P", 3))),
    # priority_first: later numbers in the ticket's own lane never count.
    (PRIORITY_FIRST, {"A": [1, 2, 3, 9]}, "A", 3, 2, (("A", 2),)),
])
def test_strict_and_ratio_policies(policy, waiting, lane, number, before, by_lane) -> None:
    ahead = forecast(policy, waiting, (CounterNow(1, ALL),), lane, number)
    assert ahead is not None
    assert (ahead.before, ahead.by_lane) == (before, by_lane)
    assert ahead.turns == before  # one counter: one service per person before


def test_a_counters_calls_today_set_its_ratio() -> None:
    waiting = {"B": [7], "A": [3]}
    fresh = forecast(PRIORITY_FIRST, waiting, (CounterNow(1, ALL),), "A", 3)
    after_b = forecast(PRIORITY_FIRST, waiting, (CounterNow(1, ALL, ("B",)),), "A", 3)
    assert fresh is not None and after_b is not None
    assert (fresh.before, after_b.before) == (1, 0)


def test_no_open_counter_serving_the_lane_is_no_forecast() -> None:
    assert forecast(PRIORITY_FIRST, {"A": [1]}, (CounterNow(3, frozenset("B")),), "A", 1) is None
    assert forecast(PRIORITY_FIRST, {"A": [1]}, (), "A", 1) is None


def test_counters_that_serve_other_lanes_share_the_work() -> None:
    """A counter with nobody left it may call drops out; the others carry on."""
    ahead = forecast(PRIORITY_FIRST, {"B": [1], "A": [1, 2, 3, 4, 5]}, MIXED, "A", 5)
    assert ahead is not None and ahead.before == 5
    # Free at 0, 1/3, 2/3: 1 B1 (booked first), 2 A1, 3 finds no B and drops out,
    # 1 A2, 2 A3, 1 A4, then counter 2 calls A5 after 2 1/3 services.
    assert ahead.counter == 2 and ahead.turns == pytest.approx(7 / 3)
    assert ahead.counters == (1, 2)


def test_a_ticket_no_longer_waiting_is_placed_in_its_lane() -> None:
    ahead = forecast(PRIORITY_FIRST, {"A": [1, 5]}, (CounterNow(1, ALL),), "A", 3)
    assert ahead is not None and ahead.before == 1


def test_unknown_lanes_are_refused_like_the_call_order_does() -> None:
    with pytest.raises(ValueError, match="unknown lanes"):
        forecast(PRIORITY_FIRST, {"X": [1]}, (CounterNow(1, ALL),), "A", 1)


counters_st = st.lists(st.sampled_from([ALL, frozenset("A"), frozenset("B"), frozenset("PA"),
                                        frozenset("PB"), frozenset("BA")]),
                       min_size=1, max_size=4).map(
    lambda sets: tuple(CounterNow(n + 1, lanes) for n, lanes in enumerate(sets)))
queue_st = st.lists(st.integers(1, 60), max_size=25, unique=True).map(sorted)


@settings(max_examples=200, deadline=None)
@given(policy=st.sampled_from([PRIORITY_FIRST, STRICT, RATIO]), counters=counters_st,
       p=queue_st, b=queue_st, a=queue_st, lane=st.sampled_from("PBA"),
       burst=st.integers(1, 8))
def test_going_on_for_the_lanes_next_tickets_equals_playing_it_again(
        policy, counters, p, b, a, lane, burst) -> None:
    """A burst of one lane's tickets: going on from the last forecast gives what a
    fresh forecast over the longer queue gives."""
    waiting = {"P": p, "B": b, "A": a}
    first = max(waiting[lane], default=0) + 1
    simulation = Simulation.start(policy, waiting, counters, lane, first)
    if simulation is None:
        assert forecast(policy, waiting, counters, lane, first) is None
        return
    numbers = [first + k for k in range(burst)]
    assert simulation.run_to(first) == forecast(policy, waiting, counters, lane, first)
    for number in numbers[1:]:
        simulation.extend([number])
        longer = {**waiting, lane: [*waiting[lane], *range(first, number + 1)]}
        assert simulation.run_to(number) == forecast(policy, longer, counters, lane, number)


def test_the_press_path_goes_on_from_the_last_walkin_ticket(db, clock: MovableClock) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    for lane in "PPBBBBBAA":
        numbering.take(lane, DAY, None, clock())
    counters = [Counter(1, "Loket 1", ALL), Counter(2, "Loket 2", ALL),
                Counter(3, "Loket 3", frozenset("B"))]
    pace = PaceCache(db, "KUP", counters)
    seen = []
    for lane in "AAAPAAB":
        ticket = numbering.take(lane, DAY, None, clock())
        ahead, _ = pace.forecast(DAY, lane, ticket.number, clock())
        waiting = {}
        for code, number in db.execute("SELECT lane, number FROM tickets"
                                       " WHERE status = 'waiting' ORDER BY lane, number"):
            waiting.setdefault(code, []).append(number)
        assert ahead == forecast(PRIORITY_FIRST, waiting, pace.floor(DAY, clock()).counters,
                                 lane, ticket.number)
        seen.append(ahead.before)
    assert pace.resumed == 3  # A4, A5 and A7 go on from the A before; P3, A6 and B6 start over
    assert seen[:6] == [9, 10, 11, 3, 13, 14]  # everyone waiting, but P3: P1, P2 and B1 (loket 3)


# --- on the ticket: the issue's scenario through the real kiosk ------------------------------


def test_a_walkin_ticket_counts_who_the_policy_calls_first(config: Config,
                                                           clock: MovableClock) -> None:
    """Issue 13: "nobody waiting before you, < 5 minutes" with 2 P and 5 B waiting."""
    from escpos.printer import Dummy

    from hardware.printers import EscposTicketPrinter
    from kiosk.config import WalkinConfig

    cfg = dataclasses.replace(config, walkin=WalkinConfig(per_minute=0))
    device = Dummy()
    db = store.connect(cfg.database)
    try:
        service = IssuingService(cfg, db, EscposTicketPrinter(lambda: device, 80, 0.2),
                                 None, clock)
        numbering = Numbering(db, "KUP", "KUP-K1")
        for lane in "PPBBBBB":
            numbering.take(lane, DAY, None, clock())
        device.clear()
        issued = service.issue("A", "id")
        assert isinstance(issued, Issued)
        assert issued.ticket.ahead == 6 == issued.content.ahead  # screen and paper agree
        assert issued.content.wait == TicketWait((20, 30))  # 2 services x 9.6-15 min
        assert b"Menunggu sebelum Anda: 6\n" in device.output
        assert b"Perkiraan tunggu: 20-30 menit\n" in device.output
    finally:
        db.close()


async def test_the_ticket_screen_counts_who_the_policy_calls_first(config: Config,
                                                                   clock: MovableClock,
                                                                   make_app) -> None:
    from textual.widgets import Static

    from screens.ticket import TicketScreen
    from tests.conftest import quick_buttons, settle

    app, appliance = make_app(quick_buttons(config), clock)
    numbering = Numbering(appliance.service.db, "KUP", "KUP-K1")
    for lane in "PPBBBBB":
        numbering.take(lane, DAY, None, clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        shown = {w.id: str(w.render()) for w in app.screen.query(Static) if w.id}
        assert shown["ahead"] == "6 orang menunggu sebelum Anda"
        assert shown["wait"] == "Perkiraan tunggu: 20-30 menit"


def test_checked_in_b_tickets_count_the_priority_applicants_first(
        config: Config, clock: MovableClock, tmp_path: Path) -> None:
    """A family of three checks in while two priority applicants wait: priority-first
    calls both P before B001; B002 and B003 also count their family ahead."""
    from kiosk.checkin.service import CheckedIn, CheckinPolicy, CheckinService
    from tests.test_ticket_estimate import sync_family

    db = store.connect(config.database)
    try:
        sync_family(db, tmp_path)
        numbering = Numbering(db, "KUP", "KUP-K1")
        for lane in "PP":
            numbering.take(lane, DAY, None, clock())
        service = CheckinService(config, db, make_printer(config.printer),
                                 CheckinPolicy("KUP"), clock)
        result = service.check_in("FAM0001", "id")
        assert isinstance(result, CheckedIn)
        tickets = [a.issued.ticket for a in result.applicants]
        assert [t.label for t in tickets] == ["B001", "B002", "B003"]
        assert [t.ahead for t in tickets] == [2, 3, 4]
        assert [a.issued.content.ahead for a in result.applicants] == [2, 3, 4]
    finally:
        db.close()


# --- the forecast against real call_next calls -----------------------------------------------


def drive(calling: CallingService, counters, lane: str, number: int,
          waiting: dict[str, list[int]]) -> int:
    """Call with the real service, counters free in the forecast's turn, until the ticket
    comes up; how many were called before it."""
    active = [c for c in counters if c.lanes & {k for k, v in waiting.items() if v}]
    free_at = {c.number: i / len(active) for i, c in enumerate(active)}
    calls = 0
    while free_at:
        number_now = min(free_at, key=free_at.__getitem__)
        called = calling.call_next(number_now)
        if called is None:
            del free_at[number_now]
            continue
        if (called.lane, called.number) == (lane, number):
            return calls
        calls += 1
        free_at[number_now] += 1
    raise AssertionError("the ticket was never called")


policies = st.sampled_from([PRIORITY_FIRST, STRICT, RATIO, CallPolicy(booked_per_walkin=(2, 1)),
                            CallPolicy("ratio", booked_per_walkin=(1, 3), priority_every=1)])
lane_sets = st.sampled_from([ALL, frozenset("A"), frozenset("B"), frozenset("PA"),
                             frozenset("PB"), frozenset("BA")])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=policies, serves=st.lists(lane_sets, min_size=1, max_size=4),
       issued=st.lists(st.sampled_from("PBA"), min_size=1, max_size=40),
       called_first=st.lists(st.integers(0, 3), max_size=12), target=st.sampled_from("PBA"))
def test_forecast_equals_real_calls_when_nobody_new_arrives(policy, serves, issued,
                                                             called_first, target) -> None:
    """With no new tickets, counters free in the forecast's turn and the real
    ``CallingService.call_next`` over the same store: the forecast's "before" is exactly
    how many calls come before the ticket, whatever each counter called earlier today."""
    counters = {n + 1: Counter(n + 1, f"Loket {n + 1}", lanes) for n, lanes in enumerate(serves)}
    clock = MovableClock(office_time("2026-11-25 08:00"))
    with tempfile.TemporaryDirectory() as folder:
        db = store.connect(Path(folder) / "kiosk.db")
        try:
            numbering = Numbering(db, "KUP", "KUP-K1")
            for lane in issued:
                numbering.take(lane, DAY, None, clock())
            calling = CallingService(db, "KUP", "KUP-C1", counters, policy, clock,
                                     office_day=DAY)
            for pick in called_first:  # earlier calls: each counter's ratio and turn
                clock.advance(minutes=1)
                calling.call_next(pick % len(counters) + 1)
            clock.advance(minutes=1)
            ticket = numbering.take(target, DAY, None, clock())
            pace = PaceCache(db, "KUP", counters.values(), policy=policy)
            ahead, _ = pace.forecast(DAY, target, ticket.number, clock())
            floor = pace.floor(DAY, clock())
            if ahead is None:
                assert not any(target in c.lanes for c in floor.counters)
                return
            waiting = {}
            for lane, number in db.execute("SELECT lane, number FROM tickets"
                                           " WHERE status = 'waiting' ORDER BY lane, number"):
                waiting.setdefault(lane, []).append(number)
            assert drive(calling, floor.counters, target, ticket.number, waiting) == ahead.before
        finally:
            db.close()


def test_calling_config_is_the_forecasts_policy(config: Config, clock: MovableClock) -> None:
    cfg = dataclasses.replace(config, calling=dataclasses.replace(config.calling, mode="strict"))
    db = store.connect(cfg.database)
    try:
        service = IssuingService(cfg, db, make_printer(cfg.printer), None, clock)
        assert service.pace.policy == STRICT
    finally:
        db.close()


def test_a_returned_no_show_is_not_missed_by_going_on(db, clock: MovableClock) -> None:
    """A no-show brought back waits again without any call: the next forecast must see
    the queue changed ahead and play it all again."""
    numbering = Numbering(db, "KUP", "KUP-K1")
    counters = {1: Counter(1, "Loket 1", ALL)}
    calling = CallingService(db, "KUP", "KUP-C1", counters, PRIORITY_FIRST, clock,
                             office_day=DAY)
    for _ in range(3):
        numbering.take("A", DAY, None, clock())
    calling.call_next(1)  # A001
    for _ in range(3):
        calling.recall(1)
    calling.mark_no_show(1)
    pace = PaceCache(db, "KUP", counters.values())
    first = numbering.take("A", DAY, None, clock())
    assert pace.forecast(DAY, "A", first.number, clock())[0].before == 2  # A002, A003
    calling.bring_back("A001")
    second = numbering.take("A", DAY, None, clock())
    ahead, _ = pace.forecast(DAY, "A", second.number, clock())
    assert ahead.before == 4 and pace.resumed == 0  # A001 is back at the front


def test_another_lanes_ticket_between_two_presses_is_not_missed(db, clock: MovableClock) -> None:
    """Another kiosk issues a P between two walk-in presses here: the events since the
    last forecast show it, so the next forecast reads the queues again."""
    numbering = Numbering(db, "KUP", "KUP-K1")
    pace = PaceCache(db, "KUP", [Counter(1, "Loket 1", ALL)])
    first = numbering.take("A", DAY, None, clock())
    assert pace.forecast(DAY, "A", first.number, clock())[0].before == 0
    numbering.take("P", DAY, None, clock())  # on the other kiosk: no forecast here
    second = numbering.take("A", DAY, None, clock())
    ahead, _ = pace.forecast(DAY, "A", second.number, clock())
    assert (ahead.before, pace.resumed) == (2, 0)  # P001 first, then A001
    third = numbering.take("A", DAY, None, clock())
    ahead, _ = pace.forecast(DAY, "A", third.number, clock())
    assert (ahead.before, pace.resumed) == (3, 1)


def test_every_writer_of_tickets_is_known() -> None:
    """The forecast goes on from the events since its last ticket (docs/design.md, "The
    wait estimate on the press path"), so every change to who waits must append an event
    in the same transaction. These modules write tickets and do; a new writer must too,
    and then join this list."""
    import re

    from tests.conftest import ROOT

    writes = re.compile(r"(UPDATE|INSERT INTO|DELETE FROM|REPLACE INTO) tickets\b")
    writers = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kiosk").rglob("*.py")
               if writes.search(p.read_text(encoding="utf-8"))}
    assert writers == {"kiosk/queue/calling.py", "kiosk/queue/numbering.py"}


def test_every_staff_action_that_changes_who_waits_appends_an_event(db,
                                                                     clock: MovableClock) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    counters = {1: Counter(1, "Loket 1", ALL)}
    calling = CallingService(db, "KUP", "KUP-C1", counters, PRIORITY_FIRST, clock,
                             office_day=DAY)
    for lane in "AAB":
        numbering.take(lane, DAY, None, clock())

    def state() -> tuple[list, int]:
        waiting = db.execute("SELECT lane, number FROM tickets WHERE status = 'waiting'"
                             " ORDER BY lane, number").fetchall()
        return waiting, db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]

    actions = ["next", "recall", "recall", "recall", "no_show", "bring_back", "call",
               "served", "next", "next", "next"]
    for action in actions:
        waiting, seq = state()
        calling.act(1, action, "B001" if action == "bring_back" else "A002")
        now_waiting, now_seq = state()
        if now_waiting != waiting:
            kinds = {k for (k,) in db.execute("SELECT kind FROM events WHERE seq > ?", (seq,))}
            assert kinds - {"printed", "print_failed", "issued"}, action


def test_services_of_one_kind_are_forecast_as_the_counters_call_them() -> None:
    """A catalog's A and C (both walk-in) take turns at a counter; the forecast plays the
    same turns as call_order.choose_next, so it never disagrees with real calls."""
    from kiosk.queue.call_order import choose_next

    classes = {"A": "A", "C": "A", "P": "P"}
    serves = frozenset("ACP")
    waiting = {"A": [1, 2, 3], "C": [1], "P": [1]}
    result = forecast(PRIORITY_FIRST, waiting, (CounterNow(1, serves),), "C", 2, classes)
    assert result is not None
    # Played by hand with the real choice: P001, A001, C001, A002, then C002.
    queues = {lane: list(numbers) for lane, numbers in waiting.items()} | {"C": [1, 2]}
    history: list[str] = []
    while True:
        lane, number = choose_next(PRIORITY_FIRST, queues, history, serves, classes)
        if (lane, number) == ("C", 2):
            break
        queues[lane].remove(number)
        history.append(lane)
    assert history == ["P", "A", "C", "A"]
    assert result.before == len(history) == 4
    assert dict(result.by_lane) == {"A": 2, "C": 1, "P": 1}
