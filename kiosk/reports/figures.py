"""The figures of a report as frozen dataclasses: what the builder fills in and what
every form (table, CSV, JSON, HTML) formats. No store access and no wording here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime

    from kiosk.reports.skm import SkmFigures


@dataclass(frozen=True)
class Stats:
    """Durations in minutes; median and p90 are None when nothing was measured."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class LaneFigures:
    lane: str
    name_id: str
    name_en: str
    issued: int
    called: int  # called at least once
    served: int
    no_show: int
    unfinished: int  # still waiting or at a counter when the report was made
    turned_away: int  # refused because the lane's cap was reached
    cap: int | None  # the cap in force (from the refusals, else the config)
    cap_ran_out_at: datetime | None  # office-local; one-day figures only
    cap_ran_out_days: int  # days on which the cap ran out
    wait: Stats
    service: Stats

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True)
class StageFigures:
    """One stage of a multi-stage service (kiosk/reports/stage_figures.py): who reached
    it, who was called there, how long they waited for it and were served at it."""

    lane: str
    stage: str
    name_id: str  # the stage's name ("Foto & wawancara")
    name_en: str
    reached: int  # tickets that waited for this stage (issued, or sent on to it)
    called: int  # of them, called at this stage
    sent_on: int  # left it for another stage
    finished: int  # the visit ended here: served
    no_show: int  # still a no-show at this stage at report time
    wait: Stats  # arrival at the stage -> first call there
    service: Stats  # the last call there -> leaving it (sent on or served)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True)
class Transfer:
    """Applicants sent from one stage to another of a service (forward or back)."""

    lane: str
    from_stage: str
    to_stage: str
    count: int


@dataclass(frozen=True)
class CounterFigures:
    counter: int
    name: str
    calls: int
    recalls: int
    served: int
    no_show: int
    hours_active: float
    served_per_hour: float | None
    service: Stats


@dataclass(frozen=True)
class HourCount:
    """One office-local hour (for a range: that hour of the day, summed over the days)."""

    hour: int
    issued: int
    called: int
    served: int
    turned_away: int


@dataclass(frozen=True)
class CheckinOutcome:
    outcome: str  # "valid" or a refusal reason of kiosk/checkin/service.py
    attempts: int
    bookings: int  # distinct booking codes recorded (none for unknown or unreadable codes)
    applicants: int  # valid only: numbers given out


@dataclass(frozen=True)
class WaitBucket:
    low: int
    high: int | None
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Refusal:
    """Walk-in/priority presses that got no number, for one reason."""

    reason: str  # one of REFUSALS
    presses: int
    bursts: int | None = None  # walkin_burst only: refused presses < 1 min apart are one


@dataclass(frozen=True)
class PriorityCount:
    reason: str  # one of PRIORITY_REASONS, or "unrecorded" (issued without NIK entry)
    check: str  # "nik" (60+ by the NIK), "counter" (the applicant's word) or "" (unrecorded)
    tickets: int


@dataclass(frozen=True)
class StaffAction:
    """One thing staff did, in the order it happened."""

    at: datetime  # office-local
    by: str | None
    # "pause" | "resume" | "cap_changed" | "clock_confirmed" | a staff_action: "reprint",
    # "restart", "shutdown", "exit", ...
    action: str
    lane: str | None = None  # cap_changed
    old: int | None = None  # cap_changed: None = no cap
    new: int | None = None
    label: str | None = None  # reprint: the ticket printed again
    previous: datetime | None = None  # clock_confirmed: the newest time recorded before, local
    minutes: float | None = None  # pause / carried-over resume: paused minutes counted
    open: bool = False  # pause: not resumed that day; resume: the pause began on an earlier day

    @property
    def detail(self) -> str:
        """A language-neutral one-line summary (CSV, JSON)."""
        if self.action == "cap_changed":
            return f"{self.lane}: {_cap_text(self.old)} -> {_cap_text(self.new)}"
        if self.action == "pause" or (self.action == "resume" and self.open):
            minutes = f"{self.minutes:g} min"
            if self.action == "resume":
                return f"paused since an earlier day, {minutes} today"
            return f"{minutes}, not resumed" if self.open else minutes
        if self.action == "clock_confirmed" and self.previous is not None:
            return f"was {self.previous:%Y-%m-%d %H:%M}"
        return self.label or ""


@dataclass(frozen=True)
class LeaseConflict:
    """A number this kiosk printed that the hub may have lent to another kiosk as well.

    Staff released the kiosk's numbers at the hub (``kiosk hub release``) before this
    ticket reached it; the kiosk kept the ticket and recorded the clash when it came back.
    """

    day: date
    at: datetime  # office-local: when the kiosk learned of the release and recorded it
    device: str  # the kiosk that printed the ticket
    lane: str
    number: int
    label: str
    ticket_id: str | None = None
    printed_at: datetime | None = None  # office-local: the ticket's issue time, if in the store


@dataclass(frozen=True)
class NikMistake:
    """NIKs the keypad refused for one problem (no NIK is kept, only the count)."""

    problem: str  # one of NIK_PROBLEMS (kiosk/privacy/nik.py REASONS or "other")
    count: int


def _cap_text(cap: int | None) -> str:
    return "none" if cap is None else str(cap)


@dataclass(frozen=True)
class MessageFigures:
    """[notify] opt-ins and messages of a day or range (kiosk/reports/message_figures.py)."""

    opted_in: int = 0
    sent: int = 0
    failed: int = 0
    stale: int = 0
    pending: int = 0  # not sent yet when the report was made (or never, if it is old)


@dataclass(frozen=True)
class Figures:
    """The figures of one office day (first == last) or of a whole range."""

    first: date
    last: date
    lanes: tuple[LaneFigures, ...]
    counters: tuple[CounterFigures, ...]
    checkins: tuple[CheckinOutcome, ...]
    hourly: tuple[HourCount, ...]
    wait: Stats
    service: Stats
    wait_histogram: tuple[WaitBucket, ...]
    refusals: tuple[Refusal, ...] = ()
    priority: tuple[PriorityCount, ...] = ()
    pauses: int = 0
    paused_minutes: float = 0.0
    staff_actions: tuple[StaffAction, ...] = ()
    lease_conflicts: tuple[LeaseConflict, ...] = ()  # hub leases only; usually none
    nik_mistakes: tuple[NikMistake, ...] = ()  # NIK entry on: only the problems seen
    stages: tuple[StageFigures, ...] = ()  # services with stages only
    transfers: tuple[Transfer, ...] = ()
    tracked: int = 0  # tickets whose tracking page was opened on the lobby Wi-Fi
    messages: MessageFigures | None = None  # [notify] opt-ins and messages; None: none

    @property
    def issued(self) -> int:
        return sum(lane.issued for lane in self.lanes)

    @property
    def served(self) -> int:
        return sum(lane.served for lane in self.lanes)

    @property
    def no_show(self) -> int:
        return sum(lane.no_show for lane in self.lanes)

    @property
    def turned_away(self) -> int:
        return sum(lane.turned_away for lane in self.lanes)

    @property
    def refused(self) -> int:
        """Every recorded refused press, whatever the reason (cap counted once)."""
        return sum(r.presses for r in self.refusals)

    @property
    def nik_mistakes_total(self) -> int:
        return sum(m.count for m in self.nik_mistakes)

    def refusal(self, reason: str) -> Refusal:
        return next(r for r in self.refusals if r.reason == reason)

    def priority_of(self, reason: str) -> PriorityCount:
        return next(p for p in self.priority if p.reason == reason)

    def lane(self, code: str) -> LaneFigures:
        return next(lane for lane in self.lanes if lane.lane == code)

    def counter(self, number: int) -> CounterFigures:
        return next(c for c in self.counters if c.counter == number)

    def checkin(self, outcome: str) -> CheckinOutcome:
        return next(c for c in self.checkins if c.outcome == outcome)


@dataclass(frozen=True)
class Report:
    office_code: str
    office_name: str
    timezone: str
    first: date
    last: date
    generated_at: datetime  # office-local
    days: tuple[Figures, ...]  # office days with any activity, in order
    total: Figures
    skm: SkmFigures | None = None  # the satisfaction survey of the whole period

    @property
    def single_day(self) -> bool:
        return self.first == self.last
