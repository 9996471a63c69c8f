"""A kiosk token acts only as its own device (issue 16, findings 1-3), over real HTTP.

1. A check-in must be backed by the B tickets of the same kiosk, or the hub refuses
   that event (acknowledged, with its reason) and the booking stays bookable.
2. Events, lease requests and returns of another device are refused (403, logged).
3. An id pushed again with other content is a conflict, not a duplicate.
The kiosk's side: the worker logs refusals and conflicts, `kiosk sync status` and
`kiosk doctor` show them.
"""

from __future__ import annotations

import json
import logging
import random

import httpx
import pytest

from kiosk.cli.sync import _sync_status
from kiosk.config import Config
from kiosk.doctor.network_checks import hub_check
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.store.ids import new_id
from kiosk.sync.hub_client import HubClient
from kiosk.sync.protocol import PREFIX
from kiosk.sync.status import read_status
from kiosk.sync.worker import SyncWorker
from tests.conftest import MovableClock
from tests.sync_harness import Hub, synced

DAY = "2026-11-25"
BOOKING = [{"code": "AB12CD34", "office": "KUP", "date": DAY, "slot_start": "09:00",
            "slot_end": "10:00", "applicants": [{"nickname": "Budi", "nik": "5371010101010003"}]}]


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    hub.k1, hub.k2 = hub.kiosk_token("KUP-K1"), hub.kiosk_token("KUP-K2")
    reply = httpx.post(f"{hub.url}{PREFIX}/offices/KUP/bookings", content=json.dumps(BOOKING),
                       headers={"Authorization": f"Bearer {hub.central}"})
    assert reply.status_code == 200 and reply.json()["added"] == 1
    yield hub
    hub.close()


def event(device: str, kind: str, payload: dict, *, event_id: str | None = None,
          seq: int = 1) -> dict:
    event_id = event_id or new_id(device)
    return {"id": event_id, "seq": seq, "at": f"{DAY}T01:00:00+00:00", "office_code": "KUP",
            "office_day": DAY, "device_id": device, "kind": kind,
            "ticket_id": event_id if kind == "issued" else None, "payload": payload}


def push(hub: Hub, token: str, device: str, events: list[dict], protocol: int = 2
         ) -> httpx.Response:
    body = {"protocol": protocol, "device_id": device, "sent_at": f"{DAY}T01:00:05+00:00",
            "events": events}
    return httpx.post(f"{hub.url}{PREFIX}/events", json=body,
                      headers={"Authorization": f"Bearer {token}"})


def booking_status(hub: Hub, token: str) -> str:
    reply = httpx.get(f"{hub.url}{PREFIX}/bookings?cursor=0&protocol=2",
                      headers={"Authorization": f"Bearer {token}"})
    return {b["code"]: b["status"] for b in reply.json()["bookings"]}["AB12CD34"]


def b_ticket(device: str, number: int) -> dict:
    return event(device, "issued", {"lane": "B", "number": number, "label": f"B{number:03d}"})


def check_in(device: str, labels: list[str], code: str = "AB12CD34") -> dict:
    return event(device, "booking_checked_in", {"code": code, "labels": labels,
                                                "via": "code", "created": False, "key_id": None})


# --- finding 1: a check-in with no ticket behind it ---------------------------------------


def test_a_check_in_without_its_b_tickets_is_refused_and_the_booking_stays_bookable(
        hub: Hub, caplog) -> None:
    caplog.set_level(logging.WARNING, "kiosk.hub")
    walk_in = event("KUP-K1", "issued", {"lane": "A", "number": 1, "label": "A001"})
    forged, unbacked = check_in("KUP-K1", []), check_in("KUP-K1", ["B007"])
    reply = push(hub, hub.k1, "KUP-K1", [walk_in, forged, unbacked])
    assert reply.status_code == 200
    answer = reply.json()
    # Everything is acknowledged (the kiosk must not send it forever); two are refused.
    assert set(answer["acked"]) == {walk_in["id"], forged["id"], unbacked["id"]}
    assert answer["stored"] == 1 and answer["duplicates"] == 0
    reasons = {r["id"]: r["reason"] for r in answer["refused"]}
    assert set(reasons) == {forged["id"], unbacked["id"]}
    assert all(r["status"] == "refused" for r in answer["refused"])
    assert "names no B ticket" in reasons[forged["id"]]
    assert "no B ticket B007 of KUP-K1" in reasons[unbacked["id"]]
    assert booking_status(hub, hub.k2) == "booked"  # every kiosk can still check it in
    assert "hub refused event" in caplog.text
    with hub.store._tx(read=True) as tx:
        kept = tx.all("SELECT id, reason FROM refused_events ORDER BY id")
    assert {r[0] for r in kept} == set(reasons)
    # Sent again (a lost answer): the same refusal, not a second record, nothing stored.
    again = push(hub, hub.k1, "KUP-K1", [forged]).json()
    assert again["refused"] == [r for r in answer["refused"] if r["id"] == forged["id"]]
    assert again["stored"] == 0 and booking_status(hub, hub.k2) == "booked"
    office = next(o for o in hub.store.offices() if o["code"] == "KUP")  # `kiosk hub status`
    assert office["refused_events"] == 2


def test_a_check_in_backed_by_its_own_b_tickets_is_stored(hub: Hub) -> None:
    ticket = b_ticket("KUP-K1", 1)
    assert push(hub, hub.k1, "KUP-K1", [ticket]).json()["stored"] == 1  # an earlier batch
    answer = push(hub, hub.k1, "KUP-K1", [check_in("KUP-K1", ["B001"])]).json()
    assert answer["stored"] == 1 and answer["refused"] == []
    assert booking_status(hub, hub.k2) == "checked_in"


def test_another_kiosks_ticket_or_a_used_ticket_backs_nothing(hub: Hub) -> None:
    assert push(hub, hub.k2, "KUP-K2", [b_ticket("KUP-K2", 1)]).json()["stored"] == 1
    answer = push(hub, hub.k1, "KUP-K1", [check_in("KUP-K1", ["B001"])]).json()
    assert len(answer["refused"]) == 1 and booking_status(hub, hub.k1) == "booked"
    # One ticket, check-ins of two bookings in one batch: the second is refused.
    same = [b_ticket("KUP-K1", 2), check_in("KUP-K1", ["B002"]),
            check_in("KUP-K1", ["B002"], "ZZ99YY88")]
    answer = push(hub, hub.k1, "KUP-K1", same).json()
    assert answer["stored"] == 2 and len(answer["refused"]) == 1
    assert "already backs the check-in of AB12CD34" in answer["refused"][0]["reason"]


def test_a_version_1_kiosk_gets_its_old_answer_and_the_refusal_still_holds(hub: Hub) -> None:
    answer = push(hub, hub.k1, "KUP-K1", [check_in("KUP-K1", [])], protocol=1).json()
    assert answer["protocol"] == 1 and len(answer["acked"]) == 1
    assert set(answer) == {"protocol", "acked", "stored", "duplicates", "hub_time"}
    assert booking_status(hub, hub.k2) == "booked"


# --- finding 2: writing as another kiosk -------------------------------------------------


def test_a_kiosk_token_cannot_write_or_lease_as_another_kiosk(hub: Hub, caplog) -> None:
    caplog.set_level(logging.WARNING, "kiosk.hub.app")
    theirs = event("KUP-K2", "issued", {"lane": "A", "number": 3, "label": "A003"})
    reply = push(hub, hub.k1, "KUP-K1", [event("KUP-K1", "issued", {"lane": "A", "number": 1,
                                                                    "label": "A001"}), theirs])
    assert reply.status_code == 403 and reply.json()["error"] == "not_your_device"
    assert hub.store.event_ids("KUP") == []  # the whole batch: nothing stored
    assert "403 not_your_device" in caplog.text
    headers = {"Authorization": f"Bearer {hub.k1}"}
    lease = {"protocol": 2, "request_id": "KUP-K2-0000000001", "office_day": DAY, "lane": "A",
             "want": 5, "free": 0}
    reply = httpx.post(f"{hub.url}{PREFIX}/leases", json=lease, headers=headers)
    assert reply.status_code == 403 and reply.json()["error"] == "not_your_device"
    back = {"protocol": 2, "grant_id": "KUP-K2-00ff00ff00ff00ff", "office_day": DAY,
            "lane": "A", "numbers": [1]}
    reply = httpx.post(f"{hub.url}{PREFIX}/leases/return", json=back, headers=headers)
    assert reply.status_code == 403
    lease["request_id"] = "KUP-K1-0000000001"  # its own: fine
    assert httpx.post(f"{hub.url}{PREFIX}/leases", json=lease, headers=headers
                      ).status_code == 200


# --- finding 3: one id, two contents ------------------------------------------------------


def test_an_id_pushed_again_with_other_content_is_a_conflict(hub: Hub, caplog) -> None:
    caplog.set_level(logging.WARNING, "kiosk.hub")
    first = event("KUP-K1", "issued", {"lane": "A", "number": 1, "label": "A001"})
    assert push(hub, hub.k1, "KUP-K1", [first]).json()["stored"] == 1
    other = dict(first, payload={"lane": "A", "number": 2, "label": "A002"})
    answer = push(hub, hub.k1, "KUP-K1", [other]).json()
    assert answer["acked"] == [first["id"]] and answer["duplicates"] == 0
    assert answer["stored"] == 0 and len(answer["conflicts"]) == 1
    conflict = answer["conflicts"][0]
    assert conflict["status"] == "conflict" and conflict["id"] == first["id"]
    assert conflict["stored_sha256"] != conflict["sent_sha256"]
    assert conflict["stored_sha256"] in caplog.text and conflict["sent_sha256"] in caplog.text
    push(hub, hub.k1, "KUP-K1", [other])
    with hub.store._tx(read=True) as tx:
        assert tx.all("SELECT times FROM event_conflicts") == [(2,)]  # counted
        assert json.loads(tx.one("SELECT payload FROM events")[0])["number"] == 1  # kept
    # The same content again is a plain duplicate.
    assert push(hub, hub.k1, "KUP-K1", [first]).json()["duplicates"] == 1
    office = next(o for o in hub.store.offices() if o["code"] == "KUP")  # `kiosk hub status`
    assert office["event_conflicts"] == 2 and office["refused_events"] == 0


# --- the kiosk's side ----------------------------------------------------------------------


def test_the_kiosk_logs_and_shows_what_the_hub_refused(hub: Hub, config: Config, db,
                                                       clock: MovableClock, caplog,
                                                       capsys) -> None:
    caplog.set_level(logging.WARNING, "kiosk.sync")
    cfg = synced(config, hub.url, hub.k1, "KUP-K1")
    with immediate(db) as conn:  # a check-in with no ticket (a bug, or an edited store)
        append_event(conn, office_code="KUP", office_day=clock().date(), device_id="KUP-K1",
                     kind="booking_checked_in", at=clock(),
                     payload={"code": "AB12CD34", "labels": []})
    worker = SyncWorker(cfg, db, clock=clock, client=HubClient(hub.url, hub.k1, 5.0),
                        rng=random.Random(1))
    report = worker.sync_once()
    assert report.ok, report.error
    status = read_status(db, cfg, clock())
    sent = db.execute("SELECT sent_at FROM events WHERE kind = 'booking_checked_in'").fetchone()
    assert sent[0] is not None  # acknowledged: not sent again forever
    assert status.push_problems == 1 and status.last_push_problem["status"] == "refused"
    assert "names no B ticket" in caplog.text
    assert _sync_status(cfg, False) == 0
    assert "hub refused:    1 event(s) not stored" in capsys.readouterr().out
    doctor = hub_check(cfg)
    assert doctor.status == "warn" and doctor.message == "doctor.hub.push_problems"
    # An id the hub already holds with other content (a store restored from an old
    # copy, say): the hub got one version, this kiosk sends another.
    held = event("KUP-K1", "issued", {"lane": "A", "number": 1, "label": "A001"})
    assert push(hub, hub.k1, "KUP-K1", [held]).json()["stored"] == 1
    with immediate(db) as conn:
        conn.execute("INSERT INTO events (id, at, office_code, office_day, device_id, kind,"
                     " ticket_id, payload) VALUES (?, ?, 'KUP', ?, 'KUP-K1', 'issued', NULL,"
                     " ?)", (held["id"], clock().isoformat(), DAY,
                             '{"label":"A002","lane":"A","number":2}'))
    assert worker.sync_once().ok
    status = read_status(db, cfg, clock())
    assert status.push_problems == 2 and status.last_push_problem["status"] == "conflict"
    assert "is a conflict at the hub" in caplog.text
    assert "conflict" in hub_check(cfg).values["status"]
