"""Test helpers for the public quota page: a hub on the test's clock, and a syncing kiosk."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from kiosk import store
from kiosk.appliance import build
from kiosk.config import Config
from kiosk.hub.app import HubServer
from kiosk.hub.store import HubStore
from kiosk.public.ratelimit import NO_LIMIT, RateLimit
from kiosk.queue.issuing import Issued
from kiosk.sync.pull import apply_to_appliance
from kiosk.sync.worker import SyncWorker
from tests.conftest import MovableClock
from tests.sync_harness import HUB_KEY, SALT_HEX, synced

WEEKDAYS = {"mon": "07:30-16:00", "tue": "07:30-16:00", "wed": "07:30-16:00",
            "thu": "07:30-16:00", "fri": "07:30-16:00", "sat": "closed", "sun": "closed"}
PUBLIC = "/public/v1/offices"
WITA = ZoneInfo("Asia/Makassar")


class PublicHub:
    """A hub store and server on the test's clock, office KUP; what LeasingKiosk needs too."""

    def __init__(self, path, clock: MovableClock, limit: RateLimit = NO_LIMIT,
                 cache_s: float = 0.0) -> None:
        self.store = HubStore.open(path, HUB_KEY)
        self.store.add_office("KUP", "Kantor Imigrasi Kupang", "Asia/Makassar",
                              bytes.fromhex(SALT_HEX))
        self.server = HubServer(self.store, clock=clock, public_limit=limit,
                                public_cache_s=cache_s).start()

    @property
    def url(self) -> str:
        return self.server.url

    def kiosk_token(self, device: str, office: str = "KUP") -> str:
        return self.store.add_token("kiosk", office, device)

    def settings(self, **settings: object) -> None:
        self.store.set_settings("KUP", settings)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kwargs)

    def today(self, code: str = "KUP") -> dict:
        answer = self.get(f"{PUBLIC}/{code}/today")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def close(self) -> None:
        self.server.close()
        self.store.close()


class Kiosk:
    """A kiosk appliance with its own store and sync worker (no leases: its own cap)."""

    def __init__(self, config: Config, hub: PublicHub, device: str, clock: MovableClock,
                 tmp_path) -> None:
        cfg = dataclasses.replace(synced(config, hub.url, hub.kiosk_token(device), device),
                                  database=tmp_path / f"{device}.db")
        self.clock = clock
        self.appliance = build(cfg, with_gpio=False, clock=clock)
        self.db = store.connect(cfg.database)
        self.worker = SyncWorker(cfg, self.db, clock=clock,
                                 on_settings=lambda new: apply_to_appliance(self.appliance, new))

    def sync(self) -> None:
        report = self.worker.sync_once()
        assert report.ok, report.error

    def issue(self, lane: str, count: int) -> list[datetime]:
        times = []
        for _ in range(count):
            self.clock.advance(seconds=15)  # people, not a burst: the walk-in guard stays quiet
            result = self.appliance.service.issue(lane)
            assert isinstance(result, Issued), result
            times.append(result.ticket.issued_at)
        return times

    def close(self) -> None:
        self.worker.client.close()
        self.db.close()
        self.appliance.close()
