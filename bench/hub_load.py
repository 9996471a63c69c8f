"""The hub under national load (issue 16, item 5): 1,000 kiosks against `kiosk hub serve`.

An immigration directorate has ~125 offices with several kiosks each. Every simulated
kiosk has its own token, device and keep-alive connection and speaks the sync
protocol as kiosk/sync/hub_client.py does (same paths, headers, protocol stamp and
bodies): every ``--pull-every`` seconds it pulls settings and then bookings from its
cursor, every ``--push-every`` seconds it pushes a batch of ``--batch`` events (issued
tickets). The kiosks start spread evenly over one pull period. Requests keep their
schedule (a kiosk that falls behind sends the next one at once and counts as late).

The hub is the real `kiosk hub serve` in its own process(es), on SQLite and on
PostgreSQL (a throwaway server like tests/test_hub_postgres.py starts, or --pg URL);
``--workers N`` runs N hub processes on one PostgreSQL, the kiosks spread over them
as a TCP load balancer would (docs/install.md, "Several hub workers").

Baseline (same run): one kiosk alone on the idle hub, the same requests one at a time.

Anchor: the Service BC queue system's own load test (bcgov/queue-management,
tests/loadtesting, 2020): 28.5 requests/s at 200 users, p99 17.9 s; 504s at 400 users.

Run: .venv/bin/python bench/hub_load.py [--kiosks 1000] [--duration 300] [--quick]
     [--stores sqlite,postgresql] [--workers 1,2] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from kiosk.clock import utc_now  # noqa: E402
from kiosk.hub.store import HubStore  # noqa: E402
from kiosk.store.ids import new_id  # noqa: E402
from kiosk.sync.protocol import PREFIX, PROTOCOL_VERSION, Event, push_request_json  # noqa: E402
from kiosk.sync.worker import BOOKINGS_PAGE  # noqa: E402

ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
HUB_KEY = os.urandom(32)
SALT = os.urandom(16)
ANCHOR = {"source": "bcgov/queue-management tests/loadtesting (2020)", "users": 200,
          "requests_per_s": 28.5, "p99_ms": 17900, "failed_at_users": 400}


# --- the hub ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_postgres(folder: Path) -> tuple[str, list[str]]:
    """initdb + pg_ctl in ``folder`` (as tests/test_hub_postgres.py); (url, stop command)."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        raise RuntimeError("no PostgreSQL here: pass --pg postgresql://...")
    bin_dir = Path(initdb[-1]).parent
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        pwd.getpwnam("postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "-E", "UTF8"], check=True, capture_output=True,
                   timeout=120)
    # fsync stays on: the hub's acknowledgements are measured as durable as on a server.
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "log"), "-w", "-o",
                    f"-k {folder} -c listen_addresses='' -c max_connections=400", "start"],
                   check=True, capture_output=True, timeout=120)
    stop = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return f"postgresql://postgres@/postgres?host={folder}", stop


@dataclass
class Fleet:
    """The offices and kiosks in the hub's store: (device, token) of every kiosk."""

    kiosks: list[tuple[str, str]]
    offices: int


def prepare_store(target: str, kiosks: int, offices: int, bookings_per_office: int) -> Fleet:
    store = HubStore.open(target, HUB_KEY)
    fleet = []
    now = utc_now()
    day = now.date().isoformat()
    for index in range(offices):
        code = f"KI{index:03d}"
        store.add_office(code, f"Kantor Imigrasi {index}", ZONES[index % 3], SALT)
        rows = [{"code": f"{code}{n:04d}"[-8:], "office": code, "date": day,
                 "slot_start": "09:00", "slot_end": "10:00",
                 "applicants": [{"nickname": "Budi", "nik": "5371014405900003"}]}
                for n in range(bookings_per_office)]
        if rows:
            store.import_bookings(code, json.dumps(rows), now)
    for n in range(kiosks):
        office = f"KI{n % offices:03d}"
        device = f"{office}-K{n // offices + 1}"
        fleet.append((device, store.add_token("kiosk", office, device)))
    store.close()
    return Fleet(fleet, offices)


@contextlib.contextmanager
def hub_processes(target: str, key_file: Path, workers: int):
    """`kiosk hub serve` × ``workers``, each on its own port; yields URLs and processes."""
    procs, urls = [], []
    env = {**os.environ, "KIOSK_HUB_DB": target}
    # A file, not a pipe nobody reads: a hub logging many errors would block on a full pipe.
    log = key_file.parent / f"hub-{time.monotonic_ns()}.log"
    try:
        for _ in range(workers):
            port = free_port()
            with log.open("a") as sink:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "kiosk.cli", "hub", "serve", "--listen",
                     f"127.0.0.1:{port}", "--key-file", str(key_file)], cwd=ROOT, env=env,
                    stdout=subprocess.DEVNULL, stderr=sink))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for url, proc in zip(urls, procs, strict=True):
            while True:
                try:
                    if httpx.get(url + PREFIX + "/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"hub did not start: {log.read_text()[-500:]}")
                time.sleep(0.1)
        yield urls, procs
        errors = [line for line in log.read_text().splitlines() if "Error" in line]
        if errors:
            print(f"           hub log: {len(errors)} error lines, e.g. {errors[-1][:200]}",
                  flush=True)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the kiosks ---------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> ms
    errors: dict[str, int] = field(default_factory=dict)  # "kind status/exception" -> n
    late: int = 0  # requests sent after their time because the kiosk was still waiting
    events: int = 0

    def ok(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def error(self, kind: str, what: str) -> None:
        key = f"{kind} {what}"
        self.errors[key] = self.errors.get(key, 0) + 1


def events_batch(device: str, office: str, start_seq: int, count: int) -> list[Event]:
    now = utc_now()
    day = now.date().isoformat()
    batch = []
    for n in range(count):
        seq = start_seq + n
        payload = json.dumps({"lane": "A", "number": seq, "label": f"A{seq:03d}"},
                             separators=(",", ":"), sort_keys=True)
        batch.append(Event(new_id(device), seq, now.isoformat(), office, day, device,
                           "issued", new_id(device), payload))
    return batch


class Connection:
    """One kiosk's keep-alive HTTP/1.1 connection, the bytes httpx would send.

    Written on asyncio streams rather than with httpx.AsyncClient: a thousand httpx
    clients cost this 2-core machine as much CPU as the hub under test, and the
    load generator must not be what is measured.
    """

    def __init__(self, url: str, token: str) -> None:
        host_port = url.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.head = (f"Host: {host_port}\r\nAuthorization: Bearer {token}\r\n"
                     "User-Agent: antrian-kiosk-sync/1\r\nAccept: */*\r\n")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None = None
                      ) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        extra = (f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                 if body is not None else "")
        self.writer.write(f"{method} {PREFIX}{path} HTTP/1.1\r\n{self.head}{extra}\r\n"
                          .encode("ascii") + (body or b""))
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            self.close()
            raise ConnectionResetError("the hub closed the connection") from None
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


async def one_kiosk(url: str, device: str, token: str, start_at: float, stop_at: float,
                    pull_every: float, push_every: float, batch: int, tally: Tally,
                    push_offset: float) -> None:
    office = device.split("-")[0]
    conn = Connection(url, token)
    cursor, seq = 0, 1
    # Pushes spread over their own period too, by the kiosk's place in the fleet.
    next_pull, next_push = start_at, start_at + push_offset

    async def timed(kind: str, method: str, path: str, body: bytes | None = None
                    ) -> dict | None:
        began = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(conn.request(method, path, body), 10.0)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            conn.close()
            tally.error(kind, type(exc).__name__)
            return None
        ms = (time.perf_counter() - began) * 1000
        if status != 200:
            tally.error(kind, str(status))
            return None
        tally.ok(kind, ms)
        return json.loads(data)

    try:
        while True:
            now = time.monotonic()
            due = min(next_pull, next_push)
            if due >= stop_at:
                return
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > 0.5:
                tally.late += 1
            if next_pull <= next_push:
                next_pull += pull_every
                await timed("settings", "GET", f"/settings?protocol={PROTOCOL_VERSION}")
                page = await timed("bookings", "GET", f"/bookings?protocol={PROTOCOL_VERSION}"
                                   f"&cursor={cursor}&limit={BOOKINGS_PAGE}")
                if page is not None:
                    cursor = max(cursor, int(page.get("cursor", cursor)))
            else:
                next_push += push_every
                body = json.dumps(push_request_json(device, utc_now(), events_batch(
                    device, office, seq, batch)), separators=(",", ":")).encode("utf-8")
                if await timed("push", "POST", "/events", body) is not None:
                    seq += batch
                    tally.events += batch
    finally:
        conn.close()


async def fleet_load(urls: list[str], fleet: Fleet, duration: float, pull_every: float,
                     push_every: float, batch: int) -> tuple[Tally, float]:
    tally = Tally()
    begin = time.monotonic() + 1.0
    stop_at = begin + duration
    count = len(fleet.kiosks)
    tasks = [one_kiosk(urls[n % len(urls)], device, token, begin + pull_every * n / count,
                       stop_at, pull_every, push_every, batch, tally, push_every * n / count)
             for n, (device, token) in enumerate(fleet.kiosks)]
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    return tally, time.perf_counter() - started


async def idle_baseline(url: str, fleet: Fleet, rounds: int) -> dict[str, float]:
    """One kiosk alone: the same requests one at a time, medians in ms."""
    device, token = fleet.kiosks[0]
    office = device.split("-")[0]
    times: dict[str, list[float]] = {"settings": [], "bookings": [], "push": []}
    conn = Connection(url, token)
    for n in range(rounds):
        body = json.dumps(push_request_json(device, utc_now(), events_batch(
            device, office, 10_000 + n * 10, 10))).encode("utf-8")
        for kind, method, path, data in (
                ("settings", "GET", f"/settings?protocol={PROTOCOL_VERSION}", None),
                ("bookings", "GET", f"/bookings?protocol={PROTOCOL_VERSION}&cursor=0"
                                    f"&limit={BOOKINGS_PAGE}", None),
                ("push", "POST", "/events", body)):
            began = time.perf_counter()
            status, _ = await conn.request(method, path, data)
            if status != 200:
                raise RuntimeError(f"idle {kind}: HTTP {status}")
            times[kind].append((time.perf_counter() - began) * 1000)
    conn.close()
    return {kind: round(statistics.median(v), 2) for kind, v in times.items()}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0


def summary(tally: Tally, elapsed: float) -> dict:
    every = [ms for values in tally.latencies.values() for ms in values]
    requests = len(every) + sum(tally.errors.values())
    return {"requests": requests, "requests_per_s": round(requests / elapsed, 1),
            "p50_ms": pct(every, 0.50), "p95_ms": pct(every, 0.95), "p99_ms": pct(every, 0.99),
            "max_ms": pct(every, 1.0), "errors": sum(tally.errors.values()),
            "error_kinds": tally.errors, "late": tally.late, "events_stored": tally.events,
            "by_kind": {kind: {"n": len(v), "p50_ms": pct(v, 0.5), "p99_ms": pct(v, 0.99)}
                        for kind, v in sorted(tally.latencies.items())}}


def run_one(name: str, target: str, workers: int, args, key_file: Path) -> dict:
    fleet = prepare_store(target, args.kiosks, args.offices, args.bookings)
    with hub_processes(target, key_file, workers) as (urls, procs):
        baseline = asyncio.run(idle_baseline(urls[0], fleet, 30))
        cpu_before = sum(cpu_seconds(p.pid) for p in procs)
        own_before = time.process_time()
        tally, elapsed = asyncio.run(fleet_load(urls, fleet, args.duration, args.pull_every,
                                                args.push_every, args.batch))
        hub_cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
        kiosks_cpu = time.process_time() - own_before
    result = {"store": name, "workers": workers, "kiosks": args.kiosks,
              "duration_s": args.duration, "idle_median_ms": baseline, **summary(tally, elapsed)}
    result["hub_cpu_ms_per_request"] = round(hub_cpu * 1000 / max(1, result["requests"]), 2)
    result["hub_cores_busy"] = round(hub_cpu / elapsed, 2)
    result["kiosks_cores_busy"] = round(kiosks_cpu / elapsed, 2)  # the load generator itself
    idle = statistics.median(baseline.values()) if baseline else 0
    result["p50_vs_idle"] = round(result["p50_ms"] / idle, 1) if idle else None
    result["meets_aim"] = result["p99_ms"] < 100 and result["errors"] == 0
    print(f"{name:<10} workers={workers} kiosks={args.kiosks}: "
          f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']} ms, p95 "
          f"{result['p95_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
          f"errors {result['errors']}, late {result['late']}; idle medians {baseline} "
          f"(p50 under load = {result['p50_vs_idle']}x idle); hub CPU "
          f"{result['hub_cpu_ms_per_request']} ms/request, {result['hub_cores_busy']} cores "
          f"(the simulated kiosks: {result['kiosks_cores_busy']} cores)",
          flush=True)
    print(f"           by kind: {result['by_kind']}", flush=True)
    if result["errors"]:
        print(f"           errors: {result['error_kinds']}", flush=True)
    return result


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))  # run the clean-up below
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--offices", type=int, default=125)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--pull-every", type=float, default=5.0)
    parser.add_argument("--push-every", type=float, default=30.0)
    parser.add_argument("--batch", type=int, default=10, help="events per push")
    parser.add_argument("--bookings", type=int, default=20, help="bookings per office")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1", help="hub processes, e.g. 1,2 "
                        "(more than 1: PostgreSQL only)")
    parser.add_argument("--pg", help="a PostgreSQL server URL (default: a throwaway one)")
    parser.add_argument("--quick", action="store_true",
                        help="200 kiosks for 20 s: a smoke run, not the figures")
    args = parser.parse_args()
    if args.quick:
        args.kiosks, args.offices, args.duration = 200, 25, 20.0
    folder = Path(tempfile.mkdtemp(prefix="hub-load-"))
    key_file = folder / "hub_key"
    key_file.write_text(HUB_KEY.hex())
    key_file.chmod(0o600)
    load = args.kiosks * (2 / args.pull_every + 1 / args.push_every)
    print(f"hub load: {args.kiosks} kiosks of {args.offices} offices, {load:.0f} requests/s "
          f"offered, {args.duration:g} s each; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start (other work shares this machine)", flush=True)
    results, stop, pg_root = [], None, None
    try:
        for name in args.stores.split(","):
            for workers in [int(w) for w in args.workers.split(",")]:
                if name == "sqlite":
                    if workers > 1:
                        continue  # one writer: several processes only queue on its lock
                    target = str(folder / f"hub-{time.monotonic_ns()}.db")
                else:
                    if args.pg is None and pg_root is None:
                        pg_root = Path(tempfile.mkdtemp(prefix="hub-load-pg-"))
                        args.pg, stop = throwaway_postgres(pg_root)
                    target = fresh_database(args.pg)
                results.append(run_one(name, target, workers, args, key_file))
    finally:
        if stop:
            subprocess.run(stop, capture_output=True, timeout=60)
        if pg_root:
            shutil.rmtree(pg_root, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"anchor: {ANCHOR['requests_per_s']} req/s at {ANCHOR['users']} users, p99 "
          f"{ANCHOR['p99_ms'] / 1000:g} s, 504s at {ANCHOR['failed_at_users']} users "
          f"({ANCHOR['source']})")
    print(json.dumps({"bench": "hub_load", "kiosks": args.kiosks, "duration_s": args.duration,
                      "offered_per_s": round(load, 1), "anchor": ANCHOR,
                      "load_average_end": round(os.getloadavg()[0], 2),
                      "runs": [{k: v for k, v in r.items() if k not in ("by_kind",
                                                                        "error_kinds")}
                               for r in results]}))


def fresh_database(server_url: str) -> str:
    import psycopg

    name = f"hub_load_{time.monotonic_ns()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base, _, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


if __name__ == "__main__":
    main()
