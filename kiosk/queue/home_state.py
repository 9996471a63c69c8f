"""What the home screen says about each lane before anyone presses.

The same rules, in the same order, as a press (kiosk/queue/issuing.py): a lane the
schedule does not serve now, then a staff pause, then the paper, then the day's
cap. Read every second, so it is cheap: the schedule is pure arithmetic, the
pause and today's caps are one read of ``meta`` by key, the numbers issued one
read of the tickets' primary key, and the paper state is the last one the
printer reported (asked off the UI thread: screens/app.py). Hub leases add the
lease module's own reads, as the quota line always had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.ports import PaperStatus
from kiosk.queue import leases
from kiosk.queue.issuing import BOOKED, PRIORITY, WALKIN, Quota
from kiosk.queue.lane_rules import NotServed, not_served

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.config import Config
    from kiosk.queue.issuing import IssuingService

OPEN, NOT_SERVED, PAUSED, PAPER_OUT, QUOTA = "open", "not_served", "paused", "paper_out", "quota"
NUMBERED = (WALKIN, PRIORITY)  # lanes a button press takes a number in (a pause stops them)
NUMBERED_KINDS = ("walkin", "priority")  # with more services: every one of these kinds


def numbered_lanes(config: Config) -> tuple[str, ...]:
    """The services a press takes a number in, in config order (A and P by default)."""
    return tuple(code for code, lane in config.lanes.items() if lane.kind in NUMBERED_KINDS)


@dataclass(frozen=True)
class LaneState:
    lane: str
    state: str  # OPEN | NOT_SERVED | PAUSED | PAPER_OUT | QUOTA
    rule: NotServed | None = None  # NOT_SERVED: the day's lanes and when this one opens
    cap: int | None = None  # QUOTA: today's cap
    # NOT_SERVED by the hours of a day it is served (no rule): when it opens again
    next_opening: datetime | None = None


@dataclass(frozen=True)
class HomeState:
    closed: bool  # no lane the screen offers is served now: "the office is closed"
    next_opening: datetime | None  # closed: the first of those lanes to open again
    quota: Quota  # the walk-in lane's, for the quota line
    paused: bool
    paper: PaperStatus
    lanes: dict[str, LaneState] = field(default_factory=dict)
    quotas: dict[str, Quota] = field(default_factory=dict)  # every service a press numbers

    @property
    def rule(self) -> NotServed | None:
        """The day's "only ... are served" rule, if a lane the screen offers is left out."""
        return next((s.rule for s in self.lanes.values() if s.rule is not None), None)


def read_home_state(service: IssuingService,
                    offered: tuple[str, ...] = (WALKIN, PRIORITY, BOOKED)) -> HomeState:
    now = service.clock()
    schedule, config = service.schedule, service.config
    day = schedule.office_day(now)
    numbered = numbered_lanes(config)
    configured = {lane: config.lanes[lane].cap for lane in numbered}
    pause, caps, extra = service.controls.for_home(day, configured, (leases.LEASE_LANES_KEY,))
    leased = frozenset(extra.get(leases.LEASE_LANES_KEY, ""))
    issued = service.numbering.issued_counts(numbered, day)
    quotas = {lane: Quota(caps[lane], issued[lane],
                          leases.available(service.db, day, lane, caps[lane])
                          if lane in leased else None) for lane in numbered}
    paper = service.last_paper
    open_now = {lane: schedule.is_open(now, lane) for lane in offered}
    if not any(open_now.values()):
        return HomeState(True, schedule.next_opening_any(now, list(offered)), quotas[WALKIN],
                         pause is not None, paper)
    lanes = {lane: _lane_state(lane, open_now[lane], service, now, pause is not None, paper,
                               quotas.get(lane), lane in leased, lane in numbered)
             for lane in offered}
    return HomeState(False, None, quotas[WALKIN], pause is not None, paper, lanes, quotas)


def _lane_state(lane: str, is_open: bool, service: IssuingService, now: datetime,
                paused: bool, paper: PaperStatus, quota: Quota | None,
                leased: bool, numbered: bool = True) -> LaneState:
    if not is_open:
        rule = not_served(service.schedule, service.config.lanes, now, lane)
        if rule is None:
            return LaneState(lane, NOT_SERVED,
                             next_opening=service.schedule.next_opening(now, lane))
        return LaneState(lane, NOT_SERVED, rule)
    if paused and numbered:  # check-ins go on during a pause
        return LaneState(lane, PAUSED)
    if paper is PaperStatus.OUT:
        return LaneState(lane, PAPER_OUT)
    if quota is not None and quota.cap is not None:
        # With hub leases "none left here" may only mean none lent yet: used up only once
        # this kiosk alone gave the whole cap.
        used_up = quota.issued >= quota.cap if leased else quota.left == 0
        if used_up:
            return LaneState(lane, QUOTA, cap=quota.cap)
    return LaneState(lane, OPEN)
