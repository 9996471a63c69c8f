"""A config with several problems: every one is reported at once (kiosk check-config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import cli
from kiosk.config import ConfigError, load_config
from kiosk.sync.protocol import ProtocolError
from kiosk.sync.settings_wire import parse_settings
from tests.conftest import SIM_CONFIG

# Independent problems in different sections, in the order they are checked:
# (old text, new text, the key named).
PROBLEMS = [
    ('timezone = "Asia/Makassar"', 'timezone = "Asia/Tokyo"', "office.timezone"),
    ("cap = 60", 'cap = "sixty"', "lanes.A.cap"),
    ("paper_width_mm = 80", "paper_width_mm = 72", "printer.paper_width_mm"),
    ("walkin_button = 17", "walkin_button = 99", "gpio.walkin_button"),
    ('nik_salt = "84bd82cfdd485cd08ff4dbe29f96c54b"', 'nik_salt = "abc"', "checkin.nik_salt"),
    ("max_recalls = 3", "max_recalls = 3\nloudness = 11", "calling.loudness"),
    ('listen = "127.0.0.1:8470"', 'listen = "nowhere"', "lan_api.listen"),
    ("chime_pin = 18", "chime_pin = 40", "display.chime_pin"),
]


def broken_config(tmp_path: Path, problems=PROBLEMS) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    for old, new, _key in problems:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_in_the_file_is_reported(tmp_path: Path) -> None:
    path = broken_config(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert [p.split("'")[1] for p in error.problems] == [key for *_, key in PROBLEMS]
    # The first problem is still the error's key, and its text names file and keys.
    assert error.key == "office.timezone" and error.path == str(path)
    assert str(error).startswith(f"{path}: {len(PROBLEMS)} problems: key 'office.timezone'")
    assert all(problem in str(error) for problem in error.problems)
    assert "got 'sixty'" in str(error) and "got 72" in str(error)


def test_one_problem_reads_as_before(tmp_path: Path) -> None:
    path = broken_config(tmp_path, PROBLEMS[:1])
    with pytest.raises(ConfigError, match=r"key 'office.timezone': expected one of") as caught:
        load_config(path)
    assert caught.value.problems == [str(caught.value).removeprefix(f"{path}: ")]


def test_a_missing_required_key_stops_only_its_own_branch(tmp_path: Path) -> None:
    path = broken_config(tmp_path, [
        ('device_id = "KUP-SIM1"', "", "office.device_id"),
        ('backend = "simulation"', "", "printer.backend"),
        ("mon = \"00:00-24:00\"", "mon = \"25:00-26:00\"", "hours.mon"),
        ("tue = \"00:00-24:00\"", "tue = 9", "hours.tue"),
        ("number = 1\n", "", "counters[0].number"),
        ("[board]", '[sync]\nhub_url = "ftp://x"\ntoken = "short"\n\n[board]', "sync.*"),
    ])
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    keys = [p.split("'")[1] for p in caught.value.problems]
    assert keys == ["office.device_id", "hours.mon", "hours.tue", "counters[0].number",
                    "printer.backend", "sync.hub_url", "sync.token"]


def test_check_config_prints_every_problem_on_its_own_line(tmp_path: Path, capsys) -> None:
    path = broken_config(tmp_path)
    assert cli.main(["check-config", "--config", str(path)]) == cli.EXIT_CONFIG
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == (f"Konfigurasi salah / bad configuration: {len(PROBLEMS)} problems "
                        f"in {path}:")
    assert [line.split("'")[1] for line in lines[1:]] == [key for *_, key in PROBLEMS]
    assert all(line.startswith(f"{path}: key '") for line in lines[1:])


def test_hub_settings_still_stop_at_the_first_problem() -> None:
    """kiosk/sync/settings_wire.py reads the hub's settings with the same reader, uncollected."""
    with pytest.raises(ProtocolError, match="caps.A") as caught:
        parse_settings({"caps": {"A": "x", "P": -1}})
    assert "caps.P" not in str(caught.value)
