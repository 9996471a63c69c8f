"""Office days and opening hours follow the office's zone, not UTC."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from kiosk.config import DayHours
from kiosk.queue.schedule import Schedule
from tests.conftest import office_time

WEEKDAY = DayHours(time(8), time(16), frozenset({"A", "P", "B"}))
SATURDAY = DayHours(time(8), time(12), frozenset({"P"}))


def kupang(holidays: frozenset[date] = frozenset()) -> Schedule:
    hours = {i: WEEKDAY for i in range(5)} | {5: SATURDAY, 6: None}
    return Schedule(ZoneInfo("Asia/Makassar"), hours, holidays)


def test_office_day_changes_at_local_midnight_not_utc() -> None:
    schedule = kupang()
    # 23:59 WITA on the 25th is 15:59 UTC; one minute later it is the 26th in Kupang.
    assert schedule.office_day(office_time("2026-11-25 23:59")) == date(2026, 11, 25)
    assert schedule.office_day(office_time("2026-11-26 00:00")) == date(2026, 11, 26)
    # 07:00 WITA is still the previous UTC day, but the office day is today.
    assert office_time("2026-11-26 07:00").date() == date(2026, 11, 25)
    assert schedule.office_day(office_time("2026-11-26 07:00")) == date(2026, 11, 26)


def test_open_hours_and_priority_only_saturday() -> None:
    schedule = kupang()
    assert not schedule.is_open(office_time("2026-11-25 07:59"), "A")
    assert schedule.is_open(office_time("2026-11-25 08:00"), "A")
    assert not schedule.is_open(office_time("2026-11-25 16:00"), "A")
    saturday = office_time("2026-11-28 09:00")
    assert schedule.is_open(saturday, "P")
    assert not schedule.is_open(saturday, "A")


def test_next_opening_skips_sunday_and_holidays() -> None:
    schedule = kupang(frozenset({date(2026, 11, 30)}))
    after_saturday = office_time("2026-11-28 13:00")
    opening = schedule.next_opening(after_saturday, "A")
    assert opening is not None
    # Sunday closed, Monday the 30th a holiday: Tuesday 08:00 WITA.
    assert (opening.date(), opening.time()) == (date(2026, 12, 1), time(8))
    assert str(opening.tzinfo) == "Asia/Makassar"
    assert schedule.next_opening(office_time("2026-11-28 07:00"), "P").date() == date(2026, 11, 28)


def test_jayapura_and_jakarta_days() -> None:
    moment = office_time("2026-11-25 23:30", "Asia/Jakarta")  # 16:30 UTC
    wit = Schedule(ZoneInfo("Asia/Jayapura"), {}, frozenset())
    wib = Schedule(ZoneInfo("Asia/Jakarta"), {}, frozenset())
    assert wib.office_day(moment) == date(2026, 11, 25)
    assert wit.office_day(moment) == date(2026, 11, 26)  # already 01:30 in Jayapura
