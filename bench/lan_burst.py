"""A burst of counters and a crowd of slow clients against the LAN API, /health polled throughout.

The LAN API runs in this process on 127.0.0.1 (port 0) over a temporary store
with the simulation config (public demo tokens) and a fixed office moment, so
the run does not depend on today's date. Three loads overlap:

  slow    N slow clients: each connects, sends a request line and then one
          header line every 2 s, never finishing its request (a stuck or
          hostile client). Measured: how long until the server drops each
          one; those still connected when the window closes are counted.
  burst   N counter requests at once (half ``GET /api/v1/queue``, half
          ``POST /api/v1/counters/{n}/next``, valid tokens, one connection
          each), released together while the slow clients hold on. Counted:
          answered 200, refused (connection refused/reset), timed out,
          other errors; latency median and p99.
  health  ``GET /health`` every 50 ms from before the slow clients connect
          until the window closes: answered ratio and latency.

Same-run baseline: ``GET /health`` alone on the unloaded server. The kernel's
TcpExtListenOverflows counter (``/proc/net/netstat``) is read before and after
(a burst that overflows the listen backlog shows up there; the counter is the
network namespace's, so another program's overflows would count too).

Bounded: loopback only, at most ``--slow``/``--burst`` connections, a window of
``--window`` seconds. Ends with one JSON line on stdout.

Run: .venv/bin/python bench/lan_burst.py [--burst 200] [--slow 200] [--window 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import store  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.lan.server import LanApi  # noqa: E402
from kiosk.queue.calling_view import calling_service  # noqa: E402
from kiosk.queue.numbering import Numbering  # noqa: E402

TOKENS = {1: "loket1-demo", 2: "loket2-demo", 3: "loket3-demo"}
LANES = {1: "AP", 2: "A", 3: "B"}  # what the simulation's counters serve
REQUEST_TIMEOUT_S = 10.0  # a counter gives up after this (its own timeout is shorter)
SLOW_LINE_S = 2.0


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def listen_overflows() -> int | None:
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return None


def get_health(port: int, timeout: float) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
    finally:
        conn.close()
    return time.perf_counter() - start


class HealthPoller(threading.Thread):
    def __init__(self, port: int, every_s: float = 0.05) -> None:
        super().__init__(name="health-poller", daemon=True)
        self.port, self.every_s = port, every_s
        self.stop = threading.Event()
        self.ok: list[float] = []
        self.failed: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                self.ok.append(get_health(self.port, timeout=2.0))
            except Exception as exc:  # noqa: BLE001 - counted, and the kind kept
                self.failed.append(type(exc).__name__)
            self.stop.wait(max(0.0, self.every_s - (time.monotonic() - started)))


def slow_client(port: int, window_end: float, number: int, dropped: list, held: list,
                failed: list) -> None:
    """Dribble header lines until the server closes the connection or the window ends."""
    started = time.monotonic()
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT_S)
    except OSError as exc:
        failed.append(type(exc).__name__)
        return
    try:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: kiosk\r\n")
        line = 0
        while time.monotonic() < window_end:
            sock.settimeout(max(0.01, min(SLOW_LINE_S, window_end - time.monotonic())))
            try:
                sock.recv(4096)  # EOF, or an answer (e.g. 408) before the close: dropped
            except TimeoutError:
                pass
            else:
                dropped.append(time.monotonic() - started)
                return
            line += 1
            sock.sendall(b"X-Slow-%d-%d: still typing\r\n" % (number, line))
        held.append(time.monotonic() - started)
    except (ConnectionResetError, BrokenPipeError):
        dropped.append(time.monotonic() - started)
    except OSError as exc:
        failed.append(type(exc).__name__)
    finally:
        sock.close()


def counter_request(port: int, index: int, gate: threading.Barrier, results: list) -> None:
    counter = index % 3 + 1
    method, path = (("GET", "/api/v1/queue") if index % 2 == 0 else
                    ("POST", f"/api/v1/counters/{counter}/next"))
    headers = {"Authorization": f"Bearer {TOKENS[counter]}"}
    gate.wait()
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        response.read()
        kind = "ok" if response.status == 200 else f"http_{response.status}"
    except ConnectionRefusedError:
        kind = "refused"
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
        kind = "reset"
    except TimeoutError:
        kind = "timeout"
    except Exception as exc:  # noqa: BLE001 - counted by kind
        kind = type(exc).__name__
    finally:
        conn.close()
    results.append((kind, time.perf_counter() - start))


def fixed_clock():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Makassar")).astimezone(UTC)
    return lambda: moment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=200, help="concurrent counter requests")
    parser.add_argument("--slow", type=int, default=200, help="slow clients")
    parser.add_argument("--window", type=float, default=15.0,
                        help="seconds the slow clients keep trying")
    args = parser.parse_args()
    burst, slow = min(args.burst, 1000), min(args.slow, 1000)
    window_s = min(max(args.window, 3.0), 60.0)

    with tempfile.TemporaryDirectory(prefix="lan-burst-") as folder:
        config = dataclasses.replace(load_config(ROOT / "config" / "kiosk.toml"),
                                     database=Path(folder) / "kiosk.db")
        clock = fixed_clock()
        db = store.connect(config.database)
        day = calling_service(config, db, clock).today()
        numbering = Numbering(db, config.office.code, "BENCH")
        for lane in "ABP" * (burst // 3 + 1):
            numbering.take(lane, day, None, clock())
        db.close()

        api = LanApi(config, clock=clock, host="127.0.0.1", port=0).start()
        server = f"{type(api.server).__module__}.{type(api.server).__name__}"
        try:
            port = api.port
            baseline = [get_health(port, 2.0) for _ in range(40)]
            overflows_before = listen_overflows()

            poller = HealthPoller(port)
            poller.start()
            time.sleep(0.5)
            window_end = time.monotonic() + window_s
            dropped: list[float] = []
            held: list[float] = []
            slow_failed: list[str] = []
            slow_threads = [threading.Thread(target=slow_client, daemon=True,
                                             args=(port, window_end, n, dropped, held,
                                                   slow_failed)) for n in range(slow)]
            for thread in slow_threads:
                thread.start()
            time.sleep(1.0)  # the slow clients are connected and dribbling

            results: list[tuple[str, float]] = []
            gate = threading.Barrier(burst)
            burst_threads = [threading.Thread(target=counter_request, daemon=True,
                                              args=(port, n, gate, results))
                             for n in range(burst)]
            burst_started = time.monotonic()
            for thread in burst_threads:
                thread.start()
            for thread in burst_threads:
                thread.join(REQUEST_TIMEOUT_S + 5)
            burst_s = time.monotonic() - burst_started
            for thread in slow_threads:
                thread.join(max(0.0, window_end - time.monotonic()) + 5)
            poller.stop.set()
            poller.join(5)
            overflows_after = listen_overflows()
        finally:
            api.close()

    kinds: dict[str, int] = {}
    for kind, _ in results:
        kinds[kind] = kinds.get(kind, 0) + 1
    answered = [seconds for kind, seconds in results if kind == "ok"]
    polls = len(poller.ok) + len(poller.failed)
    report = {
        "bench": "lan_burst",
        "server": server,
        "baseline_health_ms": {"median": ms(statistics.median(baseline)),
                               "p99": ms(percentile(baseline, 99))},
        "burst": {"requests": burst, "ok": kinds.pop("ok", 0),
                  "refused": kinds.pop("refused", 0), "reset": kinds.pop("reset", 0),
                  "timed_out": kinds.pop("timeout", 0), "other": kinds,
                  "median_ms": ms(statistics.median(answered)) if answered else None,
                  "p99_ms": ms(percentile(answered, 99)), "wall_s": round(burst_s, 2)},
        "listen_overflows": (None if overflows_before is None or overflows_after is None
                             else overflows_after - overflows_before),
        "slow": {"clients": slow, "window_s": window_s, "dropped": len(dropped),
                 "still_connected_at_end": len(held), "connect_failed": len(slow_failed),
                 "dropped_after_s_median": (round(statistics.median(dropped), 2)
                                            if dropped else None),
                 "dropped_after_s_max": round(max(dropped), 2) if dropped else None},
        "health": {"polls": polls, "answered": len(poller.ok),
                   "answered_ratio": round(len(poller.ok) / polls, 3) if polls else None,
                   "failed": {kind: poller.failed.count(kind) for kind in set(poller.failed)},
                   "median_ms": ms(statistics.median(poller.ok)) if poller.ok else None,
                   "p99_ms": ms(percentile(poller.ok, 99)),
                   "max_ms": ms(max(poller.ok)) if poller.ok else None},
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
