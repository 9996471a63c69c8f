"""Tracking pages through the hub (issue 15): a kiosk sends its pages' states with each
sync round, phones on the internet read them from a real hub on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest

from kiosk import store
from kiosk.config import Config
from kiosk.config.model import TrackingConfig
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.sync.protocol import PREFIX
from kiosk.sync.tracking_wire import check_state
from kiosk.sync.worker import SyncWorker
from kiosk.tracking.links import link_maker
from tests.conftest import MovableClock, office_time
from tests.sync_harness import Hub, synced


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(office_time("2026-11-25 09:00"))


@pytest.fixture
def hub(tmp_path: Path, clock: MovableClock):
    hub = Hub(tmp_path / "hub.db", clock=clock)
    yield hub
    hub.close()


def kiosk_config(config: Config, hub: Hub) -> Config:
    base = f"{hub.url}/public/v1/offices/KUP"
    config = synced(config, hub.url, hub.kiosk_token("KUP-SIM1"), "KUP-SIM1")
    return dataclasses.replace(config, tracking=TrackingConfig(base, hub=True))


def page_url(config: Config, ticket_id: str) -> str:
    url, _code = link_maker(config.tracking.base_url, config.checkin.nik_salt)(ticket_id)
    return url


def test_a_phone_on_the_internet_follows_the_ticket_through_the_hub(
        config: Config, hub: Hub, clock: MovableClock) -> None:
    config = kiosk_config(config, hub)
    db = store.connect(config.database)
    numbering = Numbering(db, "KUP", "KUP-SIM1")
    a1, _p1 = (numbering.take(lane, clock().date(), None, clock()) for lane in "AP")
    worker = SyncWorker(config, db, clock=clock)
    report = worker.sync_once()
    assert report.ok and report.tracked == 2
    url = page_url(config, a1.id)
    assert url.startswith(f"{hub.url}/public/v1/offices/KUP/t/")
    state = httpx.get(f"{url}/state").json()
    assert (state["label"], state["status"], state["before"]) == ("A001", "waiting", 1)
    assert worker.sync_once().tracked == 0  # nothing changed: nothing sent
    calling = calling_service(config, db, clock)
    calling.call_next(1)  # P001: A001 now has nobody before it
    assert worker.sync_once().tracked == 2
    assert httpx.get(f"{url}/state").json()["before"] == 0
    calling.call_next(2)
    worker.sync_once()
    called = httpx.get(f"{url}/state").json()
    assert (called["status"], called["counter_name"]) == ("called", "Loket 2")
    page = httpx.get(url)
    assert page.status_code == 200 and "A001" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert hub.store.tracked_count("KUP", clock().date().isoformat()) == 1
    # What the hub holds is the page and nothing else: no ticket or device id.
    with hub.store._tx(read=True) as tx:
        stored = [r[0] for r in tx.all("SELECT state FROM tracking")]
    assert stored and not any(a1.id in s or "KUP-SIM1" in s for s in stored)
    clock.advance(days=1)  # the next office day: the link has expired
    assert httpx.get(f"{url}/state").status_code == 410
    db.close()


def test_unknown_and_hostile_links_show_nothing(hub: Hub) -> None:
    base = f"{hub.url}/public/v1/offices"
    for office, token in (("KUP", "0000000000"), ("KUP", "A001"), ("ZZZ", "0000000000"),
                          ("KUP%27%20OR%201%3D1", "0000000000"), ("K" * 500, "0000000000"),
                          ("KUP", "%00" * 20)):
        response = httpx.get(f"{base}/{office}/t/{token}/state")
        assert response.status_code in (404, 429), (office, token)
        assert response.status_code == 429 or response.json() == {"state": "unknown"}


def test_the_hub_takes_only_well_formed_states_from_the_kiosks_own_token(
        config: Config, hub: Hub, clock: MovableClock) -> None:
    config = kiosk_config(config, hub)
    db = store.connect(config.database)
    Numbering(db, "KUP", "KUP-SIM1").take("A", clock().date(), None, clock())
    worker = SyncWorker(config, db, clock=clock)
    (token, (state, _)), = worker.relay.changed_states().items()
    assert check_state(state) is state
    headers = {"Authorization": f"Bearer {config.sync.token}"}
    url = f"{hub.url}{PREFIX}/tracking"

    def send(body: dict) -> httpx.Response:
        return httpx.post(url, json=body, headers=headers)

    ok = {"protocol": 2, "device_id": "KUP-SIM1", "states": {token: state}}
    assert send(ok).status_code == 200
    for bad in ({**ok, "protocol": 1},
                {**ok, "device_id": "KUP-SIM2"},
                {**ok, "states": {"bad-token!": state}},
                {**ok, "states": {token: {**state, "nik": "3271010101010001"}}},
                {**ok, "states": {token: {**state, "label": "<script>"}}},
                {**ok, "states": {token: {**state, "office": "x" * 5000}}},
                {**ok, "states": {token: {**state, "before": -1}}}):
        response = send(bad)
        assert response.status_code in (400, 403), bad
    assert httpx.post(url, json=ok).status_code == 401  # no token
    db.close()


def test_with_a_hub_before_protocol_2_nothing_is_relayed_and_sync_goes_on(
        config: Config, tmp_path: Path, clock: MovableClock) -> None:
    old = Hub(tmp_path / "old.db", clock=clock, versions=(1,))
    try:
        config = kiosk_config(config, old)
        db = store.connect(config.database)
        Numbering(db, "KUP", "KUP-SIM1").take("A", clock().date(), None, clock())
        worker = SyncWorker(config, db, clock=clock)
        report = worker.sync_once()  # falls back to protocol 1 on the push...
        report = worker.sync_once()
        assert report.ok and report.tracked == 0  # ...and then sends no pages
        db.close()
    finally:
        old.close()


def test_relaying_needs_a_hub(config: Config) -> None:
    from kiosk.config import ConfigError, load_config

    text = (Path(config.path).read_text(encoding="utf-8")
            + '\n[tracking]\nbase_url = "https://hub.example/public/v1/offices/KUP"\nhub = true\n')
    path = Path(config.database).parent / "t.toml"
    path.write_text(text.replace('database = "', f'database = "{Path(config.path).parent}/'),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="tracking.hub"):
        load_config(path)
