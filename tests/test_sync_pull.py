"""Bookings and office settings pulled from the hub: what a check-in and a walk-in see next.

A real hub on 127.0.0.1 fed through its central endpoints (as the booking
system would), a real kiosk appliance, and the real sync worker.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from datetime import date, datetime

import httpx
import pytest

from kiosk import store
from kiosk.appliance import build
from kiosk.checkin.booking_qr import (
    BookingClaim,
    generate_private_key,
    public_key_to_b64,
    sign_payload,
)
from kiosk.checkin.bookings import load_booking
from kiosk.checkin.service import CheckedIn, CheckinRefused
from kiosk.config import Config
from kiosk.privacy.nik import hash_nik
from kiosk.queue.issuing import Issued, Refused
from kiosk.sync.protocol import PREFIX
from kiosk.sync.pull import apply_to_appliance
from kiosk.sync.status import read_status
from kiosk.sync.worker import SyncWorker, start_sync
from tests.conftest import MovableClock
from tests.sync_harness import SALT_HEX, Hub, synced

FAMILY = [("Budi", "5371014405900003"), ("Siti", "5371010203850001")]


def row(code: str, start: str = "09:00", end: str = "10:00", status: str = "booked",
        people=FAMILY, day: str = "2026-11-25") -> dict:
    return {"code": code, "office": "KUP", "date": day, "slot_start": start, "slot_end": end,
            "status": status, "applicants": [{"nickname": n, "nik": k} for n, k in people]}


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    yield hub
    hub.close()


def central(hub: Hub, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, hub.url + PREFIX + path,
                         headers={"Authorization": f"Bearer {hub.central}"}, **kwargs)


def import_rows(hub: Hub, *rows: dict) -> dict:
    answer = central(hub, "POST", "/offices/KUP/bookings", content=json.dumps(list(rows)))
    assert answer.status_code == 200, answer.text
    return answer.json()


class Kiosk:
    """An appliance (store, printer, issuing, check-in) with its own sync worker."""

    def __init__(self, config: Config, hub: Hub, device: str, clock: MovableClock,
                 tmp_path) -> None:
        token = hub.kiosk_token(device)
        cfg = dataclasses.replace(synced(config, hub.url, token, device),
                                  database=tmp_path / f"{device}.db")
        self.config = cfg
        self.appliance = build(cfg, with_gpio=False, clock=clock)
        self.db = store.connect(cfg.database)
        self.worker = SyncWorker(cfg, self.db, clock=clock,
                                 on_settings=lambda new: apply_to_appliance(self.appliance, new))

    def sync(self):
        report = self.worker.sync_once()
        assert report.ok, report.error
        return report

    def close(self) -> None:
        self.worker.client.close()
        self.db.close()
        self.appliance.close()


@pytest.fixture
def kiosks(config: Config, hub: Hub, clock: MovableClock, tmp_path):
    made: list[Kiosk] = []

    def make(device: str) -> Kiosk:
        made.append(Kiosk(config, hub, device, clock, tmp_path))
        return made[-1]

    yield make
    for kiosk in made:
        kiosk.close()


def test_new_changed_and_cancelled_bookings_reach_the_kiosk(hub: Hub, kiosks) -> None:
    kiosk = kiosks("KUP-K1")
    report = import_rows(hub, row("AAA111"), row("BBB222"), row("CCC333"))
    assert report["added"] == 3 and report["problems"] == []
    assert kiosk.sync().bookings == 3
    booking = load_booking(kiosk.db.conn, "BBB222")
    assert booking.status == "booked" and f"{booking.slot_start:%H:%M}" == "09:00"
    # The NIK itself never left the hub; its hash matches what a KTP gives at the kiosk.
    salt = bytes.fromhex(SALT_HEX)
    assert booking.applicants[0].nik_hash == hash_nik(FAMILY[0][1], salt)
    assert booking.applicants[0].nik_masked == "5371********0003"
    assert kiosk.sync().bookings == 0  # the cursor: nothing twice
    report = import_rows(hub, row("BBB222", start="13:00", end="14:00"),
                         row("CCC333", status="cancelled"), row("AAA111"))
    assert (report["updated"], report["cancelled"], report["unchanged"]) == (1, 1, 1)
    assert kiosk.sync().bookings == 2
    assert f"{load_booking(kiosk.db.conn, 'BBB222').slot_start:%H:%M}" == "13:00"
    assert load_booking(kiosk.db.conn, "CCC333").status == "cancelled"
    kinds = [r[0] for r in kiosk.db.execute(
        "SELECT kind FROM events WHERE kind LIKE 'booking_%' ORDER BY seq")]
    assert kinds == ["booking_imported"] * 3 + ["booking_imported", "booking_cancelled"]


def test_a_cancellation_pulled_after_sync_refuses_the_check_in(hub: Hub, kiosks) -> None:
    kiosk = kiosks("KUP-K1")
    import_rows(hub, row("CCC333"))
    kiosk.sync()
    import_rows(hub, row("CCC333", status="cancelled"))
    kiosk.sync()
    result = kiosk.appliance.checkin.check_in("CCC333")
    assert isinstance(result, CheckinRefused) and result.reason == "cancelled"
    assert kiosk.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
    # A booking re-sent as "booked" by an old export is not reinstated.
    report = import_rows(hub, row("CCC333"))
    assert report["kept"][0]["reason"].startswith("cancelled earlier")


def test_a_check_in_at_one_kiosk_reaches_the_other_through_the_hub(hub: Hub, kiosks) -> None:
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    import_rows(hub, row("AAA111"))
    first.sync()
    second.sync()
    checked = first.appliance.checkin.check_in("AAA111")
    assert isinstance(checked, CheckedIn) and checked.labels == ("B001", "B002")
    first.sync()  # pushes booking_checked_in; the hub marks the booking used
    second.sync()
    refused = second.appliance.checkin.check_in("AAA111")
    assert isinstance(refused, CheckinRefused) and refused.reason == "already_checked_in"
    # A late cancellation cannot undo a check-in (hub and kiosk agree).
    report = import_rows(hub, row("AAA111", status="cancelled"))
    assert "already checked in" in report["kept"][0]["reason"]
    first.sync()
    assert load_booking(first.db.conn, "AAA111").status == "checked_in"


def test_many_bookings_come_in_pages(hub: Hub, kiosks) -> None:
    kiosk = kiosks("KUP-K1")
    rows = [row(f"PAGE{i:04d}", people=[("Budi", f"{5371014405900000 + i}")])
            for i in range(1100)]
    assert import_rows(hub, *rows)["added"] == 1100
    assert kiosk.sync().bookings == 1100
    assert kiosk.db.execute("SELECT count(*) FROM bookings").fetchone()[0] == 1100


def test_bad_import_rows_are_reported_and_good_ones_kept(hub: Hub) -> None:
    bad = row("DDD444") | {"date": "2026-02-30"}
    other = row("EEE555") | {"office": "PLB"}
    report = import_rows(hub, row("AAA111"), bad, other)
    assert report["added"] == 1
    reasons = {p["item"]: p["reason"] for p in report["problems"]}
    assert "real date" in reasons[1] and "office PLB" in reasons[2]
    answer = central(hub, "POST", "/offices/KUP/bookings", content=b"{]")
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["message"]


def test_hub_settings_apply_on_the_next_pull(hub: Hub, kiosks, clock: MovableClock) -> None:
    kiosk = kiosks("KUP-K1")
    service = kiosk.appliance.service
    assert isinstance(service.issue("A"), Issued)
    key = generate_private_key()
    settings = {"caps": {"A": 1}, "public_keys": {"new": public_key_to_b64(key.public_key())}}
    answer = central(hub, "PUT", "/offices/KUP/settings", json={"settings": settings})
    assert answer.status_code == 200 and answer.json()["version"] == 1
    # Not yet pulled: the kiosk still runs on its file.
    assert isinstance(service.issue("A"), Issued)
    report = kiosk.sync()
    assert report.settings_changed and report.settings_version == 1
    refused = service.issue("A")
    assert isinstance(refused, Refused) and refused.reason == "cap" and refused.cap == 1
    claim = BookingClaim("QRK0001", "KUP", date(2026, 11, 25), datetime(1, 1, 1, 9).time(),
                         datetime(1, 1, 1, 10).time(), 1, 1795500000)
    assert isinstance(kiosk.appliance.checkin.check_in(sign_payload(claim, "new", key)),
                      CheckedIn)
    # The hub's key list replaces the file's: the demo key no longer signs bookings here.
    demo = sign_payload(dataclasses.replace(claim, code="QRK0002"), "demo", generate_private_key())
    assert kiosk.appliance.checkin.check_in(demo).reason == "unknown_key"
    # Today a holiday, set centrally: closed at the next pull.
    central(hub, "PUT", "/offices/KUP/settings",
            json={"settings": settings | {"caps": {"A": 5}, "holidays": ["2026-11-25"]}})
    kiosk.sync()
    assert service.issue("P").reason == "closed"
    # The hub drops the holiday: the file's rule (open) is back.
    central(hub, "PUT", "/offices/KUP/settings", json={"settings": {"caps": {"A": 5}}})
    kiosk.sync()
    assert isinstance(service.issue("A"), Issued)


def test_settings_never_change_in_the_middle_of_an_issue(hub: Hub, kiosks) -> None:
    kiosk = kiosks("KUP-K1")
    central(hub, "PUT", "/offices/KUP/settings", json={"settings": {"caps": {"A": 7}}})
    service = kiosk.appliance.service
    service.lock.acquire()  # a ticket is being issued right now
    rounds = threading.Thread(target=kiosk.sync)
    rounds.start()
    time.sleep(0.5)
    assert service.config.lanes["A"].cap == 60 and rounds.is_alive()
    service.lock.release()
    rounds.join(15)
    assert service.config.lanes["A"].cap == 7
    assert kiosk.appliance.checkin.config.lanes["A"].cap == 7


def test_pulled_settings_survive_an_offline_restart(hub: Hub, config: Config,
                                                    clock: MovableClock, tmp_path) -> None:
    kiosk = Kiosk(config, hub, "KUP-K1", clock, tmp_path)
    central(hub, "PUT", "/offices/KUP/settings", json={"settings": {"caps": {"A": 3}}})
    kiosk.sync()
    kiosk.close()
    offline = dataclasses.replace(kiosk.config, sync=dataclasses.replace(
        kiosk.config.sync, hub_url="http://127.0.0.1:9", interval_s=3600))
    appliance = build(offline, with_gpio=False, clock=clock)
    stop = start_sync(offline, appliance)
    try:
        assert appliance.service.config.lanes["A"].cap == 3
        assert appliance.service.quota().cap == 3
    finally:
        stop()
        appliance.close()


def test_settings_are_checked_like_a_config_file(hub: Hub) -> None:
    for settings, words in (({"hours": {"mon": "16:00-08:00"}}, "hub settings: key 'hours.mon'"),
                            ({"caps": {"A": "sixty"}}, "key 'caps.A'"),
                            ({"colour": "red"}, "key 'colour'")):
        answer = central(hub, "PUT", "/offices/KUP/settings", json={"settings": settings})
        assert answer.status_code == 400 and words in answer.json()["message"], answer.text
    assert central(hub, "GET", "/offices/KUP/settings").json()["version"] == 0


def test_a_different_nik_salt_is_reported(hub: Hub, kiosks, clock: MovableClock) -> None:
    kiosk = kiosks("KUP-K1")
    kiosk.worker.base = dataclasses.replace(kiosk.config, checkin=dataclasses.replace(
        kiosk.config.checkin, nik_salt=b"another-salt-0123456789"))
    kiosk.sync()
    status = read_status(kiosk.db, kiosk.config, clock())
    assert status.online and "nik_salt differs" in status.warning
