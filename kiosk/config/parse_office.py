"""The office and its service day in the config file: [office], [hours] and
holidays, [calling], the lobby [board]'s notice, [tracking] links and the [survey]
station's mode."""

from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo

from kiosk.config.model import (
    CODE_PATTERN,
    OFFICE_TIMEZONES,
    WEEKDAYS,
    BoardConfig,
    CallingConfig,
    DayHours,
    Office,
    SurveyConfig,
    TrackingConfig,
)
from kiosk.config.reader import _REQUIRED, _Reader

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_office(root: _Reader) -> Office:
    office_reader = root.table("office")
    office_reader.unknown_keys({"code", "name", "address", "timezone", "device_id"})
    code, device_id = (office_reader.checked(lambda n=name: office_reader.text(n, _REQUIRED))
                       for name in ("code", "device_id"))
    for name, value in (("code", code), ("device_id", device_id)):
        if value is not None and not CODE_PATTERN.match(value):
            office_reader.report(name, "2-16 capital letters, digits or '-'", value)
    name = office_reader.checked(lambda: office_reader.text("name", _REQUIRED))
    address = office_reader.text("address", "")
    zone = office_reader.choice("timezone", OFFICE_TIMEZONES, _REQUIRED)
    return Office(code=code, name=name, address=address, timezone=ZoneInfo(zone),
                  device_id=device_id)


def parse_hours(root: _Reader, lane_codes: set[str]) -> dict[int, DayHours | None]:
    hours_reader = root.table("hours")
    hours_reader.unknown_keys(set(WEEKDAYS))
    failed = object()
    hours = {i: hours_reader.checked(lambda n=name: parse_day(hours_reader, n, lane_codes),
                                     failed)
             for i, name in enumerate(WEEKDAYS)}
    if failed not in hours.values() and not any(hours.values()):
        hours_reader.report("mon", "opening hours on at least one weekday")
    return hours


def parse_holidays(root: _Reader) -> frozenset[date]:
    holidays: set[date] = set()
    for item in root._get("holidays", [], list, 'a list of dates such as ["2026-12-25"]'):
        try:
            holidays.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            root.report("holidays", "dates as YYYY-MM-DD", item)
    return frozenset(holidays)


def _parse_hhmm(reader: _Reader, name: str, text: str) -> time:
    match = _HHMM.match(text.strip())
    if not match:
        raise reader.fail(name, "a time as HH:MM, 24-hour", text)
    return time(int(match.group(1)), int(match.group(2)))


def parse_day(reader: _Reader, name: str, lane_codes: set[str]) -> DayHours | None:
    """One weekday of [hours] (the hub's office settings too, kiosk/sync/protocol.py);
    None: closed."""
    raw = reader.data.get(name, "closed")
    span, lanes = raw, set(lane_codes)
    if isinstance(raw, dict):
        sub = reader.table(name)
        sub.unknown_keys({"open", "lanes"})
        span = sub.text("open", _REQUIRED)
        listed = sub._get("lanes", _REQUIRED, list, "a list of lane codes such as [\"P\"]")
        for code in listed:
            if not isinstance(code, str) or code not in lane_codes:
                sub.report("lanes", f"lane codes from {sorted(lane_codes)}", code)
        lanes = {code for code in listed if isinstance(code, str) and code in lane_codes}
    elif not isinstance(raw, str):
        raise reader.fail(name, '"HH:MM-HH:MM", "closed" or { open = "...", lanes = [...] }', raw)
    if span.strip().lower() == "closed":
        return None
    if span.count("-") != 1:
        raise reader.fail(name, '"HH:MM-HH:MM" or "closed"', span)
    start_text, end_text = span.split("-")
    opens = _parse_hhmm(reader, name, start_text)
    # "24:00" closes at midnight, for offices (and simulations) open all evening.
    closes = time.max if end_text.strip() == "24:00" else _parse_hhmm(reader, name, end_text)
    if closes <= opens:
        raise reader.fail(name, "a closing time later than the opening time", span)
    return DayHours(opens, closes, frozenset(lanes))


def parse_calling(root: _Reader) -> CallingConfig:
    sub = root.table("calling", required=False)
    sub.unknown_keys({"mode", "booked_per_walkin", "priority_every", "max_recalls",
                      "no_show_return_minutes", "speech", "speech_english", "voice",
                      "voice_english"})
    ratio = sub._get("booked_per_walkin", [1, 1], list, "two whole numbers such as [2, 1]")
    if len(ratio) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 9
                                  for x in ratio):
        sub.report("booked_per_walkin", "two whole numbers from 1 to 9 such as [2, 1]", ratio)
        ratio = [1, 1]
    mode = sub.choice("mode", ("priority_first", "strict", "ratio"), "priority_first")
    every = sub.integer("priority_every", None, lo=1, hi=20)
    if (mode == "ratio") != (every is not None):
        sub.report("priority_every", "a number exactly when mode = \"ratio\"", every)
    return CallingConfig(
        mode=mode,
        booked_per_walkin=(ratio[0], ratio[1]),
        priority_every=every,
        max_recalls=sub.integer("max_recalls", 3, lo=1, hi=10),
        no_show_return_minutes=sub.integer("no_show_return_minutes", 30, lo=0, hi=480),
        speech=sub.boolean("speech", True),
        speech_english=sub.boolean("speech_english", False),
        voice=sub.text("voice", "id"),
        voice_english=sub.text("voice_english", "en"),
    )


def parse_board(root: _Reader) -> BoardConfig:
    sub = root.table("board", required=False)
    sub.unknown_keys({"notice"})
    notice = sub._get("notice", "", str, "a text value in quotes")
    return BoardConfig(" ".join(notice.split()))


def parse_tracking(root: _Reader, nik_salt: bytes | None) -> TrackingConfig:
    """[tracking] base_url: where phones open a ticket's page (the kiosk's LAN address
    for the lobby Wi-Fi, or the hub's public address)."""
    sub = root.table("tracking", required=False)
    sub.unknown_keys({"base_url", "hub"})
    base = sub._get("base_url", "", str, 'an address such as "http://192.168.1.20:8470"')
    base = base.strip().rstrip("/")
    if base and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~\-/]*)?", base):
        sub.report("base_url", 'an http:// or https:// address such as '
                   '"http://192.168.1.20:8470", no spaces, query or #', base)
        base = ""
    if base and nik_salt is not None and len(nik_salt) < 16:
        sub.report("base_url", "[checkin] nik_salt to be set first: tracking links are keyed "
                   "with it (`openssl rand -hex 16`)", base)
        base = ""
    return TrackingConfig(base, sub.boolean("hub", False))


SURVEY_MODES = ("full", "quick")


def parse_survey(root: _Reader) -> SurveyConfig:
    sub = root.table("survey", required=False)
    sub.unknown_keys({"mode", "kiosk_url"})
    url = sub._get("kiosk_url", "", str, 'an address such as "http://192.168.1.20:8470"')
    url = url.strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", url):
        sub.report("kiosk_url", 'the kiosk\'s LAN server, such as "http://192.168.1.20:8470"',
                   url)
        url = ""
    return SurveyConfig(sub.choice("mode", SURVEY_MODES, "full"), url)
