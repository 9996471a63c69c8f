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


def kiosk_with_answers(config: Config, tmp_path, device: str, labels_answers: dict,
                       clock: MovableClock):
    """A kiosk (its own store) whose tickets answered the survey: label -> nine answers."""
    import dataclasses

    from kiosk import store

    db = store.connect(tmp_path / f"{device}.db")
    day = clock().date()
    numbering = Numbering(db, "KUP", device)
    calling = CallingService(db, "KUP", device, {1: Counter(1, "Loket 1", frozenset("AP"))},
                             CallPolicy(), clock, office_day=day)
    desk = SurveyDesk(db, "KUP", device, clock, office_day=day)
    for label, answers in labels_answers.items():
        numbering.take(label[0], day, None, clock())
        calling.call_specific(1, label)
        assert isinstance(desk.record(label, Response(answers=answers)), Recorded)
    return db, dataclasses.replace(config, database=tmp_path / f"{device}.db")


def test_the_hub_computes_the_office_index_across_kiosks_as_a_kiosk_would(
        hub: Hub, config: Config, clock: MovableClock, tmp_path, capsys) -> None:
    """Two kiosks, two answers each: the worked example of tests/test_survey_index.py,
    IKM 725/9 = 80.56 (B); service A (30+27) x 25 / 18 = 79.17, P (32+27) x 25 / 18 = 81.94."""
    import httpx

    from kiosk.store import immediate
    from kiosk.store.events import append_event
    from kiosk.sync.protocol import PREFIX

    day = clock().date()
    first = {"A001": (4, 4, 3, 3, 4, 3, 3, 2, 4), "P001": (4, 3, 4, 4, 3, 4, 4, 3, 3)}
    second = {"A001": (3, 3, 3, 2, 3, 3, 4, 3, 3), "P001": (3, 2, 3, 4, 3, 3, 3, 2, 4)}
    for device, answers in (("KUP-SV1", first), ("KUP-SV2", second)):
        db, cfg = kiosk_with_answers(config, tmp_path, device, answers, clock)
        if device == "KUP-SV2":  # a payload no kiosk writes, and a ticket answered twice
            ticket = db.execute("SELECT ticket_id FROM survey_responses").fetchone()[0]
            with immediate(db) as conn:
                for payload in ({"mode": "full", "lane": "A", "answers": [5] * 9},
                                {"mode": "quick", "lane": "A", "quick": 4}):
                    append_event(conn, office_code="KUP", office_day=day, device_id=device,
                                 kind="survey_answered", at=clock(), ticket_id=ticket,
                                 payload=payload)
        token = hub.kiosk_token(device)
        worker = SyncWorker(synced(cfg, hub.url, token, device), db, clock=clock,
                            client=HubClient(hub.url, token, 5.0), rng=random.Random(1))
        assert worker.sync_once().ok
        db.close()
    answer = httpx.get(f"{hub.url}{PREFIX}/offices/KUP/skm",
                       params={"from": day.isoformat(), "to": day.isoformat()},
                       headers={"Authorization": f"Bearer {hub.central}"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    office, a, p = data["indexes"]
    assert (office["scope"], office["respondents"], office["ikm"], office["band"]) == (
        "all", 4, 80.56, "B")
    assert list(office["nrr"].values()) == [3.5, 3.0, 3.25, 3.25, 3.25, 3.25, 3.5, 2.5, 3.5]
    assert (a["scope"], a["ikm"], p["scope"], p["ikm"]) == ("A", 79.17, "P", 81.94)
    assert (data["ignored"], data["duplicates"]) == (1, 1)
    assert httpx.get(f"{hub.url}{PREFIX}/offices/KUP/skm", params={"from": "x"},
                     headers={"Authorization": f"Bearer {hub.central}"}).status_code == 400
    assert httpx.get(f"{hub.url}{PREFIX}/offices/KUP/skm",
                     params={"from": day.isoformat()}).status_code == 401
    # The same from the command line, on the hub's store.
    from kiosk.cli import main

    assert main(["hub", "skm", "kup", "--db", str(tmp_path / "hub.db"), "--from",
                 day.isoformat()]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["indexes"] == data["indexes"] and printed["office"] == "KUP"
