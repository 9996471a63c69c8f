"""Shared fixtures: a real config, a real store on disk, and a clock we can move."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import store
from kiosk.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
SIM_CONFIG = ROOT / "config" / "kiosk.toml"


class MovableClock:
    """A clock tests can set and advance; always timezone-aware UTC."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def office_time(text: str, zone: str = "Asia/Makassar") -> datetime:
    """'2026-11-25 09:00' in the office zone, as aware UTC."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    cfg = load_config(SIM_CONFIG)
    printer = dataclasses.replace(cfg.printer, params={"output": str(tmp_path / "tickets.bin")})
    return dataclasses.replace(cfg, database=tmp_path / "kiosk.db", printer=printer)


def with_cap(cfg: Config, lane: str, cap: int | None) -> Config:
    lanes = dict(cfg.lanes)
    lanes[lane] = dataclasses.replace(lanes[lane], cap=cap)
    return dataclasses.replace(cfg, lanes=lanes)


@pytest.fixture
def db(config: Config):
    database = store.connect(config.database)
    yield database
    database.close()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(office_time("2026-11-25 09:00"))
