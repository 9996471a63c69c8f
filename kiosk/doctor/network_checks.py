"""The doctor's checks over HTTP: the kiosk's own LAN API answers /health for this
office, and the hub is reachable and accepts this kiosk's token."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.doctor.runner import TIMEOUTS_S, CheckResult, result
from kiosk.doctor.system_checks import SYSTEMD_DIR, kiosk_running
from kiosk.sync.protocol import PREFIX as SYNC_PREFIX

HTTP_TIMEOUT_S = 3.0
HUB_SETTINGS_PATH = f"{SYNC_PREFIX}/settings"  # needs the kiosk's token (docs/sync-protocol.md)


def _get(url: str, headers: dict[str, str] | None = None, timeout_s: float = HTTP_TIMEOUT_S,
         use_proxy: bool = True) -> tuple[int, bytes]:
    """(status, body) of a GET; HTTP error statuses are answers, not exceptions.

    ``use_proxy=False`` for the kiosk's own port: an office proxy in the
    environment must not stand between the doctor and 127.0.0.1.
    """
    handlers = [] if use_proxy else [urllib.request.ProxyHandler({})]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(65536)


def _reason(exc: BaseException, timeout_s: float = HTTP_TIMEOUT_S) -> str:
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {timeout_s:g} s"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def lan_api_check(config: Config, systemd_dir: Path = SYSTEMD_DIR) -> CheckResult:
    """The kiosk's own API answers /health with this office's code when the kiosk runs."""
    from kiosk.lan.api import local_url

    url = local_url(config.lan_api.host, config.lan_api.port)
    try:
        status, body = _get(f"{url}/health", use_proxy=False)
    except (urllib.error.URLError, OSError) as exc:
        refused = isinstance(getattr(exc, "reason", exc), ConnectionRefusedError)
        if refused and not kiosk_running(systemd_dir):
            return result("lan_api", "skip", "doctor.lan_api.not_running",
                          "doctor.lan_api.not_running.fix", url=url)
        return result("lan_api", "fail", "doctor.lan_api.down", "doctor.lan_api.down.fix",
                      url=url, detail=_reason(exc))
    try:
        health = json.loads(body)
        office = health.get("office") if status == 200 and health.get("ok") else None
    except (ValueError, AttributeError):
        office = None
    if office is None:
        detail = f"HTTP {status}, {body[:60].decode('utf-8', 'replace')!r}"
        return result("lan_api", "fail", "doctor.lan_api.other", "doctor.lan_api.other.fix",
                      url=url, detail=detail)
    if office != config.office.code:
        return result("lan_api", "warn", "doctor.lan_api.other_office",
                      "doctor.lan_api.other_office.fix", url=url, office=office,
                      expected=config.office.code)
    return result("lan_api", "pass", "doctor.lan_api.ok", url=url, office=office)


def hub_check(config: Any) -> CheckResult:
    """GET the kiosk's own office settings with its token: the hub is there and knows it.

    The hub's /health answers anyone; /settings needs this kiosk's token, so a
    200 proves both. An unreachable hub is a warning: the kiosk issues offline
    and its events wait in the outbox; a refused token never heals by itself.
    """
    sync = config.sync
    url = sync.hub_url.rstrip("/")
    if not url:
        return result("hub", "skip", "doctor.hub.not_configured", "doctor.hub.not_configured.fix")
    token = sync.token.strip()
    if not token:
        return result("hub", "fail", "doctor.hub.no_token", "doctor.hub.no_token.fix", url=url)
    timeout_s = min(float(sync.timeout_s or HTTP_TIMEOUT_S), TIMEOUTS_S["hub"] - 2)
    try:
        status, _body = _get(url + HUB_SETTINGS_PATH, {"Authorization": f"Bearer {token}"},
                             timeout_s)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return result("hub", "warn", "doctor.hub.unreachable", "doctor.hub.unreachable.fix",
                      url=url, detail=_reason(exc, timeout_s))
    if status in (401, 403):
        return result("hub", "fail", "doctor.hub.refused", "doctor.hub.refused.fix", url=url,
                      code=status)
    if status != 200:
        return result("hub", "warn", "doctor.hub.error", "doctor.hub.error.fix", url=url,
                      code=status)
    problems, last = _push_problems(config)
    if problems and last:
        return result("hub", "warn", "doctor.hub.push_problems", "doctor.hub.push_problems.fix",
                      url=url, count=problems, status=last.get("status", "?"),
                      event=last.get("id", "?"), reason=last.get("reason", "?"))
    return result("hub", "pass", "doctor.hub.ok", url=url)


def _push_problems(config: Any) -> tuple[int, dict[str, str] | None]:
    """Events the hub refused or found in conflict (kept in the store by the sync worker)."""
    import sqlite3

    from kiosk.doctor.store_checks import open_read_only
    from kiosk.sync.records import push_problems

    try:
        conn = open_read_only(Path(config.database))
        try:
            return push_problems(conn)
        finally:
            conn.close()
    except (sqlite3.Error, ValueError, OSError):  # no store yet, or an older one: nothing known
        return 0, None
