"""Issuing a walk-in or priority ticket: the rules around taking a number.

Order matters: a closed office or an empty paper roll refuses *before* a
number is taken; once taken, a number stands even if printing then fails,
so it is never reused and the applicant is told to photograph it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from kiosk.config import Config
from kiosk.numbering import CapReached, ClockBehind, Numbering, Ticket
from kiosk.ports import PaperStatus, PrinterError, StatusLamp, TicketContent, TicketPrinter
from kiosk.schedule import Schedule

WALKIN, PRIORITY, BOOKED = "A", "P", "B"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    content: TicketContent
    printed: bool
    print_error: str | None = None


@dataclass(frozen=True)
class Refused:
    reason: str  # "closed" | "cap" | "paper_out" | "clock"
    lane: str
    next_opening: datetime | None = None  # office-local
    cap: int | None = None


@dataclass(frozen=True)
class Quota:
    cap: int | None
    issued: int

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(self.cap - self.issued, 0)


class IssuingService:
    def __init__(self, config: Config, db: sqlite_utils.Database, printer: TicketPrinter,
                 lamp: StatusLamp | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        self.config, self.db, self.printer, self.lamp, self.clock = config, db, printer, lamp, clock
        self.schedule = Schedule(config.timezone, config.hours, config.holidays)
        self.numbering = Numbering(db, config.office.code, config.office.device_id)
        self.last_paper = PaperStatus.UNKNOWN
        # Shared with check-in: one ticket at a time on this kiosk's printer.
        self.lock = threading.Lock()

    def quota(self, lane: str = WALKIN) -> Quota:
        day = self.schedule.office_day(self.clock())
        return Quota(self.config.lanes[lane].cap, self.numbering.issued_count(lane, day))

    def content_for(self, ticket: Ticket, language: str) -> TicketContent:
        return TicketContent(
            office_name=self.config.office.name,
            office_address=self.config.office.address,
            lane_name=self.config.lanes[ticket.lane].name(language),
            label=ticket.label,
            issued_at=ticket.issued_at.astimezone(self.config.timezone),
            ahead=ticket.ahead,
            language=language,
            ticket_id=ticket.id,
            print_qr=self.config.printer.print_qr,
        )

    def check_paper(self) -> PaperStatus:
        status = self.printer.paper_status()
        self.last_paper = status
        if self.lamp is not None:
            self.lamp.set_fault(status in (PaperStatus.OUT, PaperStatus.LOW),
                                blinking=status is PaperStatus.LOW)
        return status

    def print_and_record(self, ticket: Ticket, content: TicketContent) -> Issued:
        now = self.clock()
        try:
            self.printer.print_ticket(content)
        except PrinterError as exc:
            self.numbering.mark_printed(ticket, now, printed=False, error=str(exc))
            if self.lamp is not None:
                self.lamp.set_fault(True)
            return Issued(ticket, content, printed=False, print_error=str(exc))
        self.numbering.mark_printed(ticket, now, printed=True)
        return Issued(ticket, content, printed=True)

    def issue(self, lane: str, language: str | None = None) -> Issued | Refused:
        language = language or self.config.language
        with self.lock:
            now = self.clock()
            if not self.schedule.is_open(now, lane):
                return Refused("closed", lane, self.schedule.next_opening(now, lane))
            day = self.schedule.office_day(now)
            if self.check_paper() is PaperStatus.OUT:
                self.numbering.record("refused_paper_out", day, now, payload={"lane": lane})
                return Refused("paper_out", lane)
            taken = self.numbering.take(lane, day, self.config.lanes[lane].cap, now)
            if isinstance(taken, CapReached):
                return Refused("cap", lane, self.schedule.next_opening(now, lane), taken.cap)
            if isinstance(taken, ClockBehind):
                return Refused("clock", lane)
            return self.print_and_record(taken, self.content_for(taken, language))

    def reprint(self, label: str, language: str | None = None) -> Issued | None:
        """Print a ticket of today again (the number stays the same)."""
        with self.lock:
            now = self.clock()
            ticket = self.numbering.find(self.schedule.office_day(now), label)
            if ticket is None:
                return None
            content = self.content_for(ticket, language or self.config.language)
            self.numbering.record("reprint_requested", ticket.office_day, now,
                                  ticket_id=ticket.id)
            return self.print_and_record(ticket, content)
