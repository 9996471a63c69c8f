"""The office's services (issue 13): ``[lanes.X]`` (the A/P/B lanes of old) and
``[services.X]`` (any capital letter), one service per letter code.

A service is what a lane always was, with more said about it: its kind
(walkin | priority | booked) decides which of the old A/P/B rules apply to it,
``nik`` whether a NIK is typed first, ``stages`` what happens at the counters,
and ``days``/``hours`` when it is issued if that differs from the office's
[hours]. Without a [services] table the config means what it meant before.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.config.model import (
    DEFAULT_KINDS,
    LANE_CODES,
    MAX_STAGE_CHARS,
    SERVICE_CODE,
    SERVICE_KINDS,
    WEEKDAYS,
    CounterConfig,
    DayHours,
    Lane,
)
from kiosk.config.parse_office import parse_day
from kiosk.config.reader import _REQUIRED, _Reader

DEFAULT_LANES = {
    "A": ("Antrian Umum", "Walk-in", 60),
    "P": ("Prioritas", "Priority", None),
    "B": ("Online", "Online booking", None),
}
SERVICE_KEYS = {"name_id", "name_en", "cap", "kind", "nik", "stages", "days", "hours"}


def parse_lanes(root: _Reader) -> dict[str, Lane]:
    """[lanes.X] and [services.X] in file order: A/P/B of [lanes] get their defaults
    (and A is required) when the file has no [services] table."""
    has_services = "services" in root.data
    lanes_table = root.table("lanes", required=not has_services)
    services_table = root.table("services", required=False)
    lanes: dict[str, Lane] = {}
    for table, section in ((lanes_table, "lanes"), (services_table, "services")):
        codes = list(table.data)
        if section == "lanes" and not has_services:
            table.unknown_keys(set(LANE_CODES))
            codes = list(LANE_CODES)
        for code in codes:
            if not SERVICE_CODE.match(code):
                table.report(code, "a service code of one capital letter A-Z (the ticket "
                             "prefix)", code)
                continue
            if code in lanes:
                table.report(code, "each service once, in [lanes] or [services]", code)
                continue
            lane = table.checked(lambda c=code, t=table: _parse_service(t, c, has_services))
            if lane is not None:
                lanes[code] = lane
    if not lanes:
        root.report("services", "at least one service such as [services.A]")
    return lanes


def _parse_service(table: _Reader, code: str, has_services: bool) -> Lane:
    sub = table.table(code, required=code == "A" and not has_services)
    sub.unknown_keys(SERVICE_KEYS)
    name_id, name_en, default_cap = DEFAULT_LANES.get(code, (_REQUIRED, None, None))
    name_id = sub.text("name_id", name_id)
    kind = sub.choice("kind", SERVICE_KINDS, DEFAULT_KINDS.get(code, "walkin"))
    nik = sub.boolean("nik", None)
    stages = sub._get("stages", [], list, 'a list of stage names such as ["berkas", "foto"]')
    for stage in stages:
        if not isinstance(stage, str) or not stage.strip():
            sub.report("stages", "stage names in quotes", stage)
        elif len(stage.strip()) > MAX_STAGE_CHARS:
            sub.report("stages", f"stage names of at most {MAX_STAGE_CHARS} characters", stage)
    if len(set(map(str, stages))) != len(stages):
        sub.report("stages", "each stage once", stages)
    if kind == "booked" and nik:
        sub.report("nik", "false for a booked service (check-in matches the booking's NIK)",
                   nik)
    return Lane(code, name_id, sub.text("name_en", name_en or name_id),
                sub.integer("cap", default_cap, lo=0, hi=999), kind, nik,
                tuple(s.strip() for s in stages if isinstance(s, str) and s.strip()),
                _parse_service_hours(sub, code))


def _parse_service_hours(sub: _Reader, code: str) -> dict[int, DayHours | None]:
    """``days = ["mon", ...]`` (others: not issued) and ``hours = { sat = "closed",
    fri = "08:00-11:00" }``: only the weekdays that differ from the office's [hours]."""
    own: dict[int, DayHours | None] = {}
    days = sub._get("days", None, list, 'a list of weekdays such as ["mon", "tue"]')
    if days is not None:
        for day in days:
            if day not in WEEKDAYS:
                sub.report("days", f"weekdays from {list(WEEKDAYS)}", day)
        own.update({i: None for i, name in enumerate(WEEKDAYS) if name not in days})
    if "hours" in sub.data:
        hours = sub.table("hours")
        hours.unknown_keys(set(WEEKDAYS))
        for name, value in hours.data.items():
            if name not in WEEKDAYS:
                continue
            if not isinstance(value, str):
                hours.report(name, '"HH:MM-HH:MM" or "closed"', value)
                continue
            day = hours.checked(lambda n=name: parse_day(hours, n, {code}), False)
            if day is not False:
                own[WEEKDAYS.index(name)] = day
    return own


def fold_service_hours(hours: dict[int, DayHours | None], lanes: dict[str, Lane]
                       ) -> dict[int, DayHours | None]:
    """The office's [hours] with each day's lanes told which services are issued that
    day (a service closed on Saturdays leaves Saturday's lanes), so the start screen
    and "not served today" rules read one table. A service's own span on a day stays
    in its ``hours`` (kiosk.queue.schedule.Schedule.lane_hours)."""
    folded = dict(hours)
    for weekday, day in hours.items():
        if not isinstance(day, DayHours):  # closed, or a problem already reported
            continue
        lanes_on = set(day.lanes)
        for code, lane in lanes.items():
            if weekday in lane.hours:
                if lane.hours[weekday] is None:
                    lanes_on.discard(code)
                else:
                    lanes_on.add(code)
        folded[weekday] = replace(day, lanes=frozenset(lanes_on))
    return folded


def check_counters(root: _Reader, counters: tuple[CounterConfig, ...],
                   lanes: dict[str, Lane]) -> None:
    """Every stage a counter lists is a stage of a service it serves."""
    for index, counter in enumerate(counters):
        known = {stage for code in counter.lanes if code in lanes
                 for stage in lanes[code].stages}
        for stage in sorted(counter.stages - known):
            root.report(f"counters[{index}].stages",
                        f"stages of the services this counter serves ({sorted(known)})", stage)


def parse_stage_names(root: _Reader, lanes: dict[str, Lane] | None) -> dict[str, tuple[str, str]]:
    """[stages.NAME] name_id / name_en for stages the services list (optional: the common
    stages of an immigration office have names already, the rest read as written)."""
    table = root.table("stages", required=False)
    known = {stage for lane in (lanes or {}).values() for stage in lane.stages}
    names: dict[str, tuple[str, str]] = {}
    for stage in table.data:
        if stage not in known:
            table.report(stage, f"a stage some service lists ({sorted(known)})", stage)
            continue
        sub = table.table(stage)
        sub.unknown_keys({"name_id", "name_en"})
        name_id = sub.text("name_id", _REQUIRED)
        names[stage] = (name_id, sub.text("name_en", name_id))
    return names
