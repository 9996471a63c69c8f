"""The service catalog (issue 13): [services.X] and [lanes.X], counters' services and
stages, and the Batam-like example config."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.queue.schedule import Schedule
from tests.conftest import ROOT, SIM_CONFIG, office_time

EXAMPLE = ROOT / "config" / "example-multiservice.toml"


def write(tmp_path: Path, text: str, name: str = "kiosk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, text.replace(old, new, 1))


def problem(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def test_the_default_config_keeps_its_three_lanes() -> None:
    config = load_config(SIM_CONFIG)
    assert list(config.lanes) == ["A", "P", "B"]
    assert [config.lanes[c].kind for c in "APB"] == ["walkin", "priority", "booked"]
    assert config.lanes["A"].cap == 60 and config.lanes["P"].cap is None
    assert config.lane_hours == {}
    assert all(c.stages == frozenset() for c in config.counters)


def test_the_batam_example_loads_with_its_services_counters_and_stages() -> None:
    config = load_config(EXAMPLE)
    assert {code: lane.cap for code, lane in config.lanes.items()} == {
        "A": 200, "C": 35, "P": 50, "D": None, "E": 40}
    assert config.lanes["C"].name_id == "Percepatan"
    assert config.lanes["P"].kind == "priority"
    assert config.lanes_of_kind("walkin") == ("A", "C", "D", "E")
    assert config.lanes["A"].stages == ("berkas", "foto")
    by_number = {c.number: c for c in config.counters}
    assert all(by_number[n].lanes == {"A", "C", "P"} for n in range(1, 7))
    assert by_number[1].stages == {"berkas"} and by_number[5].stages == {"foto"}
    assert by_number[7].lanes == {"D"} and by_number[8].lanes == {"E"}
    assert config.hours[5].lanes == {"P", "D"}  # Saturday: no regular, express or permits


def test_a_service_follows_its_own_hours() -> None:
    config = load_config(EXAMPLE)
    schedule = Schedule.of(config)
    friday_noon = office_time("2026-11-27 12:00", "Asia/Jakarta")
    assert schedule.is_open(friday_noon, "A") and not schedule.is_open(friday_noon, "C")
    assert schedule.next_opening(friday_noon, "C").time() == time(7, 30)
    saturday = office_time("2026-11-28 09:00", "Asia/Jakarta")
    assert schedule.is_open(saturday, "P") and not schedule.is_open(saturday, "E")
    assert schedule.next_opening(saturday, "E").weekday() == 0  # Monday


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('kind = "priority"', 'kind = "express"', "services.P.kind",
         "one of walkin, priority, booked"),
        ("[services.D]", "[services.DD]", "services.DD", "one capital letter"),
        ("[services.D]", "[services.4]", "services.4", "one capital letter"),
        ('stages = ["foto"]', 'stages = ["sidik_jari"]', "counters[4].stages",
         "stages of the services this counter serves"),
        ('services = ["E"]', 'services = ["F"]', "counters[7].services", "service codes"),
        ('name_id = "Izin Tinggal"\n', "", "services.E.name_id", "the key is missing"),
        ('hours = { sat = "closed" }', 'hours = { sat = "siang" }', "services.A.hours.sat",
         "HH:MM"),
        ('days = ["mon",', 'days = ["senin",', "services.E.days", "weekdays"),
        ("cap = 35", "cap = -1", "services.C.cap", "0"),
        # a stage name travels in hub events, which protocol 2 checks (at most 40)
        ('stages = ["berkas", "foto"]', f'stages = ["berkas", "{"f" * 41}"]', "services.A.stages",
         "stage names of at most 40 characters"),
        ("kind = \"walkin\"\ncap = 40", "kind = \"walkin\"\ncap = 40\ncolour = 1",
         "services.E.colour", "known keys"),
    ],
)
def test_bad_services_and_counters_are_named(tmp_path: Path, old: str, new: str, key: str,
                                             expected: str) -> None:
    message = problem(example_with(tmp_path, old, new))
    assert f"'{key}'" in message, message
    assert expected in message, message


def test_a_service_in_both_lanes_and_services_is_refused(tmp_path: Path) -> None:
    path = example_with(tmp_path, "[services.D]", '[lanes.A]\nname_id = "Umum"\n\n[services.D]')
    assert "each service once" in problem(path)


def test_counters_may_say_lanes_or_services_but_not_both(tmp_path: Path) -> None:
    path = example_with(tmp_path, 'services = ["E"]', 'services = ["E"]\nlanes = ["E"]')
    assert "not both" in problem(path)


def test_a_service_needing_nik_needs_the_salt(tmp_path: Path) -> None:
    salt = 'nik_salt = "5f0c7a3e9b1d4e2a8c6f0b3d7e1a9c4b"'
    text = EXAMPLE.read_text(encoding="utf-8").replace(salt, 'nik_salt = ""')
    text = text.replace('name_en = "Stay permits"', 'name_en = "Stay permits"\nnik = true')
    assert "nik_salt to be set first" in problem(write(tmp_path, text))
    config = load_config(example_with(tmp_path, 'name_en = "Stay permits"',
                                      'name_en = "Stay permits"\nnik = true'))
    assert config.lanes["E"].nik is True and config.lanes["A"].nik is None


def test_old_lanes_tables_still_take_the_new_keys(tmp_path: Path) -> None:
    text = SIM_CONFIG.read_text(encoding="utf-8").replace(
        'name_en = "Walk-in"\ncap = 60', 'name_en = "Walk-in"\ncap = 60\nstages = ["berkas"]')
    text = text.replace('database = "../var/kiosk.db"', f'database = "{tmp_path / "k.db"}"')
    config = load_config(write(tmp_path, text))
    assert config.lanes["A"].stages == ("berkas",) and list(config.lanes) == ["A", "P", "B"]


def test_the_hub_wire_takes_any_service_code_and_only_service_codes() -> None:
    from datetime import date

    from kiosk.sync.protocol import (
        PROTOCOL_VERSION,
        LeaseRequest,
        ProtocolError,
        parse_lease_request,
    )
    from kiosk.sync.settings_wire import parse_settings

    assert parse_settings({"caps": {"C": 35, "A": 200}}).caps == {"C": 35, "A": 200}
    with pytest.raises(ProtocolError):
        parse_settings({"caps": {"CC": 1}})
    request = LeaseRequest("BTM-SIM1-0001", date(2026, 11, 25), "C", 10, 0).to_json()
    assert request["protocol"] == PROTOCOL_VERSION
    assert parse_lease_request(request).lane == "C"
    with pytest.raises(ProtocolError, match="one capital letter"):
        parse_lease_request({**request, "lane": "c"})
