"""Sending today's tracking pages to the hub, for phones on the internet ([tracking] hub).

Each sync round works out every page of today's tickets exactly as the
kiosk's own LAN page would (kiosk/tracking/state.py) and sends the ones that
changed since the last round (a call moves everyone's "people before"). What
was sent is remembered in memory only: after a restart the day's pages are
sent once again, which the hub stores as the same rows. Only with a hub that
speaks protocol 2; with an older one nothing is sent (the pages stay on the LAN).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from kiosk.queue.calling_view import call_classes, call_policy, calling_service
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache
from kiosk.sync.tracking_wire import MAX_STATES, MIN_VERSION, PATH, push_json
from kiosk.tracking.links import track_token, tracking_key
from kiosk.tracking.state import Found, ticket_state

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date, datetime

    import sqlite_utils

    from kiosk.config import Config
    from kiosk.sync.hub_client import HubClient


class TrackingRelay:
    def __init__(self, config: Config, db: sqlite_utils.Database,
                 clock: Callable[[], datetime]) -> None:
        self.config, self.db = config, db
        self.key = tracking_key(config.checkin.nik_salt)
        self.calling = calling_service(config, db, clock)
        self.pace = PaceCache(db, config.office.code, self.calling.counters.values(),
                              policy=call_policy(config), classes=call_classes(config),
                              stages=StagePlan.of(config))
        self._day: date | None = None
        self._sent: dict[str, str] = {}  # token -> digest of the state last sent
        self._tokens: dict[str, str] = {}  # ticket id -> token (HMACs once per ticket)

    @classmethod
    def wanted(cls, config: Config) -> bool:
        return (config.tracking.hub and bool(config.tracking.base_url)
                and tracking_key(config.checkin.nik_salt) is not None)

    def changed_states(self) -> dict[str, tuple[dict[str, Any], str]]:
        """Today's pages that changed since they were last sent (all of them at first), with
        the digest each is remembered by once sent."""
        assert self.key is not None
        now = self.calling.clock()
        day = self.calling.today(now)
        if day != self._day:
            self._day, self._sent, self._tokens = day, {}, {}
        changed: dict[str, tuple[dict[str, Any], str]] = {}
        for ticket_id, lane, number in self.db.execute(
                "SELECT id, lane, number FROM tickets WHERE office_code = ? AND office_day = ?",
                (self.config.office.code, day.isoformat())):
            token = self._tokens.get(ticket_id)
            if token is None:
                token = self._tokens[ticket_id] = track_token(self.key, ticket_id)
            state = ticket_state(self.config, self.calling, self.pace,
                                 Found(ticket_id, day, lane, number), now)
            # "updated_at" alone changing is no news: the hub notes when it received it.
            digest = hashlib.sha256(json.dumps(
                {k: v for k, v in state.items() if k != "updated_at"}, sort_keys=True,
                ensure_ascii=False).encode()).hexdigest()
            if self._sent.get(token) != digest:
                changed[token] = (state, digest)
        return changed

    def push(self, client: HubClient) -> int:
        """Send what changed; the number of pages sent (0 with a hub older than protocol 2)."""
        if getattr(client, "protocol", MIN_VERSION) < MIN_VERSION:
            return 0
        changed = self.changed_states()
        tokens = list(changed)
        sent = 0
        for start in range(0, len(tokens), MAX_STATES):
            part = tokens[start:start + MAX_STATES]
            states = {t: changed[t][0] for t in part}
            client.call("POST", PATH, push_json(self.config.office.device_id, states))
            for token in part:
                self._sent[token] = changed[token][1]
            sent += len(part)
        return sent
