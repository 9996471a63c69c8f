"""Crash harness: SIGKILL the issuing path at random points, over a thousand times.

A warm "zygote" process imports the kiosk once and forks one child per
crash. Each child opens the store (recovering whatever the previous child
left), builds the real ``IssuingService`` with the simulation printer and
issues walk-in (cap 60) and priority (no cap) tickets in a loop, writing one
line after each ticket is committed and printed. The zygote kills it with
SIGKILL after a random delay, or just after a random number of tickets, and
reaps it. Forking a warm process costs a millisecond where a fresh Python
costs a few hundred, which is what makes 1,000 crashes fit in the suite.

The office day moves on by a week every ``KILLS_PER_DAY`` crashes (always a
Wednesday, when every lane is open), so the cap is hit and held many times.

SIGKILL models a crashed or frozen-then-killed process, not a power cut:
the kernel still writes out what the process wrote. Power-cut durability
rests on ``synchronous=FULL`` (see kiosk/store/__init__.py), which a test cannot cut.

Zygote usage: python -m tests.test_crash_harness DB TICKETS_BIN KILLS SEED
"""

from __future__ import annotations

import dataclasses
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.clock import utc_now
from tests.conftest import ROOT, SIM_CONFIG, office_time, with_cap

KILLS = 1000
KILLS_PER_DAY = 100
CAP = 60
SEED = 20261125
FIRST_DAY = "2026-11-25 09:00"  # a Wednesday: every lane open in the simulation config


def _child(config, seed: int, week: int, t0: datetime, out_fd: int) -> None:
    """Issue forever; one line per committed ticket or refusal, written unbuffered."""
    from hardware.printers import make_printer
    from kiosk import store
    from kiosk.queue.issuing import Issued, IssuingService

    base = office_time(FIRST_DAY) + timedelta(weeks=week)

    def clock() -> datetime:
        return base + (utc_now() - t0)

    rng = random.Random(seed)
    db = store.connect(config.database)
    service = IssuingService(config, db, make_printer(config.printer), clock=clock)
    while True:
        lane = "A" if rng.random() < 0.5 else "P"
        result = service.issue(lane)
        if isinstance(result, Issued):
            t = result.ticket
            line = f"ISSUED {t.office_day.isoformat()} {t.label} {t.id} {int(result.printed)}"
        else:
            line = f"REFUSED {lane} {result.reason}"
        os.write(out_fd, (line + "\n").encode())


def _forward(buffer: bytearray, chunk: bytes) -> int:
    """Pass complete lines to our stdout; returns how many tickets they reported."""
    buffer += chunk
    *lines, rest = buffer.split(b"\n")
    buffer[:] = rest
    for line in lines:
        sys.stdout.write(line.decode() + "\n")
    return sum(line.startswith(b"ISSUED") for line in lines)


def zygote(db: str, tickets_bin: str, kills: int, seed: int) -> None:
    """Fork, let the child issue, SIGKILL it at a random point; ``kills`` times."""
    from hardware.printers import make_printer  # noqa: F401  (warm the imports before forking)
    from kiosk import store  # noqa: F401
    from kiosk.config import WalkinConfig, load_config

    cfg = load_config(SIM_CONFIG)
    printer = dataclasses.replace(cfg.printer, backend="simulation",
                                  params={"output": tickets_bin})
    # Hundreds of presses a minute on purpose: the per-minute walk-in limit is not under test.
    cfg = dataclasses.replace(cfg, database=Path(db), printer=printer,
                              walkin=WalkinConfig(per_minute=0))
    cfg = with_cap(with_cap(cfg, "A", CAP), "P", None)
    rng = random.Random(seed)
    t0 = utc_now()
    for i in range(kills):
        read_fd, write_fd = os.pipe()
        child_seed = rng.randrange(2**32)
        pid = os.fork()
        if pid == 0:  # the child never returns into the zygote's loop
            os.close(read_fd)
            try:
                _child(cfg, child_seed, i // KILLS_PER_DAY, t0, write_fd)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(70)
        os.close(write_fd)
        buffer = bytearray()
        if rng.random() < 0.4:  # kill after a random time: start-up, recovery or mid-ticket
            deadline, after_tickets = time.monotonic() + rng.uniform(0, 0.03), None
        else:  # kill just after the n-th ticket, inside the next one
            deadline, after_tickets = time.monotonic() + 5, rng.randint(0, 6)
        seen = 0
        while time.monotonic() < deadline and (after_tickets is None or seen < after_tickets):
            ready, _, _ = select.select([read_fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                break
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break  # the child died by itself: reported below
            seen += _forward(buffer, chunk)
        if after_tickets is not None:
            time.sleep(rng.uniform(0, 0.004))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):  # what it wrote before dying still counts
            _forward(buffer, chunk)
        os.close(read_fd)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        print(f"KILLED {i}" if killed else f"BADEXIT {i} {status}", flush=True)


@pytest.mark.slow
def test_sigkill_at_random_points_loses_duplicates_and_overshoots_nothing(
        tmp_path: Path, record_property) -> None:
    from kiosk import store

    db_path = tmp_path / "crash.db"
    store.connect(db_path).close()
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "tests.test_crash_harness", str(db_path),
         str(tmp_path / "tickets.bin"), str(KILLS), str(SEED)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    kinds = Counter(line.split()[0] for line in lines)
    assert kinds["BADEXIT"] == 0, proc.stderr[-3000:]
    assert kinds["KILLED"] == KILLS
    reported = [tuple(line.split()[1:]) for line in lines if line.startswith("ISSUED")]
    refusals = Counter(tuple(line.split()[1:]) for line in lines if line.startswith("REFUSED"))
    assert set(refusals) <= {("A", "cap")}, refusals  # open, paper in, clock trusted
    record_property("crash_harness", f"{KILLS} kills, {len(reported)} tickets reported, "
                    f"{elapsed:.1f} s")
    print(f"\ncrash harness: {KILLS} SIGKILLs, {len(reported)} tickets reported committed, "
          f"{refusals[('A', 'cap')]} cap refusals, {elapsed:.1f} s")

    raw = sqlite3.connect(db_path)  # plain connection: recovers the WAL, migrates nothing
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        tickets = raw.execute(
            "SELECT office_day, lane, number, label, id, printed FROM tickets"
            " ORDER BY office_day, lane, number").fetchall()
        issued_events = Counter(r[0] for r in raw.execute(
            "SELECT ticket_id FROM events WHERE kind = 'issued'"))
        event_ids = raw.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()
        cap_events = raw.execute(
            "SELECT count(*) FROM events WHERE kind = 'refused_cap'").fetchone()[0]
    finally:
        raw.close()

    # No duplicate and no gap: per day and lane the numbers are exactly 1..n.
    by_lane: dict[tuple[str, str], list[int]] = {}
    for day, lane, number, *_ in tickets:
        by_lane.setdefault((day, lane), []).append(number)
    for key, numbers in by_lane.items():
        assert numbers == list(range(1, len(numbers) + 1)), key
    assert len({t[4] for t in tickets}) == len(tickets)  # ticket ids unique
    # The cap: never exceeded, and reached on every day (so it was really tested).
    days = sorted({day for day, _ in by_lane})
    assert len(days) == KILLS // KILLS_PER_DAY
    for day in days:
        assert len(by_lane.get((day, "A"), [])) == CAP, day
    assert cap_events >= refusals[("A", "cap")] > 0
    # Nothing lost: every ticket a child reported is in the store, same id, marked printed.
    stored = {(day, label): (ticket_id, printed) for day, _, _, label, ticket_id, printed
              in tickets}
    assert len(set(reported)) == len(reported)
    assert len(reported) >= KILLS
    for day, label, ticket_id, _printed in reported:
        assert stored.get((day, label)) == (ticket_id, 1), (day, label)
    # Every ticket has exactly one `issued` event, and nothing else claims to be one.
    assert all(issued_events[t[4]] == 1 for t in tickets)
    assert sum(issued_events.values()) == len(tickets)
    assert event_ids[0] == event_ids[1]  # event ids unique
    # The kills landed everywhere: between a ticket's two commits (number taken, not yet
    # marked printed) and after a commit the child could not report any more.
    unprinted = sum(1 for t in tickets if not t[5])
    unreported = len(tickets) - len(reported)
    print(f"crash harness: {len(tickets)} tickets stored, {unreported} committed but not "
          f"reported, {unprinted} killed between commit and print")
    assert unprinted > 0 and unreported > 0


if __name__ == "__main__":
    zygote(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
