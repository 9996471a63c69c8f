"""The one clock: a test or demo may shift it, a real office refuses that."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import clock
from kiosk.config import ConfigError, load_config
from tests.conftest import ROOT, SIM_CONFIG, at_moment, office_time

PI_CONFIG = ROOT / "config" / "example-pi.toml"


def real_office_config(tmp_path: Path) -> Path:
    """example-pi.toml with what it leaves for the office to fill in filled in."""
    from kiosk.privacy.pin import hash_pin

    text = PI_CONFIG.read_text(encoding="utf-8").replace(
        'pin_hash = "scrypt$16384$8$1$REPLACE$REPLACE"', f'pin_hash = "{hash_pin("482916")}"')
    text = text.replace("REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_utc_now_follows_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.OFFSET_ENV, raising=False)
    assert not clock.shifted()
    assert abs(clock.utc_now() - datetime.now(UTC)) < timedelta(seconds=5)
    moment = datetime.fromisoformat("2026-12-31T23:59:50+09:00")
    monkeypatch.setenv(clock.OFFSET_ENV, clock.offset_env_for(moment)[clock.OFFSET_ENV])
    assert clock.shifted()
    assert abs(clock.utc_now() - moment) < timedelta(seconds=5)
    assert clock.utc_now().tzinfo is UTC
    assert abs(clock.unix_time() - moment.timestamp()) < 5


def test_a_moment_needs_a_zone() -> None:
    assert clock.parse_moment("2026-12-05T10:00+08:00") == datetime(2026, 12, 5, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="no time zone"):
        clock.parse_moment("2026-12-05T10:00")
    with pytest.raises(ValueError, match="not an ISO moment"):
        clock.parse_moment("Saturday")
    with pytest.raises(ValueError, match="time zone"):
        clock.offset_env_for(datetime(2026, 12, 5, 10))


def test_a_real_office_refuses_a_shifted_clock(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = real_office_config(tmp_path)
    monkeypatch.delenv(clock.OFFSET_ENV, raising=False)
    assert not load_config(path).simulation
    monkeypatch.setenv(clock.OFFSET_ENV, "-86400")
    with pytest.raises(ConfigError, match=f"{clock.OFFSET_ENV} is set.*refuses it"):
        load_config(path)
    # The simulation takes it: that is what demos and tests are for.
    assert load_config(SIM_CONFIG).simulation


def test_a_garbled_shift_is_a_config_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.OFFSET_ENV, "yesterday")
    with pytest.raises(ConfigError, match="not a number of seconds"):
        load_config(SIM_CONFIG)
    monkeypatch.setenv(clock.OFFSET_ENV, "nan")
    with pytest.raises(ConfigError, match="out of range"):
        load_config(SIM_CONFIG)


def test_a_kiosk_process_runs_at_the_moment_its_test_sets(tmp_path: Path) -> None:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    text = text.replace('"../var/kiosk.db"', f'"{tmp_path / "kiosk.db"}"')
    text = text.replace('"../var/tickets.bin"', f'"{tmp_path / "t.bin"}"')
    config = tmp_path / "kiosk.toml"
    config.write_text(text, encoding="utf-8")
    moment = office_time("2026-12-31 23:59:00", "Asia/Makassar")

    def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), *args],
                              cwd=ROOT, capture_output=True, text=True, env=at_moment(moment),
                              timeout=60)

    issued = kiosk("issue", "priority")
    assert issued.returncode == 0, issued.stderr
    status = kiosk("status", "--json")
    assert status.returncode == 0, status.stderr
    today = json.loads(status.stdout)
    assert today["day"] == "2026-12-31"
    assert [lane["issued"] for lane in today["lanes"] if lane["lane"] == "P"] == [1]
