"""The hub on PostgreSQL (national scale): the same behaviour as on SQLite.

Where PostgreSQL comes from, in order: $KIOSK_TEST_PG_URL (any server you
point it at; each test makes and drops its own database), else a throwaway
server started here from Debian's postgresql binaries (initdb in a temporary
folder, a Unix socket only, stopped afterwards). Without either the tests are
skipped, and the reason says how to run them.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import pwd
import random
import secrets
import shutil
import subprocess
import tempfile
import threading
from datetime import date
from pathlib import Path

import pytest

from kiosk import store
from kiosk.hub.app import HubServer
from kiosk.hub.store import HubStore
from kiosk.sync.hub_client import HubClient
from kiosk.sync.protocol import LeaseRequest
from kiosk.sync.status import pending_events
from kiosk.sync.worker import SyncWorker, prepare_store
from tests.conftest import MovableClock
from tests.sync_harness import HUB_KEY, SALT_HEX, FaultProxy, synced
from tests.test_sync_push import add_events, kiosk_events

psycopg = pytest.importorskip("psycopg")
TODAY = date(2026, 11, 25)


def _throwaway_server(folder: Path) -> tuple[str, list[str]]:
    """initdb + pg_ctl start in ``folder``; returns (url, the stop command)."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        pytest.skip("no PostgreSQL: set KIOSK_TEST_PG_URL=postgresql://... or install Debian's "
                    "postgresql (apt-get install postgresql) to run these tests")
    bin_dir = Path(initdb[-1]).parent
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to start PostgreSQL")
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "log"), "-w", "-o",
                    f"-k {folder} -c listen_addresses='' -c fsync=off", "start"],
                   check=True, capture_output=True, timeout=120)
    stop = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return f"postgresql://postgres@/postgres?host={folder}", stop


@pytest.fixture(scope="module")
def pg_server():
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if url:
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    try:
        url, stop = _throwaway_server(folder)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL ({exc}); set KIOSK_TEST_PG_URL")
    try:
        yield url
    finally:
        subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str):
    """A fresh database on the server for one test."""
    name = f"kiosk_hub_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base, _, query = pg_server.partition("?")
    prefix = base.rsplit("/", 1)[0]
    yield f"{prefix}/{name}" + (f"?{query}" if query else "")
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_hub(pg_url: str):
    hub_store = HubStore.open(pg_url, HUB_KEY)
    assert hub_store.kind == "postgresql"
    hub_store.add_office("KUP", "Kupang", "Asia/Makassar", bytes.fromhex(SALT_HEX))
    server = HubServer(hub_store).start()
    yield hub_store, server
    server.close()
    hub_store.close()


def test_push_with_faults_stores_each_event_once(pg_hub, config, db, clock) -> None:
    hub_store, server = pg_hub
    token = hub_store.add_token("kiosk", "KUP", "KUP-PG1")
    cfg = synced(config, server.url, token, "KUP-PG1")
    add_events(db, cfg, clock, 20)
    proxy = FaultProxy(server.port)
    try:
        worker = SyncWorker(synced(config, proxy.url, token, "KUP-PG1", batch_size=4), db,
                            clock=clock, client=HubClient(proxy.url, token, 5.0))
        for faults in (["duplicate", "reset_after"], ["pass", "http500_after"],
                       ["truncate"], []):
            proxy.faults.extend(faults)
            worker.sync_once()
        proxy.idle()
        assert worker.sync_once().ok
        worker.client.close()
    finally:
        proxy.close()
    assert pending_events(db) == 0
    assert set(hub_store.event_ids("KUP", "KUP-PG1")) == set(kiosk_events(db))


def test_concurrent_pushes_of_the_same_batches_store_them_once(pg_hub, config, tmp_path,
                                                               clock) -> None:
    hub_store, server = pg_hub
    token = hub_store.add_token("kiosk", "KUP", "KUP-PG2")
    cfg = synced(config, server.url, token, "KUP-PG2")
    db = store.connect(tmp_path / "k.db")
    add_events(db, cfg, clock, 60)
    workers = [SyncWorker(dataclasses.replace(cfg, sync=dataclasses.replace(
        cfg.sync, batch_size=7)), store.connect(tmp_path / "k.db"), clock=clock)
        for _ in range(4)]
    threads = [threading.Thread(target=w.sync_once) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for worker in workers:
        worker.client.close()
        worker.db.close()
    assert sorted(hub_store.event_ids("KUP", "KUP-PG2")) == sorted(kiosk_events(db))
    db.close()


def test_bookings_settings_and_leases_on_postgresql(pg_hub, config, clock: MovableClock,
                                                    tmp_path) -> None:
    hub_store, server = pg_hub
    rows = [{"code": f"PGB{i:04d}", "office": "KUP", "date": "2026-11-25",
             "slot_start": "09:00", "slot_end": "10:00",
             "applicants": [{"nickname": "Budi", "nik": f"{5371014405900000 + i}"}]}
            for i in range(30)]
    assert hub_store.import_bookings("KUP", json.dumps(rows), clock()).added == 30
    rows[3]["status"] = "cancelled"
    assert hub_store.import_bookings("KUP", json.dumps(rows), clock()).cancelled == 1
    hub_store.set_settings("KUP", {"caps": {"A": 25}, "lease_block": 5})
    token = hub_store.add_token("kiosk", "KUP", "KUP-PG3")
    cfg = dataclasses.replace(synced(config, server.url, token, "KUP-PG3", leases=True,
                                     lease_block=5, lease_low_water=2),
                              database=tmp_path / "k3.db")
    db = store.connect(cfg.database)
    prepare_store(cfg, db)
    worker = SyncWorker(cfg, db, clock=clock)
    report = worker.sync_once()
    assert report.ok, report.error
    assert report.bookings == 30 and report.leased == 5 and report.settings_version == 1
    assert db.execute("SELECT status FROM bookings WHERE code = 'PGB0003'").fetchone()[0] == \
        "cancelled"
    worker.client.close()
    db.close()
    # Many kiosks asking at once never get the same number, and never more than the cap.
    principals = []
    for n in range(6):
        principals.append(hub_store.identify(hub_store.add_token("kiosk", "KUP", f"KUP-L{n}")))
    grants: list[tuple[int, ...]] = []

    def ask(who) -> None:
        for _ in range(4):
            request = LeaseRequest(secrets.token_hex(8), TODAY, "A", random.randint(1, 5), 0)
            grants.append(hub_store.grant_lease(who, request, clock()).numbers)

    threads = [threading.Thread(target=ask, args=(who,)) for who in principals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    numbers = [n for grant in grants for n in grant] + list(range(1, 6))  # KUP-PG3 has 1-5
    assert len(numbers) == len(set(numbers)) and sorted(numbers) == list(range(1, 26))


def test_releasing_a_dead_kiosks_numbers_on_postgresql(pg_hub, clock: MovableClock) -> None:
    from datetime import timedelta

    from kiosk.hub.store import HubError
    from kiosk.store.ids import new_id
    from kiosk.sync.protocol import Event

    hub_store, _ = pg_hub
    hub_store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    dead = hub_store.identify(hub_store.add_token("kiosk", "KUP", "KUP-PGD"))
    other = hub_store.identify(hub_store.add_token("kiosk", "KUP", "KUP-PGO"))
    assert hub_store.grant_lease(dead, LeaseRequest("dead-0001", TODAY, "A", 10, 0),
                                 clock()).numbers == tuple(range(1, 11))
    issued = [Event(new_id("KUP-PGD"), n, clock().isoformat(), "KUP", TODAY.isoformat(),
                    "KUP-PGD", "issued", new_id("KUP-PGD"),
                    json.dumps({"lane": "A", "number": n, "label": f"A{n:03d}"}))
              for n in (1, 2)]
    hub_store.ingest(dead, issued, clock(), clock())
    with pytest.raises(HubError) as refused:
        hub_store.release_device("KUP", "KUP-PGD", TODAY, "A", clock())
    assert refused.value.code == "device_active"
    later = clock() + timedelta(minutes=11)
    release = hub_store.release_device("KUP", "KUP-PGD", None, "A", later, by="pg test")
    assert release.released == tuple(range(3, 11)) and release.kept_used == (1, 2)
    assert release.office_day == TODAY  # 09:00 in Kupang
    again = hub_store.release_device("KUP", "KUP-PGD", TODAY, "A", later)
    assert again.released == ()
    assert [r["numbers"] for r in hub_store.lease_releases("KUP", TODAY)] == [
        list(range(3, 11))]
    assert hub_store.grant_lease(other, LeaseRequest("other-0001", TODAY, "A", 10, 0),
                                 later).numbers == tuple(range(3, 13))
    back = hub_store.grant_lease(dead, LeaseRequest("dead-0001", TODAY, "A", 10, 0), later)
    # A retried request: only what it still holds (1, 2, on tickets); 3-10 are not its own.
    assert back.numbers == (1, 2) and back.released == tuple(range(3, 11))


def test_public_quota_figures_on_postgresql(pg_hub, clock: MovableClock) -> None:
    """The public page's store read (docs/public-quota.md) is the same SQL on PostgreSQL."""
    import httpx

    from kiosk.store.ids import new_id
    from kiosk.sync.protocol import Event

    hub_store, server = pg_hub
    hub_store.set_settings("KUP", {"caps": {"A": 3, "P": None}})
    kiosk = hub_store.identify(hub_store.add_token("kiosk", "KUP", "KUP-PGQ"))
    issued = [Event(new_id("KUP-PGQ"), n, clock().isoformat(), "KUP", TODAY.isoformat(),
                    "KUP-PGQ", "issued", new_id("KUP-PGQ"),
                    json.dumps({"lane": "A", "number": n, "label": f"A{n:03d}"}))
              for n in (1, 2, 3)]
    hub_store.ingest(kiosk, issued, clock(), clock())
    quota = hub_store.public_quota("KUP", clock())
    assert quota is not None and quota.day == TODAY and quota.last_data_at == clock()
    walkin = quota.services[0]
    assert (walkin.code, walkin.cap, walkin.issued, walkin.left) == ("A", 3, 3, 0)
    assert walkin.ran_out_at == clock()
    assert hub_store.public_quota("KUP' OR '1'='1", clock()) is None
    # Served too (the server's day is the machine's: only that it answers is checked here).
    answer = httpx.get(f"{server.url}/public/v1/offices/KUP/today", timeout=10)
    assert answer.status_code == 200 and answer.json()["office"]["code"] == "KUP"


def test_the_postgresql_store_keeps_the_nik_salt_sealed(pg_hub, pg_url: str) -> None:
    hub_store, _ = pg_hub
    with psycopg.connect(pg_url) as conn:
        stored = conn.execute("SELECT nik_salt FROM offices WHERE code = 'KUP'").fetchone()[0]
    assert stored.startswith("v1:") and SALT_HEX not in stored.lower()
    assert hub_store.settings("KUP")[2] == bytes.fromhex(SALT_HEX)


def test_worker_threads_coming_and_going_do_not_leak_connections(pg_hub, pg_url) -> None:
    # uvicorn's thread pool retires idle threads; one connection per thread ever seen
    # exhausted PostgreSQL's max_connections under bench/hub_load.py.
    hub_store, _ = pg_hub
    token = hub_store.add_token("kiosk", "KUP", "KUP-PG9")
    for _ in range(60):
        thread = threading.Thread(target=lambda: hub_store.identify(token))
        thread.start()
        thread.join()
    with psycopg.connect(pg_url) as conn:
        open_here = conn.execute("SELECT count(*) FROM pg_stat_activity"
                                 " WHERE datname = current_database()").fetchone()[0]
    assert open_here <= 3  # the pool's one or two, and this check's own


def test_refusals_and_conflicts_on_postgresql(pg_hub, clock: MovableClock) -> None:
    """Issue 16's checks of a push are the same SQL on PostgreSQL (kiosk/hub/event_checks.py)."""
    import dataclasses

    from kiosk.store.ids import new_id
    from kiosk.sync.protocol import Event

    hub_store, _ = pg_hub
    kiosk = hub_store.identify(hub_store.add_token("kiosk", "KUP", "KUP-PGK"))

    def made(kind: str, payload: dict) -> Event:
        return Event(new_id("KUP-PGK"), 1, clock().isoformat(), "KUP", TODAY.isoformat(),
                     "KUP-PGK", kind, None, json.dumps(payload, sort_keys=True))

    ticket = made("issued", {"lane": "B", "number": 1, "label": "B001"})
    backed = made("booking_checked_in", {"code": "AB12CD34", "labels": ["B001"]})
    forged = made("booking_checked_in", {"code": "ZZ12CD34", "labels": ["B009"]})
    result = hub_store.ingest(kiosk, [ticket, backed, forged], clock(), clock())
    assert result.stored == 2 and [i for i, _ in result.refused] == [forged.id]
    changed = dataclasses.replace(ticket, payload=json.dumps({"lane": "B", "number": 2}))
    for _ in range(2):
        result = hub_store.ingest(kiosk, [changed, forged], clock(), clock())
        assert [c[0] for c in result.conflicts] == [ticket.id] and result.duplicates == 0
        assert [i for i, _ in result.refused] == [forged.id]
    with hub_store._tx(read=True) as tx:
        assert tx.all("SELECT times FROM event_conflicts") == [(2,)]
        assert tx.one("SELECT count(*) FROM refused_events")[0] == 1
    office = next(o for o in hub_store.offices() if o["code"] == "KUP")
    assert (office["refused_events"], office["event_conflicts"]) == (1, 2)
