"""A kiosk died holding walk-in numbers: staff release them at the hub.

Real kiosks (appliances with their own stores) and a real hub on 127.0.0.1
sharing one movable clock, so "the kiosk has been silent ten minutes" is a
clock move, not a sleep. A kiosk "dies" by no longer running its worker.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from kiosk import store
from kiosk.cli import main
from kiosk.clock import utc_now
from kiosk.config import Config
from kiosk.hub.store import HubError, HubStore
from kiosk.queue import leases
from kiosk.queue.issuing import Issued, Refused
from kiosk.store.ids import new_id
from kiosk.sync.protocol import PREFIX, Event, LeaseRequest
from tests.conftest import MovableClock
from tests.sync_harness import HUB_KEY, SALT_HEX, FaultProxy, Hub, LeasingKiosk

TODAY = date(2026, 11, 25)


@pytest.fixture
def hub(tmp_path, clock: MovableClock):
    hub = Hub(tmp_path / "hub.db", clock=clock)
    yield hub
    hub.close()


@pytest.fixture
def kiosks(config: Config, hub: Hub, clock: MovableClock, tmp_path):
    made: list[LeasingKiosk] = []

    def make(device: str, url: str | None = None) -> LeasingKiosk:  # blocks of 10, again below 2
        made.append(LeasingKiosk(config, hub, device, clock, tmp_path, url, block=10))
        return made[-1]

    yield make
    for kiosk in made:
        kiosk.close()


def _issue_until_the_cap(kiosk: LeasingKiosk) -> Refused:
    """Issue, syncing whenever the kiosk runs dry, until the office has nothing left for it."""
    while True:
        result = kiosk.issue()
        if isinstance(result, Issued):
            continue
        assert result.reason in ("cap", "no_numbers")  # dry here / nothing left at the hub
        report = kiosk.worker.sync_once()
        assert report.ok, report.error
        if report.leased == 0:
            final = kiosk.issue()  # the hub said it has nothing left: the quota is used up
            assert isinstance(final, Refused) and final.reason == "cap", final
            return final


def test_a_dead_kiosks_unused_numbers_go_to_the_other_kiosk(hub: Hub, kiosks,
                                                           clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    assert first.worker.sync_once().leased == 10
    assert first.issue_numbers(3) == [1, 2, 3]
    assert first.worker.sync_once().pushed >= 3  # the hub knows 1-3 are on tickets
    # KUP-K1 dies here (its SD card broke): it never syncs again today.
    assert second.worker.sync_once().leased == 10
    assert second.held() == {"free": list(range(11, 21))}
    with pytest.raises(HubError) as refused:  # it talked to the hub a moment ago
        hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock())
    assert refused.value.status == 409 and "switched off" in refused.value.message
    assert hub.store.leases("KUP", TODAY, "A")["KUP-K1"] == list(range(1, 11))  # untouched

    clock.advance(minutes=11)
    release = hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock())
    assert release.released == (4, 5, 6, 7, 8, 9, 10) and release.kept_used == (1, 2, 3)
    assert not release.forced and release.last_seen is not None
    assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": [1, 2, 3],
                                                    "KUP-K2": list(range(11, 21))}

    refusal = _issue_until_the_cap(second)
    assert refusal.reason == "cap"
    assert second.numbers() == list(range(4, 21))  # its own block, then the released numbers
    everything = first.numbers() + second.numbers()
    assert sorted(everything) == list(range(1, 21))  # the whole cap, no number twice
    assert isinstance(second.issue(), Refused)


def test_releasing_twice_frees_nothing_more(hub: Hub, kiosks, clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first = kiosks("KUP-K1")
    first.worker.sync_once()
    first.issue_numbers(3)
    first.worker.sync_once()
    clock.advance(minutes=30)
    once = hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock(), by="test")
    twice = hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock(), by="test")
    assert len(once.released) == 7
    assert twice.released == () and twice.kept_used == (1, 2, 3)
    assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": [1, 2, 3]}
    records = hub.store.lease_releases("KUP", TODAY)
    assert [(r["device_id"], r["numbers"], r["kept_used"], r["by"]) for r in records] == [
        ("KUP-K1", [4, 5, 6, 7, 8, 9, 10], [1, 2, 3], "test")]
    with pytest.raises(HubError) as unknown:  # a typo in the device id is not "nothing held"
        hub.store.release_device("KUP", "KUP-K9", TODAY, "A", clock())
    assert unknown.value.status == 404 and "no kiosk KUP-K9" in unknown.value.message


def test_a_ticket_issued_but_not_pushed_before_the_release_is_kept_as_a_conflict(
        hub: Hub, kiosks, clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    first.worker.sync_once()
    first.issue_numbers(3)
    first.worker.sync_once()
    fourth = first.issue()  # printed, then the kiosk went dark before pushing it
    assert isinstance(fourth, Issued) and fourth.ticket.number == 4
    release = hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock(), force=True)
    assert release.forced and release.released == (4, 5, 6, 7, 8, 9, 10)  # it cannot know
    assert second.worker.sync_once().leased == 10
    assert second.held() == {"free": list(range(4, 14))}

    report = first.worker.sync_once()  # back: pushes A004, then learns of the release
    assert report.ok, report.error
    assert (report.revoked, report.conflicts) == (7, 1)
    assert "7 numbers released by the hub" in report.summary()
    assert first.held() == {"used": [1, 2, 3], "revoked": [4, 5, 6, 7, 8, 9, 10]}
    assert first.numbers() == [1, 2, 3, 4]  # the ticket is never lost
    assert first.events("lease_conflict") == [
        (fourth.ticket.id, {"lane": "A", "number": 4, "label": "A004",
                            "reason": "released at the hub before this ticket reached it"})]
    refused = first.issue()  # numbers 5-10 are still free locally by count, but revoked
    assert isinstance(refused, Refused) and refused.reason == "no_numbers"  # 14-20 at the hub

    again = first.worker.sync_once()  # told again every round: nothing new, no second event
    assert (again.revoked, again.leased) == (0, 7)
    assert len(first.events("lease_conflict")) == 1
    assert first.issue_numbers(7) == [14, 15, 16, 17, 18, 19, 20]
    assert set(first.numbers()).isdisjoint(range(5, 11))  # never a revoked number
    first.worker.sync_once()
    conflicts = [e for e in hub.store.events_of_day("KUP", TODAY) if e["kind"] == "lease_conflict"]
    assert [(e["device_id"], e["payload"]["label"]) for e in conflicts] == [("KUP-K1", "A004")]


def test_a_ticket_pushed_before_anyone_else_was_lent_its_number_is_no_conflict(
        hub: Hub, kiosks, clock: MovableClock) -> None:
    """Released unseen, but the ticket reached the hub before another kiosk asked: the hub
    holds that number again for its kiosk and never lends it, so it is printed once."""
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    first.worker.sync_once()
    first.issue_numbers(3)
    first.worker.sync_once()
    fourth = first.issue()  # printed, not pushed
    assert isinstance(fourth, Issued) and fourth.ticket.number == 4
    release = hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock(), force=True)
    assert release.released == (4, 5, 6, 7, 8, 9, 10)
    report = first.worker.sync_once()  # back before the other kiosk asked for numbers
    assert report.ok, report.error
    assert (report.revoked, report.conflicts) == (6, 0)
    assert first.held() == {"used": [1, 2, 3, 4], "revoked": [5, 6, 7, 8, 9, 10]}
    assert first.events("lease_conflict") == []
    assert hub.store.leases("KUP", TODAY, "A")["KUP-K1"] == [1, 2, 3, 4]
    assert second.worker.sync_once().leased == 10
    assert second.held() == {"free": list(range(5, 15))}
    issued = second.issue_numbers(10)
    assert 4 not in issued and sorted(first.numbers() + issued) == list(range(1, 15))


def test_a_released_number_lent_again_to_the_same_kiosk_is_usable(
        hub: Hub, kiosks, clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first = kiosks("KUP-K1")
    first.worker.sync_once()
    first.issue_numbers(2)
    first.worker.sync_once()
    hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock(), force=True)
    assert first.worker.sync_once().revoked == 8
    assert first.held() == {"used": [1, 2], "revoked": list(range(3, 11))}
    report = first.worker.sync_once()  # empty: asks, and the hub lends the lowest free again
    assert report.leased == 10 and report.revoked == 0
    assert first.held() == {"used": [1, 2], "free": list(range(3, 13))}
    assert first.issue_numbers(2) == [3, 4]


def test_a_lost_lease_answer_retried_after_a_release_gets_nothing_released(
        hub: Hub, kiosks, clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    proxy = FaultProxy(hub.server.port)
    try:
        first = kiosks("KUP-K1", proxy.url)
        second = kiosks("KUP-K2")
        proxy.faults.extend(["pass", "reset_after"])  # settings, then the lease answer is lost
        assert not first.worker.sync_once().ok
        assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": list(range(1, 11))}
        clock.advance(minutes=15)
        assert len(hub.store.release_device("KUP", "KUP-K1", TODAY, "A", clock()).released) == 10
        assert second.worker.sync_once().leased == 10
        report = first.worker.sync_once()  # the same request id again: not the old numbers
        assert report.ok and report.leased == 0
        assert first.held() == {}
        assert first.worker.sync_once().leased == 10
        assert first.held() == {"free": list(range(11, 21))}
        assert second.held() == {"free": list(range(1, 11))}
    finally:
        proxy.close()


def test_the_release_endpoint(hub: Hub, kiosks, clock: MovableClock) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first = kiosks("KUP-K1")
    first.worker.sync_once()
    first.issue_numbers(3)
    first.worker.sync_once()
    url = f"{hub.url}{PREFIX}/offices/KUP/leases/release"

    def post(token: str, body: object, path: str = url) -> httpx.Response:
        return httpx.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

    kiosk_token = hub.kiosk_token("KUP-K3")
    answer = post(kiosk_token, {"device_id": "KUP-K1"})
    assert answer.status_code == 403 and answer.json()["error"] == "wrong_role"
    answer = post(hub.central, {"device_id": "KUP-K1"},
                  f"{hub.url}{PREFIX}/offices/XYZ/leases/release")
    assert answer.status_code == 404 and answer.json()["error"] == "unknown_office"
    palembang = hub.store.add_token("central", "PLB")
    assert post(palembang, {"device_id": "KUP-K1"}).status_code == 403
    answer = post(hub.central, {"device_id": "KUP-K1", "day": "2026-11-25"})
    assert answer.status_code == 409 and answer.json()["error"] == "device_active"
    answer = post(hub.central, {"day": "2026-11-25"})
    assert answer.status_code == 400 and "device_id" in answer.json()["message"]
    answer = post(hub.central, {"device_id": "KUP-K1", "force": "yes"})
    assert answer.status_code == 400 and "'force'" in answer.json()["message"]

    clock.advance(minutes=10)
    answer = post(hub.central, {"device_id": "KUP-K1", "lane": "A"})  # day: today at KUP
    assert answer.status_code == 200
    body = answer.json()
    assert body["released"] == [4, 5, 6, 7, 8, 9, 10] and body["kept_used"] == [1, 2, 3]
    assert body["day"] == "2026-11-25" and body["forced"] is False
    assert post(hub.central, {"device_id": "KUP-K1", "force": True}).json()["released"] == []
    assert hub.store.lease_releases("KUP", TODAY)[0]["by"].startswith("central token ")


def test_kiosk_hub_release_command(tmp_path, capsys) -> None:
    db = str(tmp_path / "hub.db")
    hub_store = HubStore.open(db, HUB_KEY)
    hub_store.add_office("KUP", "Kupang", "Asia/Makassar", bytes.fromhex(SALT_HEX))
    who = hub_store.identify(hub_store.add_token("kiosk", "KUP", "KUP-K2"))
    now = utc_now()
    today = now.astimezone(ZoneInfo("Asia/Makassar")).date()
    assert hub_store.grant_lease(who, LeaseRequest("req-00000001", today, "A", 10, 0),
                                 now).numbers == tuple(range(1, 11))
    ticket = new_id("KUP-K2")
    issued = Event(new_id("KUP-K2"), 1, now.isoformat(), "KUP", today.isoformat(), "KUP-K2",
                   "issued", ticket, json.dumps({"lane": "A", "number": 1, "label": "A001"}))
    hub_store.ingest(who, [issued], now, now)
    hub_store.close()

    assert main(["hub", "release", "--db", db, "--office", "KUP", "--device", "kup-k2"]) == 2
    assert "talked to the hub 0 min" in capsys.readouterr().err
    assert main(["hub", "release", "--db", db, "--office", "KUP", "--device", "KUP-K2",
                 "--force"]) == 0
    out = capsys.readouterr().out
    assert f"released 9 numbers of KUP-K2 (office KUP, {today}, lane A): 2-10" in out
    assert "kept 1 numbers as used (their tickets reached the hub): 1" in out
    assert "let it reach the hub before it issues numbers" in out
    assert main(["hub", "release", "--db", db, "--office", "KUP", "--device", "KUP-K2",
                 "--force"]) == 0
    assert "nothing to release: KUP-K2 holds no unused numbers" in capsys.readouterr().out
    assert main(["hub", "release", "--db", db, "--office", "KUP", "--device", "KUP-K2",
                 "--day", "25-11-2026"]) == 2
    assert "--day: expected a date YYYY-MM-DD" in capsys.readouterr().err
    assert main(["hub", "release", "--db", db, "--office", "KUP", "--device", "KUP-K7",
                 "--day", str(today - timedelta(days=1))]) == 2
    assert "office KUP has no kiosk KUP-K7" in capsys.readouterr().err
    assert main(["hub", "release", "--db", db, "--office", "XYZ", "--device", "XYZ-K1"]) == 2
    assert "no office XYZ" in capsys.readouterr().err


def test_the_store_migration_keeps_held_numbers_and_allows_revoked(tmp_path) -> None:
    import sqlite3

    import sqlite_utils

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    steps = store.MIGRATIONS[:store.MIGRATIONS.index(store._lease_revoked)]
    for version, step in enumerate(steps, start=1):
        step(old)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.executemany("INSERT INTO lease_numbers (office_day, lane, number, grant_id, state)"
                     " VALUES ('2026-11-25', 'A', ?, 'G1', ?)", [(1, "used"), (2, "free")])
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK knows no 'revoked'
        conn.execute("UPDATE lease_numbers SET state = 'revoked' WHERE number = 2")
    conn.close()
    db = store.connect(path)
    try:
        assert store.schema_version(db) >= len(steps) + 1
        assert leases.held_numbers(db, TODAY, "A") == {"used": [1], "free": [2]}
        with store.immediate(db) as tx:
            assert leases.revoke(tx, "KUP", TODAY, "A", (2, 3)) == ([2], [])
        assert leases.held_numbers(db, TODAY, "A") == {"used": [1], "revoked": [2]}
    finally:
        db.close()
