"""Counter presses "next" -> number on the 7-segment display and on the lobby board stream.

Measures, for each call made over the LAN API (HTTP POST, keep-alive, as a
counter terminal does it):
  (a) until the ``on_call`` callback has set a gpiozero ``SevenSegmentBoard``
      on MockFactory pins (what the lobby's GPIO display shows), and
  (b) until the board's server-sent event stream (/board/events) has
      delivered a state with the new number (what the lobby TV shows),
next to a baseline taken in the same run and interleaved with the calls: a
bare ``GET /health`` round trip on the same connection (the HTTP floor), and a
bare durable SQLite commit on the same disk (WAL, synchronous=FULL: the floor a
call pays so that it survives a power cut).

Run: .venv/bin/python bench/call_latency.py [--calls N]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gpiozero.pins.mock import MockFactory  # noqa: E402

from hardware.now_serving import SevenSegmentBoard  # noqa: E402
from kiosk import store  # noqa: E402
from kiosk.calling_view import calling_service  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.issuing import utc_now  # noqa: E402
from kiosk.lan_api import LanApi  # noqa: E402
from kiosk.numbering import Numbering  # noqa: E402

SEGMENTS = (5, 6, 13, 19, 26, 16, 20)
DIGIT_SELECT = (21, 12, 25, 24, 23)
TOKEN = "loket1-demo"  # the simulation config's public demo token for counter 1
WARMUP = 20


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Stamps:
    """When each label reached an output; waiters block until theirs arrives."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.cond = threading.Condition()

    def stamp(self, label: str) -> None:
        now = time.perf_counter()
        with self.cond:
            self.at.setdefault(label, now)
            self.cond.notify_all()

    def wait(self, label: str, timeout: float = 5.0) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: label in self.at, timeout):
                raise TimeoutError(f"{label} never arrived")
            return self.at[label]


class BareCommit:
    """One row, one durable commit, the store's pragmas, the same disk."""

    def __init__(self, folder: Path) -> None:
        self.conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT)")

    def once(self) -> float:
        start = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO t (label) VALUES ('A001')")
        self.conn.execute("COMMIT")
        return time.perf_counter() - start


def read_stream(port: int, stamps: Stamps, ready: threading.Event) -> None:
    """The lobby TV: read /board/events, stamp each newly called label on arrival."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/board/events")
    response = conn.getresponse()
    ready.set()
    data: list[str] = []
    while True:
        line = response.fp.readline()
        if not line:
            return
        text = line.decode().rstrip("\n")
        if text.startswith("data: "):
            data.append(text[6:])
        elif not text and data:
            newest = json.loads("\n".join(data)).get("newest")
            data = []
            if newest:
                stamps.stamp(newest["label"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
    config = load_config(ROOT / "config" / "kiosk.toml")
    config = dataclasses.replace(config, database=folder / "kiosk.db")

    db = store.connect(config.database)
    day = calling_service(config, db, utc_now).today()
    numbering = Numbering(db, config.office.code, "BENCH")
    total = args.calls + WARMUP
    for i in range(total):  # walk-ins (A, capped at 60) and online check-ins (B, no cap)
        numbering.take("A" if i % 2 and i < 100 else "B", day, None, utc_now())
    db.close()

    display_stamps, board_stamps = Stamps(), Stamps()
    board = SevenSegmentBoard(SEGMENTS, DIGIT_SELECT, MockFactory())

    def on_call(label: str, counter: int) -> None:
        board.show_call(label, counter)  # what the kiosk wires in: pins set on return
        display_stamps.stamp(label)

    api = LanApi(config, on_call=on_call, port=0).start()
    ready = threading.Event()
    reader = threading.Thread(target=read_stream, args=(api.port, board_stamps, ready),
                              daemon=True)
    reader.start()
    ready.wait(5)
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Length": "0"}
    bare = BareCommit(folder)
    commits: list[float] = []
    health: list[float] = []
    response_ms: list[float] = []
    display: list[float] = []
    stream: list[float] = []
    try:
        for i in range(total):
            start = time.perf_counter()
            conn.request("GET", "/health")
            conn.getresponse().read()
            baseline = time.perf_counter() - start
            commit = bare.once()

            start = time.perf_counter()
            conn.request("POST", "/api/v1/counters/1/next", headers=headers)
            reply = json.loads(conn.getresponse().read())
            answered = time.perf_counter() - start
            label = reply["ticket"]["label"]
            shown = display_stamps.wait(label) - start
            streamed = board_stamps.wait(label) - start
            if i >= WARMUP:
                health.append(baseline)
                commits.append(commit)
                response_ms.append(answered)
                display.append(shown)
                stream.append(streamed)
    finally:
        conn.close()
        api.close()
        board.close()
        bare.conn.close()
        shutil.rmtree(folder, ignore_errors=True)

    ms = 1000.0
    rows = [
        ("GET /health round trip (baseline)", health),
        ("bare durable commit (baseline)", commits),
        ("POST next -> HTTP reply", response_ms),
        ("POST next -> 7-segment pins set", display),
        ("POST next -> board SSE delivered", stream),
    ]
    print(f"{'path':<36}{'median ms':>11}{'p99 ms':>10}   ({args.calls} calls)")
    for name, values in rows:
        print(f"{name:<36}{statistics.median(values) * ms:>11.3f}"
              f"{percentile(values, 99) * ms:>10.3f}")
    figures = {
        "bench": "call_latency",
        "calls": args.calls,
        "health_rtt_median_ms": round(statistics.median(health) * ms, 3),
        "health_rtt_p99_ms": round(percentile(health, 99) * ms, 3),
        "bare_commit_median_ms": round(statistics.median(commits) * ms, 3),
        "bare_commit_p99_ms": round(percentile(commits, 99) * ms, 3),
        "next_reply_median_ms": round(statistics.median(response_ms) * ms, 3),
        "next_reply_p99_ms": round(percentile(response_ms, 99) * ms, 3),
        "call_to_display_median_ms": round(statistics.median(display) * ms, 3),
        "call_to_display_p99_ms": round(percentile(display, 99) * ms, 3),
        "call_to_board_median_ms": round(statistics.median(stream) * ms, 3),
        "call_to_board_p99_ms": round(percentile(stream, 99) * ms, 3),
    }
    figures["board_over_baseline_median"] = round(
        figures["call_to_board_median_ms"] / figures["health_rtt_median_ms"], 2)
    print(f"board median / baseline median: {figures['board_over_baseline_median']:.2f}  "
          "(the lobby's budget is 1000 ms)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
