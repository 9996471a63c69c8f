"""The whole button press, to the "printed" mark committed, against a bare SQLite commit.

The kiosk's floor is one durable commit (WAL, synchronous=FULL): the fsync
that makes a number survive a power cut. The headline is the whole press
(gpiozero mock pin -> Button -> cooldown filter -> issuing transaction ->
ESC/POS layout -> bytes handed to python-escpos -> the "printed" mark
committed, when the button handler returns); beside it, press -> ticket bytes
(the applicant's wait for paper). For comparison the same press with the
mark written durably (a second fsync, as before issue 17) runs too. All three
run interleaved with a bare ``INSERT + COMMIT`` on the same disk in the same run.

Run: .venv/bin/python bench/issue_latency.py [--presses N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from escpos.printer import Dummy  # noqa: E402
from gpiozero.pins.mock import MockFactory  # noqa: E402

from hardware.gpio_panel import ButtonPanel  # noqa: E402
from hardware.printers import EscposTicketPrinter  # noqa: E402
from kiosk import store  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.queue.issuing import IssuingService  # noqa: E402
from kiosk.queue.numbering import Numbering  # noqa: E402


class StampedDummy(Dummy):
    """python-escpos' Dummy back-end, noting when the ticket bytes arrive."""

    arrived = 0.0

    def _raw(self, msg: bytes) -> None:
        StampedDummy.arrived = time.perf_counter()
        super()._raw(msg)
        self.clear()  # keep memory flat over thousands of tickets


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class BareCommit:
    """The floor: one row, one durable commit, same pragmas, same disk."""

    def __init__(self, folder: Path) -> None:
        self.conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT, at TEXT)")
        self.n = 0

    def once(self) -> float:
        self.n += 1
        start = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO t (label, at) VALUES (?, ?)", (f"A{self.n:03d}", "x"))
        self.conn.execute("COMMIT")
        return time.perf_counter() - start


class KioskPress:
    """The kiosk's real press path, from a gpiozero mock pin to python-escpos bytes."""

    def __init__(self, folder: Path, durable_mark: bool = False) -> None:
        folder.mkdir()
        config = load_config(ROOT / "config" / "kiosk.toml")
        lanes = dict(config.lanes)
        lanes["A"] = dataclasses.replace(lanes["A"], cap=None)
        gpio = dataclasses.replace(config.gpio, cooldown_s=0, bounce_s=0)
        # The per-minute walk-in limit stays on (its in-memory count runs on every press)
        # but cannot refuse: the bench presses a thousand times in one frozen minute.
        walkin = dataclasses.replace(config.walkin, per_minute=10**9)
        config = dataclasses.replace(config, database=folder / "kiosk.db", lanes=lanes,
                                     gpio=gpio, walkin=walkin)
        self.db = store.connect(config.database)
        printer = EscposTicketPrinter(StampedDummy, config.printer.paper_width_mm, 0.5)
        service = IssuingService(config, self.db, printer,
                                 clock=lambda: datetime(2026, 11, 25, 2, tzinfo=UTC))
        if durable_mark:  # the mark with its own fsync, as before issue 17
            numbering = service.numbering

            def mark_durably(ticket, now, printed, error=None) -> None:
                Numbering._mark_printed_in(numbering, ticket, now, printed, error)

            numbering.mark_printed = mark_durably  # type: ignore[method-assign]
        self.panel = ButtonPanel(config.gpio, lambda lane: service.issue(lane), MockFactory())
        self.pin = self.panel.buttons["A"].pin

    def once(self) -> tuple[float, float]:
        """(press -> ticket bytes, the whole press) in seconds."""
        start = time.perf_counter()
        self.pin.drive_low()  # mock pins call back synchronously: the whole press runs here
        done = time.perf_counter()
        self.pin.drive_high()
        return StampedDummy.arrived - start, done - start

    def printed(self) -> int:
        """Tickets marked printed: the button handler swallows errors, so the bench counts."""
        return self.db.execute("SELECT count(*) FROM tickets WHERE printed = 1").fetchone()[0]

    def close(self) -> None:
        self.panel.close()
        self.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=1000)
    args = parser.parse_args()
    # On the project's own disk, not a tmpfs: fsync cost is the point.
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
    bare = BareCommit(folder)
    press, durable = KioskPress(folder / "kiosk"), KioskPress(folder / "durable", True)
    baseline: list[float] = []
    to_bytes: list[float] = []
    whole: list[float] = []
    whole_durable: list[float] = []
    try:
        for _ in range(50):  # warm-up: file growth, page cache
            bare.once()
            press.once()
            durable.once()
        # Interleaved, so all see the same disk and the same background load.
        for _ in range(args.presses):
            baseline.append(bare.once())
            first, total = press.once()
            to_bytes.append(first)
            whole.append(total)
            whole_durable.append(durable.once()[1])
        for kiosk in (press, durable):
            if kiosk.printed() != 50 + args.presses:
                raise SystemExit(f"only {kiosk.printed()} of {50 + args.presses} presses printed")
    finally:
        press.close()
        durable.close()
        bare.conn.close()
        shutil.rmtree(folder, ignore_errors=True)
    ms = 1000.0

    def figure(values: list[float], p: float | None = None) -> float:
        return round((statistics.median(values) if p is None else percentile(values, p)) * ms, 3)

    figures = {
        "bench": "issue_latency",
        "presses": args.presses,
        "whole_press_median_ms": figure(whole),
        "whole_press_p99_ms": figure(whole, 99),
        "press_to_bytes_median_ms": figure(to_bytes),
        "press_to_bytes_p99_ms": figure(to_bytes, 99),
        "whole_press_durable_mark_median_ms": figure(whole_durable),
        "bare_commit_median_ms": figure(baseline),
        "bare_commit_p99_ms": figure(baseline, 99),
    }
    bare_ms = figures["bare_commit_median_ms"]
    figures["ratio_median"] = round(figures["whole_press_median_ms"] / bare_ms, 2)
    figures["ratio_to_bytes_median"] = round(figures["press_to_bytes_median_ms"] / bare_ms, 2)
    figures["ratio_durable_mark_median"] = round(
        figures["whole_press_durable_mark_median_ms"] / bare_ms, 2)
    print(f"the whole press       : median {figures['whole_press_median_ms']:.3f} ms, "
          f"p99 {figures['whole_press_p99_ms']:.3f} ms  ({args.presses} presses, "
          f"to the printed mark committed)")
    print(f"press -> ticket bytes : median {figures['press_to_bytes_median_ms']:.3f} ms, "
          f"p99 {figures['press_to_bytes_p99_ms']:.3f} ms")
    print(f"whole, durable mark   : median {figures['whole_press_durable_mark_median_ms']:.3f} ms"
          f"  (the mark with its own fsync, as before)")
    print(f"bare insert + commit  : median {bare_ms:.3f} ms, "
          f"p99 {figures['bare_commit_p99_ms']:.3f} ms  (WAL, synchronous=FULL)")
    print(f"ratio (median)        : whole press {figures['ratio_median']:.2f} (target <= 1.5), "
          f"to bytes {figures['ratio_to_bytes_median']:.2f}, "
          f"durable mark {figures['ratio_durable_mark_median']:.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
