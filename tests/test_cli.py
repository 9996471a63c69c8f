"""The `kiosk` command as staff and scripts use it: real processes, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SIM_CONFIG, at_moment, office_time


def make_config(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    text = text.replace('database = "../var/kiosk.db"', f'database = "{tmp_path / "kiosk.db"}"')
    text = text.replace('output = "../var/tickets.bin"', f'output = "{tmp_path / "t.bin"}"')
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


# Every process of a test runs at the same office moment, a Wednesday morning: no outcome
# here may hang on the machine's day, hour or zone (or on midnight between two calls).
MOMENT = office_time("2026-11-25 10:00")


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], cwd=ROOT, capture_output=True, text=True,
        env={**at_moment(MOMENT), **(env or {})}, timeout=60,
    )


def test_issue_prints_the_number_and_writes_the_ticket(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    first = kiosk("--config", str(config), "issue", "walkin")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "A001"
    assert kiosk("--config", str(config), "issue", "priority").stdout.strip() == "P001"
    assert b"A001" in (tmp_path / "t.bin").read_bytes()


def test_kiosk_config_env_is_used_when_no_flag(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    result = kiosk("issue", "walkin", env={"KIOSK_CONFIG": str(config)})
    assert result.stdout.strip() == "A001"
    assert (tmp_path / "kiosk.db").exists()


def test_cap_reached_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"cap = 60": "cap = 1"})
    assert kiosk("--config", str(config), "issue", "walkin").returncode == 0
    refused = kiosk("--config", str(config), "issue", "walkin")
    assert refused.returncode == 3
    assert "Kuota Hari Ini Sudah Habis" in refused.stderr
    assert "M-Paspor" in refused.stderr
    english = kiosk("--config", str(config), "--lang", "en", "issue", "walkin")
    assert "Today's Quota Is Used Up" in english.stderr


def test_closed_exits_non_zero_and_names_the_next_opening(tmp_path: Path) -> None:
    # MOMENT's day (a Wednesday) and the days around it are holidays: closed now, and
    # the next opening is Friday.
    config = make_config(tmp_path, {"holidays = []":
                                    'holidays = ["2026-11-24", "2026-11-25", "2026-11-26"]'})
    result = kiosk("--config", str(config), "issue", "walkin")
    assert result.returncode == 3
    assert "Kantor Sedang Tutup" in result.stderr
    assert "Buka lagi" in result.stderr and "27" in result.stderr


def test_a_lane_the_day_does_not_serve_is_named_not_closed(tmp_path: Path) -> None:
    priority_only = {f'{day} = "00:00-24:00"': f'{day} = {{ open = "00:00-24:00", lanes = ["P"] }}'
                     for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    config = make_config(tmp_path, priority_only)  # no day serves walk-ins
    result = kiosk("--config", str(config), "issue", "walkin")
    assert result.returncode == 3
    assert "hanya untuk Prioritas" in result.stderr
    assert "Kantor Sedang Tutup" not in result.stderr
    assert "Jadwal Antrian Umum berikutnya belum ditetapkan" in result.stderr


def test_status_counts_issued_left_turned_away_and_unprinted(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"cap = 60": "cap = 2"})
    for _ in range(3):
        kiosk("--config", str(config), "issue", "walkin")
    result = kiosk("--config", str(config), "status", "--json")
    assert result.returncode == 0, result.stderr
    lanes = {row["lane"]: row for row in json.loads(result.stdout)["lanes"]}
    assert (lanes["A"]["issued"], lanes["A"]["left"], lanes["A"]["turned_away"]) == (2, 0, 1)
    assert lanes["A"]["unprinted"] == 0
    table = kiosk("--config", str(config), "status")
    assert "turned away" in table.stdout and "A Antrian Umum" in table.stdout


def test_unprinted_ticket_exit_code_and_reprint(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a directory where the ticket file should be: printing fails
    config = make_config(tmp_path)
    text = config.read_text().replace(f'output = "{tmp_path / "t.bin"}"', f'output = "{blocked}"')
    config.write_text(text)
    result = kiosk("--config", str(config), "issue", "walkin")
    assert result.returncode == 4
    assert result.stdout.strip() == "A001"
    assert "kiosk reprint A001" in result.stderr
    status = json.loads(kiosk("--config", str(config), "status", "--json").stdout)
    assert status["lanes"][0]["unprinted"] == 1
    config.write_text(text.replace(f'output = "{blocked}"', f'output = "{tmp_path / "t.bin"}"'))
    again = kiosk("--config", str(config), "reprint", "a001")
    assert again.returncode == 0, again.stderr
    assert b"A001" in (tmp_path / "t.bin").read_bytes()
    missing = kiosk("--config", str(config), "reprint", "A050")
    assert missing.returncode == 5 and "A050" in missing.stderr


@pytest.mark.parametrize("command", [["run"], ["issue", "walkin"], ["status"]])
def test_bad_config_stops_every_command_with_file_and_key(tmp_path: Path,
                                                          command: list[str]) -> None:
    config = make_config(tmp_path, {'timezone = "Asia/Makassar"': 'timezone = "Asia/Tokyo"'})
    result = kiosk("--config", str(config), *command)
    assert result.returncode == 1
    assert str(config) in result.stderr and "office.timezone" in result.stderr
    assert not (tmp_path / "kiosk.db").exists()  # nothing started half-configured


def test_check_config(tmp_path: Path) -> None:
    result = kiosk("--config", str(make_config(tmp_path)), "check-config")
    assert result.returncode == 0 and "OK" in result.stdout


def test_checkin_command_prints_the_numbers_and_refuses_garbage(tmp_path: Path) -> None:
    from datetime import date

    from kiosk.checkin.booking_samples import make_sample_bookings

    config = make_config(tmp_path)
    key = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()
    today = json.loads(kiosk("--config", str(config), "status", "--json").stdout)["day"]
    made = make_sample_bookings(tmp_path / "qr", "KUP", date.fromisoformat(today), 1, key,
                                key_id="demo", seed=3)
    payload = made.samples[0][1]
    result = kiosk("--config", str(config), "checkin", payload)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("B001")
    again = kiosk("--config", str(config), "checkin", payload)
    assert again.returncode == 3 and "Sudah Lapor Kedatangan" in again.stderr
    garbage = kiosk("--config", str(config), "checkin", "\u00ff\x07AQ1.!!")
    assert garbage.returncode == 3 and "Kode Tidak Terbaca" in garbage.stderr


def test_bookings_import_reports_bad_rows_with_their_line(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    csv_file = tmp_path / "b.csv"
    csv_file.write_text(
        "code,office,date,slot_start,slot_end,nickname,nik\n"
        "FAM0001,KUP,2026-11-25,09:00,10:00,Ani,3271010101900003\n"
        "FAM0002,KUP,2026-11-25,09:00,10:00,Budi,12345\n", encoding="utf-8")
    result = kiosk("--config", str(config), "bookings", "import", str(csv_file))
    assert result.returncode == 2
    assert "1 added" in result.stdout
    assert ":3:" in result.stderr
    again = kiosk("--config", str(config), "bookings", "import", str(csv_file))
    assert "0 added" in again.stdout and "1 unchanged" in again.stdout
    assert b"3271010101900003" not in (tmp_path / "kiosk.db").read_bytes()
