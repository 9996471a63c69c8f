"""The kiosk <-> hub sync protocol: version, paths and the JSON shapes both sides check.

One module for both ends, so the hub and the kiosk can never disagree on a
field name. Every message is validated on arrival with a plain reason
(``ProtocolError``): a bad batch is refused whole and the kiosk keeps it in
its outbox, so nothing is lost to a malformed request. The office settings
document has its own module (kiosk/sync/settings_wire.py). docs/sync-protocol.md
and docs/sync-openapi.json describe the same shapes for other implementers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from kiosk.config.model import SERVICE_CODE
from kiosk.sync.event_payloads import payload_problem

PROTOCOL_VERSION = 2  # what this code speaks by default (docs/sync-protocol.md, "Versions")
SUPPORTED = (1, 2)  # every version both ends still understand and answer in
# The path stays /sync/v1 through every version: a kiosk finds its hub at the same URL
# whatever either side runs, and the version travels in the messages ("protocol").
PREFIX = "/sync/v1"
MAX_BATCH = 1000  # events per push; a day of a busy kiosk is a few thousand
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_PAGE = 1000  # bookings per pull
MAX_PAYLOAD_CHARS = 4000
MAX_LEASE_WANT = 100
ROLES = ("kiosk", "central")

# The fields of each request a hub reads: strict, so a typo or a probe is refused by name.
PUSH_FIELDS = frozenset({"protocol", "device_id", "sent_at", "events"})
EVENT_FIELDS = frozenset({"id", "seq", "at", "office_code", "office_day", "device_id", "kind",
                          "ticket_id", "payload"})
LEASE_FIELDS = frozenset({"protocol", "request_id", "office_day", "lane", "want", "free"})
RETURN_FIELDS = frozenset({"protocol", "grant_id", "office_day", "lane", "numbers"})

_DEVICE = re.compile(r"^[A-Z0-9-]{2,16}$")
EVENT_ID = re.compile(r"^[A-Z0-9-]{2,16}-[0-9a-f]{32}$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TICKET_ID = re.compile(r"^[A-Z0-9-]{2,16}-[0-9a-f]{32}$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,80}$")


class ProtocolError(ValueError):
    """A message that does not follow the protocol; the text says which field and why."""


def _need(data: Any, name: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(data, dict) or name not in data:
        raise ProtocolError(f"'{name}' is missing ({what})")
    value = data[name]
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise ProtocolError(f"'{name}' must be {what}")
    return value


def _only(data: Any, allowed: frozenset[str]) -> None:
    """A message of a known version names only its own fields: anything else is a bug
    or a probe, refused with its name rather than ignored."""
    if isinstance(data, dict) and (unknown := sorted(set(data) - allowed)):
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ProtocolError(f"unknown field(s) {shown}; this message has "
                            f"{', '.join(sorted(allowed))}")


def speaks(versions: tuple[int, ...]) -> str:
    return ", ".join(str(v) for v in versions)


def check_version(data: Any, accepted: tuple[int, ...] = SUPPORTED) -> int:
    """The message's version if this side speaks it; the refusal text is the one v1 sent,
    which a newer kiosk reads to fall back (kiosk/sync/hub_client.py)."""
    version = _need(data, "protocol", int, f"the protocol version ({speaks(accepted)})")
    if version not in accepted:
        raise ProtocolError(f"protocol version {version} is not supported "
                            f"(this side speaks {speaks(accepted)})")
    return version


def _moment(text: Any, name: str) -> datetime:
    if not isinstance(text, str):
        raise ProtocolError(f"'{name}' must be an ISO 8601 time with a zone")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"'{name}' must be an ISO 8601 time with a zone") from None
    if moment.tzinfo is None:
        raise ProtocolError(f"'{name}' must carry a time zone offset")
    return moment


def _day(text: Any, name: str) -> date:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ProtocolError(f"'{name}' must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"'{name}' must be a real date") from None


# --- events (the outbox) ----------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One outbox row as it travels; ``seq`` is the kiosk's own order, for audits."""

    id: str
    seq: int
    at: str  # kiosk clock, ISO 8601 UTC
    office_code: str
    office_day: str
    device_id: str
    kind: str
    ticket_id: str | None
    payload: str  # canonical JSON text, exactly as the kiosk stored it

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "at": self.at, "office_code": self.office_code,
                "office_day": self.office_day, "device_id": self.device_id, "kind": self.kind,
                "ticket_id": self.ticket_id, "payload": json.loads(self.payload)}


def parse_event(data: Any, index: int, version: int = PROTOCOL_VERSION) -> Event:
    where = f"events[{index}]"
    try:
        _only(data, EVENT_FIELDS)
        event_id = _need(data, "id", str, "an event id")
        if not EVENT_ID.fullmatch(event_id):
            raise ProtocolError("'id' must be DEVICE-<32 hex digits>")
        seq = _need(data, "seq", int, "the kiosk's sequence number")
        at = _moment(_need(data, "at", str, "a time"), "at")
        office = _need(data, "office_code", str, "an office code")
        day = _day(_need(data, "office_day", str, "a date"), "office_day")
        device = _need(data, "device_id", str, "a device id")
        if not _DEVICE.fullmatch(office) or not _DEVICE.fullmatch(device):
            raise ProtocolError("office_code and device_id are 2-16 capitals, digits or '-'")
        if not event_id.startswith(device + "-"):
            raise ProtocolError("the event id does not start with its device id")
        kind = _need(data, "kind", str, "an event kind")
        if not _KIND.fullmatch(kind):
            raise ProtocolError("'kind' must be lower-case letters, digits or '_'")
        ticket_id = data.get("ticket_id")
        if ticket_id is not None and (not isinstance(ticket_id, str)
                                      or not _TICKET_ID.fullmatch(ticket_id)):
            raise ProtocolError("'ticket_id' must be null or a ticket id")
        payload = _need(data, "payload", dict, "a JSON object")
        text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        if len(text) > MAX_PAYLOAD_CHARS:
            raise ProtocolError(f"'payload' is longer than {MAX_PAYLOAD_CHARS} characters")
        if (problem := payload_problem(kind, payload, version)) is not None:
            raise ProtocolError(problem)
    except ProtocolError as exc:
        raise ProtocolError(f"{where}: {exc}") from None
    return Event(event_id, seq, at.isoformat(), office, day.isoformat(), device, kind,
                 ticket_id, text)


@dataclass(frozen=True)
class PushRequest:
    device_id: str
    sent_at: datetime  # the kiosk's clock when it sent: the hub notes the skew
    events: tuple[Event, ...]
    version: int = PROTOCOL_VERSION  # the hub answers in the version the kiosk used


def push_request_json(device_id: str, sent_at: datetime, events: list[Event],
                      version: int = PROTOCOL_VERSION) -> dict[str, Any]:
    return {"protocol": version, "device_id": device_id,
            "sent_at": sent_at.isoformat(), "events": [e.to_json() for e in events]}


def parse_push_request(data: Any, accepted: tuple[int, ...] = SUPPORTED) -> PushRequest:
    version = check_version(data, accepted)
    _only(data, PUSH_FIELDS)
    device = _need(data, "device_id", str, "a device id")
    sent_at = _moment(_need(data, "sent_at", str, "a time"), "sent_at")
    raw = _need(data, "events", list, "a list of events")
    if len(raw) > MAX_BATCH:
        raise ProtocolError(f"at most {MAX_BATCH} events per push, got {len(raw)}")
    events = tuple(parse_event(item, i, version) for i, item in enumerate(raw))
    if len({e.id for e in events}) != len(events):
        raise ProtocolError("the same event id appears twice in one batch")
    return PushRequest(device, sent_at, events, version)


@dataclass(frozen=True)
class PushResult:
    acked: tuple[str, ...]  # every id of the batch the hub now holds (new or not)
    stored: int
    duplicates: int
    hub_time: datetime
    # Acknowledged but not stored: (id, reason). A check-in no B ticket of the kiosk backs.
    refused: tuple[tuple[str, str], ...] = ()
    # Acknowledged, the hub holds other content under the id: (id, stored sha256, sent sha256).
    conflicts: tuple[tuple[str, str, str], ...] = ()

    def to_json(self, version: int = PROTOCOL_VERSION) -> dict[str, Any]:
        body = {"protocol": version, "acked": list(self.acked), "stored": self.stored,
                "duplicates": self.duplicates, "hub_time": self.hub_time.isoformat()}
        if version >= 2:  # a version-1 kiosk gets the answer it always had
            body["refused"] = [{"id": i, "status": "refused", "reason": why}
                               for i, why in self.refused]
            body["conflicts"] = [{"id": i, "status": "conflict", "stored_sha256": before,
                                  "sent_sha256": sent} for i, before, sent in self.conflicts]
        return body


def _per_event(data: dict, name: str, fields: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The optional per-event statuses of a version-2 push answer (absent: none)."""
    items = data.get(name, [])
    if not isinstance(items, list) or not all(
            isinstance(item, dict) and all(isinstance(item.get(f), str) for f in fields)
            for item in items):
        raise ProtocolError(f"'{name}' must list objects with {', '.join(fields)}")
    return tuple(tuple(item[f][:500] for f in fields) for item in items)


def parse_push_result(data: Any) -> PushResult:
    check_version(data)
    acked = _need(data, "acked", list, "a list of event ids")
    if not all(isinstance(i, str) for i in acked):
        raise ProtocolError("'acked' must list event ids")
    return PushResult(tuple(acked), _need(data, "stored", int, "a count"),
                      _need(data, "duplicates", int, "a count"),
                      _moment(_need(data, "hub_time", str, "a time"), "hub_time"),
                      _per_event(data, "refused", ("id", "reason")),  # type: ignore[arg-type]
                      _per_event(data, "conflicts",  # type: ignore[arg-type]
                                 ("id", "stored_sha256", "sent_sha256")))


# --- bookings ---------------------------------------------------------------


@dataclass(frozen=True)
class PulledApplicant:
    nickname: str
    nik_hash: str | None
    nik_masked: str | None


@dataclass(frozen=True)
class PulledBooking:
    """A booking as the hub hands it to the kiosks of its office (no NIK, only its hash)."""

    code: str
    office_code: str
    day: date
    slot_start: time
    slot_end: time
    status: str  # booked | cancelled | checked_in
    applicants: tuple[PulledApplicant, ...]
    change: int
    checked_in_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "office": self.office_code, "date": self.day.isoformat(),
                "slot_start": f"{self.slot_start:%H:%M}", "slot_end": f"{self.slot_end:%H:%M}",
                "status": self.status, "change": self.change,
                "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
                "applicants": [{"nickname": a.nickname, "nik_hash": a.nik_hash,
                                "nik_masked": a.nik_masked} for a in self.applicants]}


_HASH = re.compile(r"^[0-9a-f]{64}$")
_MASKED = re.compile(r"^[0-9]{4}\*{8}[0-9]{4}$")


def parse_pulled_booking(data: Any, index: int) -> PulledBooking:
    from kiosk.checkin.booking_import import _hhmm, _Invalid, _nickname
    from kiosk.checkin.bookings import MAX_APPLICANTS, normalize_code

    where = f"bookings[{index}]"
    try:
        code = normalize_code(_need(data, "code", str, "a booking code")) or ""
        if not code:
            raise ProtocolError("'code' must be 6 to 16 capital letters or digits")
        office = _need(data, "office", str, "an office code")
        day = _day(_need(data, "date", str, "a date"), "date")
        try:
            start, end = _hhmm(data.get("slot_start"), "slot_start"), _hhmm(
                data.get("slot_end"), "slot_end")
        except _Invalid as exc:
            raise ProtocolError(str(exc)) from None
        if start >= end:
            raise ProtocolError("slot_start must be earlier than slot_end")
        status = _need(data, "status", str, "booked, cancelled or checked_in")
        if status not in ("booked", "cancelled", "checked_in"):
            raise ProtocolError("'status' must be booked, cancelled or checked_in")
        change = _need(data, "change", int, "the hub's change number")
        raw = _need(data, "applicants", list, "a list of applicants")
        if not 1 <= len(raw) <= MAX_APPLICANTS:
            raise ProtocolError(f"1 to {MAX_APPLICANTS} applicants")
        applicants = []
        for person in raw:
            try:
                nickname = _nickname(person.get("nickname") if isinstance(person, dict) else None)
            except _Invalid as exc:
                raise ProtocolError(str(exc)) from None
            nik_hash, masked = person.get("nik_hash"), person.get("nik_masked")
            if nik_hash is not None and not (isinstance(nik_hash, str) and _HASH.match(nik_hash)):
                raise ProtocolError("'nik_hash' must be 64 hex digits or null")
            if masked is not None and not (isinstance(masked, str) and _MASKED.match(masked)):
                raise ProtocolError("'nik_masked' must look like 3271********0003 or be null")
            applicants.append(PulledApplicant(nickname, nik_hash, masked))
        checked = data.get("checked_in_at")
        checked_at = None if checked is None else _moment(checked, "checked_in_at")
    except ProtocolError as exc:
        raise ProtocolError(f"{where}: {exc}") from None
    return PulledBooking(code, office, day, start, end, status, tuple(applicants), change,
                         checked_at)


@dataclass(frozen=True)
class BookingsPage:
    bookings: tuple[PulledBooking, ...]
    cursor: int
    more: bool


def parse_bookings_page(data: Any) -> BookingsPage:
    check_version(data)
    raw = _need(data, "bookings", list, "a list of bookings")
    return BookingsPage(tuple(parse_pulled_booking(item, i) for i, item in enumerate(raw)),
                        _need(data, "cursor", int, "the next cursor"),
                        _need(data, "more", bool, "true or false"))


# --- number leases ------------------------------------------------------------


@dataclass(frozen=True)
class LeaseRequest:
    request_id: str  # the same id on a retry returns the same grant
    office_day: date
    lane: str
    want: int
    free: int  # numbers the kiosk still holds: the hub reclaims for kiosks at zero
    version: int = PROTOCOL_VERSION

    def to_json(self, version: int = PROTOCOL_VERSION) -> dict[str, Any]:
        return {"protocol": version, "request_id": self.request_id,
                "office_day": self.office_day.isoformat(), "lane": self.lane,
                "want": self.want, "free": self.free}


def parse_lease_request(data: Any, accepted: tuple[int, ...] = SUPPORTED) -> LeaseRequest:
    version = check_version(data, accepted)
    _only(data, LEASE_FIELDS)
    request_id = _need(data, "request_id", str, "a request id")
    if not _REQUEST_ID.fullmatch(request_id):
        raise ProtocolError("'request_id' must be 8-80 letters, digits or '-'")
    lane = _need(data, "lane", str, "a lane code")
    if not isinstance(lane, str) or not SERVICE_CODE.match(lane):
        raise ProtocolError("'lane' must be a service code, one capital letter A-Z")
    want = _need(data, "want", int, f"a whole number from 0 to {MAX_LEASE_WANT}")
    free = _need(data, "free", int, "a whole number")
    if not 0 <= want <= MAX_LEASE_WANT or free < 0:
        raise ProtocolError(f"'want' must be 0 to {MAX_LEASE_WANT} and 'free' not negative")
    return LeaseRequest(request_id, _day(data.get("office_day"), "office_day"), lane, want, free,
                        version)


@dataclass(frozen=True)
class LeaseGrant:
    grant_id: str | None  # None when nothing was granted
    numbers: tuple[int, ...]
    cap: int | None
    remaining: int  # numbers of the office's cap not leased to any kiosk
    reclaim: bool  # another kiosk is empty: give back what you do not need
    # Numbers staff released from this kiosk (`kiosk hub release`): never issue them again.
    released: tuple[int, ...] = ()

    def to_json(self, version: int = PROTOCOL_VERSION) -> dict[str, Any]:
        return {"protocol": version, "grant_id": self.grant_id,
                "numbers": list(self.numbers), "cap": self.cap, "remaining": self.remaining,
                "reclaim": self.reclaim, "released": list(self.released)}


def parse_lease_grant(data: Any) -> LeaseGrant:
    check_version(data)
    numbers = _need(data, "numbers", list, "a list of numbers")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
        raise ProtocolError("'numbers' must be positive whole numbers")
    grant_id = data.get("grant_id")
    if grant_id is not None and not isinstance(grant_id, str):
        raise ProtocolError("'grant_id' must be text or null")
    cap = data.get("cap")
    if cap is not None and not isinstance(cap, int):
        raise ProtocolError("'cap' must be a number or null")
    released = data.get("released", [])  # absent from hubs older than `kiosk hub release`
    if not isinstance(released, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in released):
        raise ProtocolError("'released' must list positive whole numbers")
    return LeaseGrant(grant_id, tuple(numbers), cap,
                      _need(data, "remaining", int, "a count"),
                      _need(data, "reclaim", bool, "true or false"), tuple(released))


@dataclass(frozen=True)
class LeaseReturn:
    grant_id: str
    office_day: date
    lane: str
    numbers: tuple[int, ...]
    version: int = PROTOCOL_VERSION

    def to_json(self, version: int = PROTOCOL_VERSION) -> dict[str, Any]:
        return {"protocol": version, "grant_id": self.grant_id,
                "office_day": self.office_day.isoformat(), "lane": self.lane,
                "numbers": list(self.numbers)}


def parse_lease_return(data: Any, accepted: tuple[int, ...] = SUPPORTED) -> LeaseReturn:
    version = check_version(data, accepted)
    _only(data, RETURN_FIELDS)
    grant_id = _need(data, "grant_id", str, "a grant id")
    lane = _need(data, "lane", str, "a lane code")
    if not isinstance(lane, str) or not SERVICE_CODE.match(lane):
        raise ProtocolError("'lane' must be a service code, one capital letter A-Z")
    numbers = _need(data, "numbers", list, "a list of numbers")
    if not numbers or len(numbers) > 1000 or not all(
            isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
        raise ProtocolError("'numbers' must be 1 to 1000 positive whole numbers")
    return LeaseReturn(grant_id, _day(data.get("office_day"), "office_day"), lane,
                       tuple(numbers), version)


# --- releasing a dead kiosk's numbers (central) -----------------------------------


@dataclass(frozen=True)
class ReleaseRequest:
    device_id: str
    office_day: date | None  # None: today at the office
    lane: str
    force: bool  # even if the kiosk talked to the hub a moment ago
    version: int = 1  # "protocol" is optional here: a bare request is answered in 1


def parse_release_request(data: Any, accepted: tuple[int, ...] = SUPPORTED) -> ReleaseRequest:
    if not isinstance(data, dict):
        raise ProtocolError('send {"device_id": "KUP-K2", "day": "YYYY-MM-DD", "lane": "A"}')
    version = check_version(data, accepted) if "protocol" in data else 1
    _only(data, frozenset({"protocol", "device_id", "day", "lane", "force"}))
    device = _need(data, "device_id", str, "the kiosk's device id")
    if not _DEVICE.fullmatch(device):
        raise ProtocolError("'device_id' must be 2-16 capitals, digits or '-'")
    day = None if data.get("day") is None else _day(data["day"], "day")
    lane = data.get("lane", "A")
    if not isinstance(lane, str) or not SERVICE_CODE.match(lane):
        raise ProtocolError("'lane' must be a service code, one capital letter A-Z")
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise ProtocolError("'force' must be true or false")
    return ReleaseRequest(device, day, lane, force, version)


@dataclass(frozen=True)
class Release:
    """What a release did: ``released`` went back to the office, ``kept_used`` are on tickets."""

    office_code: str
    device_id: str
    office_day: date
    lane: str
    released: tuple[int, ...]
    kept_used: tuple[int, ...]
    last_seen: datetime | None  # the kiosk's last contact with the hub (hub clock)
    forced: bool

    def to_json(self) -> dict[str, Any]:
        return {"office": self.office_code, "device_id": self.device_id,
                "day": self.office_day.isoformat(), "lane": self.lane,
                "released": list(self.released), "kept_used": list(self.kept_used),
                "last_seen_at": self.last_seen.isoformat() if self.last_seen else None,
                "forced": self.forced}
