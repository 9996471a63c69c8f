"""Survey answers given while the hub cannot be reached arrive there once it can:
a real hub on 127.0.0.1 behind the fault proxy of the sync tests."""

from __future__ import annotations

import json
import random

import pytest

from kiosk.config import Config
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.numbering import Numbering
from kiosk.survey.responses import Recorded, Response, SurveyDesk
from kiosk.sync.hub_client import HubClient
from kiosk.sync.worker import SyncWorker
from tests.conftest import MovableClock
from tests.sync_harness import FaultProxy, Hub, synced


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    yield hub
    hub.close()


def hub_survey_payloads(hub: Hub, device: str) -> list[dict]:
    with hub.store._tx() as tx:
        rows = tx.all("SELECT payload FROM events WHERE device_id = ? AND kind = ?"
                      " ORDER BY seq", (device, "survey_answered"))
    return [json.loads(r[0]) for r in rows]


def test_answers_given_offline_reach_the_hub_after_reconnecting(
        hub: Hub, config: Config, db, clock: MovableClock) -> None:
    device = "KUP-SV1"
    token = hub.kiosk_token(device)
    proxy = FaultProxy(hub.server.port, slow_s=0.3)
    try:
        cfg = synced(config, proxy.url, token, device)
        day = clock().date()
        numbering = Numbering(db, "KUP", device)
        for _ in range(2):
            numbering.take("A", day, None, clock())
        calling = CallingService(db, "KUP", device, {1: Counter(1, "Loket 1", frozenset("A"))},
                                 CallPolicy(), clock, office_day=day)
        desk = SurveyDesk(db, "KUP", device, clock, office_day=day)
        worker = SyncWorker(cfg, db, clock=clock, client=HubClient(proxy.url, token, 2.0),
                            rng=random.Random(1))
        proxy.default = "down"  # the office's link is out all morning
        calling.call_next(1)
        assert isinstance(desk.record("A001", Response(answers=(4,) * 9, sex="L")), Recorded)
        clock.advance(minutes=10)
        assert not worker.sync_once().ok
        calling.call_next(1)
        quick = Response(mode="quick", quick=2, comment="Ruang tunggu panas")
        assert isinstance(desk.record("A002", quick), Recorded)
        assert not worker.sync_once().ok
        assert hub_survey_payloads(hub, device) == []
        proxy.default = "pass"  # back
        proxy.idle()
        assert worker.sync_once().ok
        arrived = hub_survey_payloads(hub, device)
        assert [(p["label"], p["mode"]) for p in arrived] == [("A001", "full"), ("A002", "quick")]
        assert arrived[0]["answers"] == [4] * 9 and arrived[1]["comment"] == "Ruang tunggu panas"
        assert worker.sync_once().ok  # nothing twice
        assert len(hub_survey_payloads(hub, device)) == 2
    finally:
        proxy.close()
