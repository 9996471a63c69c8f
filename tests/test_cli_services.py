"""`kiosk issue CODE` for any configured service (issue 13), with the Batam-like
config/example-multiservice.toml: real processes, a real store, a pinned moment."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from kiosk import store
from kiosk.queue.numbering import Numbering
from tests.conftest import ROOT, at_moment, office_time

EXAMPLE = ROOT / "config" / "example-multiservice.toml"
# A Wednesday morning in Batam (WIB): every service of the example is issued.
MOMENT = office_time("2026-11-25 09:00", "Asia/Jakarta")


def make_config(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (('database = "../var/multiservice.db"',
                      f'database = "{tmp_path / "kiosk.db"}"'),
                     ('output = "../var/multiservice-tickets.bin"',
                      f'output = "{tmp_path / "t.bin"}"')):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def kiosk_cmd(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk.cli", "--config", str(config), *args]


def kiosk(config: Path, *args: str, moment=MOMENT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(kiosk_cmd(config, *args), cwd=ROOT, capture_output=True, text=True,
                          env=at_moment(moment), timeout=60)


def test_36_presses_of_c_give_c001_to_c035_then_name_the_percepatan_quota(
        tmp_path: Path) -> None:
    config = make_config(tmp_path)
    labels = []
    for i in range(35):
        # 7 s apart: under the per-minute guard (10 a minute per walk-in service).
        result = kiosk(config, "issue", "c" if i % 2 else "C",
                       moment=MOMENT + timedelta(seconds=7 * i))
        assert result.returncode == 0, result.stderr
        labels.append(result.stdout.strip())
    assert labels == [f"C{n:03d}" for n in range(1, 36)]
    refused = kiosk(config, "issue", "C", moment=MOMENT + timedelta(seconds=7 * 35))
    assert refused.returncode == 3
    assert "Kuota Percepatan Hari Ini Sudah Habis" in refused.stderr
    assert "35 nomor Percepatan" in refused.stderr
    english = kiosk(config, "--lang", "en", "issue", "C", moment=MOMENT + timedelta(minutes=5))
    assert english.returncode == 3 and "Express passport" in english.stderr
    # The other services' numbers and caps are their own.
    later = MOMENT + timedelta(minutes=6)  # never before a time the store has seen
    assert kiosk(config, "issue", "A", moment=later).stdout.strip() == "A001"
    assert kiosk(config, "issue", "priority", moment=later).stdout.strip() == "P001"
    assert kiosk(config, "issue", "D", moment=later).stdout.strip() == "D001"


def test_processes_racing_for_the_last_c_numbers_never_overshoot(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    db = store.connect(tmp_path / "kiosk.db")
    day = MOMENT.date()
    other = Numbering(db, "BTM", "BTM-SIM2")  # another kiosk issued 31 earlier this morning
    for n in range(31):
        assert other.take("C", day, 35, MOMENT - timedelta(minutes=40 - n)).number == n + 1
    db.close()
    procs = [subprocess.Popen(kiosk_cmd(config, "issue", "C"), cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=at_moment(MOMENT)) for _ in range(7)]
    results = [(p.communicate(timeout=120), p.returncode) for p in procs]
    issued = sorted(out.strip() for (out, _err), code in results if code == 0)
    assert issued == ["C032", "C033", "C034", "C035"]
    refusals = [err for (_out, err), code in results if code == 3]
    assert len(refusals) == 3 and all("Percepatan" in err for err in refusals)
    db = store.connect(tmp_path / "kiosk.db")
    assert db.execute("SELECT max(number), count(*) FROM tickets WHERE lane = 'C'"
                      ).fetchone() == (35, 35)


def test_an_unknown_service_is_refused_with_the_choices(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    result = kiosk(config, "issue", "Z")
    assert result.returncode == 2
    assert "no such service" in result.stderr and "A | C | P | D | E" in result.stderr


def test_a_counter_serving_several_walk_in_services_calls_them_in_turn(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    for i, code in enumerate("ACAPE"):
        issued = kiosk(config, "issue", code, moment=MOMENT + timedelta(seconds=7 * i))
        assert issued.returncode == 0, issued.stderr
    calls = []
    for i in range(5):
        called = kiosk(config, "call", "--counter", "1", moment=MOMENT + timedelta(minutes=1 + i))
        calls.append((called.returncode, called.stdout.strip()))
    # Counter 1 serves A, C and P (priority first): P, then A and C in turn; E is counter 8's.
    assert calls[:4] == [(0, "P001"), (0, "A001"), (0, "C001"), (0, "A002")]
    assert calls[4][0] == 3  # nobody left that counter 1 serves
    eighth = kiosk(config, "call", "--counter", "8", moment=MOMENT + timedelta(minutes=7))
    assert (eighth.returncode, eighth.stdout.strip()) == (0, "E001")
