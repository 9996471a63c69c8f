"""Sync catch-up and hub ingest, against bare SQLite inserts of the same rows.

1. Catch-up: a kiosk that was offline all day pushes its outbox (500, 5,000,
   50,000 events) to a real hub on 127.0.0.1 (uvicorn, SQLite store, FULL
   sync) with the real client, in batches of 500, then pulls settings and
   bookings. The floor is inserting the same rows into a bare SQLite table
   with the same pragmas and the same batch commits, in the same run.
2. Ingest: several kiosks push at once; events stored per second at the hub,
   against the bare single-writer insert rate.

Run: .venv/bin/python bench/sync.py [--kiosks 4] [--per-kiosk 5000] [--pg URL]
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import store  # noqa: E402
from kiosk.clock import utc_now  # noqa: E402
from kiosk.config import SyncConfig, load_config  # noqa: E402
from kiosk.hub.app import HubServer  # noqa: E402
from kiosk.hub.store import HubStore  # noqa: E402
from kiosk.store.ids import new_id  # noqa: E402
from kiosk.sync.status import pending_events  # noqa: E402
from kiosk.sync.worker import SyncWorker  # noqa: E402

BATCH = 500
DAY = "2026-11-25"


def event_rows(device: str, count: int) -> list[tuple]:
    """A realistic outbox: issued/printed pairs with small JSON payloads."""
    rows = []
    for n in range(count):
        kind = "issued" if n % 2 == 0 else "printed"
        payload = json.dumps({"lane": "A", "number": n // 2 + 1, "label": f"A{n // 2 + 1:03d}"},
                             separators=(",", ":"), sort_keys=True)
        rows.append((new_id(device), f"2026-11-25T{1 + n // 36000:02d}:00:00+00:00", "KUP", DAY,
                     device, kind, new_id(device) if kind == "issued" else None, payload))
    return rows


def offline_kiosk(path: Path, device: str, count: int):
    db = store.connect(path)
    with store.immediate(db) as conn:
        conn.executemany("INSERT INTO events (id, at, office_code, office_day, device_id, kind,"
                         " ticket_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         event_rows(device, count))
    return db


def bare_inserts(folder: Path, rows: list[tuple]) -> float:
    """The floor: the same rows into a bare table, one durable commit per batch."""
    path = folder / f"bare-{time.monotonic_ns()}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE events (id TEXT PRIMARY KEY, at TEXT, office_code TEXT,"
                 " office_day TEXT, device_id TEXT, kind TEXT, ticket_id TEXT, payload TEXT)")
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         rows[i:i + BATCH])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


class Bench:
    def __init__(self, folder: Path, target: str) -> None:
        self.folder = folder
        self.hub = HubStore.open(target)
        self.hub.add_office("KUP", "Kupang", "Asia/Makassar")
        self.server = HubServer(self.hub).start()
        base = load_config(ROOT / "config" / "kiosk.toml")
        self.base = dataclasses.replace(base, database=folder / "unused.db")
        self.n = 0

    def kiosk(self, count: int):
        self.n += 1
        device = f"KUP-B{self.n}"
        token = self.hub.add_token("kiosk", "KUP", device)
        db = offline_kiosk(self.folder / f"{device}.db", device, count)
        office = dataclasses.replace(self.base.office, device_id=device)
        config = dataclasses.replace(self.base, office=office, sync=SyncConfig(
            hub_url=self.server.url, token=token, batch_size=BATCH, timeout_s=60))
        return SyncWorker(config, db), db

    def close(self) -> None:
        self.server.close()
        self.hub.close()


def catch_up(bench: Bench, count: int) -> tuple[float, float]:
    worker, db = bench.kiosk(count)
    start = time.perf_counter()
    report = worker.sync_once()
    elapsed = time.perf_counter() - start
    assert report.ok and report.pushed == count and pending_events(db) == 0, report.error
    worker.client.close()
    db.close()
    return elapsed, bare_inserts(bench.folder, event_rows("KUP-BARE", count))


def ingest(bench: Bench, kiosks: int, per_kiosk: int) -> tuple[float, float]:
    workers = [bench.kiosk(per_kiosk) for _ in range(kiosks)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.sync_once()))
               for w, _ in workers]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    assert all(r.ok for r in reports), [r.error for r in reports]
    for worker, db in workers:
        worker.client.close()
        db.close()
    total = kiosks * per_kiosk
    bare = bare_inserts(bench.folder, event_rows("KUP-BARE", total))
    return total / elapsed, total / bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--per-kiosk", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the small sizes")
    parser.add_argument("--pg", help="also measure ingest on this PostgreSQL URL (a scratch "
                        "database: the hub creates its tables there)")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-", dir=ROOT / "var"))  # a real disk
    figures: dict = {"bench": "sync", "batch": BATCH}
    try:
        bench = Bench(folder, str(folder / "hub.db"))
        try:
            catch_up(bench, 200)  # warm-up: imports, connections, page cache
            sizes = [int(s) for s in args.sizes.split(",")]
            first = None
            for size in sizes:
                runs = [catch_up(bench, size) for _ in range(args.repeat if size <= 5000 else 1)]
                sync_s = statistics.median(r[0] for r in runs)
                bare_s = statistics.median(r[1] for r in runs)
                per_event_us = sync_s / size * 1e6
                first = first or per_event_us
                figures[f"catch_up_{size}_s"] = round(sync_s, 3)
                figures[f"bare_insert_{size}_s"] = round(bare_s, 3)
                figures[f"catch_up_{size}_ratio"] = round(sync_s / bare_s, 1)
                figures[f"catch_up_{size}_us_per_event"] = round(per_event_us, 1)
                print(f"catch-up {size:>6} events: {sync_s:7.3f} s ({per_event_us:6.1f} us/event,"
                      f" x{per_event_us / first:.2f} per event vs {sizes[0]});"
                      f" bare inserts {bare_s:6.3f} s; ratio {sync_s / bare_s:.1f}")
            rate, bare_rate = ingest(bench, args.kiosks, args.per_kiosk)
            figures.update(ingest_kiosks=args.kiosks, ingest_events=args.kiosks * args.per_kiosk,
                           ingest_events_per_s=round(rate), bare_insert_events_per_s=round(
                               bare_rate), ingest_ratio=round(bare_rate / rate, 1))
            print(f"hub ingest, {args.kiosks} kiosks x {args.per_kiosk} at once (SQLite):"
                  f" {rate:,.0f} events/s; bare inserts {bare_rate:,.0f}/s;"
                  f" ratio {bare_rate / rate:.1f}")
        finally:
            bench.close()
        if args.pg:
            pg = Bench(folder, args.pg)
            try:
                rate, bare_rate = ingest(pg, args.kiosks, args.per_kiosk)
            finally:
                pg.close()
            figures["pg_ingest_events_per_s"] = round(rate)
            print(f"hub ingest on PostgreSQL: {rate:,.0f} events/s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["when"] = utc_now().isoformat(timespec="seconds")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
