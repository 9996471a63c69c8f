"""Checking in an online booking at the kiosk, with no network needed.

A signed QR proves itself (Ed25519), so a family can check in even when the
day's bookings never synced; a typed code carries no proof and is accepted
only if the synced bookings list it. The check-in is one BEGIN IMMEDIATE
transaction that re-reads the booking under the write lock, so two kiosks,
two taps or a replayed screenshot can never check one booking in twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.checkin.booking_qr import BookingClaim, ParseFailure, parse_payload
from kiosk.checkin.bookings import Booking, insert_from_claim, load_booking, mark_checked_in
from kiosk.clock import utc_now
from kiosk.ports import PaperStatus, TicketPrinter
from kiosk.queue.issuing import BOOKED, Issued, IssuingService
from kiosk.queue.numbering import CapReached, ClockBehind, Ticket, format_label
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.texts import ZONE_ABBREVIATIONS, format_date, format_moment, t

if TYPE_CHECKING:  # cryptography loads when a signed QR is checked (kiosk/checkin/booking_qr.py)
    from collections.abc import Callable, Mapping

    import sqlite_utils
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from kiosk.config import Config

REASONS = ("malformed", "bad_signature", "unknown_key", "wrong_office", "unknown_code",
           "cancelled", "already_checked_in", "wrong_day", "too_late", "too_early", "closed",
           "paper_out", "clock", "cap")


@dataclass(frozen=True)
class CheckinPolicy:
    """When and where a booking may check in, and whose signatures count.

    Several public keys (by key id) let the booking system rotate its key
    while QR codes signed with the previous one are still in people's e-mail.
    """

    office_code: str
    early_minutes: int = 60  # before slot start
    late_minutes: int = 30  # after slot end
    public_keys: Mapping[str, Ed25519PublicKey] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckinRefused:
    """Why not, with what the screen needs to say it. Datetimes are office-local."""

    reason: str  # one of REASONS
    code: str | None = None
    booking_day: date | None = None  # wrong_day: the booked date
    office_code: str | None = None  # wrong_office: where the booking is
    slot_start: datetime | None = None
    slot_end: datetime | None = None
    opens_at: datetime | None = None  # too_early: check-in opens; closed: the lane reopens
    closes_at: datetime | None = None  # too_late: when check-in closed
    checked_in_at: datetime | None = None  # already_checked_in
    labels: tuple[str, ...] = ()  # already_checked_in: the B numbers, so staff can reprint
    detail: str = ""  # for staff logs only


@dataclass(frozen=True)
class CheckedInApplicant:
    position: int
    nickname: str  # on screen only; the ticket carries no personal data
    issued: Issued

    @property
    def label(self) -> str:
        return self.issued.ticket.label


@dataclass(frozen=True)
class CheckedIn:
    code: str
    booking_day: date
    slot_start: datetime
    slot_end: datetime
    applicants: tuple[CheckedInApplicant, ...]
    from_qr_only: bool  # the booking list did not have it; the signed QR was enough

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.applicants)

    @property
    def all_printed(self) -> bool:
        return all(a.issued.printed for a in self.applicants)


@dataclass(frozen=True)
class _View:
    """The booking as the rules see it: from the store if known, else from the claim."""

    code: str
    office_code: str
    day: date
    slot_start: datetime
    slot_end: datetime
    status: str
    checked_in_at: datetime | None
    labels: tuple[str, ...]


class _Abort(Exception):
    """Roll the check-in transaction back and refuse."""

    def __init__(self, refusal: CheckinRefused) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


class CheckinService:
    """Check-in on top of IssuingService: the same numbering, printer, lock and ticket."""

    def __init__(self, config: Config, db: sqlite_utils.Database, printer: TicketPrinter,
                 policy: CheckinPolicy, clock: Callable[[], datetime] = utc_now,
                 issuing: IssuingService | None = None) -> None:
        # Pass the kiosk's IssuingService to share its lock: one connection, one printer.
        self.issuing = issuing or IssuingService(config, db, printer, None, clock)
        self.config, self.db, self.policy, self.clock = config, db, policy, clock
        self.schedule, self.numbering = self.issuing.schedule, self.issuing.numbering

    def check_in(self, text: str, language: str | None = None) -> CheckedIn | CheckinRefused:
        """Check in whatever was scanned or typed; never raises on the text."""
        language = language or self.config.language
        with self.issuing.lock:
            now = self.clock()
            result = self._check_in(text, now, language)
            # Malformed input is not logged: a camera may re-read a stray QR all day.
            if isinstance(result, CheckinRefused) and result.reason != "malformed":
                self.numbering.record(
                    "checkin_refused", self.schedule.office_day(now), now,
                    payload={"reason": result.reason, "code": result.code})
            return result

    def _check_in(self, text: str, now: datetime, language: str) -> CheckedIn | CheckinRefused:
        parsed = parse_payload(text, self.policy.public_keys)
        if isinstance(parsed, ParseFailure):
            return CheckinRefused(parsed.reason, detail=parsed.detail)
        claim = parsed if isinstance(parsed, BookingClaim) else None
        # A first look without the lock gives most refusals without blocking other kiosks.
        if (refusal := self._refusal(self._view(load_booking(self.db.conn, parsed.code), claim,
                                                parsed.code), now)) is not None:
            return refusal
        # Like a walk-in number: an empty roll refuses before anything is taken.
        if self.issuing.check_paper() is PaperStatus.OUT:
            return CheckinRefused("paper_out", parsed.code)
        try:
            booking, tickets, created = self._commit(parsed.code, claim, now)
        except _Abort as abort:
            return abort.refusal
        view = self._view(booking, None, booking.code)
        assert view is not None
        issuing = self.issuing
        applicants = tuple(
            CheckedInApplicant(
                a.position, a.nickname,
                issuing.print_and_record(ticket, issuing.content_for(ticket, language)))
            for a, ticket in zip(booking.applicants, tickets, strict=True)
        )
        return CheckedIn(booking.code, booking.day, view.slot_start, view.slot_end, applicants,
                         created)

    def _commit(self, code: str, claim: BookingClaim | None, now: datetime
                ) -> tuple[Booking, list[Ticket], bool]:
        """Re-check under the write lock, then take every number and mark the booking."""
        with immediate(self.db) as conn:
            booking = load_booking(conn, code)
            refusal = self._refusal(self._view(booking, claim, code), now)
            if refusal is not None:
                raise _Abort(refusal)
            created = booking is None
            if booking is None:
                assert claim is not None  # _view gives None (unknown_code) otherwise
                insert_from_claim(conn, code=code, office_code=claim.office_code, day=claim.day,
                                  slot_start=claim.slot_start, slot_end=claim.slot_end,
                                  applicants=claim.applicants, now=now)
                booking = load_booking(conn, code)
                assert booking is not None
            tickets = [self._take(conn, booking, now) for _ in booking.applicants]
            mark_checked_in(conn, code, {a.position: ticket.number for a, ticket
                                         in zip(booking.applicants, tickets, strict=True)}, now)
            append_event(conn, office_code=self.numbering.office_code, office_day=booking.day,
                         device_id=self.numbering.device_id, kind="booking_checked_in", at=now,
                         payload={"code": code, "labels": [tk.label for tk in tickets],
                                  "via": "qr" if claim else "code", "created": created,
                                  "key_id": claim.key_id if claim else None})
        return booking, tickets, created

    def _take(self, conn, booking: Booking, now: datetime) -> Ticket:
        taken = self.numbering._take_in(conn, BOOKED, booking.day,
                                        self.issuing.cap_for(BOOKED, booking.day), now)
        if isinstance(taken, ClockBehind):
            raise _Abort(CheckinRefused("clock", booking.code, detail="clock is behind"))
        if isinstance(taken, CapReached):
            raise _Abort(CheckinRefused("cap", booking.code, detail=f"lane B cap {taken.cap}"))
        return taken

    def _view(self, booking: Booking | None, claim: BookingClaim | None, code: str
              ) -> _View | None:
        """The store wins over the claim: it may know of a cancellation or a new slot."""
        zone = self.config.timezone
        if booking is not None:
            return _View(
                booking.code, booking.office_code, booking.day,
                datetime.combine(booking.day, booking.slot_start, tzinfo=zone),
                datetime.combine(booking.day, booking.slot_end, tzinfo=zone), booking.status,
                None if booking.checked_in_at is None else booking.checked_in_at.astimezone(zone),
                tuple(format_label(BOOKED, a.ticket_number) for a in booking.applicants
                      if a.ticket_number is not None))
        if claim is None:
            return None
        return _View(code, claim.office_code, claim.day,
                     datetime.combine(claim.day, claim.slot_start, tzinfo=zone),
                     datetime.combine(claim.day, claim.slot_end, tzinfo=zone), "booked", None, ())

    def _refusal(self, view: _View | None, now: datetime) -> CheckinRefused | None:
        """The rules, in the order that tells the applicant the most useful thing."""
        if view is None:
            return CheckinRefused("unknown_code")
        base = {"code": view.code, "booking_day": view.day, "slot_start": view.slot_start,
                "slot_end": view.slot_end}
        if view.office_code != self.policy.office_code:
            return CheckinRefused("wrong_office", office_code=view.office_code, **base)
        if view.status == "cancelled":
            return CheckinRefused("cancelled", **base)
        if view.status == "checked_in":  # before the day check: a replay tomorrow is still one
            return CheckinRefused("already_checked_in", checked_in_at=view.checked_in_at,
                                  labels=view.labels, **base)
        if view.day != self.schedule.office_day(now):
            return CheckinRefused("wrong_day", **base)
        opens = view.slot_start - timedelta(minutes=self.policy.early_minutes)
        closes = view.slot_end + timedelta(minutes=self.policy.late_minutes)
        if now > closes:
            return CheckinRefused("too_late", closes_at=closes, **base)
        if now < opens:
            if not self.schedule.is_open(opens, BOOKED):  # check-in really starts at opening
                opening = self.schedule.next_opening(opens, BOOKED)
                opens = opening if opening is not None and opening < closes else opens
            return CheckinRefused("too_early", opens_at=opens, **base)
        if not self.schedule.is_open(now, BOOKED):
            return CheckinRefused("closed", opens_at=self.schedule.next_opening(now, BOOKED),
                                  **base)
        return None


def _clock(moment: datetime) -> str:
    zone = ZONE_ABBREVIATIONS.get(str(moment.tzinfo), moment.strftime("%Z"))
    return f"{moment:%H:%M} {zone}".rstrip()


def refusal_text(refused: CheckinRefused, language: str) -> tuple[str, str]:
    """(title, body) for the screen, in the applicant's language."""
    reason = refused.reason
    if reason == "paper_out":
        return t("printer.title", language), t("printer.paper_out", language)
    if reason == "clock":
        return t("clock.title", language), t("clock.body", language)
    title = t(f"checkin.{reason}.title", language)
    if reason == "closed" and refused.opens_at is None:
        return title, t("closed.unknown", language)
    slot = ""
    if refused.slot_start and refused.slot_end:
        slot = f"{refused.slot_start:%H:%M}-{_clock(refused.slot_end)}"
    values: dict[str, str] = {}
    if reason == "wrong_day" and refused.booking_day:
        values = {"date": format_date(refused.booking_day, language), "slot": slot}
    elif reason == "wrong_office":
        values = {"office": refused.office_code or ""}
    elif reason == "too_early" and refused.opens_at:
        values = {"slot": slot, "opens": _clock(refused.opens_at)}
    elif reason == "too_late" and refused.closes_at:
        values = {"slot": slot, "closes": _clock(refused.closes_at)}
    elif reason == "already_checked_in" and refused.checked_in_at:
        values = {"when": format_moment(refused.checked_in_at, language),
                  "labels": ", ".join(refused.labels)}
    elif reason == "closed" and refused.opens_at:
        values = {"when": format_moment(refused.opens_at, language)}
    return title, t(f"checkin.{reason}.body", language, **values)
