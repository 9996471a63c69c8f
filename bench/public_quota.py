"""The hub's public quota endpoint under 100 concurrent clients, against GET /health.

The hub runs in a child process (uvicorn on 127.0.0.1, port 0, a temporary
SQLite store) so the load generator does not share its interpreter. Its office
KUP has caps and hours and a busy day of events (``--events`` issued tickets
from two kiosks, plus calls). Each client is an asyncio task on one kept-alive
connection, sending GETs back to back for ``--seconds``; rounds of the
endpoints alternate (health, JSON, HTML, health, ...) so a slow moment of the
machine hits all of them, and each figure is the median over ``--rounds``.

Measured:
  health      GET /sync/v1/health: the hub's cheapest answer (the baseline)
  json        GET /public/v1/offices/KUP/today
  html        GET /public/v1/offices/KUP (the phone page)
  json_nocache  the JSON from a second hub with the public cache period 0: it reads
              the store again as soon as the last read ended (one read at a time, the
              others meanwhile get the previous read)
  store_read  one read of the office's figures from the store (the cost the cache
              spares), timed directly, median of 50

The rate limit is off in the measured hubs (all clients share 127.0.0.1); a
last round sends the same load to a hub with the default limit and counts the
429 answers and how fast they come.

Run: .venv/bin/python bench/public_quota.py [--clients 100] [--seconds 3] [--rounds 3]
Ends with one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEALTH = "/sync/v1/health"
JSON_PATH = "/public/v1/offices/KUP/today"
HTML_PATH = "/public/v1/offices/KUP"
SETTINGS = {"caps": {"A": 150, "P": 60, "B": None},
            "hours": {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                 "sun")}}


def fill(db: Path, events: int) -> None:
    """Office KUP with a day of pushed events (today at the office, by the hub's clock)."""
    from kiosk.clock import utc_now
    from kiosk.hub.store import HubStore
    from kiosk.sync.protocol import Event

    hub = HubStore.open(db)
    hub.add_office("KUP", "Kantor Imigrasi Kelas I TPI Kupang", "Asia/Makassar")
    hub.set_settings("KUP", SETTINGS)
    now = utc_now()
    day = now.astimezone(ZoneInfo("Asia/Makassar")).date().isoformat()
    start = now - timedelta(hours=6)
    for device in ("KUP-B1", "KUP-B2"):
        who = hub.identify(hub.add_token("kiosk", "KUP", device))
        assert who is not None
        rows = []
        for i in range(events // 2):
            lane = "AAP"[i % 3]
            at = (start + timedelta(seconds=20 * i)).isoformat()
            rows.append(Event(f"{device}-i{i:06d}", 2 * i, at, "KUP", day, device, "issued",
                              f"{device}-t{i}", json.dumps({"lane": lane, "number": i + 1,
                                                            "label": f"{lane}{i + 1:03d}"})))
            rows.append(Event(f"{device}-c{i:06d}", 2 * i + 1, at, "KUP", day, device,
                              "called", f"{device}-t{i}", json.dumps({"counter": 1})))
        for first in range(0, len(rows), 1000):
            hub.ingest(who, rows[first:first + 1000], now, now)
    hub.close()


def store_read_ms(db: Path, times: int = 50) -> float:
    from kiosk.clock import utc_now
    from kiosk.hub.store import HubStore

    hub = HubStore.open(db)
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        assert hub.public_quota("KUP", utc_now()) is not None
        spent.append(time.perf_counter() - started)
    hub.close()
    return round(statistics.median(spent) * 1000, 2)


def serve(db: Path, cache_s: float, limited: bool) -> None:
    """The child: a hub on a free port; prints the port, serves until killed."""
    from kiosk.hub.app import HubServer
    from kiosk.hub.store import HubStore
    from kiosk.public.ratelimit import DEFAULT_LIMIT, NO_LIMIT

    server = HubServer(HubStore.open(db), public_cache_s=cache_s,
                       public_limit=DEFAULT_LIMIT if limited else NO_LIMIT)
    print(server.port, flush=True)
    server.serve_forever()


class Hub:
    def __init__(self, db: Path, cache_s: float, limited: bool = False) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(db), "--cache-s", str(cache_s)]
            + (["--limited"] if limited else []), stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


async def client(port: int, path: str, until: float, tally: dict[int, int],
                 latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: hub\r\n\r\n".encode()
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            tally[status] = tally.get(status, 0) + 1
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def load(port: int, path: str, clients: int, seconds: float) -> dict:
    tally: dict[int, int] = {}
    latencies: list[float] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(port, path, until, tally, latencies) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"rps": sum(tally.values()) / elapsed, "status": tally,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, default=2000, help="issued tickets today")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--cache-s", type=float, default=2.0, help=argparse.SUPPRESS)
    parser.add_argument("--limited", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve), args.cache_s, args.limited)
        return 0
    clients = max(1, min(args.clients, 500))
    seconds = min(max(args.seconds, 0.5), 30.0)
    rounds = max(1, min(args.rounds, 10))

    with tempfile.TemporaryDirectory(prefix="public-quota-") as folder:
        db = Path(folder) / "hub.db"
        fill(db, max(0, min(args.events, 100_000)))
        read_ms = store_read_ms(db)
        runs: dict[str, list[dict]] = {"health": [], "json": [], "html": [], "json_nocache": []}
        hub, cold = Hub(db, 2.0), Hub(db, 0.0)
        try:
            for _ in range(rounds):
                for name, port, path in (("health", hub.port, HEALTH),
                                         ("json", hub.port, JSON_PATH),
                                         ("html", hub.port, HTML_PATH),
                                         ("json_nocache", cold.port, JSON_PATH)):
                    runs[name].append(asyncio.run(load(port, path, clients, seconds)))
        finally:
            hub.close()
            cold.close()
        limited_hub = Hub(db, 2.0, limited=True)
        try:
            limited = asyncio.run(load(limited_hub.port, JSON_PATH, clients, seconds))
            # Right after the flood: the hub still answers its kiosks at once.
            health_during = asyncio.run(load(limited_hub.port, HEALTH, 1, 0.5))
        finally:
            limited_hub.close()

    medians = {name: round(statistics.median(r["rps"] for r in results))
               for name, results in runs.items()}
    p50 = {name: round(statistics.median(r["p50_ms"] for r in results), 2)
           for name, results in runs.items()}
    bad = {name: sum(n for r in results for s, n in r["status"].items() if s != 200)
           for name, results in runs.items()}
    base = medians["health"] or 1
    print(f"{clients} concurrent clients, {rounds} rounds of {seconds:g} s each, "
          f"{args.events} tickets today (median requests/s, median latency):")
    for name in runs:
        print(f"  {name:12s} {medians[name]:7d}/s  p50 {p50[name]:7.2f} ms  "
              f"x{medians[name] / base:.2f} of health  non-200: {bad[name]}")
    print(f"  store_read  {read_ms} ms per read of the office's figures")
    print(f"  default rate limit, one address: {limited['rps']:.0f} answers/s, "
          f"status {limited['status']}; /health then {health_during['status']}")
    result = {
        "bench": "public_quota", "clients": clients, "seconds": seconds, "rounds": rounds,
        "events": args.events, "cpus": os.cpu_count(),
        "rps_median": medians, "p50_ms": p50, "non_200": bad,
        "ratio_json_to_health": round(medians["json"] / base, 3),
        "ratio_html_to_health": round(medians["html"] / base, 3),
        "ratio_json_nocache_to_health": round(medians["json_nocache"] / base, 3),
        "store_read_ms": read_ms,
        "limited": {"rps": round(limited["rps"]), "status": limited["status"],
                    "health_after": health_during["status"]},
    }
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
