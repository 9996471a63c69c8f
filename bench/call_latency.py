"""Counter presses "next" -> number on the 7-segment display pins and on the lobby board.

The kiosk is composed exactly as `kiosk run` composes it in simulation
(kiosk.appliance.build + start_calling: call feed, SevenSegmentBoard and chime
on gpiozero MockFactory pins, counter buttons, LAN API), with speech off.
Two ways of calling, interleaved:

  API     POST /api/v1/counters/1/next over a keep-alive connection, as a
          counter terminal does it;
  button  counter 1's "next" push button pressed on its mock pin (the real
          gpiozero Button path; the store transaction runs in the press).

For each call it measures the time until
  (a) the display's pins show the new number: every pin change is observed
      as it happens (a MockPin subclass stamps each change; no sampling lag),
      and the time is when the digit-select pin of the number's last digit
      switches on while the segment pins hold that digit's new pattern, i.e.
      when the glass visibly changes (so it includes gpiozero's multiplexing);
  (b) the board's server-sent event stream (/board/events) has delivered a
      state with the new number (what the lobby TV shows).

Baselines measured in the same run, interleaved with the calls: a bare
``GET /health`` round trip on the same connection (the HTTP floor), a bare
durable SQLite commit on the same disk (WAL, synchronous=FULL: what a call
must pay to survive a power cut), and ``SevenSegmentBoard.show_call`` called
directly on a second board (the multiplexed glass's own floor).

Run: .venv/bin/python bench/call_latency.py [--calls N]   (N calls per path)
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

from gpiozero.pins.mock import MockFactory, MockPin  # noqa: E402

import hardware.gpio_panel  # noqa: E402
from hardware.now_serving import SevenSegmentBoard  # noqa: E402
from kiosk import store  # noqa: E402
from kiosk.appliance import build, start_calling  # noqa: E402
from kiosk.clock import utc_now  # noqa: E402
from kiosk.config import Config, LanApiConfig, load_config  # noqa: E402
from kiosk.queue.calling_view import calling_service  # noqa: E402
from kiosk.queue.numbering import Numbering  # noqa: E402

TOKEN = "loket1-demo"  # the simulation config's public demo token for counter 1
WARMUP = 20
WATCHED_DIGIT = 3  # the number's last digit: it differs between consecutive calls


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


class GlassWatch:
    """Stamps the moment the watched digit is lit with the expected label's pattern."""

    def __init__(self, segments: tuple[int, ...], digits: tuple[int, ...]) -> None:
        self.segments, self.select = segments, digits[WATCHED_DIGIT]
        self.level: dict[int, bool] = {}
        self.lock = threading.Lock()
        self.expected: tuple[str, tuple[int, ...]] | None = None
        self.stamps = Stamps()

    def expect(self, label: str, pattern: tuple[int, ...]) -> None:
        with self.lock:
            self.expected = (label, pattern)

    def factory(self) -> MockFactory:
        watch = self

        class WatchedPin(MockPin):
            def _change_state(self, value: bool) -> bool:
                with watch.lock:
                    changed = super()._change_state(value)
                    number = int(self.info.name.removeprefix("GPIO"))
                    watch.level[number] = value
                    if (changed and value and number == watch.select
                            and watch.expected is not None):
                        label, pattern = watch.expected
                        lit = tuple(int(watch.level.get(s, False)) for s in watch.segments)
                        if lit == pattern:
                            watch.stamps.stamp(label)
                            watch.expected = None
                return changed

        return MockFactory(pin_class=WatchedPin)


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


def bench_config(folder: Path) -> Config:
    config = load_config(ROOT / "config" / "kiosk.toml")
    assert config.display.kind == "seven_segment", "the simulation config drives a 7-segment board"
    return dataclasses.replace(
        config, database=folder / "kiosk.db", lan_api=LanApiConfig("127.0.0.1", 0),
        printer=dataclasses.replace(config.printer, params={"output": str(folder / "t.bin")}),
        gpio=dataclasses.replace(config.gpio, cooldown_s=0, bounce_s=0),
        calling=dataclasses.replace(config.calling, speech=False))


def direct_floor(config: Config, labels: list[str]) -> list[float]:
    """show_call on a bare board, to the same pin criterion: the glass's own latency."""
    display = config.display
    watch = GlassWatch(display.segment_pins, display.digit_pins)
    board = SevenSegmentBoard(display.segment_pins, display.digit_pins, watch.factory())
    times: list[float] = []
    try:
        for label in labels:
            watch.expect(label, tuple(board.char.font[label[WATCHED_DIGIT]]))
            start = time.perf_counter()
            board.show_call(label, 1)
            times.append(watch.stamps.wait(label) - start)
    finally:
        board.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per path")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
    config = bench_config(folder)
    per_path = args.calls + WARMUP
    db = store.connect(config.database)
    day = calling_service(config, db, utc_now).today()
    numbering = Numbering(db, config.office.code, "BENCH")
    for _ in range(2 * per_path):  # online check-ins (lane B: no daily cap)
        numbering.take("B", day, None, utc_now())
    db.close()

    display = config.display
    watch = GlassWatch(display.segment_pins, display.digit_pins)
    # build() asks gpio_panel for the pin factory; hand it the watched mock factory.
    hardware.gpio_panel.make_pin_factory = lambda choice: watch.factory()
    appliance = build(config)
    api, notice = start_calling(config, appliance)
    assert api is not None, notice
    board_stamps = Stamps()
    ready = threading.Event()
    threading.Thread(target=read_stream, args=(api.port, board_stamps, ready),
                     daemon=True).start()
    ready.wait(5)
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Length": "0"}
    bare = BareCommit(folder)
    font = appliance.display.char.font
    results: dict[str, list[float]] = {name: [] for name in (
        "health", "commit", "api_reply", "api_display", "api_board",
        "button_return", "button_display", "button_board")}
    labels: list[str] = []
    try:
        for i in range(2 * per_path):
            keep = i >= 2 * WARMUP
            label = f"B{i + 1:03d}"  # counter 1 calls lane B in order; both paths share it
            labels.append(label)
            watch.expect(label, tuple(font[label[WATCHED_DIGIT]]))
            if i % 2 == 0:
                start = time.perf_counter()
                conn.request("GET", "/health")
                conn.getresponse().read()
                health = time.perf_counter() - start
                commit = bare.once()
                start = time.perf_counter()
                conn.request("POST", "/api/v1/counters/1/next", headers=headers)
                reply = json.loads(conn.getresponse().read())
                answered = time.perf_counter() - start
                assert reply["ticket"]["label"] == label, reply
                path = "api"
            else:
                start = time.perf_counter()
                assert appliance.counter_buttons.simulate_press(1, "next")
                answered = time.perf_counter() - start
                path = "button"
            shown = watch.stamps.wait(label) - start
            streamed = board_stamps.wait(label) - start
            if keep:
                if path == "api":
                    results["health"].append(health)
                    results["commit"].append(commit)
                    results["api_reply"].append(answered)
                else:
                    results["button_return"].append(answered)
                results[f"{path}_display"].append(shown)
                results[f"{path}_board"].append(streamed)
    finally:
        conn.close()
        appliance.close()
        bare.conn.close()
    floor = direct_floor(config, labels[2 * WARMUP:])
    shutil.rmtree(folder, ignore_errors=True)

    ms = 1000.0
    rows = [
        ("GET /health round trip (baseline)", results["health"]),
        ("bare durable commit (baseline)", results["commit"]),
        ("show_call -> pins, no store (floor)", floor),
        ("API next -> HTTP reply", results["api_reply"]),
        ("API next -> display pins set", results["api_display"]),
        ("API next -> board SSE delivered", results["api_board"]),
        ("button press -> press handled", results["button_return"]),
        ("button press -> display pins set", results["button_display"]),
        ("button press -> board SSE delivered", results["button_board"]),
    ]
    print(f"{'path':<40}{'median ms':>11}{'p99 ms':>10}   ({args.calls} calls per path)")
    for name, values in rows:
        print(f"{name:<40}{statistics.median(values) * ms:>11.3f}"
              f"{percentile(values, 99) * ms:>10.3f}")
    figures: dict[str, object] = {"bench": "call_latency", "calls_per_path": args.calls}
    for key, values in (("health_rtt", results["health"]), ("bare_commit", results["commit"]),
                        ("show_call_floor", floor), ("api_reply", results["api_reply"]),
                        ("api_to_display", results["api_display"]),
                        ("api_to_board", results["api_board"]),
                        ("button_handled", results["button_return"]),
                        ("button_to_display", results["button_display"]),
                        ("button_to_board", results["button_board"])):
        figures[f"{key}_median_ms"] = round(statistics.median(values) * ms, 3)
        figures[f"{key}_p99_ms"] = round(percentile(values, 99) * ms, 3)
    figures["api_display_over_health_median"] = round(
        statistics.median(results["api_display"]) / statistics.median(results["health"]), 2)
    figures["button_display_over_commit_median"] = round(
        statistics.median(results["button_display"]) / statistics.median(results["commit"]), 2)
    figures["api_display_over_floor_median"] = round(
        statistics.median(results["api_display"]) / statistics.median(floor), 2)
    figures["button_display_over_floor_median"] = round(
        statistics.median(results["button_display"]) / statistics.median(floor), 2)
    print(f"display vs show_call floor (median): API {figures['api_display_over_floor_median']:.2f}"
          f", button {figures['button_display_over_floor_median']:.2f}")
    print(f"API -> display / health round trip (median): "
          f"{figures['api_display_over_health_median']:.2f}; button -> display / bare commit "
          f"(median): {figures['button_display_over_commit_median']:.2f}  "
          "(the lobby's budget is 1000 ms)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
