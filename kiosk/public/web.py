"""The public quota routes, the same on the hub and on a kiosk's LAN server.

``GET /public/v1/offices/{code}/today`` (JSON) and ``GET /public/v1/offices/{code}``
(the HTML page; ``?lang=en``) need no token. Read-only and safe by construction:

* the office code is checked before anything else (2-16 capitals, digits or '-',
  lower case accepted): anything else is a plain 400, an unknown office a 404,
  and the code is never echoed back;
* each client address has a token bucket (kiosk/public/ratelimit.py): over it,
  ``429`` with ``Retry-After``, before the store is asked anything;
* a figure is read from the store at most once per ``cache_s`` per office, and by
  one request at a time (the others meanwhile get the figure of a moment ago), so
  a shared link clicked by thousands costs the store a few reads a minute, and
  answers carry ``Cache-Control: public, max-age=...`` and an ETag (a repeat with
  ``If-None-Match`` gets ``304``) so browsers and proxies keep it too.

``source(code)`` is the store's side (blocking, run in the thread pool): today's
``QuotaToday`` of that office, or None when there is no such office.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable
from email.utils import format_datetime
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.config.model import CODE_PATTERN
from kiosk.public.page import quota_page
from kiosk.public.quota import etag_of, json_bytes, today_json
from kiosk.public.ratelimit import DEFAULT_LIMIT, RateLimit, TokenBuckets

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.public.quota import QuotaToday

log = logging.getLogger(__name__)

PUBLIC_PREFIX = "/public/v1"
MAX_AGE_S = 30  # a shared link is seconds old at worst, which a queue can live with
CACHE_S = 2.0
MAX_CODE_CHARS = 16
_MAX_CACHED = 1000  # offices; more (a scan of made-up codes) clears the cache
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store"}

Source = Callable[[str], "QuotaToday | None"]


class PublicError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def office_code(raw: str) -> str:
    """The office code of a public URL, or PublicError 400 (never echoing what came)."""
    code = raw.strip().upper()
    if len(code) > MAX_CODE_CHARS or not CODE_PATTERN.match(code):
        raise PublicError(400, "bad_office", "Kode kantor tidak sah (2-16 huruf besar, angka "
                          "atau '-') / bad office code (2-16 capitals, digits or '-')")
    return code


class _Entry:
    __slots__ = ("at", "bodies", "etag", "last_modified", "doc")

    def __init__(self, at: float, doc: dict | None, last_data_at: datetime | None) -> None:
        self.at, self.doc = at, doc
        self.bodies: dict[str, bytes] = {}
        self.etag = ""
        self.last_modified = None if last_data_at is None else format_datetime(
            last_data_at, usegmt=True)
        if doc is not None:
            self.bodies["json"] = json_bytes(doc)
            self.etag = etag_of(self.bodies["json"])


class PublicQuota:
    """The public routes over one ``source``; limits and cache times are the caller's."""

    def __init__(self, source: Source, *, limit: RateLimit = DEFAULT_LIMIT,
                 cache_s: float = CACHE_S, max_age_s: int = MAX_AGE_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.source, self.cache_s, self.max_age_s = source, cache_s, max_age_s
        self.monotonic = monotonic
        self.buckets = TokenBuckets(limit, monotonic)
        self._cache: dict[str, _Entry] = {}
        self._pending: dict[str, asyncio.Future[_Entry]] = {}
        self._lock = threading.Lock()

    async def _entry(self, code: str) -> _Entry:
        now = self.monotonic()
        entry = self._cache.get(code)
        if entry is not None and now - entry.at < self.cache_s:
            return entry
        pending = self._pending.get(code)
        if pending is not None:
            # One read per office at a time: when the figure expires under a crowd, the
            # others get the figure of a moment ago (or wait for the first read of all).
            return entry if entry is not None else await asyncio.shield(pending)
        pending = self._pending[code] = asyncio.get_running_loop().create_future()
        try:
            quota = await run_in_threadpool(self.source, code)
            fresh = _Entry(now, None if quota is None else today_json(quota),
                           None if quota is None else quota.last_data_at)
        except asyncio.CancelledError:
            pending.cancel()  # the server is stopping: those waiting stop too
            raise
        except Exception as exc:
            pending.set_exception(exc)
            pending.exception()  # retrieved: nobody waiting is no "never retrieved" warning
            raise
        finally:
            del self._pending[code]
        with self._lock:
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()
            self._cache[code] = fresh
        pending.set_result(fresh)
        return fresh

    def _headers(self, entry: _Entry) -> dict[str, str]:
        headers = {"Cache-Control": f"public, max-age={self.max_age_s}", "ETag": entry.etag}
        if entry.last_modified:
            headers["Last-Modified"] = entry.last_modified
        return headers

    async def _answer(self, request: Request, html: bool) -> Response:
        client = request.client.host if request.client else "unknown"
        wait = self.buckets.take(client)
        if wait > 0:
            raise PublicError(429, "too_many_requests", "Terlalu banyak permintaan; coba lagi "
                              "sebentar / too many requests; try again shortly",
                              {"Retry-After": str(max(1, math.ceil(min(wait, 3600))))})
        code = office_code(request.path_params["code"])
        entry = await self._entry(code)
        if entry.doc is None:
            raise PublicError(404, "unknown_office", "Kantor tidak dikenal / no such office")
        lang = "en" if request.query_params.get("lang") == "en" else "id"
        key = f"html-{lang}" if html else "json"
        body = entry.bodies.get(key)
        if body is None:  # drawn once per cache period and language, not per request
            body = quota_page(entry.doc, lang, f"{PUBLIC_PREFIX}/offices/{code}").encode("utf-8")
            entry.bodies[key] = body
        headers = self._headers(entry)
        etag = entry.etag if not html else f'"{entry.etag.strip(chr(34))}-{lang}"'
        headers["ETag"] = etag
        if etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        return Response(body, headers=headers, media_type=HTML_TYPE if html else JSON_TYPE)

    def _guarded(self, html: bool) -> Callable[[Request], object]:
        async def endpoint(request: Request) -> Response:
            try:
                return await self._answer(request, html)
            except PublicError as exc:
                headers = {**NO_STORE, **(exc.headers or {})}
                if html:
                    return Response(exc.message + "\n", exc.status, headers,
                                    media_type="text/plain; charset=utf-8")
                return Response(json_bytes({"error": exc.code, "message": exc.message}),
                                exc.status, headers, media_type=JSON_TYPE)
            except Exception:  # noqa: BLE001 - the store is down: say so, log why
                log.exception("public quota request %s failed", request.url.path)
                text = "Data belum bisa dibaca; coba lagi nanti / not available now; try later"
                return Response(json_bytes({"error": "unavailable", "message": text}), 503,
                                {**NO_STORE, "Retry-After": "30"}, media_type=JSON_TYPE)

        return endpoint

    def routes(self) -> list[Route]:
        return [
            Route(f"{PUBLIC_PREFIX}/offices/{{code}}/today", self._guarded(False),
                  methods=["GET"]),
            Route(f"{PUBLIC_PREFIX}/offices/{{code}}", self._guarded(True), methods=["GET"]),
        ]


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
