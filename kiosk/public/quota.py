"""Today's public quota figures of one office: what they are, and the JSON they are published as.

The hub (kiosk/hub/quota.py, from the events kiosks pushed) and a kiosk's LAN
server (kiosk/lan/public.py, from its own store) fill the same ``QuotaToday``;
``today_json`` writes it and kiosk/public/page.py draws it, so the two pages
cannot drift apart. Only counts per service per day, office hours and times
are in it: never a ticket, a booking, a NIK or a device id.

The JSON holds no "now": two requests with nothing new between them get the
same bytes, so an ETag lets browsers and proxies keep a shared link cheap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable
    from zoneinfo import ZoneInfo

    from kiosk.queue.schedule import Schedule

PUBLIC_VERSION = 1
# Kiosks push every 30 s when they have news, and a busy office has news every few
# minutes (tickets, calls): a quarter of an hour of silence is worth saying.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ServiceFigure:
    """One service's day: its cap (None: no limit, or not known), numbers taken, numbers left."""

    code: str
    name_id: str
    name_en: str
    cap: int | None
    issued: int
    left: int | None
    ran_out_at: datetime | None = None
    cap_known: bool = True  # False: the hub was never told this service's cap


@dataclass(frozen=True)
class Opening:
    """Whether the office issues numbers now, and when it does next (None: hours not known)."""

    open_now: bool | None
    closed_reason: str | None  # holiday | closed_today | outside_hours | None
    hours_today: str | None  # "07:30-16:00"
    closes_at: datetime | None
    next_opening: datetime | None


UNKNOWN_OPENING = Opening(None, None, None, None, None)


@dataclass(frozen=True)
class QuotaToday:
    office_code: str
    office_name: str
    timezone: ZoneInfo
    day: date
    opening: Opening
    services: tuple[ServiceFigure, ...]
    last_data_at: datetime | None
    stale: bool
    source: str  # "hub" | "kiosk"


def opening_of(schedule: Schedule, now: datetime, lanes: Iterable[str]) -> Opening:
    """Open now (any of ``lanes`` issued now), today's hours, and the next opening."""
    lanes = list(lanes)
    local = schedule.local(now)
    day = local.date()
    hours = schedule.hours_on(day)
    hours_today = None if hours is None else f"{hours.opens:%H:%M}-{_closes(hours.closes)}"
    open_lanes = [lane for lane in lanes if schedule.is_open(now, lane)]
    if open_lanes:
        closes = max(h.closes for lane in open_lanes
                     if (h := schedule.lane_hours_on(day, lane)) is not None)
        closes_at = None if closes == time.max else \
            datetime.combine(day, closes, tzinfo=schedule.timezone)
        return Opening(True, None, hours_today, closes_at, None)
    if day in schedule.holidays:
        reason = "holiday"
    elif hours is None or not any(schedule.lane_hours_on(day, lane) for lane in lanes):
        reason = "closed_today"
    else:
        reason = "outside_hours"
    return Opening(False, reason, hours_today, None, schedule.next_opening_any(now, lanes))


def _closes(closes: time) -> str:
    # "24:00" is read as time.max (time has no 24); write it back as the office wrote it.
    return "24:00" if closes == time.max else f"{closes:%H:%M}"


def left_of(cap: int | None, issued: int) -> int | None:
    return None if cap is None else max(cap - issued, 0)


def ran_out_at(cap: int | None, issued_times: list[datetime],
               refused: datetime | None) -> datetime | None:
    """When the quota ran out: the cap-th number taken, or the first press turned away
    for the cap (a cap lowered during the day), whichever came first."""
    if cap is None:
        return None
    times = sorted(issued_times)
    candidates = [t for t in (times[cap - 1] if 0 < cap <= len(times) else None, refused)
                  if t is not None]
    if not candidates and cap == 0 and times:
        candidates = [times[0]]
    return min(candidates, default=None)


def is_stale(last_data_at: datetime | None, now: datetime) -> bool:
    return last_data_at is None or now - last_data_at > STALE_AFTER


def _local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat(timespec="seconds")


def today_json(quota: QuotaToday) -> dict[str, Any]:
    """The published document (docs/public-quota.md); times in the office's zone."""
    zone, opening = quota.timezone, quota.opening
    return {
        "public": PUBLIC_VERSION,
        "office": {"code": quota.office_code, "name": quota.office_name,
                   "timezone": str(zone)},
        "day": quota.day.isoformat(),
        "open_now": opening.open_now,
        "closed_reason": opening.closed_reason,
        "hours_today": opening.hours_today,
        "closes_at": _local(opening.closes_at, zone),
        "next_opening": _local(opening.next_opening, zone),
        "last_data_at": _local(quota.last_data_at, zone),
        "stale": quota.stale,
        "stale_after_s": int(STALE_AFTER.total_seconds()),
        "source": quota.source,
        "services": [{"code": s.code, "name_id": s.name_id, "name_en": s.name_en,
                      "cap": s.cap, "cap_known": s.cap_known, "issued": s.issued,
                      "left": s.left, "ran_out_at": _local(s.ran_out_at, zone)}
                     for s in quota.services],
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
