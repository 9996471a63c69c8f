"""A bad config stops start-up with the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.privacy.pin import hash_pin
from tests.conftest import ROOT, SIM_CONFIG

# Real-office configs refuse a shifted clock (make test AT=...): these run on the real
# one, and no outcome here depends on it.
pytestmark = pytest.mark.usefixtures("real_clock")

PI_CONFIG = ROOT / "config" / "example-pi.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sim_text() -> str:
    return SIM_CONFIG.read_text(encoding="utf-8")


def test_simulation_config_loads_with_office_defaults() -> None:
    cfg = load_config(SIM_CONFIG)
    assert cfg.simulation is True
    assert cfg.lanes["A"].cap == 60
    assert cfg.lanes["P"].cap is None
    assert str(cfg.timezone) == "Asia/Makassar"
    assert all(cfg.hours[i].lanes == {"A", "P", "B"} for i in range(7))  # a demo on any day
    # Relative paths are relative to the config file, not to the current directory.
    assert cfg.database == (ROOT / "var" / "kiosk.db").resolve()


def test_example_pi_config_loads_once_a_real_pin_is_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="staff.pin_hash"):
        load_config(PI_CONFIG)
    text = PI_CONFIG.read_text().replace(
        'pin_hash = "scrypt$16384$8$1$REPLACE$REPLACE"', f'pin_hash = "{hash_pin("482916")}"'
    )
    with pytest.raises(ConfigError, match="checkin.nik_salt"):
        load_config(write(tmp_path, text))
    text = text.replace("REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16)
    cfg = load_config(write(tmp_path, text))
    assert [c.number for c in cfg.counters] == [1, 2, 3]
    assert cfg.counters[2].lanes == {"B"}
    assert cfg.camera.source == "/dev/video0"
    assert cfg.printer.backend == "usb"
    assert cfg.printer.params["vendor_id"] == 0x0416
    assert cfg.printer.params["timeout_ms"] == 2000
    assert cfg.hours[5].lanes == {"P"}  # Saturday is priority-only
    assert cfg.hours[6] is None


def test_real_office_may_not_keep_the_demo_pin(tmp_path: Path) -> None:
    text = sim_text().replace("simulation = true", "simulation = false")
    with pytest.raises(ConfigError, match="demo PIN"):
        load_config(write(tmp_path, text))



def real_office_text(pin_hash: str) -> str:
    return (PI_CONFIG.read_text()
            .replace('pin_hash = "scrypt$16384$8$1$REPLACE$REPLACE"', f'pin_hash = "{pin_hash}"')
            .replace("REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16))


def test_the_demo_pin_is_refused_even_when_its_hash_records_its_length(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="demo PIN"):
        load_config(write(tmp_path, real_office_text(hash_pin("1234"))))


def test_loading_a_real_office_config_does_not_hash_the_demo_pin_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `kiosk issue` and every start loads the config: a scrypt there (~45 ms on a
    desktop, several times that on a Pi) only when the hash could be the demo PIN's."""
    import kiosk.config.parse_access as parse_access

    hashed: list[str] = []
    real_verify = parse_access.verify_pin

    def counting_verify(pin: str, stored: str) -> bool:
        hashed.append(stored)
        return real_verify(pin, stored)

    monkeypatch.setattr(parse_access, "verify_pin", counting_verify)
    cfg = load_config(write(tmp_path, real_office_text(hash_pin("482916"))))
    assert cfg.simulation is False and hashed == []
    legacy = hash_pin("482916").rsplit("$", 1)[0]  # made before hashes recorded the length
    with pytest.raises(ConfigError, match="record its PIN's length"):
        load_config(write(tmp_path, real_office_text(legacy)))
    assert hashed == [legacy]  # that one could be the demo PIN's: checked as before


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('timezone = "Asia/Makassar"', 'timezone = "UTC"', "office.timezone", "Asia/Jakarta"),
        ("cap = 60", 'cap = "sixty"', "lanes.A.cap", "whole number"),
        ("cap = 60", "cap = -1", "lanes.A.cap", "whole number"),
        ('mon = "00:00-24:00"', 'mon = "8 to 4"', "hours.mon", "HH:MM"),
        ('mon = "00:00-24:00"', 'mon = "16:00-08:00"', "hours.mon", "later than"),
        ('backend = "simulation"', 'backend = "laser"', "printer.backend", "usb"),
        ("paper_width_mm = 80", "paper_width_mm = 70", "printer.paper_width_mm", "58 or 80"),
        ("walkin_button = 17", "walkin_button = 27", "gpio.walkin_button", "different"),
        ("walkin_button = 17", "walkin_button = 40", "gpio.walkin_button", "0 to 27"),
        ('code = "KUP"', 'code = "kupang office"', "office.code", "capital letters"),
        ("holidays = []", 'holidays = ["25-12-2026"]', "holidays", "YYYY-MM-DD"),
        ('language = "id"', 'language = "jv"', "language", "one of id, en"),
        ("cooldown_s = 2", "cooldown_s = 2\ncolour = 1", "gpio.colour", "known keys"),
        ('demo = "', 'demo = "xx', "checkin.keys.demo", "Ed25519 public key"),
        ('nik_salt = "', 'nik_salt = "zz', "checkin.nik_salt", "hex digits"),
        ('decoder = "zxing"', 'decoder = "zebra"', "camera.decoder", "zxing"),
        ('lanes = ["B"]\n', 'lanes = ["X"]\n', "counters[2].lanes", "lane codes"),
        ("number = 2", "number = 1", "counters[1].number", "used once"),
        ("booked_per_walkin = [1, 1]", "booked_per_walkin = [1]", "calling.booked_per_walkin",
         "two whole numbers"),
    ],
)
def test_bad_value_names_file_key_and_expectation(
    tmp_path: Path, old: str, new: str, key: str, expected: str
) -> None:
    text = sim_text()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert f"'{key}'" in message
    assert expected in message


def test_missing_required_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, sim_text().replace('device_id = "KUP-SIM1"', ""))
    with pytest.raises(ConfigError, match="office.device_id.*missing"):
        load_config(path)


def test_usb_printer_needs_its_ids(tmp_path: Path) -> None:
    text = sim_text().replace('backend = "simulation"', 'backend = "usb"')
    with pytest.raises(ConfigError, match="printer.usb.vendor_id"):
        load_config(write(tmp_path, text))


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="valid TOML"):
        load_config(write(tmp_path, "office = [unclosed"))
    with pytest.raises(ConfigError, match="existing configuration file"):
        load_config(tmp_path / "nope.toml")
