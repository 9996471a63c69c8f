"""Protocol versions: kiosks and hubs of version 1 and 2 keep syncing with each other.

A real hub on 127.0.0.1 (kiosk/hub/app.py), the real sync client and worker.
A hub built with ``versions=(1,)`` answers exactly as a hub from before version
2 does on the wire (the same refusal text, answers in version 1).
"""

from __future__ import annotations

import json
import logging
import random

import httpx
import pytest

from kiosk import store
from kiosk.config import Config
from kiosk.hub.app import HubServer
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.sync.hub_client import RETRY_NEWER_AFTER, HubClient
from kiosk.sync.protocol import PREFIX, ProtocolError, parse_push_request
from kiosk.sync.status import pending_events, read_status
from kiosk.sync.worker import SyncWorker
from tests.conftest import MovableClock
from tests.sync_harness import SALT_HEX, FaultProxy, Hub, synced
from tests.test_sync_pull import FAMILY, import_rows, row

DAY = "2026-11-25"


def add(db, config: Config, clock: MovableClock, kind: str, payload: dict) -> str:
    with immediate(db) as conn:
        event_id = append_event(conn, office_code="KUP", office_day=clock().date(),
                                device_id=config.office.device_id, kind=kind, at=clock(),
                                payload=payload)
    clock.advance(seconds=5)
    return event_id


def stage_day(db, config: Config, clock: MovableClock) -> None:
    """A visit through two stages: issued, called at berkas, sent on, called at foto."""
    add(db, config, clock, "issued", {"lane": "A", "number": 12, "label": "A012"})
    add(db, config, clock, "called", {"counter": 1, "label": "A012", "stage": "berkas"})
    add(db, config, clock, "sent", {"counter": 1, "label": "A012", "from": "berkas",
                                    "to": "foto"})
    add(db, config, clock, "called", {"counter": 5, "label": "A012", "stage": "foto"})


def kiosk_events(db) -> dict[str, tuple[str, dict]]:
    return {r[0]: (r[1], json.loads(r[2]))
            for r in db.execute("SELECT id, kind, payload FROM events")}


def hub_events(hub: Hub, device: str) -> dict[str, tuple[str, dict]]:
    with hub.store._tx() as tx:
        rows = tx.all("SELECT id, kind, payload FROM events WHERE device_id = ?", (device,))
    return {r[0]: (r[1], json.loads(r[2])) for r in rows}


def worker(config: Config, db, clock, url: str, token: str, device: str, *,
           protocol: int | None = None, **sync) -> SyncWorker:
    cfg = synced(config, url, token, device, **sync)
    client = None if protocol is None else HubClient(url, token, 5.0, protocol=protocol,
                                                     clock=clock)
    return SyncWorker(cfg, db, clock=clock, client=client, rng=random.Random(1))


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    yield hub
    hub.close()


@pytest.fixture
def old_hub(tmp_path):
    """A hub that speaks only version 1, as every hub did before stages."""
    hub = Hub(tmp_path / "old-hub.db", versions=(1,))
    yield hub
    hub.close()


def test_a_version_1_kiosk_pushes_pulls_and_leases_against_a_version_2_hub(
        hub: Hub, config: Config, db, clock: MovableClock) -> None:
    token = hub.kiosk_token("KUP-V1")
    import_rows(hub, row("BOOK01", people=FAMILY[:1]), row("BOOK02"))
    w = worker(config, db, clock, hub.url, token, "KUP-V1", protocol=1, leases=True,
               lease_block=5, lease_low_water=2)
    stage_day(db, w.base, clock)
    # Version 1 keeps kinds opaque: even a `sent` a version-2 hub would refuse is stored.
    add(db, w.base, clock, "sent", {"note": "made by some other kiosk software"})
    report = w.sync_once()
    # The client checks every answer is in the version it asked for, as version 1 did.
    assert report.ok, report.error
    assert (report.pushed, report.bookings, report.leased) == (5, 2, 5)
    report = w.sync_once()  # the pulled bookings' own events go up on the next round
    assert report.ok and report.pushed == 2
    assert hub_events(hub, "KUP-V1") == kiosk_events(db) and pending_events(db) == 0
    assert db.execute("SELECT count(*) FROM bookings").fetchone()[0] == 2
    assert w.client.protocol == 1 and w.client.fallback is None
    status = read_status(db, w.base, clock())
    assert (status.protocol, status.protocol_fallback) == (1, None)
    w.client.close()


def test_the_hub_answers_in_the_version_of_the_request(hub: Hub, config: Config) -> None:
    token = hub.kiosk_token("KUP-V9")
    auth = {"Authorization": f"Bearer {token}"}
    base = hub.url + PREFIX
    body = {"device_id": "KUP-V9", "sent_at": "2026-11-25T01:00:00+00:00", "events": []}
    for version in (1, 2):
        answer = httpx.post(base + "/events", json={**body, "protocol": version}, headers=auth)
        assert answer.status_code == 200 and answer.json()["protocol"] == version
    # A read without ?protocol= is a version-1 kiosk's: answered in 1.
    assert httpx.get(base + "/settings", headers=auth).json()["protocol"] == 1
    assert httpx.get(base + "/settings", params={"protocol": 2},
                     headers=auth).json()["protocol"] == 2
    # Asked for a version it does not know yet, it answers a read in its newest...
    assert httpx.get(base + "/bookings", params={"protocol": 3},
                     headers=auth).json()["protocol"] == 2
    # ...and refuses a body it cannot be sure to understand, saying what it speaks.
    answer = httpx.post(base + "/events", json={**body, "protocol": 3}, headers=auth)
    assert answer.status_code == 400
    assert answer.json()["message"] == ("protocol version 3 is not supported"
                                        " (this side speaks 1, 2)")


def test_a_version_2_kiosk_falls_back_to_a_version_1_hub_and_loses_nothing(
        old_hub: Hub, config: Config, db, clock: MovableClock, caplog, capsys) -> None:
    token = old_hub.kiosk_token("KUP-V2")
    import_rows(old_hub, row("BOOK03"))
    w = worker(config, db, clock, old_hub.url, token, "KUP-V2", leases=True,
               lease_block=5, lease_low_water=2, batch_size=3)
    assert w.client.protocol == 2
    stage_day(db, w.base, clock)
    with caplog.at_level(logging.INFO, logger="kiosk.sync.hub_client"):
        report = w.sync_once()
        assert report.ok, report.error
        assert (report.pushed, report.duplicates, report.bookings, report.leased) == (4, 0, 1, 5)
        # The next round goes straight to version 1: no second refusal, no second warning.
        stage_day(db, w.base, clock)
        report = w.sync_once()
    # Its 4 events and the pulled booking's event of the first round.
    assert report.ok and (report.pushed, report.duplicates) == (5, 0)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "hub speaks protocol 1" in warnings[0].getMessage()
    # Every event, the stage changes included, is at the hub exactly once.
    assert hub_events(old_hub, "KUP-V2") == kiosk_events(db) and pending_events(db) == 0
    assert sum(kind == "sent" for kind, _ in hub_events(old_hub, "KUP-V2").values()) == 2
    status = read_status(db, w.base, clock())
    assert status.online and (status.protocol, status.protocol_fallback) == (
        1, "hub speaks protocol 1")
    from kiosk.cli.sync import _sync_status

    capsys.readouterr()
    assert _sync_status(w.base, as_json=False) == 0
    assert "protocol:       1 (hub speaks protocol 1" in capsys.readouterr().out
    w.client.close()


def test_after_a_fallback_the_kiosk_tries_version_2_again_and_uses_an_upgraded_hub(
        old_hub: Hub, config: Config, db, clock: MovableClock) -> None:
    token = old_hub.kiosk_token("KUP-V3")
    upgraded = HubServer(old_hub.store).start()  # the same hub data, served by new code
    proxy = FaultProxy(old_hub.server.port)
    try:
        w = worker(config, db, clock, proxy.url, token, "KUP-V3")
        add(db, w.base, clock, "issued", {"lane": "A", "number": 1, "label": "A001"})
        assert w.sync_once().ok and w.client.protocol == 1
        proxy.upstream_port = upgraded.port  # the office upgrades its hub
        clock.advance(hours=1)
        assert w.sync_once().ok and w.client.protocol == 1  # not asked again yet
        clock.advance(seconds=RETRY_NEWER_AFTER.total_seconds())
        stage_day(db, w.base, clock)
        report = w.sync_once()
        assert report.ok and report.pushed == 4
        assert w.client.protocol == 2 and w.client.fallback is None
        assert read_status(db, w.base, clock()).protocol_fallback is None
        assert hub_events(old_hub, "KUP-V3") == kiosk_events(db)
        w.client.close()
    finally:
        proxy.close()
        upgraded.close()


def test_a_version_2_batch_with_a_bad_stage_change_is_refused_whole_and_kept(
        hub: Hub, config: Config, db, clock: MovableClock) -> None:
    token = hub.kiosk_token("KUP-V4")
    w = worker(config, db, clock, hub.url, token, "KUP-V4")
    stage_day(db, w.base, clock)
    add(db, w.base, clock, "sent", {"counter": 1, "label": "A013", "from": "berkas", "to": ""})
    report = w.sync_once()
    assert not report.ok
    assert "protocol" in report.error and "events[4]: 'sent' payload: 'to' must be a stage" \
        in report.error
    # Refused whole: nothing of the batch at the hub, all of it still in the outbox.
    assert hub_events(hub, "KUP-V4") == {} and pending_events(db) == 5
    assert w.client.protocol == 2  # a bad event is not a reason to speak an older version
    assert "'to' must be a stage" in read_status(db, w.base, clock()).last_error
    w.client.close()


def event(kind: str, payload: dict) -> dict:
    return {"id": "KUP-K1-" + "0" * 32, "seq": 1, "at": "2026-11-25T01:00:00+00:00",
            "office_code": "KUP", "office_day": DAY, "device_id": "KUP-K1", "kind": kind,
            "ticket_id": None, "payload": payload}


GOOD_SENT = {"counter": 1, "label": "A012", "from": "berkas", "to": "foto"}


@pytest.mark.parametrize(("kind", "payload", "reason"), [
    ("sent", {**GOOD_SENT, "counter": 0}, "'counter' must be a counter number"),
    ("sent", {**GOOD_SENT, "counter": True}, "'counter' must be a counter number"),
    ("sent", {**GOOD_SENT, "counter": "1"}, "'counter' must be a counter number"),
    ("sent", {**GOOD_SENT, "label": "a12"}, "'label' must be a ticket label like A012"),
    ("sent", {k: v for k, v in GOOD_SENT.items() if k != "from"}, "'from' must be a stage"),
    ("sent", {**GOOD_SENT, "to": "x" * 41}, "'to' must be a stage name, 1 to 40"),
    ("sent", {**GOOD_SENT, "to": "   "}, "'to' must be a stage"),
    ("called", {"counter": 5, "label": "A012", "stage": 5}, "'stage' must be a stage"),
    ("called", {"counter": 5, "label": "A012", "stage": "f" * 41}, "'stage' must be a stage"),
])
def test_version_2_checks_stage_payloads_and_version_1_does_not(kind, payload, reason) -> None:
    body = {"device_id": "KUP-K1", "sent_at": "2026-11-25T01:00:00+00:00",
            "events": [event(kind, payload)]}
    with pytest.raises(ProtocolError, match=rf"events\[0\]: '{kind}' payload: {reason}"):
        parse_push_request({**body, "protocol": 2})
    assert parse_push_request({**body, "protocol": 1}).events[0].kind == kind


def test_good_stage_payloads_pass_version_2() -> None:
    body = {"protocol": 2, "device_id": "KUP-K1", "sent_at": "2026-11-25T01:00:00+00:00"}
    for kind, payload in [("sent", GOOD_SENT), ("sent", {**GOOD_SENT, "label": "P1000"}),
                          ("called", {"counter": 5, "label": "A012", "stage": "foto"}),
                          ("called", {"counter": 5, "label": "A012"}),
                          ("issued", {"anything": "goes"})]:
        assert parse_push_request({**body, "events": [event(kind, payload)]}).version == 2


def test_the_client_refuses_an_answer_in_another_version(hub: Hub, config: Config, db,
                                                         clock: MovableClock) -> None:
    """What a version-1 kiosk did: an answer it cannot read is an error, not a guess."""
    token = hub.kiosk_token("KUP-V5")
    client = HubClient(hub.url, token, 5.0, protocol=1, clock=clock)
    assert client.call("GET", "/settings")["protocol"] == 1
    client.http.params = client.http.params.set("protocol", "2")  # as if the hub answered 2
    with pytest.raises(ProtocolError, match="answered in protocol version 2"):
        client.call("GET", "/settings")
    client.close()
    with pytest.raises(ValueError, match="speaks"):
        HubClient(hub.url, token, 5.0, protocol=3)


def test_a_real_two_stage_visit_goes_to_a_version_2_hub_and_to_a_version_1_hub(
        hub: Hub, old_hub: Hub, tmp_path, clock: MovableClock) -> None:
    """The calling core's own events (kiosk/queue/calling.py) pass version 2's checks."""
    from kiosk.appliance import build
    from kiosk.config import load_config
    from kiosk.queue.calling_view import calling_service
    from kiosk.queue.issuing import Issued
    from tests.test_doctor_gpio import batam

    cfg = load_config(batam(tmp_path))
    appliance = build(cfg, with_gpio=False, clock=clock)
    try:
        assert isinstance(appliance.service.issue("A"), Issued)
        calling = calling_service(cfg, appliance.db, clock)
        assert calling.call_next(1).label == "A001"
        clock.advance(minutes=5)
        assert calling.send(1).stage == "foto"
        assert calling.call_next(5).label == "A001"
    finally:
        appliance.close()
    db = store.connect(cfg.database)
    try:
        payloads = {kind: payload for kind, payload in kiosk_events(db).values()}
        assert payloads["sent"]["from"] == "berkas" and payloads["sent"]["to"] == "foto"
        for target in (hub, old_hub):
            target.store.add_office("BTM", "Batam", "Asia/Jakarta", bytes.fromhex(SALT_HEX))
            device = cfg.office.device_id
            w = worker(cfg, db, clock, target.url, target.kiosk_token(device, "BTM"), device)
            db.execute("UPDATE events SET sent_at = NULL")  # the same day, to each hub
            db.execute("DELETE FROM meta WHERE key LIKE 'sync.%'")
            db.conn.commit()
            report = w.sync_once()
            assert report.ok, report.error
            assert hub_events(target, device) == kiosk_events(db)
            assert w.client.protocol == (2 if target is hub else 1)
            w.client.close()
    finally:
        db.close()
