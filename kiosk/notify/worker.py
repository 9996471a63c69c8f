"""The notification worker: one thread that makes messages due and sends them.

Each round (every ``[notify] poll_s``, and at once after a call: the call feed
pokes it) it erases the numbers of past office days, looks at today's opted-in
tickets (the tracking page's own state, kiosk/tracking/state.py: the same
"people before" as the ticket), makes "N before you" due the first time the
forecast is at most N and "your turn" due when the ticket is called (a later
stage's call is its own "your turn"), then sends what is due. A message that
is no longer true when its turn to go comes (the ticket was called before
"N before you" left; served before "your turn" left; older than
``stale_after_s``) is dropped as stale. The store is read and written under
one lock; the HTTP call is made outside it, so an opt-in never waits for a
slow gateway. Any exception is logged and the next round starts as usual.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kiosk import store
from kiosk.clock import utc_now
from kiosk.notify import outbox
from kiosk.notify.gateways import Outgoing, SendFailed
from kiosk.notify.phone import PhoneInvalid, mask_phone, normalize_phone
from kiosk.notify.sealing import PhoneSeal
from kiosk.queue.calling_view import call_classes, call_policy, calling_service
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache
from kiosk.texts import t
from kiosk.tracking.state import Found, ticket_state

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kiosk.config import Config
    from kiosk.notify.gateways import Gateway

log = logging.getLogger(__name__)


def message_text(key: str, **values: object) -> str:
    """Indonesian, then English: a phone has no language switch."""
    stage = values.pop("stage", None)
    id_text = t(key, "id", **values, **({"stage": stage[0]} if stage else {}))
    en_text = t(key, "en", **values, **({"stage": stage[1]} if stage else {}))
    return f"{id_text}\n{en_text}"


class NotifyWorker:
    """Makes due and sends the opt-in messages of one kiosk's store."""

    def __init__(self, config: Config, database: Path | str, gateway: Gateway, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.config, self.gateway, self.clock = config, gateway, clock
        self.settings = config.notify
        self.seal = PhoneSeal(config.checkin.nik_salt)
        self.db = store.connect(database)  # its own: never inside another thread's transaction
        # What this connection erases or overwrites (sealed numbers) is zeroed on disk, not
        # left in free space for a copied file to show.
        self.db.execute("PRAGMA secure_delete = ON")
        self.calling = calling_service(config, self.db, clock)
        self.pace = PaceCache(self.db, config.office.code, self.calling.counters.values(),
                              policy=call_policy(config), classes=call_classes(config),
                              stages=StagePlan.of(config))
        self.lock = threading.Lock()
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0  # finished rounds (tests wait on it)
        with self.lock:
            self._erase(self.clock())  # at start-up: yesterday's numbers go first

    # --- called from the kiosk's screens (any thread) ---
    def opt_in(self, tickets: list[outbox.OptIn], typed: str) -> str:
        """Keep the number for these tickets until the day ends; the masked number.
        ValueError (with the reason code) when ``typed`` is not an Indonesian mobile."""
        phone = normalize_phone(typed)
        if isinstance(phone, PhoneInvalid):
            raise ValueError(phone.reason)
        now = self.clock()
        with self.lock:
            masked = ""
            for ticket in tickets:
                masked = outbox.opt_in(self.db, self.seal, self.config.office.code, ticket,
                                       phone, now)
        log.info("notify: %s opted in for %s", masked, ", ".join(x.label for x in tickets))
        self.poke()
        return masked

    def counts(self) -> dict[str, int]:
        """Today's opt-ins and outbox states (the staff menu)."""
        with self.lock:
            now = self.clock()
            return outbox.day_counts(self.db, self.config.office.code, self.calling.today(now))

    def poke(self) -> None:
        self._wake.set()

    # --- the thread ---
    def start(self) -> NotifyWorker:
        self._thread = threading.Thread(target=self._run, name="notify", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.settings.poll_s)
            self._wake.clear()

    def run_once(self) -> None:
        """One round; never raises (a broken gateway or store waits for the next round)."""
        try:
            with self.lock:
                now = self.clock()
                self._erase(now)
                self._make_due(now)
            self._send_due()
        except Exception:
            log.exception("notify: this round failed; trying again at the next")
        finally:
            self.rounds += 1

    def _erase(self, now: datetime) -> None:
        erased, dropped = outbox.erase_before(self.db, self.config.office.code,
                                              self.calling.today(now), now)
        if erased or dropped:
            log.info("notify: erased %d numbers of past days; %d messages dropped as stale",
                     erased, dropped)

    def _make_due(self, now: datetime) -> None:
        code, device = self.config.office.code, self.config.office.device_id
        for ticket in outbox.live_optins(self.db, code, self.calling.today(now)):
            state = ticket_state(self.config, self.calling, self.pace,
                                 Found(ticket.ticket_id, ticket.office_day, ticket.lane,
                                       ticket.number), now)
            if state["status"] == "called" and state["counter"] is not None:
                kind, stage = self._turn_kind(ticket.lane, state["stage"])
                body = message_text("notify.msg.turn_stage" if stage else "notify.msg.turn",
                                    label=ticket.label, counter=state["counter_name"]
                                    or f"Loket {state['counter']}", stage=stage)
                outbox.make_due(self.db, code, device, ticket, kind, body, now)
            elif (state["status"] == "waiting" and state["before"] is not None
                  and state["before"] <= self.settings.near):
                body = message_text("notify.msg.near", label=ticket.label,
                                    before=state["before"])
                outbox.make_due(self.db, code, device, ticket, "near", body, now)

    def _turn_kind(self, lane: str, stage: str | None) -> tuple[str, tuple[str, str] | None]:
        """"turn" at a visit's first stage; "turn:<stage>" (and its names) at a later one."""
        if self.calling.stages.is_first(lane, stage) or stage is None:
            return "turn", None
        return f"turn:{stage}", (self.config.stage_name(stage, "id"),
                                 self.config.stage_name(stage, "en"))

    def _send_due(self) -> None:
        with self.lock:
            due = outbox.due_now(self.db, self.config.office.code, self.clock())
        for message in due:
            if self._stop.is_set():
                return
            with self.lock:
                outgoing = self._prepare(message, self.clock())
            if outgoing is None:
                continue
            self._send(message, outgoing)

    def _prepare(self, message: outbox.Pending, now: datetime) -> Outgoing | None:
        """The message with its number opened, or None once it is dropped as stale."""
        why = self._stale(message, now)
        if why is None:
            sealed = outbox.sealed_phone(self.db, message.ticket_id)
            phone = self.seal.open(sealed, message.ticket_id) if sealed else None
            if phone is not None:
                return Outgoing(message.id, phone, message.body, message.kind, message.label)
            why = "number erased"
        outbox.finish(self.db, message.id, "stale", now, why)
        log.info("notify: %s for %s dropped as stale (%s)", message.kind, message.label, why)
        return None

    def _stale(self, message: outbox.Pending, now: datetime) -> str | None:
        if now - message.created_at > timedelta(seconds=self.settings.stale_after_s):
            return "too old"
        if message.office_day != self.calling.today(now):
            return "day over"
        row = self.db.execute(
            "SELECT t.status, t.stage, t.lane FROM notify_optins o JOIN tickets t"
            " ON t.office_code = o.office_code AND t.office_day = o.office_day"
            " AND t.lane = o.lane AND t.number = o.number WHERE o.ticket_id = ?",
            (message.ticket_id,)).fetchone()
        if row is None:
            return "ticket gone"
        status, stage, lane = row
        if message.kind == "near":
            return None if status == "waiting" else f"already {status}"
        if status != "called":
            return f"already {status}"
        if self._turn_kind(lane, self.calling.stages.at(lane, stage))[0] != message.kind:
            return "moved to another stage"
        return None

    def _send(self, message: outbox.Pending, outgoing: Outgoing) -> None:
        masked = mask_phone(outgoing.phone)
        try:
            self.gateway.send(outgoing)
        except SendFailed as exc:
            with self.lock:
                now = self.clock()
                if not exc.retry:
                    outbox.finish(self.db, message.id, "failed", now, exc.reason)
                    log.warning("notify: %s to %s refused by the %s gateway: %s",
                                message.kind, masked, self.gateway.name, exc.reason)
                    return
                wait = outbox.backoff(message.attempts, self.settings.backoff_s,
                                      self.settings.backoff_max_s)
                if exc.retry_after is not None:
                    wait = max(wait, timedelta(seconds=min(exc.retry_after,
                                                           self.settings.backoff_max_s)))
                outbox.retry_later(self.db, message.id, now + wait, exc.reason)
            log.warning("notify: %s to %s not sent (%s); again in %.0f s", message.kind,
                        masked, exc.reason, wait.total_seconds())
            return
        with self.lock:
            outbox.finish(self.db, message.id, "sent", self.clock())
        log.info("notify: %s for %s sent to %s", message.kind, message.label, masked)

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("notify worker did not stop within %.1f s", timeout)
                return
        self.gateway.close()
        self.db.close()
