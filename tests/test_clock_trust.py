"""The kiosk never issues on a clock it cannot trust: set back, set forward, before NTP.

Each test plays one Raspberry Pi: a wall clock (what fake-hwclock, NTP or a
hand sets), a boot clock that only ever runs forward, a boot id, and the NTP
state the kernel would report. The issuing path, the store and the screens
are the real ones.
"""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Button, Static

from hardware.printers import make_printer
from kiosk import store
from kiosk.appliance import build
from kiosk.config import Config
from kiosk.queue.clock_trust import (
    ANCHOR_KEY,
    CachedSync,
    ClockTrust,
    SystemSync,
    confirm_clock,
    kernel_synchronized,
    read_boot_id,
    timedatectl_synchronized,
)
from kiosk.queue.issuing import Issued, IssuingService, Refused
from kiosk.queue.numbering import ClockBehind
from screens.app import KioskApp
from screens.clock_confirm import ClockConfirmScreen
from screens.notice import NoticeScreen
from tests.conftest import MovableClock, office_time, settle


class SettableSync:
    """The NTP state port, set by the test; counts reads to prove the caching."""

    def __init__(self, state: bool | None) -> None:
        self.state, self.reads = state, 0

    def synchronized(self) -> bool | None:
        self.reads += 1
        return self.state


class Pi:
    """One kiosk's clocks: the wall clock can be moved alone, the boot clock cannot."""

    def __init__(self, now: datetime, synced: bool | None, boot_id: str = "boot-1") -> None:
        self.wall = MovableClock(now)
        self.boot_s = 40.0
        self.sync = SettableSync(synced)
        self.boot_id = boot_id

    def run_for(self, **delta: float) -> None:
        """Time passes: both clocks move together."""
        self.wall.advance(**delta)
        self.boot_s += timedelta(**delta).total_seconds()

    def set_wall(self, when: datetime) -> None:
        """Someone (a hand, fake-hwclock, NTP) sets the date; the boot clock does not move."""
        self.wall.now = when

    def reboot(self, wall: datetime, synced: bool | None = False) -> None:
        self.boot_id = f"{self.boot_id}+"
        self.boot_s = 12.0
        self.wall.now = wall
        self.sync.state = synced

    def trust(self) -> ClockTrust:
        return ClockTrust(self.sync, boot_id=self.boot_id, boot_clock=lambda: self.boot_s)


def service_on(cfg: Config, pi: Pi) -> IssuingService:
    """The kiosk process as it starts on this boot (a reboot means a new one)."""
    return IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                          clock=pi.wall, clock_trust=pi.trust())


def labels(service: IssuingService) -> list[tuple[str, str]]:
    return service.db.execute(
        "SELECT office_day, label FROM tickets ORDER BY office_day, label").fetchall()


def event_kinds(service: IssuingService) -> list[str]:
    return [row[0] for row in service.db.execute("SELECT kind FROM events ORDER BY seq")]


def confirm(service: IssuingService, pi: Pi, staff: str | None = "petugas-1") -> None:
    now = pi.wall()
    service.numbering.clock_trust.confirm(
        service.db, now, office_code=service.config.office.code,
        office_day=service.schedule.office_day(now),
        device_id=service.config.office.device_id, staff_id=staff)


def is_clock_refusal(result: Issued | Refused) -> bool:
    return isinstance(result, Refused) and result.reason == "clock"


def test_ntp_synchronized_clock_issues_and_anchors_this_boot(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 09:00"), synced=True)
    service = service_on(config, pi)
    result = service.issue("A")
    assert isinstance(result, Issued) and result.ticket.label == "A001"
    anchor = json.loads(service.db.execute(
        "SELECT value FROM meta WHERE key = ?", (ANCHOR_KEY,)).fetchone()[0])
    assert (anchor["boot_id"], anchor["source"]) == ("boot-1", "ntp")
    assert service.clock_verdict().reason == "ntp"


def test_boot_before_ntp_waits_for_the_clock_and_records_nothing(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    service = service_on(config, pi)
    assert is_clock_refusal(service.issue("A"))
    assert is_clock_refusal(service.issue("P"))
    assert labels(service) == [] and event_kinds(service) == []
    assert service.clock_verdict().reason == "not_synced"
    pi.sync.state = None  # a system that cannot tell is treated as not synchronized
    assert is_clock_refusal(service.issue("A"))
    pi.sync.state = True  # NTP arrives: the kiosk issues by itself
    pi.run_for(seconds=6)  # the cached sync state is re-read
    assert isinstance(service.issue("A"), Issued)


def test_next_morning_boot_on_yesterdays_shutdown_time_is_not_trusted(config: Config) -> None:
    """fake-hwclock restores yesterday 17:00: later than the last ticket, still wrong."""
    pi = Pi(office_time("2026-11-25 09:00"), synced=True)
    day1 = service_on(config, pi)
    assert isinstance(day1.issue("A"), Issued)
    pi.run_for(hours=6, minutes=30)
    assert isinstance(day1.issue("A"), Issued)  # 15:30, the last ticket of the day
    day1.db.close()

    pi.reboot(office_time("2026-11-25 17:00:20"))  # next morning, network not up yet
    day2 = service_on(config, pi)
    assert is_clock_refusal(day2.issue("A"))
    assert day2.clock_verdict().reason == "not_synced"
    pi.set_wall(office_time("2026-11-26 07:30"))  # NTP steps the clock and syncs
    pi.sync.state = True
    pi.run_for(seconds=6)
    result = day2.issue("A")
    assert isinstance(result, Issued) and result.ticket.label == "A001"
    assert labels(day2) == [("2026-11-25", "A001"), ("2026-11-25", "A002"),
                            ("2026-11-26", "A001")]


def test_clock_set_back_is_refused_even_with_ntp_and_small_steps_are_tolerated(
        config: Config) -> None:
    pi = Pi(office_time("2026-11-25 10:00"), synced=True)
    service = service_on(config, pi)
    assert isinstance(service.issue("A"), Issued)
    pi.set_wall(office_time("2026-11-25 09:57"))  # an NTP correction of 3 minutes
    assert isinstance(service.issue("A"), Issued)
    pi.set_wall(office_time("2026-11-25 09:00"))  # an hour back
    assert is_clock_refusal(service.issue("A"))
    verdict = service.clock_verdict()
    assert verdict.reason == "behind"
    assert verdict.newest_seen == office_time("2026-11-25 10:00")
    pi.set_wall(office_time("2025-10-01 09:00"))  # a year back
    assert is_clock_refusal(service.issue("A"))


def test_network_down_all_day_keeps_issuing_on_a_clock_that_ran_on(config: Config) -> None:
    """The kernel stops calling the clock synchronized hours after NTP was lost."""
    pi = Pi(office_time("2026-11-25 07:55"), synced=True)
    service = service_on(config, pi)
    assert isinstance(service.issue("A"), Issued)
    pi.sync.state = False
    for _ in range(9):
        pi.run_for(hours=1)
        assert isinstance(service.issue("A"), Issued)
    assert service.clock_verdict().reason == "continuous"


def test_clock_jumping_forward_by_days_without_ntp_is_refused(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 09:00"), synced=True)
    service = service_on(config, pi)
    assert isinstance(service.issue("A"), Issued)
    pi.sync.state = False  # `date -s` by hand marks the kernel clock unsynchronized
    pi.run_for(seconds=30)
    pi.set_wall(office_time("2026-11-28 09:01"))
    pi.run_for(seconds=6)
    assert is_clock_refusal(service.issue("A"))
    assert service.clock_verdict().reason == "jumped"
    assert labels(service) == [("2026-11-25", "A001")]


def test_ntp_jumping_the_clock_forward_is_trusted(config: Config) -> None:
    """Booted on an old fake-hwclock time, then NTP sets the real date: that jump is right."""
    pi = Pi(office_time("2026-11-20 16:00"), synced=False)
    service = service_on(config, pi)
    assert is_clock_refusal(service.issue("A"))
    pi.set_wall(office_time("2026-11-25 08:00"))
    pi.sync.state = True
    pi.run_for(seconds=6)
    result = service.issue("A")
    assert isinstance(result, Issued) and result.ticket.office_day.isoformat() == "2026-11-25"


def test_staff_confirmation_lets_the_kiosk_issue_until_the_next_boot(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    service = service_on(config, pi)
    assert is_clock_refusal(service.issue("A"))
    confirm(service, pi)
    assert service.clock_verdict().reason == "confirmed"
    assert isinstance(service.issue("A"), Issued)
    pi.run_for(hours=3)
    assert isinstance(service.issue("A"), Issued)
    event = service.db.execute(
        "SELECT payload, device_id FROM events WHERE kind = 'clock_confirmed'").fetchone()
    assert json.loads(event[0])["by"] == "petugas-1" and event[1] == "KUP-SIM1"
    # An app restart by systemd on the same boot keeps the confirmation...
    service.db.close()
    restarted = service_on(config, pi)
    assert isinstance(restarted.issue("A"), Issued)
    restarted.db.close()
    # ...a reboot does not.
    pi.reboot(office_time("2026-11-25 10:31"))
    rebooted = service_on(config, pi)
    assert is_clock_refusal(rebooted.issue("A"))


def test_confirmed_clock_set_by_hand_afterwards_needs_confirming_again(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    service = service_on(config, pi)
    confirm(service, pi)
    assert isinstance(service.issue("A"), Issued)
    pi.run_for(minutes=1)
    pi.set_wall(office_time("2026-11-25 09:30"))
    assert is_clock_refusal(service.issue("A"))
    confirm(service, pi)
    assert isinstance(service.issue("A"), Issued)


def test_confirmation_recovers_from_a_clock_that_was_set_days_ahead(config: Config) -> None:
    """Numbers went out on a wrong future date; NTP fixed the clock: staff unblock it."""
    pi = Pi(office_time("2026-11-27 09:00"), synced=False)  # typed two days ahead
    service = service_on(config, pi)
    confirm(service, pi)
    assert isinstance(service.issue("A"), Issued)
    pi.set_wall(office_time("2026-11-25 09:05"))  # NTP puts it right
    pi.sync.state = True
    pi.run_for(seconds=6)
    assert is_clock_refusal(service.issue("A"))
    assert service.clock_verdict().reason == "behind"
    confirm(service, pi)
    result = service.issue("A")
    assert isinstance(result, Issued) and result.ticket.office_day.isoformat() == "2026-11-25"
    payloads = [json.loads(row[0]) for row in service.db.execute(
        "SELECT payload FROM events WHERE kind = 'clock_confirmed' ORDER BY seq")]
    assert payloads[1]["previous_newest"] == office_time("2026-11-27 09:00").isoformat()


def test_untrusted_clock_is_not_mistaken_for_a_closed_office(config: Config) -> None:
    closed_sunday = dataclasses.replace(config, hours=config.hours | {6: None})
    pi = Pi(office_time("2026-11-29 09:00"), synced=False)  # a Sunday: the office is closed
    service = service_on(closed_sunday, pi)
    assert is_clock_refusal(service.issue("A"))
    pi.sync.state = True
    pi.run_for(seconds=6)
    refused = service.issue("A")
    assert isinstance(refused, Refused) and refused.reason == "closed"


def test_numbering_names_the_reason_for_check_in_and_other_callers(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 09:00"), synced=False)
    service = service_on(config, pi)
    taken = service.numbering.take("B", service.schedule.office_day(pi.wall()), None, pi.wall())
    assert isinstance(taken, ClockBehind) and taken.reason == "not_synced"


def test_damaged_anchor_is_not_trusted_and_does_not_crash(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 09:00"), synced=False)
    service = service_on(config, pi)
    service.db.execute("INSERT INTO meta (key, value) VALUES (?, 'not json')", (ANCHOR_KEY,))
    assert is_clock_refusal(service.issue("A"))
    assert service.clock_verdict().reason == "not_synced"


def test_sync_state_is_read_at_most_every_few_seconds(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 09:00"), synced=True)
    ticks = [0.0]
    service = IssuingService(config, store.connect(config.database), make_printer(config.printer),
                             clock=pi.wall, clock_trust=ClockTrust(
                                 CachedSync(pi.sync, recheck_s=5.0, monotonic=lambda: ticks[0]),
                                 boot_id=pi.boot_id, boot_clock=lambda: pi.boot_s))
    for _ in range(20):
        assert isinstance(service.issue("P"), Issued)
    assert pi.sync.reads == 1
    ticks[0] = 5.0
    service.issue("P")
    assert pi.sync.reads == 2


def fake_timedatectl(folder: Path, script: str) -> None:
    tool = folder / "timedatectl"
    tool.write_text(f"#!/bin/sh\n{script}\n", encoding="ascii")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(("script", "expected"), [
    ('echo yes', True), ('echo no', False),
    ('echo "System has not been booted with systemd" >&2; exit 1', None)])
def test_timedatectl_answer_is_read(tmp_path: Path, monkeypatch, script: str,
                                    expected: bool | None) -> None:
    fake_timedatectl(tmp_path, script)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert timedatectl_synchronized() is expected


def test_missing_timedatectl_means_unknown(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert timedatectl_synchronized() is None


def test_system_sync_falls_back_to_timesyncds_flag(tmp_path: Path, monkeypatch) -> None:
    import kiosk.queue.clock_trust as clock_trust

    monkeypatch.setattr(clock_trust, "kernel_synchronized", lambda: None)
    monkeypatch.setattr(clock_trust, "timedatectl_synchronized", lambda: None)
    flag = tmp_path / "synchronized"
    assert SystemSync(flag).synchronized() is None
    flag.touch()
    assert SystemSync(flag).synchronized() is True


@pytest.mark.skipif(not Path("/proc/sys/kernel/random/boot_id").exists(), reason="Linux only")
def test_kernel_state_and_boot_id_are_read_on_linux(tmp_path: Path) -> None:
    assert isinstance(kernel_synchronized(), bool)
    boot_id = read_boot_id()
    assert boot_id is not None and len(boot_id) == 36
    assert read_boot_id(tmp_path / "missing") is None


def test_confirm_clock_defaults_to_this_boot(db) -> None:
    now = datetime(2026, 11, 25, 1, tzinfo=UTC)
    confirm_clock(db, now=now, office_code="KUP", office_day=now.date(), device_id="KUP-SIM1")
    anchor = json.loads(db.execute(
        "SELECT value FROM meta WHERE key = ?", (ANCHOR_KEY,)).fetchone()[0])
    assert anchor["source"] == "staff"
    assert anchor["boot_id"] == (read_boot_id() or anchor["boot_id"])
    assert db.execute("SELECT value FROM meta WHERE key = 'newest_time'").fetchone()[0] \
        == now.isoformat()


def test_real_kiosk_judges_its_clock_and_the_simulation_does_not(config: Config) -> None:
    simulated = build(config, with_gpio=False)
    try:
        assert simulated.service.clock_verdict() is None
    finally:
        simulated.close()
    real = build(dataclasses.replace(config, simulation=False), with_gpio=False)
    try:
        verdict = real.service.clock_verdict()
        assert verdict is not None and verdict.reason in ("ntp", "not_synced", "continuous")
    finally:
        real.close()


# --- On screen -------------------------------------------------------------------------------

def kiosk_app(cfg: Config, pi: Pi) -> KioskApp:
    return KioskApp(cfg, service_on(cfg, pi))


def shown(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def test_home_says_waiting_for_the_clock_and_a_press_explains(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    app = kiosk_app(config, pi)
    async with app.run_test(size=(120, 40)) as pilot:
        warning = app.screen.query_one("#clock-warning", Static)
        assert warning.display and "Menunggu jam sistem" in str(warning.render())
        app.lane_pressed("A")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "Menunggu Jam Sistem" in shown(app)
    assert labels(app.service) == []


async def test_staff_confirm_yes_records_and_the_kiosk_issues(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30:05"), synced=False)
    app = kiosk_app(config, pi)
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClockConfirmScreen(staff_id="petugas-7"), answers.append)
        await pilot.pause()
        text = shown(app)
        assert "Apakah tanggal dan jam ini benar?" in text
        assert "Rabu, 25 November 2026" in text and "07:30:05 WITA" in text
        assert "\u2588" in str(app.screen.query_one("#clock-big", Static).render())
        assert "belum disetel lewat jaringan" in text
        await pilot.click("#clock-yes")
        await pilot.pause()
        assert answers == [True]
        assert not app.screen.query_one("#clock-warning", Static).display
        app.lane_pressed("A")
        await settle(pilot)
    assert labels(app.service) == [("2026-11-25", "A001")]
    assert "clock_confirmed" in event_kinds(app.service)


async def test_staff_confirm_no_explains_how_to_set_the_time(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    app = kiosk_app(config, pi)
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClockConfirmScreen(), answers.append)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause(0.15)  # printable keys are held briefly (USB scanner detection)
        text = shown(app)
        assert "sudo timedatectl set-time" in text and "jaringan" in text
        assert not app.screen.query_one("#clock-yes", Button).display
        await pilot.press("y")  # no "yes" while the explanation is shown
        await pilot.pause(0.15)
        await pilot.click("#clock-close")
        await pilot.pause()
        assert answers == [False]
        assert app.screen.query_one("#clock-warning", Static).display
    assert "clock_confirmed" not in event_kinds(app.service)


async def test_confirm_screen_says_when_the_confirmation_was_not_saved(config: Config) -> None:
    pi = Pi(office_time("2026-11-25 07:30"), synced=False)
    app = kiosk_app(config, pi)
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClockConfirmScreen(), answers.append)
        await pilot.pause()
        app.service.db.execute("PRAGMA query_only = ON")  # the store refuses writes
        await pilot.press("y")
        await pilot.pause(0.15)
        assert answers == []
        assert "tidak tersimpan" in shown(app)
        app.service.db.execute("PRAGMA query_only = OFF")
        await pilot.press("y")
        await pilot.pause(0.15)
        assert answers == [True]

