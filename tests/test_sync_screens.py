"""What staff and applicants see of sync: online/offline, last sync, records waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TabbedContent

from kiosk.appliance import build
from kiosk.sync.worker import start_sync
from screens.app import KioskApp
from tests.conftest import quick_buttons
from tests.sync_harness import Hub, synced
from tests.test_staff_screen import open_staff, settle


@pytest.fixture
def hub(tmp_path: Path):
    running = Hub(tmp_path / "hub.db")
    yield running
    running.close()




async def test_home_and_staff_screens_show_the_hub_connection(config, clock, hub) -> None:
    cfg = quick_buttons(synced(config, hub.url, hub.kiosk_token(config.office.device_id),
                       interval_s=3600))
    appliance = build(cfg, clock=clock)
    stop = start_sync(cfg, appliance)
    try:
        app = KioskApp(cfg, appliance.service, appliance.simulation)
        appliance.on_press = app.lane_pressed
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("1")
            await settle(pilot)
            app.go_home()
            stop.worker.sync_once()
            app.screen.refresh_status()
            line = str(app.screen.query_one("#sync", Static).render())
            assert "Terhubung ke pusat" in line and "09:00" in line
            assert "0 data menunggu dikirim" in line
            await pilot.press("1")
            await settle(pilot)
            app.go_home()
            app.screen.refresh_status()
            line = str(app.screen.query_one("#sync", Static).render())
            assert "2 data menunggu dikirim" in line  # the ticket and its print mark
            await open_staff(pilot)
            app.screen.query_one(TabbedContent).active = "tab-today"
            await settle(pilot)
            assert "Terhubung ke pusat" in str(app.screen.query_one("#figures", Static).render())
            hub.close()  # the network goes away
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("1")
            await settle(pilot)
            app.go_home()
            stop.worker.sync_once()
            app.screen.refresh_status()
            line = str(app.screen.query_one("#sync", Static).render())
            assert "Tidak terhubung ke pusat (kiosk tetap memberi nomor)" in line
            assert "sinkron terakhir 09:00" in line
    finally:
        stop()
        appliance.close()


async def test_no_hub_no_sync_line(config, clock) -> None:
    appliance = build(config, clock=clock)
    try:
        app = KioskApp(config, appliance.service, appliance.simulation)
        async with app.run_test(size=(80, 24)):
            assert not app.screen.query("#sync")
    finally:
        appliance.close()
