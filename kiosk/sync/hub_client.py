"""Talking to the hub: blocking JSON calls over HTTPS with a timeout on every request,
and the two ways one can go wrong (try again later, or the hub said no)."""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx

from kiosk.sync.protocol import PREFIX


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
    """Blocking JSON calls to one hub with a timeout on every request."""

    def __init__(self, url: str, token: str, timeout_s: float,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.timeout_s = timeout_s
        self.http = httpx.Client(base_url=url.rstrip("/") + PREFIX, transport=transport,
                                 timeout=httpx.Timeout(timeout_s), verify=_tls(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "User-Agent": "antrian-kiosk-sync/1"})

    def call(self, method: str, path: str, body: Any = None,
             params: dict[str, Any] | None = None) -> Any:
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
