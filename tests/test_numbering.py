"""Numbers are taken atomically: no overshoot, no duplicate, nothing lost."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk import store
from kiosk.queue.numbering import CapReached, ClockBehind, Numbering, Ticket
from tests.conftest import ROOT, office_time

DAY = date(2026, 11, 25)


def test_numbers_start_at_one_per_lane_and_day(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    now = office_time("2026-11-25 09:00")
    labels = [numbering.take("A", DAY, 60, now).label for _ in range(3)]
    assert labels == ["A001", "A002", "A003"]
    assert numbering.take("P", DAY, None, now).label == "P001"
    assert numbering.take("A", DAY + timedelta(days=1), 60, now).label == "A001"


def test_people_ahead_counts_waiting_tickets_in_the_same_lane(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    now = office_time("2026-11-25 09:00")
    numbering.take("A", DAY, 60, now)
    numbering.take("P", DAY, None, now)
    third = numbering.take("A", DAY, 60, now)
    # take() leaves the count to whoever prints it (kiosk.queue.issuing): no lane scan
    # inside the number's transaction.
    assert isinstance(third, Ticket) and third.ahead is None
    assert numbering.waiting_before("A", DAY, third.number) == 1


def test_cap_refuses_and_counts_the_turned_away(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    now = office_time("2026-11-25 09:00")
    for _ in range(3):
        assert isinstance(numbering.take("A", DAY, 3, now), Ticket)
    refusal = numbering.take("A", DAY, 3, now)
    assert isinstance(refusal, CapReached) and refusal.turned_away_today == 1
    assert isinstance(numbering.take("A", DAY, 3, now), CapReached)
    summary = numbering.day_summary(DAY)
    assert summary["A"]["issued"] == 3 and summary["A"]["turned_away"] == 2
    kinds = [r["kind"] for r in db.query("SELECT kind FROM events ORDER BY seq")]
    assert kinds == ["issued"] * 3 + ["refused_cap"] * 2


def test_every_ticket_has_a_unique_device_scoped_time_ordered_id(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    now = office_time("2026-11-25 09:00")
    ids = [numbering.take("A", DAY, None, now).id for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(i.startswith("KUP-K1-") for i in ids)
    assert ids == sorted(ids)


def test_events_are_append_only(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    numbering.take("A", DAY, 60, office_time("2026-11-25 09:00"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET kind = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")
    db.execute("UPDATE events SET sent_at = '2026-11-25T02:00:00+00:00'")  # the sync may mark


def test_clock_set_back_refuses_instead_of_reusing_a_day(db) -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    numbering.take("A", DAY, 60, office_time("2026-11-25 09:00"))
    # A Pi that boots without NTP may believe it is last year.
    behind = numbering.take("A", date(2025, 1, 1), 60, office_time("2025-01-01 09:00"))
    assert isinstance(behind, ClockBehind)
    # Small NTP corrections are tolerated.
    assert isinstance(numbering.take("A", DAY, 60, office_time("2026-11-25 08:58")), Ticket)


def test_migrations_are_safe_to_run_twice(tmp_path: Path) -> None:
    first = store.connect(tmp_path / "k.db")
    Numbering(first, "KUP", "K1").take("A", DAY, 60, office_time("2026-11-25 09:00"))
    version = store.schema_version(first)
    assert store.migrate(first) == version
    first.close()
    again = store.connect(tmp_path / "k.db")
    assert store.schema_version(again) == version
    assert again.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def run_children(db_path: Path, count: int, cap: int, attempts: int, lane: str = "A"
                 ) -> list[str]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.issuer_child", str(db_path), lane, str(cap),
             str(attempts), DAY.isoformat(), str(i)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        for i in range(count)
    ]
    lines: list[str] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        lines += out.splitlines()
    return lines


def test_four_processes_racing_for_the_cap_never_overshoot_or_share(tmp_path: Path) -> None:
    db_path = tmp_path / "race.db"
    store.connect(db_path).close()
    lines = run_children(db_path, count=4, cap=150, attempts=100)
    issued = [line.split()[1] for line in lines if line.startswith("ISSUED")]
    assert len(issued) == 150
    assert len(set(issued)) == 150
    assert sorted(issued) == [f"A{n:03d}" for n in range(1, 151)]
    assert sum(line == "REFUSED" for line in lines) == 250
    db = store.connect(db_path)
    assert Numbering(db, "KUP", "X").day_summary(DAY)["A"] == {
        "issued": 150, "turned_away": 250, "unprinted": 150, "waiting": 150}


def test_processes_racing_for_another_services_cap_never_overshoot(tmp_path: Path) -> None:
    """Issue 13: a service's cap (percepatan C, 35) holds as the walk-in cap does."""
    db_path = tmp_path / "race-c.db"
    store.connect(db_path).close()
    lines = run_children(db_path, count=4, cap=35, attempts=15, lane="C")
    issued = [line.split()[1] for line in lines if line.startswith("ISSUED")]
    assert sorted(issued) == [f"C{n:03d}" for n in range(1, 36)]
    assert sum(line == "REFUSED" for line in lines) == 25
    db = store.connect(db_path)
    summary = Numbering(db, "KUP", "X").day_summary(DAY)
    assert set(summary) == {"C"} and summary["C"]["issued"] == 35
    assert summary["C"]["turned_away"] == 25


def test_kill_minus_nine_mid_issue_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Power cut stand-in: SIGKILL a process that is issuing, over and over."""
    db_path = tmp_path / "crash.db"
    store.connect(db_path).close()
    rng = random.Random(20261125)
    reported: list[str] = []
    for _ in range(25):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.issuer_child", str(db_path), "A", "0", "100000"],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        assert proc.stdout is not None
        for _ in range(rng.randint(1, 20)):
            line = proc.stdout.readline()
            if line.startswith("ISSUED"):
                reported.append(line.split()[1])
        time.sleep(rng.random() * 0.02)
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        reported += [ln.split()[1] for ln in rest.splitlines() if ln.startswith("ISSUED")]
    db = store.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    numbers = [r[0] for r in db.execute("SELECT number FROM tickets ORDER BY number")]
    last = db.execute("SELECT max(number) FROM tickets").fetchone()[0]
    assert numbers == list(range(1, last + 1))  # no gap, no duplicate
    labels = {f"A{n:03d}" for n in numbers}
    assert set(reported) <= labels  # every number a child saw committed is there
    issued_events = db.execute("SELECT count(*) FROM events WHERE kind = 'issued'").fetchone()[0]
    assert issued_events == last
