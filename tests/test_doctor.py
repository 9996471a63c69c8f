"""`kiosk doctor`: every check passing and failing for real reasons, and the command itself.

Real parts throughout: stores on disk (one deliberately corrupted), a TCP
printer on 127.0.0.1 answering DLE EOT 4, gpiozero mock pins, the installed
espeak-ng, the kiosk's own LAN API, the real hub, another program on the LAN
API's port, and the CLI run as a subprocess for exit codes, JSON and both languages.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory

from hardware.gpio_panel import ButtonPanel, running_on_pi
from hardware.probes import camera_probe, find_voice, gpio_probe, printer_probe, sound_probe
from kiosk import store
from kiosk.clock import utc_now
from kiosk.config import Config, LanApiConfig, SyncConfig
from kiosk.doctor.diagnosis import diagnose
from kiosk.doctor.network_checks import hub_check, lan_api_check
from kiosk.doctor.report import rendered
from kiosk.doctor.runner import (
    CHECK_NAMES,
    STATUSES,
    TIMEOUTS_S,
    Check,
    Outcome,
    result,
    run_checks,
)
from kiosk.doctor.store_checks import database_check, disk_check
from kiosk.doctor.system_checks import clock_check, services_check
from kiosk.lan.server import LanApi
from kiosk.texts import TEXTS
from tests.conftest import ROOT, SIM_CONFIG
from tests.tcp_printer import STATUS_LOW, STATUS_OK, STATUS_OUT, FakeNetworkPrinter, free_port

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def text_of(found, language: str = "en") -> str:
    return rendered(Outcome(found, 0.0), language)["message"]


def network_printer(config: Config, port: int, status_timeout_s: float = 5.0) -> Config:
    printer = dataclasses.replace(config.printer, backend="network",
                                  status_timeout_s=status_timeout_s,
                                  params={"host": "127.0.0.1", "port": port, "timeout_s": 1.0})
    return dataclasses.replace(config, printer=printer)


class Sync:
    """An NTP state for the clock rule: what adjtimex()/timedatectl would say."""

    def __init__(self, state: bool | None) -> None:
        self.state = state

    def synchronized(self) -> bool | None:
        return self.state


# -- the runner ---------------------------------------------------------------------------------


def test_a_hanging_check_is_reported_as_failed_within_its_deadline() -> None:
    never = threading.Event()

    def hangs():
        never.wait(30)
        return result("printer", "pass", "doctor.printer.ok", where="x")

    started = time.monotonic()
    outcomes = run_checks([Check("printer", hangs, 0.3),
                           Check("disk", lambda: result("disk", "pass", "doctor.disk.ok",
                                                        free="1 GB", path="/", percent=1), 5)])
    assert time.monotonic() - started < 10  # not the 30 s the check would hang
    assert [o.result.status for o in outcomes] == ["fail", "pass"]
    shown = rendered(outcomes[0], "en")
    assert shown["message"] == "The check did not finish within 0.3 s."
    assert "cable" in shown["fix"]
    never.set()


def test_a_check_that_raises_becomes_a_failure_with_the_error_text() -> None:
    def broken():
        raise OSError("boom")

    [outcome] = run_checks([Check("camera", broken, 5)])
    assert outcome.result.status == "fail"
    assert "OSError: boom" in rendered(outcome, "id")["message"]


def test_device_drivers_that_cannot_load_fail_their_checks_not_the_doctor(
        tmp_path: Path) -> None:
    def broken_drivers(config: Config) -> list[Check]:
        raise ImportError("libGL.so.1: cannot open shared object file")

    config_file = write_config(tmp_path)
    _config, outcomes = diagnose(config_file, broken_drivers, only=["printer", "disk"])
    shown = {o.result.name: rendered(o, "en") for o in outcomes}
    assert shown["printer"]["status"] == "fail"
    assert "libGL.so.1" in shown["printer"]["message"]
    assert shown["disk"]["status"] == "pass"


def test_every_check_has_a_title_and_every_status_a_label_in_both_languages() -> None:
    for name in CHECK_NAMES:
        assert f"doctor.{name}.title" in TEXTS
        assert name in TIMEOUTS_S
    for status in STATUSES:
        assert f"doctor.status.{status}" in TEXTS


# -- store and disk -----------------------------------------------------------------------------


def test_database_passes_on_a_migrated_store(config: Config, db) -> None:
    found = database_check(config)
    assert found.status == "pass"
    assert f"schema version {len(store.MIGRATIONS)}" in text_of(found)


def test_database_missing_is_a_warning_and_the_doctor_does_not_create_it(config: Config) -> None:
    found = database_check(config)
    assert found.status == "warn"
    assert not config.database.exists()


def corrupt(path: Path) -> None:
    """A store with data in many pages, then garbage written over pages in the middle."""
    db = store.connect(path)
    db["filler"].insert_all({"id": i, "text": f"row {i} " * 20} for i in range(3000))
    db.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(b"\xab" * 4096 * 4)


def test_a_corrupt_store_fails_integrity_with_the_restore_fix(config: Config) -> None:
    corrupt(config.database)
    found = database_check(config)
    assert found.status == "fail"
    assert found.message == "doctor.database.corrupt"
    assert "kiosk restore" in rendered(Outcome(found, 0), "en")["fix"]


def test_an_index_that_disagrees_with_its_table_fails_integrity(config: Config, db) -> None:
    """A store SQLite still opens, where only PRAGMA integrity_check finds the damage."""
    db.execute("CREATE TABLE notes (a, b)")
    db.execute("CREATE INDEX notes_a ON notes (a)")
    db.conn.executemany("INSERT INTO notes VALUES (?, ?)", [(i, -i) for i in range(50)])
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX notes_a ON notes (b)'"
               " WHERE name = 'notes_a'")
    db.close()
    conn = sqlite3.connect(config.database)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (50,)  # still readable
    conn.close()
    found = database_check(config)
    assert found.status == "fail"
    assert "missing from index notes_a" in text_of(found)
    assert text_of(found).endswith(" ...")  # first three problems of many


def test_a_store_from_a_newer_version_fails(config: Config, db) -> None:
    db.execute("PRAGMA user_version = 99")
    found = database_check(config)
    assert found.status == "fail"
    assert "schema 99" in text_of(found)


def test_disk_space_passes_warns_and_fails_by_threshold(config: Config) -> None:
    free_mb = shutil.disk_usage(config.database.parent).free / 2**20
    assert disk_check(config, min_free_mb=1, fail_free_mb=0).status == "pass"
    low = disk_check(config, min_free_mb=free_mb * 10, fail_free_mb=0)
    assert low.status == "warn"
    assert "Only" in text_of(low) and "warning below" in text_of(low)
    full = disk_check(config, min_free_mb=free_mb * 10, fail_free_mb=free_mb * 5)
    assert full.status == "fail"
    assert "nearly full" in text_of(full)


# -- printer ------------------------------------------------------------------------------------


def test_simulation_printer_passes(config: Config) -> None:
    found = printer_probe(config)
    assert found.status == "pass"
    assert "Simulation printer" in text_of(found)


@pytest.mark.parametrize(("reply", "status", "words"), [
    (STATUS_OK, "pass", "paper in"),
    (STATUS_LOW, "warn", "nearly used up"),
    (STATUS_OUT, "fail", "paper is OUT"),
])
def test_network_printer_paper_status_over_tcp(config: Config, reply: bytes, status: str,
                                               words: str) -> None:
    printer = FakeNetworkPrinter(reply)
    try:
        found = printer_probe(network_printer(config, printer.port))
    finally:
        printer.stop()
    assert found.status == status
    assert words in text_of(found)
    assert f"network 127.0.0.1:{printer.port}" in text_of(found)
    assert any(b"\x10\x04\x04" in session for session in printer.sessions)


def test_a_printer_that_never_answers_status_is_reachable_but_silent(config: Config) -> None:
    printer = FakeNetworkPrinter(status=None)
    try:
        started = time.monotonic()
        found = printer_probe(network_printer(config, printer.port, status_timeout_s=0.5))
    finally:
        printer.stop()
    assert found.status == "warn"
    assert "did not report its paper within 0.5 s" in text_of(found)
    assert time.monotonic() - started < 5


def test_nothing_listening_means_printer_not_reachable(config: Config) -> None:
    found = printer_probe(network_printer(config, free_port()))
    assert found.status == "fail"
    assert "cannot be reached" in text_of(found)
    assert "refused" in text_of(found).lower()


# -- camera -------------------------------------------------------------------------------------


def with_camera(config: Config, source: str, simulation: bool | None = None) -> Config:
    camera = dataclasses.replace(config.camera, source=source)
    sim = config.simulation if simulation is None else simulation
    return dataclasses.replace(config, camera=camera, simulation=sim)


def test_camera_folder_with_an_image_delivers_a_frame(config: Config, tmp_path: Path) -> None:
    folder = tmp_path / "camera"
    folder.mkdir()
    cv2.imwrite(str(folder / "qr.png"), np.full((240, 320, 3), 255, np.uint8))
    found = camera_probe(with_camera(config, str(folder)))
    assert found.status == "pass"
    assert "320x240" in text_of(found)


def test_a_camera_device_that_does_not_exist_delivers_no_frame(config: Config) -> None:
    found = camera_probe(with_camera(config, "/dev/video97", simulation=False), wait_s=0.5)
    assert found.status == "fail"
    assert "/dev/video97 delivered no frame within 0.5 s" in text_of(found)


def test_no_camera_configured_is_skipped(config: Config) -> None:
    assert camera_probe(with_camera(config, "")).status == "skip"


def test_a_missing_camera_folder_fails_on_a_real_kiosk_and_warns_in_simulation(
        config: Config, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    assert camera_probe(with_camera(config, missing, simulation=False)).status == "fail"
    assert camera_probe(with_camera(config, missing, simulation=True)).status == "warn"


# -- GPIO ---------------------------------------------------------------------------------------


def test_gpio_mock_pins_pass_in_simulation(config: Config) -> None:
    found = gpio_probe(config)
    assert found.status == "pass"
    assert "buttons 17 and 27, lamp 22" in text_of(found)


def test_pins_held_by_a_running_panel_are_busy_not_broken(config: Config) -> None:
    factory = MockFactory()
    panel = ButtonPanel(config.gpio, lambda lane: None, factory)  # what a running kiosk holds
    try:
        found = gpio_probe(config, factory=factory)
    finally:
        panel.close()
    assert found.status == "warn"
    assert found.message == "doctor.gpio.busy"
    assert "systemctl stop kiosk" in rendered(Outcome(found, 0), "en")["fix"]
    assert gpio_probe(config, factory=factory).status == "pass"  # released: free again


@pytest.mark.skipif(running_on_pi(), reason="on a Pi the native factory loads")
def test_a_pin_factory_that_cannot_load_fails_with_its_reason(config: Config) -> None:
    gpio = dataclasses.replace(config.gpio, pin_factory="native")
    found = gpio_probe(dataclasses.replace(config, simulation=False, gpio=gpio))
    assert found.status == "fail"
    assert "Raspberry Pi" in text_of(found)
    auto = dataclasses.replace(config.gpio, pin_factory="auto")
    assert gpio_probe(dataclasses.replace(config, simulation=False, gpio=auto)).status == "warn"


# -- sound --------------------------------------------------------------------------------------

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


@needs_espeak
def test_espeak_ng_with_the_indonesian_voice_passes(config: Config) -> None:
    found = sound_probe(config)
    assert found.status == "pass", text_of(found)
    assert 'voice "id"' in text_of(found)


@needs_espeak
def test_a_voice_espeak_ng_does_not_have_fails(config: Config) -> None:
    calling = dataclasses.replace(config.calling, voice="xx-klingon")
    found = sound_probe(dataclasses.replace(config, calling=calling))
    assert found.status == "fail"
    assert 'no voice "xx-klingon"' in text_of(found)


@needs_espeak
def test_the_english_voice_is_checked_when_english_is_spoken(config: Config) -> None:
    calling = dataclasses.replace(config.calling, speech_english=True, voice_english="xx-nope")
    found = sound_probe(dataclasses.replace(config, calling=calling))
    assert found.status == "fail"
    assert 'no voice "xx-nope"' in text_of(found)
    assert "[calling] voice_english" in rendered(Outcome(found, 0), "en")["fix"]
    calling = dataclasses.replace(calling, voice_english="en")
    found = sound_probe(dataclasses.replace(config, calling=calling))
    assert found.status == "pass", text_of(found)
    assert '"id", "en"' in text_of(found)
    # English off and no prompts: a missing English voice does not matter.
    calling = dataclasses.replace(calling, speech_english=False, voice_english="xx-nope")
    assert sound_probe(dataclasses.replace(config, calling=calling)).status == "pass"


def test_espeak_ng_missing_from_path_fails_with_the_install_command(
        config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    found = sound_probe(config)
    assert found.status == "fail"
    assert rendered(Outcome(found, 0), "id")["fix"] == "sudo apt install espeak-ng"


def test_speech_switched_off_is_skipped(config: Config) -> None:
    calling = dataclasses.replace(config.calling, speech=False)
    assert sound_probe(dataclasses.replace(config, calling=calling)).status == "skip"


def test_voices_match_by_language_name_or_file() -> None:
    listing = ("Pty Language       Age/Gender VoiceName          File          Other Languages\n"
               " 5  id              --/M      Indonesian         poz/id\n"
               " 5  en-gb           --/M      English_(Great_Britain) gmw/en\n")
    assert find_voice(listing, "id") == "Indonesian"
    assert find_voice(listing, "id+f3") == "Indonesian"
    assert find_voice(listing, "gmw/en") == "English_(Great_Britain)"
    assert find_voice(listing, "de") is None


# -- clock --------------------------------------------------------------------------------------


def record_newest(db, moment: datetime) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES ('newest_time', ?)"
               " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (moment.isoformat(),))


def test_clock_behind_the_newest_recorded_time_fails(config: Config, db) -> None:
    record_newest(db, NOW + timedelta(hours=3, minutes=20))
    found = clock_check(config, NOW, Sync(True))
    assert found.status == "fail"
    assert "3 h 20 min behind" in text_of(found)
    assert "3 jam 20 menit" in text_of(found, "id")


def test_clock_within_the_tolerance_of_the_record_passes(config: Config, db) -> None:
    record_newest(db, NOW + timedelta(minutes=4))
    found = clock_check(config, NOW, Sync(True))
    assert found.status == "pass"
    assert "NTP" in text_of(found)


def test_a_real_kiosk_without_ntp_or_confirmation_fails_the_clock(config: Config, db) -> None:
    real = dataclasses.replace(config, simulation=False)
    found = clock_check(real, NOW, Sync(False))
    assert found.status == "fail"
    assert "waits for the clock" in text_of(found)
    # Simulation applies only the "behind" rule, like the kiosk itself.
    assert clock_check(config, NOW, Sync(False)).status == "pass"


# -- LAN API, hub, services ---------------------------------------------------------------------


def with_listen(config: Config, port: int) -> Config:
    return dataclasses.replace(config, lan_api=LanApiConfig("127.0.0.1", port))


def test_lan_api_of_this_office_passes(config: Config, tmp_path: Path) -> None:
    with LanApi(config, port=0) as api:
        found = lan_api_check(with_listen(config, api.port), tmp_path / "no-systemd")
    assert found.status == "pass"
    assert "office KUP" in text_of(found)


def test_lan_api_not_listening_while_the_kiosk_is_off_is_skipped(config: Config,
                                                                 tmp_path: Path) -> None:
    found = lan_api_check(with_listen(config, free_port()), tmp_path / "no-systemd")
    assert found.status == "skip"


@pytest.fixture
def other_program():
    """Another program answering on the kiosk's port: 404 to everything."""
    from starlette.responses import PlainTextResponse

    from kiosk.web.server import BackgroundServer

    async def app(scope, receive, send) -> None:
        await PlainTextResponse("not here", 404)(scope, receive, send)

    server = BackgroundServer(app, "127.0.0.1", 0, name="other-program").start()
    yield server
    server.close()


def test_another_program_on_the_lan_api_port_fails(config: Config, other_program,
                                                   tmp_path: Path) -> None:
    found = lan_api_check(with_listen(config, other_program.port), tmp_path / "x")
    assert found.status == "fail"
    assert "used by another program" in text_of(found)


def hub_config(config: Config, url: str, token: str) -> Config:
    return dataclasses.replace(config, sync=SyncConfig(hub_url=url, token=token, timeout_s=2))


@pytest.fixture
def hub(tmp_path: Path):
    from tests.sync_harness import Hub

    running = Hub(tmp_path / "hub.db")
    yield running
    running.close()


def test_the_real_hub_accepts_this_kiosks_token(config: Config, hub) -> None:
    found = hub_check(hub_config(config, hub.url + "/", hub.kiosk_token(config.office.device_id)))
    assert found.status == "pass", text_of(found)


def test_the_real_hub_refusing_the_token_fails(config: Config, hub) -> None:
    found = hub_check(hub_config(config, hub.url, "stolen"))
    assert found.status == "fail"
    assert "REFUSED" in text_of(found) and "401" in text_of(found)


def test_hub_not_reachable_is_a_warning_and_unconfigured_is_skipped(config: Config) -> None:
    found = hub_check(hub_config(config, f"http://127.0.0.1:{free_port()}", "t"))
    assert found.status == "warn"
    assert "keeps giving numbers" in text_of(found)
    assert hub_check(config).status == "skip"  # the simulation config has no hub
    assert hub_check(hub_config(config, "http://127.0.0.1:1", "")).status == "fail"


def test_hub_messages_name_the_real_key(config: Config) -> None:
    """`[sync] hub_url` is the key in the file (kiosk/config/__init__.py), in both languages."""
    for found in (hub_check(config), hub_check(hub_config(config, "http://127.0.0.1:1", "")),
                  hub_check(hub_config(config, f"http://127.0.0.1:{free_port()}", "t"))):
        shown = [rendered(Outcome(found, 0.0), language) for language in ("id", "en")]
        words = " ".join(f"{s['message']} {s['fix']}" for s in shown)
        assert "[sync] hub_url" in words, words
        assert "[sync] url" not in words


def fake_systemctl(tmp_path: Path, states: list[str]) -> Path:
    """A `systemctl` that answers is-active like systemd would, for a machine without it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "systemctl"
    script.write_text("#!/bin/sh\nprintf '" + "\\n".join(states) + "\\n'\n"
                      + ("exit 0\n" if "active" in states else "exit 3\n"))
    script.chmod(0o755)
    (tmp_path / "systemd").mkdir()
    return bin_dir


def test_lan_api_silent_while_systemd_runs_the_kiosk_fails(
        config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = fake_systemctl(tmp_path, ["active", "inactive"])  # kiosk.service, kiosk-tty
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = lan_api_check(with_listen(config, free_port()), tmp_path / "systemd")
    assert found.status == "fail"
    assert "does not answer" in text_of(found)


def test_lan_api_check_ignores_an_office_proxy(config: Config, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("no_proxy", "")
    with LanApi(config, port=0) as api:
        assert lan_api_check(with_listen(config, api.port), tmp_path / "x").status == "pass"


def test_services_without_systemd_are_skipped(tmp_path: Path) -> None:
    assert services_check(tmp_path / "no-such-dir").status == "skip"


@pytest.mark.parametrize(("states", "status"), [
    (["active", "inactive", "inactive", "active"], "pass"),
    (["inactive", "inactive", "inactive", "active"], "fail"),
    (["active", "inactive", "inactive", "inactive"], "warn"),
])
def test_services_states_from_systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        states: list[str], status: str) -> None:
    bin_dir = fake_systemctl(tmp_path, states)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = services_check(tmp_path / "systemd")
    assert found.status == status
    assert f"kiosk.service {states[0]}" in text_of(found)


# -- the command --------------------------------------------------------------------------------


def write_config(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    camera = tmp_path / "camera"
    camera.mkdir(exist_ok=True)
    text = SIM_CONFIG.read_text(encoding="utf-8")
    for old, new in {
        'database = "../var/kiosk.db"': f'database = "{tmp_path / "kiosk.db"}"',
        'output = "../var/tickets.bin"': f'output = "{tmp_path / "t.bin"}"',
        'source = "../var/camera"': f'source = "{camera}"',
        'listen = "127.0.0.1:8470"': f'listen = "127.0.0.1:{free_port()}"',
        **(replace or {}),
    }.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=90)


def test_doctor_on_a_healthy_simulation_exits_0_in_indonesian(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    store.connect(tmp_path / "kiosk.db").close()
    done = kiosk("--config", str(config), "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[LULUS     ] Basis data antrian" in done.stdout
    assert "Tidak ada yang GAGAL (kode keluar 0)." in done.stdout
    assert "DILEWATI" in done.stdout  # hub not configured, no systemd: skipped, still 0
    assert "Traceback" not in done.stderr


def test_doctor_json_has_stable_keys_and_english_with_lang_en(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    done = kiosk("--config", str(config), "--lang", "en", "doctor", "--json")
    report = json.loads(done.stdout)
    assert set(report) == {"ok", "language", "config", "counts", "checks"}
    assert report["language"] == "en"
    assert [c["name"] for c in report["checks"]] == list(CHECK_NAMES)
    for item in report["checks"]:
        assert set(item) == {"name", "status", "title", "message", "fix", "seconds"}
        assert item["status"] in ("pass", "warn", "fail", "skip")
        assert isinstance(item["fix"], str) and isinstance(item["seconds"], float | int)
    database = next(c for c in report["checks"] if c["name"] == "database")
    assert database["status"] == "warn" and "does not exist yet" in database["message"]
    assert report["ok"] is True and done.returncode == 0
    assert sum(report["counts"].values()) == len(CHECK_NAMES)


def test_doctor_with_a_bad_config_reports_it_and_exits_1(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"cap = 60": 'cap = "many"'})
    done = kiosk("--config", str(config), "doctor", "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    first = report["checks"][0]
    assert first["name"] == "config" and first["status"] == "fail"
    assert "key 'lanes.A.cap': expected a whole number from 0 to 999, got 'many'" in \
        first["message"]
    assert {c["status"] for c in report["checks"][1:]} == {"skip"}
    text = kiosk("--config", str(config), "doctor")
    assert text.returncode == 1 and "[GAGAL     ] Konfigurasi" in text.stdout
    assert "Traceback" not in text.stderr


def test_doctor_paper_out_on_a_tcp_printer_exits_1_and_only_runs_what_was_asked(
        tmp_path: Path) -> None:
    printer = FakeNetworkPrinter(STATUS_OUT)
    try:
        config = write_config(tmp_path, {
            'backend = "simulation"': 'backend = "network"',
            "[printer.simulation]": "[printer.network]",
            f'output = "{tmp_path / "t.bin"}"': f'host = "127.0.0.1"\nport = {printer.port}',
        })
        done = kiosk("--config", str(config), "--lang", "en", "doctor", "--only", "printer")
    finally:
        printer.stop()
    assert done.returncode == 1, done.stdout
    assert "[FAIL      ] Ticket printer" in done.stdout
    assert "Fix: Open the printer lid" in done.stdout
    assert "Queue database" not in done.stdout


def test_doctor_exits_1_when_the_clock_is_behind_the_store(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db = store.connect(tmp_path / "kiosk.db")
    record_newest(db, utc_now() + timedelta(days=1))
    db.close()
    done = kiosk("--config", str(config), "doctor", "--only", "clock", "--only", "database")
    assert done.returncode == 1
    assert "[GAGAL     ] Jam sistem" in done.stdout
    assert "tertinggal 23 jam 59 menit" in done.stdout or "tertinggal 24 jam" in done.stdout


def test_doctor_with_a_corrupt_store_and_a_low_disk_threshold(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    corrupt(tmp_path / "kiosk.db")
    free_mb = shutil.disk_usage(tmp_path).free / 2**20
    done = kiosk("--config", str(config), "--lang", "en", "doctor", "--json", "--only",
                 "database", "--only", "disk", "--min-free-mb", str(int(free_mb * 10)))
    report = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert report["database"]["status"] == "fail"
    assert report["disk"]["status"] == "warn"
    assert done.returncode == 1


def test_doctor_without_espeak_ng_on_path_fails_the_sound_check(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    done = kiosk("--config", str(config), "--lang", "en", "doctor", "--only", "sound",
                 env={"PATH": str(tmp_path)})
    assert done.returncode == 1
    assert "espeak-ng is not installed" in done.stdout
    assert "Fix: sudo apt install espeak-ng" in done.stdout
