"""The doctor's look at opt-in messages ([notify]): the gateway's address and token, a
cheap reachability test (a TCP connection to its host, no request and so no message),
and whether today's outbox is stuck. The token is never shown, only whether it is set."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kiosk.doctor.runner import CheckResult, result
from kiosk.queue.schedule import Schedule

if TYPE_CHECKING:
    from datetime import date, datetime

    from kiosk.config import Config

CONNECT_TIMEOUT_S = 3.0
STUCK_ATTEMPTS = 3  # a pending message tried this often: the gateway is not taking them
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def gateway_url(config: Config) -> str:
    """Where messages go (the WhatsApp call's address for the whatsapp gateway)."""
    notify = config.notify
    if notify.gateway == "whatsapp":
        return f"{notify.api_base}/{notify.api_version}/{notify.phone_number_id}/messages"
    return notify.url


def notify_check(config: Config, now: datetime) -> CheckResult:
    notify = config.notify
    if not notify.enabled:
        return result("notify", "skip", "doctor.notify.off", "doctor.notify.off.fix")
    url = gateway_url(config)
    parts = urlsplit(url)
    gateway = notify.gateway
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return result("notify", "fail", "doctor.notify.bad_url", "doctor.notify.bad_url.fix",
                      gateway=gateway, url=url)
    from kiosk.notify.gateways import gateway_token

    if gateway == "whatsapp" and not gateway_token(notify):
        return result("notify", "fail", "doctor.notify.no_token", "doctor.notify.no_token.fix",
                      gateway=gateway, url=url)
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return result("notify", "warn", "doctor.notify.plain_http",
                      "doctor.notify.plain_http.fix", gateway=gateway, url=url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        return result("notify", "warn", "doctor.notify.unreachable",
                      "doctor.notify.unreachable.fix", gateway=gateway, url=url,
                      detail=exc.strerror or type(exc).__name__)
    stuck = _stuck(config, Schedule.of(config).office_day(now))
    if stuck:
        return result("notify", "warn", "doctor.notify.stuck", "doctor.notify.stuck.fix",
                      gateway=gateway, url=url, count=stuck)
    return result("notify", "pass", "doctor.notify.ok", gateway=gateway, url=url,
                  token="yes" if gateway_token(notify) else "no")


def _stuck(config: Config, day: date) -> int:
    """Today's messages tried ``STUCK_ATTEMPTS`` times or more, or refused for good."""
    if not config.database.exists():
        return 0
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{config.database}?mode=ro", uri=True, timeout=2)
        try:
            return conn.execute(
                "SELECT count(*) FROM notify_outbox WHERE office_code = ? AND office_day = ?"
                " AND ((state = 'pending' AND attempts >= ?) OR state = 'failed')",
                (config.office.code, day.isoformat(), STUCK_ATTEMPTS)).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # no outbox yet (an older store): nothing stuck
        return 0
