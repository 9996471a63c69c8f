"""Staff actions at the counters: each one a transaction with its event."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter as Tally
from datetime import date
from pathlib import Path

import pytest

from kiosk import store
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import (
    CalledTicket,
    CallingService,
    CallRecord,
    CallRefused,
    Counter,
    Serving,
    parse_label,
)
from kiosk.queue.numbering import Numbering
from kiosk.queue.schedule import Schedule
from tests.conftest import ROOT, MovableClock, office_time

DAY = date(2026, 11, 25)
COUNTERS = {
    1: Counter(1, "Loket 1", frozenset("PBA")),
    2: Counter(2, "Loket 2", frozenset("BA")),
    3: Counter(3, "Loket 3", frozenset("A")),
}


def issue(db, lanes: str, clock: MovableClock, day: date = DAY) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    for lane in lanes:
        numbering.take(lane, day, None, clock())


def service(db, clock: MovableClock, **kwargs) -> CallingService:
    kwargs.setdefault("office_day", DAY)
    return CallingService(db, "KUP", "KUP-C1", COUNTERS, CallPolicy(), clock, **kwargs)


def last_seq(db) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]


def events_since(db, seq: int) -> list[tuple[str, dict]]:
    return [(kind, json.loads(payload)) for kind, payload in db.execute(
        "SELECT kind, payload FROM events WHERE seq > ? ORDER BY seq", (seq,))]


def row(db, label: str) -> dict:
    lane, number = parse_label(label)
    return next(db.query(
        "SELECT status, counter, called_at, recalls, served_at, no_show_at FROM tickets"
        " WHERE office_day = ? AND lane = ? AND number = ?", [DAY.isoformat(), lane, number]))


def test_call_next_follows_the_policy_and_logs_each_call(db, clock) -> None:
    issue(db, "AABP", clock)
    calling = service(db, clock)
    clock.advance(minutes=5)
    seq = last_seq(db)
    first = calling.call_next(1)
    assert isinstance(first, CalledTicket)
    assert (first.label, first.status, first.counter, first.called_at) == (
        "P001", "called", 1, clock())
    assert events_since(db, seq) == [
        ("called", {"counter": 1, "label": "P001", "out_of_order": False})]
    assert row(db, "P001")["status"] == "called" and row(db, "P001")["counter"] == 1
    # Counter 2 serves no P; counter 3 only walk-ins.
    assert calling.call_next(2).label == "B001"
    assert calling.call_next(3).label == "A001"
    assert calling.call_next(2).label == "A002"
    assert calling.call_next(3) is None  # nobody left for it; A001 is now served
    assert calling.now_serving() == [Serving(1, "P001", clock()), Serving(2, "A002", clock())]
    assert db.execute("SELECT count(*) FROM calls WHERE kind = 'call'").fetchone()[0] == 4


def test_next_finishes_the_current_applicant_as_served(db, clock) -> None:
    issue(db, "AA", clock)
    calling = service(db, clock)
    calling.call_next(3)
    clock.advance(minutes=11)
    seq = last_seq(db)
    assert calling.call_next(3).label == "A002"
    assert [kind for kind, _ in events_since(db, seq)] == ["served", "called"]
    assert events_since(db, seq)[0][1] == {"by": "next", "counter": 3, "label": "A001"}
    assert row(db, "A001")["status"] == "served"
    assert row(db, "A001")["served_at"] == clock().isoformat()
    assert calling.call_next(3) is None  # nobody left: A002 is done, nothing is called
    assert row(db, "A002")["status"] == "served"
    assert calling.now_serving() == []


def test_recall_counts_and_no_show_needs_enough_recalls(db, clock) -> None:
    issue(db, "A", clock)
    calling = service(db, clock, max_recalls=2)
    calling.call_next(3)
    assert calling.mark_no_show(3) == CallRefused("recall_first", "A001", "called", 2)
    seq = last_seq(db)
    first = calling.recall(3)
    assert calling.mark_no_show(3).recalls_left == 1  # the refusal says what is still needed
    assert isinstance(first, CalledTicket) and first.recalls == 1 and not first.no_show_allowed
    clock.advance(minutes=2)
    second = calling.recall(3)
    assert second.recalls == 2 and second.no_show_allowed
    assert [kind for kind, _ in events_since(db, seq)] == ["recalled", "recalled"]
    assert events_since(db, seq)[1][1] == {"counter": 3, "label": "A001", "recalls": 2}
    assert [c.kind for c in calling.last_calls()] == ["recall", "recall", "call"]
    seq = last_seq(db)
    no_show = calling.mark_no_show(3)
    assert isinstance(no_show, CalledTicket) and no_show.status == "no_show"
    assert events_since(db, seq) == [("no_show", {"counter": 3, "label": "A001", "recalls": 2})]
    assert row(db, "A001")["no_show_at"] == clock().isoformat()
    assert calling.now_serving() == []
    assert calling.current(3) is None
    last = calling.last_called(3)  # the counter's last call, as it stands now
    assert (last.label, last.status, last.counter) == ("A001", "no_show", 3)
    assert calling.last_called(1) is None


def test_mark_served(db, clock) -> None:
    issue(db, "B", clock)
    calling = service(db, clock)
    calling.call_next(2)
    clock.advance(minutes=9)
    seq = last_seq(db)
    served = calling.mark_served(2)
    assert isinstance(served, CalledTicket) and served.status == "served"
    assert events_since(db, seq) == [("served", {"by": "served", "counter": 2, "label": "B001"})]
    assert calling.current(2) is None


def test_actions_without_a_current_applicant_are_refused_and_write_nothing(db, clock) -> None:
    calling = service(db, clock)
    seq = last_seq(db)
    for action in (calling.recall, calling.mark_served, calling.mark_no_show):
        assert action(1) == CallRefused("no_current")
    assert events_since(db, seq) == []
    with pytest.raises(ValueError, match="unknown counter 9"):
        calling.call_next(9)


def no_show(calling: CallingService, counter: int, clock: MovableClock) -> str:
    ticket = calling.call_next(counter)
    for _ in range(calling.max_recalls):
        clock.advance(minutes=1)
        calling.recall(counter)
    calling.mark_no_show(counter)
    return ticket.label


def test_a_no_show_back_in_time_waits_at_the_front_of_its_lane(db, clock) -> None:
    issue(db, "AAAA", clock)
    calling = service(db, clock, no_show_return_minutes=30)
    assert no_show(calling, 3, clock) == "A001"
    assert calling.call_next(3).label == "A002"
    clock.advance(minutes=29)
    seq = last_seq(db)
    back = calling.bring_back(" a001 ")
    assert isinstance(back, CalledTicket)
    assert (back.status, back.counter, back.recalls) == ("waiting", None, 0)
    assert events_since(db, seq) == [("returned", {"label": "A001", "minutes_away": 29.0})]
    assert calling.waiting_counts() == {"A": 3, "B": 0, "P": 0}
    # Ahead of A003 and A004, who were issued after it.
    assert calling.call_next(2).label == "A001"
    assert calling.call_next(3).label == "A003"


def test_a_no_show_back_too_late_stays_a_no_show(db, clock) -> None:
    issue(db, "AA", clock)
    calling = service(db, clock, no_show_return_minutes=30)
    no_show(calling, 3, clock)
    clock.advance(minutes=31)
    seq = last_seq(db)
    assert calling.bring_back("A001") == CallRefused("too_late", "A001", "no_show")
    assert calling.bring_back("A002") == CallRefused("not_no_show", "A002", "waiting")
    assert calling.bring_back("A999") == CallRefused("not_found", "A999")
    assert calling.bring_back("??") == CallRefused("not_found", "??")
    assert events_since(db, seq) == []
    assert row(db, "A001")["status"] == "no_show"


def test_call_specific_calls_out_of_order_within_the_counters_lanes(db, clock) -> None:
    issue(db, "AAAP", clock)
    calling = service(db, clock)
    seq = last_seq(db)
    called = calling.call_specific(3, "A003")
    assert isinstance(called, CalledTicket) and called.label == "A003"
    assert events_since(db, seq) == [
        ("called", {"counter": 3, "label": "A003", "out_of_order": True})]
    assert calling.call_specific(2, "A003") == CallRefused("not_waiting", "A003", "called")
    assert calling.call_specific(3, "P001") == CallRefused("lane_not_served", "P001", "waiting")
    assert calling.call_specific(3, "A009") == CallRefused("not_found", "A009")
    # The next regular call goes back to the order of the lane.
    assert calling.call_next(3).label == "A001"
    assert row(db, "A003")["status"] == "served"


def test_board_reads_last_calls_and_waiting_counts(db, clock) -> None:
    issue(db, "PBBAAA", clock)
    calling = service(db, clock)
    assert calling.waiting_counts() == {"A": 3, "B": 2, "P": 1}
    calling.call_next(1)
    clock.advance(minutes=1)
    calling.call_next(2)
    clock.advance(minutes=1)
    calling.recall(1)
    assert calling.last_calls(2) == [CallRecord("P001", 1, clock(), "recall"),
                                     CallRecord("B001", 2, office_time("2026-11-25 09:01"),
                                                "call")]
    assert calling.waiting_counts() == {"A": 3, "B": 1, "P": 0}


def test_the_office_day_comes_from_the_schedule_in_local_time(db, config) -> None:
    """00:30 in Kupang is still 16:30 UTC of the day before: the local date counts."""
    clock = MovableClock(office_time("2026-11-26 00:30"))
    issue(db, "A", clock, day=date(2026, 11, 26))
    issue(db, "A", clock, day=DAY)
    schedule = Schedule(config.timezone, config.hours, config.holidays)
    calling = service(db, clock, office_day=None, schedule=schedule)
    called = calling.call_next(3)
    assert called.office_day == date(2026, 11, 26)
    assert calling.waiting_counts()["A"] == 0
    with pytest.raises(ValueError, match="exactly one"):
        service(db, clock, schedule=schedule)


def test_calling_schema_and_append_only_calls(db, clock) -> None:
    columns = {c.name for c in db["tickets"].columns}
    assert {"called_at", "counter", "recalls", "served_at", "no_show_at"} <= columns
    issue(db, "A", clock)
    service(db, clock).call_next(3)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE calls SET counter = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM calls")


def test_two_processes_calling_at_once_never_share_a_ticket(tmp_path: Path) -> None:
    db_path = tmp_path / "race.db"
    db = store.connect(db_path)
    clock = MovableClock(office_time("2026-11-25 08:00"))
    lanes = "A" * 150 + "B" * 100 + "P" * 50
    issue(db, lanes, clock)
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.caller_child", str(db_path), str(n),
                          counter_lanes, DAY.isoformat()],
                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for n, counter_lanes in ((1, "PBA"), (2, "PBA"), (3, "BA"))
    ]
    for proc in procs:  # start barrier: all are connected before anyone calls
        assert proc.stdout is not None and proc.stdout.readline() == "READY\n"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    called: list[str] = []
    per_process = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        lines = [line.split()[1] for line in out.splitlines() if line.startswith("CALLED")]
        per_process.append(len(lines))
        called += lines
    assert len(called) == len(lanes) == len(set(called))  # every ticket called exactly once
    assert sum(n > 0 for n in per_process) >= 2  # they really raced
    statuses = Tally(s for (s,) in db.execute("SELECT status FROM tickets"))
    assert statuses == {"served": len(lanes)}  # each child's last "next" served its last one
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == len(lanes)
    kinds = Tally(k for (k,) in db.execute("SELECT kind FROM events"))
    assert kinds["called"] == kinds["served"] == len(lanes)
    db.close()
