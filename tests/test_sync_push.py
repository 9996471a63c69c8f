"""The outbox reaches the hub exactly once, whatever the network does on the way.

A real hub (uvicorn on 127.0.0.1) and the real sync client; faults are made
by a TCP proxy between them (tests/sync_harness.py).
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from kiosk import store
from kiosk.clock import utc_now
from kiosk.config import Config
from kiosk.queue.issuing import Issued
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.sync.hub_client import HubClient
from kiosk.sync.protocol import PREFIX
from kiosk.sync.status import pending_events, read_status
from kiosk.sync.worker import SyncWorker, backoff_delay
from tests.conftest import MovableClock
from tests.sync_harness import FAULTS, FaultProxy, Hub, synced


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    hub = Hub(tmp_path_factory.mktemp("hub") / "hub.db")
    yield hub
    hub.close()


@pytest.fixture
def proxy(hub: Hub):
    proxy = FaultProxy(hub.server.port, slow_s=0.3)
    yield proxy
    proxy.close()


def add_events(db, config: Config, clock: MovableClock, count: int, kind: str = "issued") -> None:
    for _ in range(count):
        with immediate(db) as conn:
            append_event(conn, office_code=config.office.code, office_day=clock().date(),
                         device_id=config.office.device_id, kind=kind, at=clock(),
                         payload={"n": random.random()})
        clock.advance(seconds=7)


def kiosk_events(db) -> dict[str, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, kind, payload FROM events")}


def hub_events(hub: Hub, device: str) -> dict[str, tuple[str, str]]:
    with hub.store._tx() as tx:
        rows = tx.all("SELECT id, kind, payload FROM events WHERE device_id = ?", (device,))
    return {r[0]: (r[1], r[2]) for r in rows}


def worker_for(config: Config, db, clock, url: str, token: str, device: str,
               timeout: float = 5.0, **sync) -> SyncWorker:
    cfg = synced(config, url, token, device, **sync)
    return SyncWorker(cfg, db, clock=clock, client=HubClient(url, token, timeout),
                      rng=random.Random(1))


def test_a_batch_sent_twice_is_stored_once(hub: Hub, config: Config, db, clock) -> None:
    token = hub.kiosk_token("KUP-T1")
    cfg = synced(config, hub.url, token, "KUP-T1")
    add_events(db, cfg, clock, 5)
    rows = db.execute("SELECT seq, id, at, office_code, office_day, device_id, kind, ticket_id,"
                      " payload FROM events ORDER BY seq").fetchall()
    from kiosk.sync.protocol import Event, push_request_json

    body = push_request_json("KUP-T1", clock(), [Event(r[1], r[0], *r[2:]) for r in rows])
    headers = {"Authorization": f"Bearer {token}"}
    first = httpx.post(hub.url + PREFIX + "/events", json=body, headers=headers).json()
    again = httpx.post(hub.url + PREFIX + "/events", json=body, headers=headers).json()
    assert (first["stored"], first["duplicates"]) == (5, 0)
    assert (again["stored"], again["duplicates"]) == (0, 5)
    assert sorted(again["acked"]) == sorted(r[1] for r in rows)
    assert len(hub_events(hub, "KUP-T1")) == 5


def test_push_marks_sent_only_what_the_hub_acknowledged(hub: Hub, config: Config, db,
                                                        clock, proxy: FaultProxy) -> None:
    token = hub.kiosk_token("KUP-T2")
    cfg = synced(config, hub.url, token, "KUP-T2")
    add_events(db, cfg, clock, 12)
    worker = worker_for(config, db, clock, proxy.url, token, "KUP-T2", batch_size=5)
    proxy.faults.extend(["pass", "reset_after"])  # batch 1 acknowledged, batch 2 answer lost
    report = worker.sync_once()
    assert not report.ok and "reach" in report.error
    assert pending_events(db) == 7  # the lost answer: still pending, though the hub has them
    assert len(hub_events(hub, "KUP-T2")) == 10
    report = worker.sync_once()
    assert report.ok, report.error
    assert (report.pushed, report.duplicates) == (2, 5)
    assert pending_events(db) == 0
    assert hub_events(hub, "KUP-T2") == kiosk_events(db)
    assert db.execute("SELECT count(*) FROM events WHERE sent_at IS NULL").fetchone()[0] == 0


def test_tokens_are_checked_and_offices_kept_apart(hub: Hub, config: Config, db,
                                                   clock) -> None:
    kup = hub.kiosk_token("KUP-T3")
    plb = hub.kiosk_token("PLB-T1", office="PLB")
    # A Palembang kiosk pushing Kupang events is refused; nothing is stored or marked.
    cfg = synced(config, hub.url, kup, "KUP-T3")
    add_events(db, cfg, clock, 3)
    report = worker_for(config, db, clock, hub.url, plb, "PLB-T1").sync_once()
    assert not report.ok and "403" in report.error and "office KUP" in report.error
    # Nor may it claim to be another kiosk.
    report = worker_for(config, db, clock, hub.url, plb, "KUP-T3").sync_once()
    assert not report.ok and "this token belongs to PLB-T1" in report.error
    assert pending_events(db) == 3 and hub_events(hub, "KUP-T3") == {}
    # No token, a wrong token, a revoked token: 401 and nothing stored.
    answer = httpx.get(hub.url + PREFIX + "/settings")
    assert answer.status_code == 401 and answer.json()["error"] == "no_token"
    report = worker_for(config, db, clock, hub.url, "not-a-token-at-all-x", "KUP-T3").sync_once()
    assert not report.ok and "401" in report.error
    gone = hub.kiosk_token("KUP-T4")
    hub.store.revoke_device("KUP-T4")
    assert "401" in worker_for(config, db, clock, hub.url, gone, "KUP-T4").sync_once().error
    # A kiosk token cannot use the centre's endpoints, nor read another office.
    headers = {"Authorization": f"Bearer {kup}"}
    for path in ("/offices/KUP/settings", "/offices/PLB/settings",
                 "/offices/PLB/events?day=2026-11-25"):
        assert httpx.get(hub.url + PREFIX + path, headers=headers).status_code == 403
    # What a kiosk reads is its own office's, whatever it asks for.
    hub.store.set_settings("PLB", {"caps": {"A": 40}})
    mine = httpx.get(hub.url + PREFIX + "/settings?office=PLB", headers=headers).json()
    assert mine["office"] == "KUP"
    # A central token for one office cannot reach another.
    only_plb = hub.store.add_token("central", "PLB")
    answer = httpx.get(hub.url + PREFIX + "/offices/KUP/settings",
                       headers={"Authorization": f"Bearer {only_plb}"})
    assert answer.status_code == 403 and answer.json()["error"] == "not_yours"
    # The right kiosk succeeds with the same outbox.
    assert worker_for(config, db, clock, hub.url, kup, "KUP-T3").sync_once().ok
    assert hub_events(hub, "KUP-T3") == kiosk_events(db)


def test_malformed_pushes_get_a_reason_and_store_nothing(hub: Hub) -> None:
    token = hub.kiosk_token("KUP-T5")
    headers = {"Authorization": f"Bearer {token}"}
    url = hub.url + PREFIX + "/events"
    cases = [
        (b"{not json", "not JSON"),
        ({"protocol": 9, "device_id": "KUP-T5", "sent_at": "2026-11-25T01:00:00+00:00",
          "events": []}, "protocol version 9"),
        ({"protocol": 1, "device_id": "KUP-T5", "sent_at": "2026-11-25T01:00:00+00:00",
          "events": [{"id": "KUP-T5-xyz"}]}, "events[0]: 'id'"),
    ]
    for body, reason in cases:
        kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
        answer = httpx.post(url, headers=headers, **kwargs)
        assert answer.status_code == 400 and reason in answer.json()["message"], answer.text
    assert hub_events(hub, "KUP-T5") == {}


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "pass"])
def test_each_fault_then_a_healthy_round_loses_and_doubles_nothing(
        fault: str, hub: Hub, config: Config, db, clock, proxy: FaultProxy) -> None:
    device = f"KUP-F{FAULTS.index(fault)}"
    token = hub.kiosk_token(device)
    cfg = synced(config, hub.url, token, device)
    add_events(db, cfg, clock, 8)
    # "slow" must outlast the client's timeout; "duplicate" (two hub round trips) must not.
    proxy.slow_s = 4.0
    worker = worker_for(config, db, clock, proxy.url, token, device, timeout=1.5,
                        batch_size=3)
    proxy.faults.append(fault)
    first = worker.sync_once()
    assert first.ok == (fault == "duplicate"), (fault, first.error)
    proxy.idle(10)
    worker.client = HubClient(proxy.url, token, 5.0)
    assert worker.sync_once().ok
    assert hub_events(hub, device) == kiosk_events(db)
    assert pending_events(db) == 0


def test_hub_down_then_back_and_the_status_says_so(tmp_path: Path, config: Config, db,
                                                   clock: MovableClock) -> None:
    hub = Hub(tmp_path / "hub.db")
    port, url = hub.server.port, hub.url
    token = hub.kiosk_token("KUP-D1")
    cfg = synced(config, url, token, "KUP-D1")
    add_events(db, cfg, clock, 4)
    worker = worker_for(config, db, clock, url, token, "KUP-D1", interval_s=30)
    assert worker.sync_once().ok
    status = read_status(db, cfg, clock())
    assert status.online and status.pending_events == 0 and status.last_success == clock()
    hub.server.close()  # the hub is gone: connection refused
    clock.advance(minutes=5)
    add_events(db, cfg, clock, 3)
    report = worker.sync_once()
    assert not report.ok and "cannot reach the hub" in report.error
    status = read_status(db, cfg, clock())
    assert not status.online and status.pending_events == 3
    assert "cannot reach" in status.last_error and status.last_success < clock()
    from kiosk.hub.app import HubServer

    hub.server = HubServer(hub.store, port=port).start()  # back on the same address
    assert worker.sync_once().ok
    status = read_status(db, cfg, clock())
    assert status.online and status.pending_events == 0 and status.last_error is None
    assert hub_events(hub, "KUP-D1") == kiosk_events(db)
    hub.close()


def test_clock_skew_loses_nothing_and_is_reported(hub: Hub, config: Config, db,
                                                  clock: MovableClock) -> None:
    """A kiosk clock a day behind (dead RTC battery) or hours ahead still syncs everything."""
    token = hub.kiosk_token("KUP-S1")
    cfg = synced(config, hub.url, token, "KUP-S1")
    for offset in (timedelta(days=-1), timedelta(hours=5)):
        skewed = MovableClock(hub.server.store and clock.now)

        skewed.now = utc_now() + offset
        add_events(db, cfg, skewed, 3)
        worker = worker_for(config, db, skewed, hub.url, token, "KUP-S1")
        assert worker.sync_once().ok
        status = read_status(db, cfg, skewed())
        assert status.clock_skew_s == pytest.approx(offset.total_seconds() + 21, abs=30)
    assert hub_events(hub, "KUP-S1") == kiosk_events(db)


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(7)
    for failures, ceiling in ((1, 5), (2, 10), (3, 20), (4, 40), (8, 300), (30, 300)):
        delays = [backoff_delay(failures, 5.0, 300.0, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4  # jittered: kiosks do not move in step


def test_the_background_worker_retries_until_the_hub_answers(
        hub: Hub, config: Config, clock, proxy: FaultProxy) -> None:
    from kiosk.appliance import build
    from kiosk.sync.worker import start_sync

    token = hub.kiosk_token("KUP-W1")
    cfg = synced(config, proxy.url, token, "KUP-W1", interval_s=1, backoff_max_s=1)
    proxy.faults.extend(["down", "http500"])
    appliance = build(cfg, with_gpio=False, clock=clock)
    stop = start_sync(cfg, appliance)
    try:
        result = appliance.service.issue("A")
        assert isinstance(result, Issued)
        db = appliance.db
        deadline = clock.now  # noqa: F841 - the kiosk clock is frozen; wait in real time
        import time

        until = time.monotonic() + 15
        while pending_events(db) and time.monotonic() < until:
            time.sleep(0.1)
        assert pending_events(db) == 0
        assert proxy.seen[:2] == ["down", "http500"]
        assert hub_events(hub, "KUP-W1") == kiosk_events(db)
    finally:
        stop()
        appliance.close()


def test_property_any_fault_sequence_then_a_healthy_sync_gives_exactly_the_outbox(
        hub: Hub, config: Config, tmp_path: Path, proxy: FaultProxy) -> None:
    """Hundreds of random fault sequences, each on a fresh kiosk: none lost, none twice."""
    from datetime import UTC, datetime

    rng = random.Random(20261125)
    proxy.slow_s = 0.12
    sequences = int(os.environ.get("SYNC_PROPERTY_SEQUENCES", "200"))
    for n in range(sequences):
        device = f"KUP-P{n}"
        token = hub.kiosk_token(device)
        cfg = synced(config, proxy.url, token, device)
        db = store.connect(tmp_path / f"k{n}.db")
        clock = MovableClock(datetime(2026, 11, 25, 1, tzinfo=UTC)
                             + timedelta(minutes=rng.randint(-3000, 3000)))  # skewed clocks
        worker = worker_for(config, db, clock, proxy.url, token, device, timeout=0.06,
                            batch_size=rng.randint(1, 6))
        for _ in range(rng.randint(1, 4)):
            add_events(db, cfg, clock, rng.randint(0, 6))
            proxy.faults.extend(rng.choice(FAULTS) for _ in range(rng.randint(1, 5)))
            worker.sync_once()
        proxy.faults.clear()
        proxy.idle()
        worker.client.close()
        worker.client = HubClient(proxy.url, token, 5.0)
        report = worker.sync_once()
        assert report.ok, (n, report.error)
        proxy.idle()
        assert hub_events(hub, device) == kiosk_events(db), n
        assert pending_events(db) == 0
        worker.client.close()
        db.close()
    assert len(set(proxy.seen) - {"pass"}) == len(FAULTS) - 1  # every fault kind happened
