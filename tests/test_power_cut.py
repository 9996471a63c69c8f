"""A power cut at each point of a press: the number is durable, the "printed" mark may be lost.

A SIGKILL (tests/test_crash_harness.py) leaves what the process wrote in the
kernel's cache, so it cannot show what a power cut loses: whatever was written
after the last fsync. Two tests stand in for one (docs/design.md, "The printed mark"):

- under strace, every press makes exactly one fsync of the store's log (the
  number's commit): the mark is written without one, and nothing else is;
- the disk as a power cut would leave it: the store's files copied at the
  moment the printer gets the ticket (the number's commit just fsynced), and
  the log cut back to that length, or torn half-way through what came after.
  SQLite recovers such a store; the number is there, marked unprinted.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hardware.printers import make_printer
from kiosk import store
from kiosk.config import Config
from kiosk.ports import PaperStatus, TicketContent
from kiosk.queue.issuing import Issued, IssuingService
from tests.conftest import ROOT, MovableClock

if TYPE_CHECKING:
    from collections.abc import Callable


class SnapshotAtPrint:
    """The real simulation printer, with the store's files copied as each ticket prints."""

    def __init__(self, inner, database: Path, folder: Path) -> None:
        self.inner, self.database, self.folder = inner, database, folder
        self.snapshots: list[Path] = []

    def paper_status(self) -> PaperStatus:
        return self.inner.paper_status()

    def print_ticket(self, ticket: TicketContent) -> None:
        self.snapshots.append(copy_store(self.database, self.folder / f"at-print-{ticket.label}"))
        self.inner.print_ticket(ticket)

    def close(self) -> None:
        self.inner.close()


def copy_store(database: Path, folder: Path) -> Path:
    folder.mkdir()
    for suffix in ("", "-wal"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copyfile(source, folder / f"{database.name}{suffix}")
    return folder / database.name


def after_power_cut(durable: Path, now: Path, folder: Path,
                    unsynced: Callable[[bytes], bytes] = lambda tail: b"") -> Path:
    """The store as a power cut leaves it: the main file and the log as fsynced at
    ``durable``, then what ``unsynced`` keeps of what ``now``'s log wrote after that
    (nothing by default: the page cache was lost)."""
    folder.mkdir()
    shutil.copyfile(now, folder / now.name)
    synced = Path(f"{durable}-wal").read_bytes()
    written = Path(f"{now}-wal").read_bytes()
    assert written.startswith(synced), "the log was rewritten, not appended to"
    assert len(written) > len(synced), "nothing was written after the fsync"
    Path(f"{folder / now.name}-wal").write_bytes(synced + unsynced(written[len(synced):]))
    return folder / now.name


FRAME_HEADER = 24  # bytes before each page in SQLite's WAL


def read_back(path: Path) -> list[tuple[str, int]]:
    """The tickets a restarted kiosk finds (on a copy: opening recovers and checkpoints)."""
    scratch = path.parent.with_name(f"{path.parent.name}-read")
    shutil.rmtree(scratch, ignore_errors=True)
    raw = sqlite3.connect(copy_store(path, scratch))  # recovers the log
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return raw.execute("SELECT label, printed FROM tickets ORDER BY lane, number").fetchall()
    finally:
        raw.close()


def test_power_cut_after_the_number_leaves_it_issued_and_unprinted(
        config: Config, clock: MovableClock, tmp_path: Path) -> None:
    printer = SnapshotAtPrint(make_printer(config.printer), config.database, tmp_path)
    db = store.connect(config.database)
    # No checkpoint during the test: the log only grows, as between two checkpoints.
    db.execute("PRAGMA wal_autocheckpoint = 0")
    service = IssuingService(config, db, printer, clock=clock)
    try:
        first = service.issue("A")
        second = service.issue("A")
        assert isinstance(first, Issued) and isinstance(second, Issued)
        assert first.printed and second.printed
        # The connection is back to durable commits for the next number.
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        now = copy_store(config.database, tmp_path / "now")
    finally:
        service.db.close()
    at_first, at_second = printer.snapshots
    # Cut while the first ticket prints: its number was fsynced before the printer got it.
    assert read_back(at_first) == [("A001", 0)]
    # Cut after A001's mark and before the next fsync: the mark may be lost, never the number.
    for name, unsynced in {
        "lost": lambda tail: b"",
        "torn mid-frame": lambda tail: tail[:FRAME_HEADER + 1000],
        # The disk wrote later sectors but not the first page of the mark.
        "out of order": lambda tail: (tail[:FRAME_HEADER] + bytes(4096)
                                      + tail[FRAME_HEADER + 4096:]),
    }.items():
        cut = after_power_cut(at_first, at_second, tmp_path / name.replace(" ", "-"), unsynced)
        assert read_back(cut) == [("A001", 0)], name
    # A002's durable commit took A001's mark to the disk with it.
    assert read_back(at_second) == [("A001", 1), ("A002", 0)]
    # The last mark, not yet followed by a durable commit, is the one a cut could lose.
    assert read_back(after_power_cut(at_second, now, tmp_path / "cut-last")) == [
        ("A001", 1), ("A002", 0)]
    assert read_back(now) == [("A001", 1), ("A002", 1)]  # no cut: both printed


CHILD = """
import dataclasses, sys
from pathlib import Path
from hardware.printers import make_printer
from kiosk import store
from kiosk.config import load_config
from kiosk.queue.issuing import Issued, IssuingService
from tests.conftest import SIM_CONFIG, office_time

folder = Path(sys.argv[1])
config = load_config(SIM_CONFIG)
config = dataclasses.replace(config, database=folder / "kiosk.db", printer=dataclasses.replace(
    config.printer, params={"output": str(folder / "tickets.bin")}))
service = IssuingService(config, store.connect(config.database), make_printer(config.printer),
                         clock=lambda: office_time("2026-11-25 09:00"))
service.issue("P")  # warm: the store's first commits (migrations) are not counted
print("PRESSES", flush=True)
for _ in range(int(sys.argv[2])):
    assert isinstance(service.issue("P"), Issued)
print("DONE", flush=True)
"""


def test_each_press_costs_one_fsync_of_the_store(tmp_path: Path) -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    presses = 5
    trace = tmp_path / "trace.txt"
    proc = subprocess.run(
        ["strace", "-f", "-y", "-e", "trace=fsync,fdatasync,write", "-o", str(trace),
         sys.executable, "-c", CHILD, str(tmp_path), str(presses)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip(f"strace cannot trace here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = trace.read_text().splitlines()
    # Only the presses: between the child's "PRESSES" and "DONE" (closing checkpoints).
    start = next(i for i, line in enumerate(lines) if "PRESSES" in line)
    end = next(i for i, line in enumerate(lines) if "DONE" in line)
    syncs = [line for line in lines[start:end] if "fsync(" in line or "fdatasync(" in line]
    store_syncs = [line for line in syncs if "kiosk.db" in line]
    assert len(store_syncs) == presses, "\n".join(syncs)
    assert all("kiosk.db-wal" in line for line in store_syncs), "\n".join(store_syncs)
