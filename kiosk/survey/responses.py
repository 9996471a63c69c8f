"""Survey responses kept in the store: one per ticket per office day, only after service.

A respondent names their ticket (the printed label, or the ticket's QR read by
a scanner); the desk checks it before the first question and again in the
write transaction, then writes the row and its ``survey_answered`` event in
one ``BEGIN IMMEDIATE`` transaction: the answer reaches the hub through the
outbox like every other change, and survives a power cut or a dead network.

Choices made here (the lead may revisit):
- "Served" means the ticket was called to a counter (status ``called``) or
  marked ``served``: a counter ends an applicant as served only when it calls
  the next one, so the person walking from the counter to the exit tablet is
  usually still ``called``. ``waiting`` and ``no_show`` are refused. For a
  service with stages (kiosk/queue/stages.py) ``called`` counts only at its
  last stage: after the document check the visit is not over.
- Only today's tickets: a label names a ticket of the current office day, and a
  scanned ticket of another day is refused (a paper ticket is not a voucher to
  answer again tomorrow).
- A quick (four faces) answer takes the ticket's one response too.
- With tracking links (docs/tracking.md) the ticket's QR holds its page address,
  ``.../t/<token>``, and a short code is printed under it: both name the ticket
  too, found among today's tickets by the same keyed token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.store.ids import new_id
from kiosk.survey.index import ANSWERS, InvalidAnswers, check_answers
from kiosk.tracking.links import normalize_token, short_code, track_token, tracking_key

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Mapping
    from datetime import date, datetime

    import sqlite_utils

    from kiosk.config import Config
    from kiosk.queue.schedule import Schedule

# The regulation's respondent profile (the form in the annex of PermenPANRB 14/2017).
SEXES = ("L", "P")
EDUCATION = ("sd", "smp", "sma", "d1_d3", "d4_s1", "s2", "s3")
OCCUPATIONS = ("pns", "tni", "polri", "swasta", "wirausaha", "lainnya")
# Fits the hub's event payload limit even when every character is an emoji
# (JSON escapes one as 12 characters): 300 x 12 + the rest < 4000.
COMMENT_MAX = 300
MODES = ("full", "quick")
EVENT = "survey_answered"
SERVED_STATUSES = ("called", "served")
_TICKET_ID = re.compile(r"^[A-Z0-9-]{2,16}-[0-9a-f]{32}$")
_LABEL = re.compile(r"^([A-Z])0*([0-9]{1,6})$")  # "A012" as printed; "a12 " typed
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class SurveyUnavailable(Exception):
    """The answers cannot be checked or kept now (the kiosk out of reach, the store
    locked): nothing was stored, the respondent may try again."""


@dataclass(frozen=True)
class Response:
    """What a respondent gave: nine answers (full) or one face (quick), and the optional rest."""

    mode: str = "full"
    answers: tuple[int, ...] | None = None
    quick: int | None = None
    sex: str | None = None
    education: str | None = None
    occupation: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SurveyTicket:
    """The ticket a respondent named, found and allowed to answer."""

    id: str
    office_day: date
    lane: str
    number: int
    label: str


@dataclass(frozen=True)
class SurveyRefused:
    """Why a ticket may not answer (nothing was written)."""

    reason: str  # unknown_ticket | other_day | not_served | already_answered
    label: str


@dataclass(frozen=True)
class Recorded:
    id: str
    ticket: SurveyTicket
    mode: str


def clean_response(response: Response) -> Response:
    """The response as stored, or InvalidAnswers saying which field is wrong.

    Empty optional fields become None; the comment is trimmed and loses control
    characters (it is shown in reports and HTML)."""
    if response.mode not in MODES:
        raise InvalidAnswers(f"mode must be one of {MODES}")
    answers, quick = response.answers, response.quick
    if response.mode == "full":
        answers = check_answers(answers or ())
        quick = None
    else:
        if isinstance(quick, bool) or quick not in ANSWERS:
            raise InvalidAnswers(f"quick: {quick!r} is not 1-4")
        answers = None
    fields = {"sex": SEXES, "education": EDUCATION, "occupation": OCCUPATIONS}
    chosen = {}
    for name, allowed in fields.items():
        value = getattr(response, name) or None
        if value is not None and value not in allowed:
            raise InvalidAnswers(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        chosen[name] = value
    if response.comment is not None and not isinstance(response.comment, str):
        raise InvalidAnswers("comment: not a text")
    comment = _CONTROL.sub(" ", response.comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InvalidAnswers(f"comment: at most {COMMENT_MAX} characters, got {len(comment)}")
    return Response(response.mode, answers, quick, comment=comment, **chosen)


def ticket_key(config: Config) -> bytes | None:
    """The key of the tracking links printed on tickets (None: tickets carry no link)."""
    return tracking_key(config.checkin.nik_salt) if config.tracking.base_url else None


def last_stages(config: Config) -> dict[str, tuple[str, str]]:
    """Services with stages: code -> (first stage, last stage)."""
    return {code: (lane.stages[0], lane.stages[-1])
            for code, lane in config.lanes.items() if lane.stages}


class SurveyDesk:
    """Finds tickets and records their one response, on the office day of ``clock``."""

    def __init__(self, db: sqlite_utils.Database, office_code: str, device_id: str,
                 clock: Callable[[], datetime], *, schedule: Schedule | None = None,
                 office_day: date | None = None,
                 stages: Mapping[str, tuple[str, str]] | None = None,
                 link_key: bytes | None = None) -> None:
        """Give either ``schedule`` (office day from the local date) or a fixed ``office_day``;
        ``stages``: ``last_stages(config)`` when services have stages; ``link_key``:
        ``ticket_key(config)`` when tickets carry tracking links."""
        if (schedule is None) == (office_day is None):
            raise ValueError("give exactly one of schedule= or office_day=")
        self.db, self.office_code, self.device_id, self.clock = db, office_code, device_id, clock
        self.schedule, self.office_day = schedule, office_day
        self.stages = stages or {}
        self.link_key = link_key

    def today(self, now: datetime | None = None) -> date:
        if self.office_day is not None:
            return self.office_day
        assert self.schedule is not None
        return self.schedule.office_day(now or self.clock())

    def find(self, typed: str) -> SurveyTicket | SurveyRefused:
        """The ticket a typed label or scanned QR names, if it may answer now."""
        return self._check(self.db.conn, typed, self.today())

    def record(self, typed: str, response: Response) -> Recorded | SurveyRefused:
        """Store one response and its outbox event; InvalidAnswers if the response is bad."""
        response = clean_response(response)
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            found = self._check(conn, typed, day)
            if isinstance(found, SurveyRefused):
                return found
            response_id = new_id(self.device_id)
            answers = response.answers or (None,) * 9
            conn.execute(
                "INSERT INTO survey_responses (id, office_code, office_day, lane, number,"
                " ticket_id, answered_at, device_id, mode, u1, u2, u3, u4, u5, u6, u7, u8, u9,"
                " quick, sex, education, occupation, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (response_id, self.office_code, day.isoformat(), found.lane, found.number,
                 found.id, now.isoformat(), self.device_id, response.mode, *answers,
                 response.quick, response.sex, response.education, response.occupation,
                 response.comment),
            )
            append_event(conn, office_code=self.office_code, office_day=day,
                         device_id=self.device_id, kind=EVENT, at=now, ticket_id=found.id,
                         payload=event_payload(response_id, found, response))
        return Recorded(response_id, found, response.mode)

    def _check(self, conn: sqlite3.Connection, typed: str, day: date
               ) -> SurveyTicket | SurveyRefused:
        text = typed.strip()
        shown = text.upper()[:40]
        link = text.rsplit("/t/", 1)[-1] if "/t/" in text else text
        token = normalize_token(link) if self.link_key is not None else None
        if token is not None and not _LABEL.fullmatch(shown):
            shown = short_code(token)
            row = self._by_token(conn, token, day)
        elif _TICKET_ID.fullmatch(text):
            row = conn.execute(
                "SELECT id, office_day, lane, number, label, status, stage FROM tickets"
                " WHERE office_code = ? AND id = ?", (self.office_code, text)).fetchone()
            if row is not None and row[1] != day.isoformat():
                return SurveyRefused("other_day", row[4])
        else:
            label = _LABEL.fullmatch(shown)
            row = None if label is None else conn.execute(
                "SELECT id, office_day, lane, number, label, status, stage FROM tickets"
                " WHERE office_code = ? AND office_day = ? AND lane = ? AND number = ?",
                (self.office_code, day.isoformat(), label[1], int(label[2]))).fetchone()
        if row is None:
            return SurveyRefused("unknown_ticket", shown)
        ticket_id, _, lane, number, label, status, stage = row
        first_last = self.stages.get(lane)
        at_last = first_last is None or (stage or first_last[0]) == first_last[1]
        if status not in SERVED_STATUSES or (status == "called" and not at_last):
            return SurveyRefused("not_served", label)
        answered = conn.execute(
            "SELECT 1 FROM survey_responses WHERE office_code = ? AND office_day = ?"
            " AND lane = ? AND number = ?", (self.office_code, day.isoformat(), lane, number)
        ).fetchone()
        if answered:
            return SurveyRefused("already_answered", label)
        return SurveyTicket(ticket_id, day, lane, number, label)

    def _by_token(self, conn: sqlite3.Connection, token: str, day: date) -> tuple | None:
        """Today's ticket whose tracking link is ``token`` (a day holds a few hundred)."""
        assert self.link_key is not None
        for row in conn.execute(
                "SELECT id, office_day, lane, number, label, status, stage FROM tickets"
                " WHERE office_code = ? AND office_day = ?", (self.office_code, day.isoformat())):
            if track_token(self.link_key, row[0]) == token:
                return row
        return None


def event_payload(response_id: str, ticket: SurveyTicket, response: Response) -> dict:
    """What the hub learns: the answers and the ticket's service, never a person."""
    payload: dict = {"response_id": response_id, "lane": ticket.lane, "label": ticket.label,
                     "mode": response.mode}
    if response.mode == "full":
        payload["answers"] = list(response.answers or ())
    else:
        payload["quick"] = response.quick
    for name in ("sex", "education", "occupation", "comment"):
        if getattr(response, name) is not None:
            payload[name] = getattr(response, name)
    return payload


@dataclass(frozen=True)
class StoredResponse:
    office_day: str
    lane: str
    mode: str
    answers: tuple[int, ...] | None
    quick: int | None
    sex: str | None
    education: str | None
    occupation: str | None
    comment: str | None


def stored_responses(db: sqlite_utils.Database, office_code: str, first: date, last: date
                     ) -> list[StoredResponse]:
    """The responses of office days ``first``..``last`` (inclusive), oldest day first."""
    rows = db.execute(
        "SELECT office_day, lane, mode, u1, u2, u3, u4, u5, u6, u7, u8, u9, quick, sex,"
        " education, occupation, comment FROM survey_responses"
        " WHERE office_code = ? AND office_day BETWEEN ? AND ? ORDER BY office_day, answered_at",
        (office_code, first.isoformat(), last.isoformat())).fetchall()
    return [StoredResponse(r[0], r[1], r[2], tuple(r[3:12]) if r[2] == "full" else None,
                           r[12], *r[13:17]) for r in rows]
