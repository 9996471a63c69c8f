"""Leases per capped service (issue 13): the Batam-like office of
config/example-multiservice.toml with two kiosks (two stores, two device ids)
sharing one real hub on 127.0.0.1.

`kiosk issue C` runs as real processes racing on both kiosks; the sync rounds
run in this process on the kiosks' own stores, at the same office moment.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk import store
from kiosk.config import SyncConfig, load_config
from kiosk.queue import leases
from kiosk.queue.issuing import Issued, Refused
from kiosk.sync.pull import apply_to_appliance
from kiosk.sync.records import META_LEASE_REQUEST, lease_lanes, write_meta
from kiosk.sync.worker import SyncWorker, prepare_store
from tests.conftest import ROOT, MovableClock, at_moment, office_time
from tests.sync_harness import Hub

EXAMPLE = ROOT / "config" / "example-multiservice.toml"
# A Wednesday morning in Batam (WIB): every service of the example is issued.
MOMENT = office_time("2026-11-25 09:00", "Asia/Jakarta")
DAY = MOMENT.date()
SALT = bytes.fromhex("5f0c7a3e9b1d4e2a8c6f0b3d7e1a9c4b")  # the example's demo salt
# The office's caps at the hub, as the example's file has them (D: none).
HUB_CAPS = {"A": 200, "C": 35, "P": 50, "E": 40}


class Kiosk:
    """One kiosk of the office: its config file, its store and its sync worker."""

    def __init__(self, hub: Hub, device: str, tmp_path: Path, clock: MovableClock) -> None:
        token = hub.kiosk_token(device, office="BTM")
        text = EXAMPLE.read_text(encoding="utf-8")
        for old, new in (('database = "../var/multiservice.db"',
                          f'database = "{tmp_path / device}.db"'),
                         ('output = "../var/multiservice-tickets.bin"',
                          f'output = "{tmp_path / device}.bin"'),
                         ('device_id = "BTM-SIM1"', f'device_id = "{device}"')):
            assert old in text
            text = text.replace(old, new)
        text += (f'\n[sync]\nhub_url = "{hub.url}"\ntoken = "{token}"\ntimeout_s = 10\n'
                 "leases = true\nlease_block = 10\nlease_low_water = 5\n")
        self.path = tmp_path / f"{device}.toml"
        self.path.write_text(text, encoding="utf-8")
        self.config = load_config(self.path)
        self.db = store.connect(self.config.database)
        prepare_store(self.config, self.db)  # as `kiosk run` does before its first round
        self.worker = SyncWorker(self.config, self.db, clock=clock)

    def start(self, *args: str, moment) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--config", str(self.path),
                                 *args], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=at_moment(moment))

    def issue(self, *args: str, moment) -> tuple[int, str, str]:
        proc = self.start("issue", *args, moment=moment)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out.strip(), err

    def numbers(self, lane: str) -> list[int]:
        return sorted(r[0] for r in self.db.execute(
            "SELECT number FROM tickets WHERE lane = ?", (lane,)))

    def held(self, lane: str) -> dict[str, list[int]]:
        return leases.held_numbers(self.db, DAY, lane)

    def close(self) -> None:
        self.worker.client.close()
        self.db.close()


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    hub.store.add_office("BTM", "Batam", "Asia/Jakarta", SALT)
    hub.store.set_settings("BTM", {"caps": HUB_CAPS, "lease_block": 10})
    yield hub
    hub.close()


@pytest.fixture
def office(hub: Hub, tmp_path):
    clock = MovableClock(MOMENT)
    made = [Kiosk(hub, device, tmp_path, clock) for device in ("BTM-K1", "BTM-K2")]
    yield clock, made
    for kiosk in made:
        kiosk.close()


def test_racing_c_presses_on_two_kiosks_never_overshoot_35_nor_share_a_number(
        hub: Hub, office) -> None:
    clock, (first, second) = office
    for kiosk in (first, second):
        assert kiosk.worker.sync_once().ok
    # Each capped service is leased on its own; the uncapped pick-up D is not.
    assert first.held("C") == {"free": list(range(1, 11))}
    assert second.held("C") == {"free": list(range(11, 21))}
    assert {lane: hub.store.leases("BTM", DAY, lane) for lane in "ACDEP"} == {
        lane: {"BTM-K1": list(range(1, 11)), "BTM-K2": list(range(11, 21))} for lane in "ACEP"
    } | {"D": {}}
    outcomes: dict[int, int] = {}
    refusals: list[str] = []
    for batch in range(12):
        moment = MOMENT + timedelta(minutes=batch + 1)  # 4 a minute: under the per-minute guard
        procs = [kiosk.start("issue", "C", moment=moment)
                 for _ in range(4) for kiosk in (first, second)]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            outcomes[proc.returncode] = outcomes.get(proc.returncode, 0) + 1
            assert proc.returncode in (0, 3), err
            if proc.returncode == 3:
                refusals.append(err)
        numbers = first.numbers("C") + second.numbers("C")
        assert len(numbers) == len(set(numbers)), f"a C number issued twice in batch {batch}"
        assert len(numbers) <= 35 and max(numbers) <= 35
        clock.now = moment + timedelta(seconds=30)
        for kiosk in (first, second, first, second):  # twice: a reclaim reaches the empty one
            assert kiosk.worker.sync_once().ok
        if len(numbers) == 35 and refusals:
            break
    # Every one of the 35 percepatan numbers went to someone, none twice, none more.
    assert sorted(first.numbers("C") + second.numbers("C")) == list(range(1, 36))
    assert outcomes[0] == 35
    assert any("Kuota Percepatan Hari Ini Sudah Habis" in err for err in refusals)
    last = MOMENT + timedelta(minutes=20)
    for kiosk in (first, second):  # the office's percepatan quota is used up everywhere
        code, _, err = kiosk.issue("C", moment=last)
        assert code == 3 and "Percepatan" in err
    # Using up C took nothing from A or P: each kiosk still holds its first A and P block.
    assert (first.held("A"), second.held("A")) == ({"free": list(range(1, 11))},
                                                   {"free": list(range(11, 21))})
    assert first.issue("A", moment=last)[1] == "A001"
    assert second.issue("A", moment=last)[1] == "A011"  # from its own A lease, not max + 1
    assert second.issue("priority", moment=last)[1] == "P011"
    assert hub.store.leases("BTM", DAY, "A") == {"BTM-K1": list(range(1, 11)),
                                                 "BTM-K2": list(range(11, 21))}


def test_an_uncapped_service_issues_without_leases_and_a_capped_one_waits_for_them(
        hub: Hub, office) -> None:
    clock, (first, second) = office
    # Never in touch with the hub yet: C has no numbers here, D needs none.
    code, _, err = first.issue("C", moment=MOMENT)
    assert code == 3 and err.startswith("Nomor Belum Tersedia di Kios Ini")  # not "quota gone"
    assert first.issue("D", moment=MOMENT) == (0, "D001", "")
    for kiosk in (first, second):
        assert kiosk.worker.sync_once().ok
    later = MOMENT + timedelta(minutes=1)
    assert [first.issue("D", moment=later)[1], second.issue("D", moment=later)[1]] == [
        "D002", "D001"]  # each kiosk counts its own pick-ups: D has no cap to share
    assert first.issue("C", moment=later)[1] == "C001"
    assert second.issue("C", moment=later)[1] == "C011"
    assert hub.store.leases("BTM", DAY, "D") == {}
    assert first.held("D") == {}
    # Every process on the store knows which services are leased.
    assert "".join(sorted(leases.leased_lanes(first.db))) == "ACEP"


def test_only_capped_walk_in_and_priority_services_are_leased(tmp_path) -> None:
    config = load_config(EXAMPLE)
    assert lease_lanes(config) == ""  # no hub: nothing is leased
    synced = dataclasses.replace(config, sync=SyncConfig(
        hub_url="http://127.0.0.1:1", token="x" * 20, leases=True))
    assert lease_lanes(synced) == "ACEP"
    # A cap the hub sets for the pick-up desk leases it too; a dropped one does not unlease.
    assert lease_lanes(synced, {"D": 100, "A": None}) == "ACDEP"
    default = load_config(ROOT / "config" / "kiosk.toml")
    default_synced = dataclasses.replace(default, sync=synced.sync)
    assert lease_lanes(default_synced) == "A"  # today's walk-in lane, as before


def test_a_lease_request_remembered_before_per_service_leases_is_asked_again(
        hub: Hub, office, tmp_path) -> None:
    """A store upgraded mid-request: the old single A request is retried under its id."""
    clock, (first, _) = office
    assert first.worker.sync_once().ok
    with store.immediate(first.db) as conn:
        write_meta(conn, META_LEASE_REQUEST, json.dumps(
            {"request_id": "BTM-K1-old", "office_day": DAY.isoformat(), "want": 10}))
    assert first.worker.sync_once().ok
    assert first.held("A") == {"free": list(range(1, 21))}
    with sqlite3.connect(tmp_path / "hub.db") as hub_db:  # asked under the remembered id
        assert hub_db.execute("SELECT lane, numbers FROM lease_grants WHERE request_id = ?",
                              ("BTM-K1-old",)).fetchall() == [("A", json.dumps(
                                  list(range(11, 21))))]
    assert first.db.execute("SELECT value FROM meta WHERE key = ?",
                            (META_LEASE_REQUEST,)).fetchone() is None
    # The hub's last "unlent" count, as a store from before per-service leases kept it.
    with store.immediate(first.db) as conn:
        write_meta(conn, leases.UNLEASED_KEY, json.dumps(
            {"office_day": DAY.isoformat(), "lane": "A", "count": 0, "cap": 200}))
        assert not leases.hub_may_lend(conn, DAY, "A")  # A: "none left", as it was told
        assert leases.hub_may_lend(conn, DAY, "C")  # C: not heard of yet today


def test_the_kiosk_ui_path_takes_c_from_its_lease(hub: Hub, office) -> None:
    """The appliance the screens press (service.issue) issues C from the lease and its
    start screen counts the office's C numbers this kiosk can give."""
    from kiosk.appliance import build

    clock, (first, second) = office
    appliance = build(first.config, with_gpio=False, clock=clock)
    try:
        service = appliance.service
        refused = service.issue("C")
        assert isinstance(refused, Refused) and refused.reason == "no_numbers"
        first.worker.on_settings = lambda new: apply_to_appliance(appliance, new)
        for kiosk in (first, second, first):
            assert kiosk.worker.sync_once().ok
        assert service.quota("C").left == 10 + 15  # held here + not lent to anyone yet
        clock.advance(seconds=15)
        issued = service.issue("C")
        assert isinstance(issued, Issued) and issued.ticket.label == "C001"
        assert first.held("C") == {"used": [1], "free": list(range(2, 11))}
    finally:
        appliance.close()


def test_kiosk_hub_release_frees_a_dead_kiosks_numbers_per_service(
        hub: Hub, office, tmp_path, capsys) -> None:
    from kiosk.cli import main

    clock, (first, second) = office
    for kiosk in (first, second):
        assert kiosk.worker.sync_once().ok
    release = ["hub", "release", "--db", str(tmp_path / "hub.db"), "--office", "BTM",
               "--device", "BTM-K2", "--day", DAY.isoformat(), "--force"]
    assert main([*release, "--service", "c"]) == 0
    out = capsys.readouterr().out
    assert f"released 10 numbers of BTM-K2 (office BTM, {DAY}, lane C): 11-20" in out
    assert "lane A" not in out
    assert hub.store.leases("BTM", DAY, "C") == {"BTM-K1": list(range(1, 11))}
    assert hub.store.leases("BTM", DAY, "A") == {"BTM-K1": list(range(1, 11)),
                                                 "BTM-K2": list(range(11, 21))}
    assert main(release) == 0  # no --service: every service it still holds numbers of
    out = capsys.readouterr().out
    assert [line.split("lane ")[1][0] for line in out.splitlines()
            if line.startswith("released")] == ["A", "E", "P"]
    assert "let it reach the hub before it issues numbers" in out
    second.worker.sync_once()  # back after all: it stops using every released number
    assert second.held("C") == {"revoked": list(range(11, 21))}
    assert second.held("A") == {"revoked": list(range(11, 21))}
    code, _, err = second.issue("C", moment=MOMENT + timedelta(minutes=1))
    assert code == 3


def test_the_worker_asks_early_only_for_a_service_the_hub_still_has_numbers_of(
        hub: Hub, office) -> None:
    """Running low wakes the worker within seconds, but not for a service whose office
    quota is all lent out: C used up at ten must not mean a round every 2 s all day."""
    from kiosk.sync.status import read_status
    from kiosk.sync.view import sync_line

    clock, (first, second) = office
    assert first.worker.needs_numbers()  # nothing held yet: ask now
    for kiosk in (first, second):
        assert kiosk.worker.sync_once().ok
    assert not first.worker.needs_numbers()  # 10 of each leased service held
    status = read_status(first.db, first.config, MOMENT)
    assert status.leased_by_lane == {"A": 10, "C": 10, "E": 10, "P": 10}
    assert "nomor dipegang kiosk ini: A 10, C 10, E 10, P 10" in sync_line(
        status, first.config.timezone, MOMENT, "id")
    for _ in range(3):  # K1 gives out every C number it holds and asks for more, thrice
        with store.immediate(first.db) as conn:
            conn.execute("UPDATE lease_numbers SET state = 'used' WHERE lane = 'C'")
        assert first.worker.sync_once().ok
    assert first.held("C") == {"used": list(range(1, 11)) + list(range(21, 36))}
    assert not first.worker.needs_numbers()  # C is low, but the hub said none is left
    with store.immediate(first.db) as conn:
        conn.execute("UPDATE lease_numbers SET state = 'used' WHERE lane = 'E'"
                     " AND number > 2")
    assert first.worker.needs_numbers()  # E is low and the hub still has E numbers
