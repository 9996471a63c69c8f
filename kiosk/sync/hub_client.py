"""Talking to the hub: blocking JSON calls over HTTPS with a timeout on every request,
the two ways one can go wrong (try again later, or the hub said no), and the protocol
version: the newest both sides speak, falling back for a hub that speaks an older one."""

from __future__ import annotations

import logging
import re
import ssl
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from kiosk.clock import utc_now
from kiosk.sync.protocol import PREFIX, PROTOCOL_VERSION, SUPPORTED, ProtocolError

log = logging.getLogger(__name__)

# After falling back, ask for the newer version again this much later (and at every
# restart): a hub upgraded during the day is used from the next try on.
RETRY_NEWER_AFTER = timedelta(hours=6)
# check_version's refusal, the same text since version 1 (kiosk/sync/protocol.py).
_REFUSAL = re.compile(r"protocol version (\d+) is not supported \(this side speaks ([0-9, ]+)\)")


class HubUnavailable(Exception):
    """No usable answer (down, slow, cut off, 5xx): the same request may be tried again."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HubRefused(Exception):
    """The hub said no (4xx): a wrong token or request; staff must look at it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"hub refused ({status} {code}): {message}")
        self.status, self.code = status, code


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    """The system's trusted CAs (an office CA installed on the Pi counts), loaded once."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = ssl.create_default_context()
        return _ssl_context


class HubClient:
    """Blocking JSON calls to one hub with a timeout on every request.

    Speaks ``protocol`` (the newest by default) and stamps it on every request
    body and as ``?protocol=`` on reads. A hub that refuses the version (400,
    "protocol version 2 is not supported (this side speaks 1)") or answers a
    read in an older one is spoken to in the newest version both know: the
    refused request is sent again at once, which is safe as every request is
    (nothing was stored). The newer version is tried again after
    ``RETRY_NEWER_AFTER``.
    """

    def __init__(self, url: str, token: str, timeout_s: float,
                 transport: httpx.BaseTransport | None = None, *,
                 protocol: int = PROTOCOL_VERSION,
                 clock: Callable[[], datetime] = utc_now) -> None:
        if protocol not in SUPPORTED:
            raise ValueError(f"protocol {protocol}: this kiosk speaks {SUPPORTED}")
        self.timeout_s = timeout_s
        self.preferred = self.protocol = protocol
        self.clock = clock
        self.fallback: str | None = None  # why we speak less than preferred, for the status
        self._fell_back_at: datetime | None = None
        self._warned = False
        self.http = httpx.Client(base_url=url.rstrip("/") + PREFIX, transport=transport,
                                 timeout=httpx.Timeout(timeout_s), verify=_tls(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "User-Agent": "antrian-kiosk-sync/1"})

    def call(self, method: str, path: str, body: Any = None,
             params: dict[str, Any] | None = None) -> Any:
        self._maybe_try_newer()
        asked = self.protocol
        try:
            data = self._call(method, path, body, params)
        except HubRefused as exc:
            if not self._refused_version(exc):
                raise
            data = self._call(method, path, body, params)  # nothing was stored: send again
        got = data.get("protocol")
        if isinstance(got, int) and not isinstance(got, bool) and got != self.protocol:
            if got in SUPPORTED and got < asked and asked == self.protocol:
                self._fall_back(got, f"the hub answered in protocol {got}")
            else:  # what a kiosk of version 1 checked too: the answer is in our version
                raise ProtocolError(f"the hub answered in protocol version {got}; this kiosk"
                                    f" asked for {self.protocol}")
        return data

    def _stamped(self, body: Any, params: dict[str, Any] | None) -> tuple[Any, Any]:
        if isinstance(body, dict) and "protocol" in body:
            body = {**body, "protocol": self.protocol}
        if body is None and self.protocol > 1:  # a version-1 kiosk sent no parameter
            params = {**(params or {}), "protocol": self.protocol}
        return body, params

    def _refused_version(self, exc: HubRefused) -> bool:
        """A 400 naming our version as unknown: fall back to the newest both speak."""
        match = _REFUSAL.search(str(exc))
        if (exc.status, exc.code) != (400, "protocol") or match is None \
                or int(match.group(1)) != self.protocol:
            return False
        theirs = {int(v) for v in match.group(2).split(",") if v.strip().isdigit()}
        common = sorted(theirs & set(SUPPORTED))
        usable = [v for v in common if v < self.protocol]
        if not usable:
            return False
        self._fall_back(usable[-1], f"hub speaks protocol {match.group(2).strip()}")
        return True

    def _fall_back(self, version: int, why: str) -> None:
        self.protocol = version
        self.fallback = why
        self._fell_back_at = self.clock()
        retry_h = RETRY_NEWER_AFTER.total_seconds() / 3600
        if not self._warned:
            self._warned = True
            log.warning("%s: this kiosk speaks %d and now uses %d with this hub (events of"
                        " newer kinds go as plain events); trying %d again every %g h",
                        why, self.preferred, version, self.preferred, retry_h)
        else:
            log.info("%s: using protocol %d again", why, version)

    def _maybe_try_newer(self) -> None:
        if (self.protocol < self.preferred and self._fell_back_at is not None
                and self.clock() - self._fell_back_at >= RETRY_NEWER_AFTER):
            self.protocol, self.fallback, self._fell_back_at = self.preferred, None, None

    def _call(self, method: str, path: str, body: Any,
              params: dict[str, Any] | None) -> dict[str, Any]:
        body, params = self._stamped(body, params)
        try:
            response = self.http.request(method, path, json=body, params=params)
        except httpx.TimeoutException:
            raise HubUnavailable(f"the hub did not answer within {self.timeout_s:g} s") from None
        except httpx.TransportError as exc:
            raise HubUnavailable(f"cannot reach the hub ({type(exc).__name__}: {exc})") from None
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = None
        message = data.get("message", "") if isinstance(data, dict) else response.text[:200]
        if status >= 500 or status == 429:
            retry = response.headers.get("retry-after", "")
            raise HubUnavailable(f"hub error {status}: {message}".rstrip(": "),
                                 float(retry) if retry.isdigit() else None)
        if status >= 400:
            code = data.get("error", "") if isinstance(data, dict) else ""
            raise HubRefused(status, code, message)
        if not isinstance(data, dict):
            raise HubUnavailable("the hub's answer was cut off or is not JSON")
        return data

    def close(self) -> None:
        self.http.close()
