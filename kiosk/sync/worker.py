"""The kiosk's sync worker: catch up with the hub whenever the network is there.

A background thread with its own store connection and short transactions,
so issuing never waits on the network. Each round:

1. push the ``events`` outbox in batches, oldest first; an event is marked
   sent only after the hub acknowledged its id (a lost answer means the
   batch goes again, and the hub stores it once);
2. pull the office settings (cap, hours, holidays, booking QR keys) and
   hand them to ``on_settings``, which applies them under the issuing lock:
   between two tickets, never in the middle of one;
3. with leases on, for each capped service top up this kiosk's numbers, give
   back what the hub asks for, and stop using numbers staff released at the
   hub while this kiosk was away (kiosk/queue/leases.py);
4. pull bookings changed since the saved cursor, applied with the same
   rules as a file import (cancelled and checked-in are final).

The client speaks the newest protocol version the hub knows (an older hub
gets version 1 and stores newer event kinds as plain events); the round's
status records the version, and why it is older, for `kiosk sync status`.

Every request is safe to repeat, so a connection that dies at any moment
(before or after the hub committed) is simply retried, with exponential
back-off and jitter so a hub that comes back is not stampeded by every kiosk
of the country at once.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk import store
from kiosk.clock import utc_now
from kiosk.config import Config
from kiosk.queue import leases
from kiosk.queue.schedule import Schedule
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.store.ids import time_ordered_hex
from kiosk.sync.hub_client import HubClient, HubRefused, HubUnavailable
from kiosk.sync.protocol import (
    Event,
    LeaseRequest,
    LeaseReturn,
    ProtocolError,
    PushResult,
    parse_bookings_page,
    parse_lease_grant,
    parse_push_result,
    push_request_json,
)
from kiosk.sync.pull import apply_booking, apply_to_appliance, settings_config, stored_settings
from kiosk.sync.records import (
    META_CURSOR,
    META_LEASE_REQUEST,
    META_PUSHED,
    META_SETTINGS,
    META_STATUS,
    lease_lanes,
    lease_requests,
    note_push_problems,
    read_meta,
    write_meta,
)
from kiosk.sync.settings_wire import (
    parse_settings_reply,
    salt_fingerprint,
)
from kiosk.sync.tracking_relay import TrackingRelay

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

BOOKINGS_PAGE = 500
BACKOFF_BASE_S = 5.0


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential back-off with jitter: between half and all of min(cap, base * 2^(n-1))."""
    ceiling = min(cap, base * 2 ** max(failures - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


# --- the worker -----------------------------------------------------------------


@dataclass
class RoundReport:
    pushed: int = 0
    duplicates: int = 0
    batches: int = 0
    bookings: int = 0
    settings_version: int | None = None
    settings_changed: bool = False
    leased: int = 0
    returned: int = 0
    revoked: int = 0  # released at the hub (`kiosk hub release`) while this kiosk was away
    conflicts: int = 0  # of those, already on a ticket here: kept, recorded as lease_conflict
    error: str | None = None
    retry_after: float | None = None
    clock_skew_s: float | None = None
    warning: str | None = None
    settings_checked: bool = False
    tracked: int = 0  # tracking pages sent to the hub this round ([tracking] hub)

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        text = (f"{self.pushed} events pushed ({self.duplicates} already at the hub, "
                f"{self.batches} batches), {self.bookings} booking changes pulled")
        if self.settings_version is not None:
            text += f", settings v{self.settings_version}"
            text += " (new)" if self.settings_changed else ""
        if self.leased or self.returned:
            text += f", {self.leased} numbers leased, {self.returned} given back"
        if self.revoked:
            text += (f", {self.revoked} numbers released by the hub no longer used"
                     f" ({self.conflicts} already issued here)")
        return text if self.ok else f"{text}; stopped: {self.error}"


SettingsHook = Callable[[Config], None]


class SyncWorker:
    """One kiosk's sync; ``sync_once`` for the CLI and tests, ``start`` for the kiosk."""

    def __init__(self, config: Config, db: sqlite_utils.Database, *,
                 client: HubClient | None = None, clock: Callable[[], datetime] = utc_now,
                 on_settings: SettingsHook | None = None,
                 rng: random.Random | None = None) -> None:
        if not config.sync.enabled:
            raise ValueError("[sync] hub_url is not set: this kiosk has no hub")
        self.base, self.db, self.clock = config, db, clock
        self.sync = config.sync
        self.client = client or HubClient(config.sync.hub_url, config.sync.token,
                                          config.sync.timeout_s, clock=clock)
        self.on_settings = on_settings
        self.rng = rng or random.Random()
        saved = stored_settings(db)
        self.config = config if saved is None else settings_config(config, saved)
        self.failures = 0
        # [tracking] hub: today's tracking pages go to the hub too (kiosk/sync/tracking_relay.py).
        self.relay = TrackingRelay(config, db, clock) if TrackingRelay.wanted(config) else None
        self._round = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.thread: threading.Thread | None = None

    # --- one round -------------------------------------------------------------------

    def sync_once(self) -> RoundReport:
        report = RoundReport()
        with self._round:
            started = self.clock()
            try:
                self._push(report)
                if self.relay is not None:
                    report.tracked = self.relay.push(self.client)
                self._settings(report)
                if self.sync.leases:
                    self._leases(report)
                self._bookings(report)
            except (HubUnavailable, HubRefused, ProtocolError) as exc:
                report.error = str(exc)
                report.retry_after = getattr(exc, "retry_after", None)
            except Exception as exc:  # noqa: BLE001 - the worker must outlive any bug
                log.exception("sync round failed")
                report.error = f"{type(exc).__name__}: {exc}"
            self._note(started, report)
        return report

    def _note(self, started: datetime, report: RoundReport) -> None:
        try:
            with immediate(self.db) as conn:
                state = json.loads(read_meta(conn, META_STATUS) or "{}")
                state["last_attempt"] = started.isoformat()
                state["last_error"] = report.error
                if report.ok:
                    state["last_success"] = started.isoformat()
                if report.clock_skew_s is not None:
                    state["clock_skew_s"] = report.clock_skew_s
                if report.settings_checked:
                    state["warning"] = report.warning
                # The version spoken with the hub, and why it is older than ours if it is.
                state["protocol"] = getattr(self.client, "protocol", None)
                state["protocol_fallback"] = getattr(self.client, "fallback", None)
                write_meta(conn, META_STATUS, json.dumps(state, sort_keys=True))
        except Exception:  # noqa: BLE001 - status is a courtesy; never stop the worker for it
            log.exception("could not record the sync status")

    def _push(self, report: RoundReport) -> None:
        device = self.base.office.device_id
        while True:
            pushed = int(read_meta(self.db, META_PUSHED) or 0)
            rows = self.db.execute(
                "SELECT seq, id, at, office_code, office_day, device_id, kind, ticket_id,"
                " payload FROM events WHERE seq > ? AND sent_at IS NULL ORDER BY seq LIMIT ?",
                (pushed, self.sync.batch_size)).fetchall()
            if not rows:
                return
            events = [Event(r[1], r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
            sent_at = self.clock()
            # The client stamps the version it speaks with this hub (kiosk/sync/hub_client.py).
            result = parse_push_result(self.client.call(
                "POST", "/events", push_request_json(device, sent_at, events)))
            acked = set(result.acked)
            done = [e for e in events if e.id in acked]
            if not done:
                raise HubUnavailable("the hub acknowledged none of the batch")
            prefix = 0  # the cursor moves over the acknowledged start of the batch only
            while prefix < len(events) and events[prefix].id in acked:
                prefix += 1
            problems = self._problems(result)
            with immediate(self.db) as conn:
                conn.executemany("UPDATE events SET sent_at = ? WHERE seq = ?",
                                 [(result.hub_time.isoformat(), e.seq) for e in done])
                note_push_problems(conn, problems)
                if prefix:
                    write_meta(conn, META_PUSHED, str(max(pushed, events[prefix - 1].seq)))
            report.pushed += result.stored
            report.duplicates += result.duplicates
            report.batches += 1
            report.clock_skew_s = round((sent_at - result.hub_time).total_seconds(), 1)
            if len(done) < len(events):
                raise HubUnavailable(f"the hub acknowledged {len(done)} of {len(events)} events")

    def _problems(self, result: PushResult) -> list[dict[str, str]]:
        """The hub's per-event refusals and conflicts: acknowledged (sending them again
        cannot change the answer), logged and kept for `kiosk sync status` and the doctor."""
        at = result.hub_time.isoformat()
        problems = []
        for event_id, reason in result.refused:
            log.warning("the hub refused event %s: %s", event_id, reason)
            problems.append({"id": event_id, "status": "refused", "reason": reason, "at": at})
        for event_id, before, sent in result.conflicts:
            reason = (f"the hub holds other content under this id (hub sha256 {before[:16]},"
                      f" ours {sent[:16]})")
            log.warning("event %s is a conflict at the hub: %s", event_id, reason)
            problems.append({"id": event_id, "status": "conflict", "reason": reason, "at": at})
        return problems

    def _settings(self, report: RoundReport) -> None:
        reply = parse_settings_reply(self.client.call("GET", "/settings"))
        report.settings_version = reply.version
        mine = salt_fingerprint(self.base.checkin.nik_salt)
        warning = None
        if reply.nik_salt_fingerprint and mine and reply.nik_salt_fingerprint != mine:
            warning = ("checkin.nik_salt differs from the hub's NIK salt for this office: "
                       "NIKs of pulled bookings will not match")
        saved = json.dumps({"version": reply.version, "settings": reply.raw}, sort_keys=True)
        if saved != read_meta(self.db, META_SETTINGS):
            with immediate(self.db) as conn:
                write_meta(conn, META_SETTINGS, saved)
            prepare_store(self.base, self.db)  # a cap the hub sets: that service is leased too
            self.config = settings_config(self.base, reply.settings)
            report.settings_changed = True
            if self.on_settings is not None:
                self.on_settings(self.config)
        report.warning, report.settings_checked = warning, True

    def _office_day(self) -> date:
        config = self.config
        return Schedule(config.timezone, config.hours, config.holidays).office_day(self.clock())

    def _leases(self, report: RoundReport) -> None:
        self._send_returns(report)
        day = self._office_day()
        for lane in sorted(leases.leased_lanes(self.db)):  # each capped service on its own
            self._lease_lane(report, day, lane)

    def _lease_lane(self, report: RoundReport, day: date, lane: str) -> None:
        device = self.base.office.device_id
        pending = lease_requests(self.db).get(lane)
        if pending is not None and pending["office_day"] != day.isoformat():
            pending = None  # a past day's request: its numbers are of no use any more
        free = leases.free_count(self.db.conn, day, lane)
        if pending is not None:
            request = LeaseRequest(pending["request_id"], day, lane, pending["want"], free)
        else:
            want = self.sync.lease_block if free < self.sync.lease_low_water else 0
            request = LeaseRequest(f"{device}-{time_ordered_hex()}", day, lane, want, free)
            if want:  # remembered first: a lost answer is asked again under the same id
                with immediate(self.db) as conn:
                    self._remember_request(conn, lane, {
                        "request_id": request.request_id, "office_day": day.isoformat(),
                        "want": want})
        grant = parse_lease_grant(self.client.call("POST", "/leases", request.to_json()))
        conflicts: list[tuple[int, str, str]] = []
        with immediate(self.db) as conn:
            if grant.grant_id and grant.numbers:
                report.leased += leases.add_grant(conn, day, lane, grant.grant_id, grant.numbers)
            if grant.released:
                conflicts = self._revoke(conn, day, lane, grant.released, report)
            self._remember_request(conn, lane, None)
            if grant.remaining is not None:  # for the start screen's "numbers left"
                leases.note_unleased(conn, day, lane, grant.remaining, grant.cap)
            free = leases.free_count(conn, day, lane)
            give = free // 2 if grant.reclaim and free >= 2 else 0
            if give:  # another kiosk of the office is empty: share what we hold
                leases.start_return(conn, day, lane, give)
        if give:
            self._send_returns(report)
        for number, _, label in conflicts:
            log.warning("ticket %s was issued here while the hub had released number %d of this"
                        " kiosk (kiosk hub release): the ticket is kept, another kiosk may"
                        " issue the same number; recorded as lease_conflict", label, number)

    @staticmethod
    def _remember_request(conn: Any, lane: str, pending: dict[str, Any] | None) -> None:
        requests = lease_requests(conn)
        if pending is None:
            requests.pop(lane, None)
        else:
            requests[lane] = pending
        write_meta(conn, META_LEASE_REQUEST, json.dumps(requests, sort_keys=True)
                   if requests else None)

    def _revoke(self, conn: Any, day: date, lane: str, numbers: tuple[int, ...],
                report: RoundReport) -> list[tuple[int, str, str]]:
        """Never issue what staff released; a ticket already printed stays, with an event."""
        revoked, conflicts = leases.revoke(conn, self.base.office.code, day, lane, numbers)
        now = self.clock()
        for number, ticket_id, label in conflicts:
            append_event(conn, office_code=self.base.office.code, office_day=day,
                         device_id=self.base.office.device_id, kind="lease_conflict", at=now,
                         ticket_id=ticket_id,
                         payload={"lane": lane, "number": number, "label": label,
                                  "reason": "released at the hub before this ticket reached it"})
        report.revoked += len(revoked)
        report.conflicts += len(conflicts)
        return conflicts

    def _send_returns(self, report: RoundReport) -> None:
        for day, lane, grant_id, numbers in leases.pending_returns(self.db.conn):
            self.client.call("POST", "/leases/return",
                             LeaseReturn(grant_id, day, lane, numbers).to_json())
            with immediate(self.db) as conn:
                leases.finish_return(conn, day, lane, grant_id, numbers)
            report.returned += len(numbers)

    def _bookings(self, report: RoundReport) -> None:
        while True:
            cursor = int(read_meta(self.db, META_CURSOR) or 0)
            page = parse_bookings_page(self.client.call(
                "GET", "/bookings", params={"cursor": cursor, "limit": BOOKINGS_PAGE}))
            now = self.clock()
            with immediate(self.db) as conn:  # the page and its cursor commit together
                for booking in page.bookings:
                    apply_booking(conn, self.base, booking, now)
                write_meta(conn, META_CURSOR, str(max(cursor, page.cursor)))
            report.bookings += len(page.bookings)
            if not page.more or not page.bookings:
                return

    # --- the background thread ---------------------------------------------------------

    def needs_numbers(self) -> bool:
        if not self.sync.leases:
            return False
        try:
            day = self._office_day()
            # A service whose numbers the hub has all lent out (C is used up by 10:00) waits
            # for the regular round: asking every 2 s would go on all day for nothing.
            return any(leases.free_count(self.db.conn, day, lane) < self.sync.lease_low_water
                       and leases.hub_may_lend(self.db.conn, day, lane)
                       for lane in leases.leased_lanes(self.db))
        except Exception:  # noqa: BLE001 - a busy store: the regular round will look
            return False

    def run(self) -> None:
        delay = 0.0
        while not self._wait(delay):
            report = self.sync_once()
            if report.ok:
                self.failures = 0
                delay = self.sync.interval_s
            else:
                self.failures += 1
                delay = backoff_delay(self.failures, min(BACKOFF_BASE_S, self.sync.interval_s),
                                      self.sync.backoff_max_s, self.rng)
                delay = max(delay, min(report.retry_after or 0, self.sync.backoff_max_s))
                log.info("sync failed (%s); next try in %.1f s", report.error, delay)

    def _wait(self, delay: float) -> bool:
        """Sleep until the next round; True when asked to stop."""
        deadline = time.monotonic() + delay
        last_check = 0.0
        while (remaining := deadline - time.monotonic()) > 0:
            if self._wake.wait(min(remaining, 1.0)):
                self._wake.clear()
                break
            if self._stop.is_set():
                return True
            # Running low on leased numbers: do not wait for the next round.
            if self.failures == 0 and time.monotonic() - last_check >= 2.0:
                last_check = time.monotonic()
                if self.needs_numbers():
                    break
        return self._stop.is_set()

    def wake(self) -> None:
        """Start a round now (e.g. staff pressed "sync now")."""
        self._wake.set()

    def start(self) -> SyncWorker:
        self.thread = threading.Thread(target=self.run, name="kiosk-sync", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(timeout=self.sync.timeout_s + 5)
        self.client.close()


def prepare_store(config: Config, db: sqlite_utils.Database) -> frozenset[str]:
    """Switch the capped services to leased numbers (or back), for every process on the store.

    ``config`` is the file's; the hub's last settings add the caps it sets.
    """
    settings = stored_settings(db) if config.sync.enabled else None
    wanted = lease_lanes(config, settings.caps if settings is not None else None)
    if "".join(sorted(leases.leased_lanes(db))) != wanted:
        leases.set_leased_lanes(db, wanted)
    return frozenset(wanted)


def adopt_hub_state(config: Config, appliance: Any) -> None:
    """Every process on the store issues by the same rules: leased lanes, the hub's settings.

    Called by ``kiosk.appliance.build`` so `kiosk issue` and `kiosk run` agree;
    a process that ignored the leases could give out numbers the hub lent to
    another kiosk.
    """
    appliance.service.numbering.leased_lanes = prepare_store(config, appliance.db)
    if config.sync.enabled and (settings := stored_settings(appliance.db)) is not None:
        apply_to_appliance(appliance, settings_config(config, settings))


def start_sync(config: Config, appliance: Any) -> Callable[[], None]:
    """Start the background sync for a running kiosk; returns the function that stops it.

    Without [sync] hub_url this does nothing (and switches leases off). The
    hub's last known settings are applied at once, so an offline restart keeps
    the office's cap and hours; later changes apply between two tickets.
    """
    db = appliance.db
    lanes = prepare_store(config, db)
    appliance.service.numbering.leased_lanes = lanes
    if not config.sync.enabled:
        return lambda: None
    worker_db = store.connect(config.database)
    worker = SyncWorker(config, worker_db, clock=appliance.service.clock,
                        on_settings=lambda new: apply_to_appliance(appliance, new))
    if worker.config is not config:
        apply_to_appliance(appliance, worker.config)
    worker.start()

    def stop() -> None:
        worker.stop()
        worker_db.close()

    stop.worker = worker  # type: ignore[attr-defined]  # for "sync now" and tests
    return stop
