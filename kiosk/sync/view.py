"""The sync state in one line, as the home and staff screens show it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import t

if TYPE_CHECKING:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.sync.status import SyncStatus


def _when(moment: datetime | None, zone: ZoneInfo, now: datetime, language: str) -> str:
    if moment is None:
        return t("sync.never", language)
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return f"{local:%H:%M}"
    return f"{local:%d-%m %H:%M}"


def sync_line(status: SyncStatus, zone: ZoneInfo, now: datetime, language: str) -> str:
    """'Terhubung ke pusat · sinkron 09:12 · 0 data menunggu' or the offline variant."""
    key = "sync.online" if status.online else "sync.offline"
    line = t(key, language, last=_when(status.last_success, zone, now, language),
             pending=status.pending_events)
    by_lane = status.leased_by_lane or {}
    if by_lane and set(by_lane) != {"A"}:  # only A: the words staff already know
        held = ", ".join(f"{lane} {free}" for lane, free in by_lane.items())
        line += t("sync.leased_lanes", language, held=held)
    elif status.leased_free is not None:
        line += t("sync.leased", language, free=status.leased_free)
    return line
