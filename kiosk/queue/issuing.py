"""Issuing a ticket of a walk-in or priority service (any configured service code):
the rules around taking a number.

Order matters: a closed office or an empty paper roll refuses *before* a
number is taken; once taken, a number stands even if printing then fails,
so it is never reused and the applicant is told to photograph it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.clock import utc_now
from kiosk.ports import (
    PaperStatus,
    PrinterError,
    StatusLamp,
    TicketContent,
    TicketPrinter,
    TicketWait,
)
from kiosk.queue import leases
from kiosk.queue.calling import Counter
from kiosk.queue.calling_view import call_classes, call_policy
from kiosk.queue.day_controls import DayControls
from kiosk.queue.lane_rules import NotServed, not_served
from kiosk.queue.numbering import CapReached, ClockBehind, NoLeasedNumbers, Numbering, Ticket
from kiosk.queue.schedule import Schedule
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache, ticket_wait
from kiosk.queue.walkin_guard import ApplicantRefused, NikLimit, WalkinGuard

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlite_utils

    from kiosk.config import Config
    from kiosk.privacy.nik import NikInvalid
    from kiosk.queue.clock_trust import ClockTrust, ClockVerdict

log = logging.getLogger(__name__)

WALKIN, PRIORITY, BOOKED = "A", "P", "B"


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    content: TicketContent
    printed: bool
    print_error: str | None = None


@dataclass(frozen=True)
class Refused:
    # "closed" (no lane served now) | "not_served_today" (others are: ``rule`` says which)
    # | "paused" | "cap" | "paper_out" | "clock" | "no_numbers" (hub leases: none
    # lent to this kiosk yet); kiosk/queue/walkin_guard.py adds
    # "nik_required" | "nik_invalid" | "nik_limit" | "walkin_burst" | "priority_reason"
    # | "priority_not_lansia"
    reason: str
    lane: str
    next_opening: datetime | None = None  # office-local
    cap: int | None = None
    earlier_label: str | None = None  # nik_limit: the number this NIK already holds today
    earlier_at: datetime | None = None  # nik_limit: when it was issued, office-local
    nik_problem: NikInvalid | None = None  # nik_invalid: what is wrong with the typed NIK
    rule: NotServed | None = None  # not_served_today: the day's lanes, from the schedule
    # cap: the service's names (Indonesian, English) when the office has several quotas,
    # so the refusal says whose quota is used up; None: "today's quota", as before.
    service: tuple[str, str] | None = None


@dataclass(frozen=True)
class Quota:
    cap: int | None
    issued: int  # on this kiosk
    # With hub leases the office's numbers are shared: what this kiosk can still give.
    available: int | None = None

    @property
    def left(self) -> int | None:
        if self.cap is None:
            return None
        if self.available is not None:
            return min(max(self.available, 0), self.cap)
        return max(self.cap - self.issued, 0)


class IssuingService:
    def __init__(self, config: Config, db: sqlite_utils.Database, printer: TicketPrinter,
                 lamp: StatusLamp | None = None, clock: Callable[[], datetime] = utc_now,
                 clock_trust: ClockTrust | None = None,
                 track_link: Callable[[str], tuple[str, str]] | None = None) -> None:
        self.config, self.db, self.printer, self.lamp, self.clock = config, db, printer, lamp, clock
        self.track_link = track_link  # ticket id -> (tracking page, short code); None: no link
        self.schedule = Schedule.of(config)
        self.numbering = Numbering(db, config.office.code, config.office.device_id, clock_trust)
        self.last_paper = PaperStatus.UNKNOWN
        self.print_fault = False  # the last print failed: the lamp stays on until one prints
        # Shared with check-in: one ticket at a time on this kiosk's printer.
        self.lock = threading.Lock()
        self.controls = DayControls(db, config.office.code, config.office.device_id)
        self.pace = PaceCache(db, config.office.code,
                              [Counter(c.number, c.name, c.lanes, c.stages)
                               for c in config.counters],
                              policy=call_policy(config), classes=call_classes(config),
                              stages=StagePlan.of(config))
        self.guard = WalkinGuard(config.walkin, config.checkin.nik_salt, db,
                                 config.office.code, config.office.device_id, config.lanes)

    def clock_verdict(self) -> ClockVerdict | None:
        """Can the clock be trusted (read-only, for screens)? None: not judged here."""
        trust = self.numbering.clock_trust
        return None if trust is None else trust.verdict(self.db, self.clock())

    def quota(self, lane: str = WALKIN) -> Quota:
        day = self.schedule.office_day(self.clock())
        cap = self.cap_for(lane, day)
        available = None
        if lane in leases.leased_lanes(self.db):
            available = leases.available(self.db, day, lane, cap)
        return Quota(cap, self.numbering.issued_count(lane, day), available)

    def cap_for(self, lane: str, day) -> int | None:
        """Today's cap: staff may have changed it for the day (kiosk.queue.day_controls)."""
        return self.controls.cap_for(lane, day, self.config.lanes[lane].cap)

    def quota_name(self, lane: str) -> tuple[str, str] | None:
        """The service's names for a quota refusal, when more than one service has a cap."""
        lanes = self.config.lanes
        if sum(1 for s in lanes.values() if s.cap is not None) < 2 or lane not in lanes:
            return None
        return lanes[lane].name_id, lanes[lane].name_en

    def content_for(self, ticket: Ticket, language: str) -> TicketContent:
        ahead, wait = self.ahead_and_wait(ticket)
        url, code = self.track_link(ticket.id) if self.track_link else (None, None)
        return TicketContent(
            office_name=self.config.office.name,
            office_address=self.config.office.address,
            lane_name=self.config.lanes[ticket.lane].name(language),
            label=ticket.label,
            issued_at=ticket.issued_at.astimezone(self.config.timezone),
            ahead=ahead,
            language=language,
            ticket_id=ticket.id,
            print_qr=self.config.printer.print_qr,
            wait=wait,
            track_url=url,
            track_code=code,
        )

    def ahead_and_wait(self, ticket: Ticket) -> tuple[int | None, TicketWait | None]:
        """People called before the ticket under the call policy, and its estimated wait.

        kiosk/queue/call_forecast.py plays the call order forward over today's queues.
        With no open counter serving the lane the wait is "cannot estimate" and the
        count is the lane's own. An estimate is a courtesy: no error in it may cost
        anyone their number, so on one the lane's count stands and the line is left off
        (and if even the count cannot be read, the "waiting before you" line too: None).
        """
        try:
            ahead, estimate = self.pace.forecast(ticket.office_day, ticket.lane, ticket.number,
                                                 self.clock())
        except Exception:
            log.exception("wait estimate for %s failed; ticket printed without it", ticket.label)
            return self._lane_count(ticket), None
        before = self._lane_count(ticket) if ahead is None else ahead.before
        return before, ticket_wait(estimate)

    def _lane_count(self, ticket: Ticket) -> int | None:
        if ticket.ahead is not None:
            return ticket.ahead
        try:
            return self.numbering.waiting_before(ticket.lane, ticket.office_day, ticket.number)
        except Exception:
            log.exception("count before %s failed; ticket printed without it", ticket.label)
            return None

    def check_paper(self) -> PaperStatus:
        """Ask the printer (within its status timeout: never on the UI thread) and set the
        lamp. The kiosk app asks every few seconds too, so the lamp and the home screen
        follow the paper without waiting for a press."""
        status = self.printer.paper_status()
        self.last_paper = status
        self._set_lamp()
        return status

    def _set_lamp(self) -> None:
        if self.lamp is None:
            return
        status = self.last_paper
        if self.print_fault or status is PaperStatus.OUT:
            self.lamp.set_fault(True)
        else:
            self.lamp.set_fault(status is PaperStatus.LOW, blinking=True)

    def print_and_record(self, ticket: Ticket, content: TicketContent) -> Issued:
        ticket = replace(ticket, ahead=content.ahead)  # the screen says what the paper says
        now = self.clock()
        try:
            self.printer.print_ticket(content)
        except PrinterError as exc:
            self.numbering.mark_printed(ticket, now, printed=False, error=str(exc))
            self.print_fault = True
            self._set_lamp()
            return Issued(ticket, content, printed=False, print_error=str(exc))
        self.numbering.mark_printed(ticket, now, printed=True)
        if self.print_fault:
            self.print_fault = False
            self._set_lamp()
        return Issued(ticket, content, printed=True)

    def issue(self, lane: str, language: str | None = None, nik: str | None = None,
              reason: str | None = None) -> Issued | Refused:
        """``nik``/``reason``: typed on the NIK screen when [walkin] require_nik is on."""
        language = language or self.config.language
        with self.lock:
            now = self.clock()
            if not self.schedule.is_open(now, lane):
                if (clock := self.clock_verdict()) is not None and not clock.trusted:
                    return Refused("clock", lane)  # "closed" may only be the wrong clock talking
                # Demand outside the hours is worth knowing (kiosk report), so it is recorded.
                day = self.schedule.office_day(now)
                rule = not_served(self.schedule, self.config.lanes, now, lane)
                if rule is not None:  # open for other lanes: say which, not "closed"
                    self.numbering.record("refused_not_served_today", day, now,
                                          payload={"lane": lane})
                    return Refused("not_served_today", lane, rule.next_opening, rule=rule)
                self.numbering.record("refused_closed", day, now, payload={"lane": lane})
                return Refused("closed", lane, self.schedule.next_opening(now, lane))
            day = self.schedule.office_day(now)
            paused, cap = self.controls.for_press(lane, day, self.config.lanes[lane].cap)
            if paused is not None:
                self.numbering.record("refused_paused", day, now, payload={"lane": lane})
                return Refused("paused", lane)
            if self.check_paper() is PaperStatus.OUT:
                self.numbering.record("refused_paper_out", day, now, payload={"lane": lane})
                return Refused("paper_out", lane)
            applicant = None
            if self.guard.needs_nik(lane):
                applicant = self.guard.check_applicant(lane, nik, reason, day)
                if isinstance(applicant, ApplicantRefused):
                    return Refused(applicant.reason, lane, nik_problem=applicant.problem)
                taken = self.guard.take(self.numbering, lane, day, cap, now, applicant)
            elif (burst := self.guard.burst(lane, now)) is not None:
                self.guard.record_burst(self.numbering, burst, day, now)
                return Refused("walkin_burst", lane)
            else:
                taken = self.numbering.take(lane, day, cap, now)
            if isinstance(taken, NikLimit):
                return Refused("nik_limit", lane, earlier_label=taken.earlier_label,
                               earlier_at=taken.earlier_at.astimezone(self.config.timezone))
            if isinstance(taken, CapReached):
                return Refused("cap", lane, self.schedule.next_opening(now, lane), taken.cap,
                               service=self.quota_name(lane))
            if isinstance(taken, ClockBehind):
                return Refused("clock", lane)
            if isinstance(taken, NoLeasedNumbers):  # leases on: the hub has not lent any yet
                return Refused("no_numbers", lane)
            self.guard.issued(lane, now)
            content = self.content_for(taken, language)
            if applicant is not None and applicant.priority_reason is not None:
                content = replace(content, priority_reason=applicant.priority_reason)
            return self.print_and_record(taken, content)

    def record_nik_mistake(self, lane: str, problem: str) -> None:
        """Count one NIK typing slip (the keypad refused it) for the report: how many
        applicants struggle with NIK entry. Only the lane and the problem's code are kept,
        never a digit, a hash or a length; and never raises, since a count must not cost
        an applicant anything."""
        from kiosk.privacy.nik import REASONS as NIK_PROBLEMS  # not on a plain press's path

        try:
            with self.lock:  # the shared store connection: one transaction at a time
                now = self.clock()
                self.numbering.record(
                    "nik_entry_mistake", self.schedule.office_day(now), now,
                    payload={"lane": lane, "problem": problem if problem in NIK_PROBLEMS
                             else "other"})
        except Exception:
            log.exception("could not record a NIK entry mistake in lane %s", lane)

    def reprint(self, label: str, language: str | None = None) -> Issued | None:
        """Print a ticket of today again (the number stays the same)."""
        with self.lock:
            now = self.clock()
            ticket = self.numbering.find(self.schedule.office_day(now), label)
            if ticket is None:
                return None
            content = self.content_for(ticket, language or self.config.language)
            if (reason := self.guard.priority_reason_of(ticket)) is not None:
                content = replace(content, priority_reason=reason)
            self.numbering.record("reprint_requested", ticket.office_day, now,
                                  ticket_id=ticket.id)
            return self.print_and_record(ticket, content)
