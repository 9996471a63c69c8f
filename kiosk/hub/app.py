"""`kiosk hub`: the reference central server of the sync protocol (Starlette on uvicorn).

Kiosks push their outbox and pull bookings, settings and number leases; the
booking system (a "central" token) imports bookings and sets office settings.
Every request names its token, and a token reaches only its own office: the
office comes from the token, never from the request, so a kiosk cannot even
ask about another office. Storage is ``HubStore`` (SQLite or PostgreSQL).

``/public/v1/...`` is the public quota page (kiosk/public/web.py): no token,
today's counts per service only, rate-limited per client address.

Handlers are thin: parse and check with ``kiosk.sync.protocol``, then one
store call in a worker thread (the store is blocking; the event loop must
keep answering health checks while PostgreSQL is slow).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kiosk.clock import utc_now
from kiosk.hub.skm import office_skm
from kiosk.hub.store import HubError, HubStore, Principal
from kiosk.hub.tracking_web import TrackingRoutes
from kiosk.public.ratelimit import DEFAULT_LIMIT, RateLimit
from kiosk.public.web import CACHE_S, PublicQuota
from kiosk.sync.protocol import (
    MAX_BODY_BYTES,
    MAX_PAGE,
    PREFIX,
    SUPPORTED,
    ProtocolError,
    check_version,
    parse_lease_request,
    parse_lease_return,
    parse_push_request,
    parse_release_request,
)
from kiosk.sync.settings_wire import salt_fingerprint
from kiosk.web.bearer import bearer_token, unauthorized
from kiosk.web.body import BodyRefused, check_json_text, loads, read_capped
from kiosk.web.server import BackgroundServer

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _error(status: int, code: str, message: str) -> JSONResponse:
    if status == 401:
        return unauthorized({"error": code, "message": message})  # type: ignore[return-value]
    return JSONResponse({"error": code, "message": message}, status)


def _ok(body: dict[str, Any], version: int) -> JSONResponse:
    return JSONResponse({"protocol": version, **body})


Handler = Callable[[Request, Principal], Awaitable[JSONResponse]]


class HubApp:
    """The routes, bound to one store and one clock (tests move the hub's clock).

    ``versions`` are the protocol versions this hub accepts; every answer is in
    the version of its request, so a kiosk of any of them keeps working.
    ``versions=(1,)`` is how a hub from before version 2 behaves on the wire.
    """

    def __init__(self, store: HubStore, clock: Clock = utc_now,
                 versions: tuple[int, ...] = SUPPORTED, public_limit: RateLimit = DEFAULT_LIMIT,
                 public_cache_s: float = CACHE_S) -> None:
        self.store, self.clock = store, clock
        self.versions = tuple(sorted(versions))
        # The public quota page (docs/public-quota.md): no token, its own limits.
        self.public = PublicQuota(lambda office: store.public_quota(office, self.clock()),
                                  limit=public_limit, cache_s=public_cache_s)

    def _asked(self, request: Request) -> int:
        """The version to answer a request without a body in: ``?protocol=N`` (absent: 1).

        The highest version this hub speaks up to N, as a version-1 hub does by
        ignoring the parameter: a kiosk that asked for more sees the lower
        version in the answer and falls back.
        """
        text = request.query_params.get("protocol")
        if text is None:
            return self.versions[0]
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise ProtocolError("'protocol' must be a protocol version number")
        asked = int(text)
        usable = [v for v in self.versions if v <= asked]
        if not usable:
            check_version({"protocol": asked}, self.versions)  # raises with the reason
        return usable[-1]

    # --- plumbing ----------------------------------------------------------------

    async def _principal(self, request: Request) -> Principal:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise HubError(401, "no_token", "send 'Authorization: Bearer <token>'")
        who = await run_in_threadpool(self.store.identify, token)
        if who is None:
            raise HubError(401, "bad_token", "unknown or revoked token")
        return who

    async def _json(self, request: Request) -> Any:
        """The body as JSON within kiosk/web/body.py's limits (a refusal is 400 or 413).

        A large body (a full push is ~300 KiB, ~5 ms to check and parse) is read in a
        worker thread: the loop keeps answering health checks meanwhile."""
        raw = await read_capped(request, MAX_BODY_BYTES)
        return loads(raw) if len(raw) < 64 * 1024 else await run_in_threadpool(loads, raw)

    def guarded(self, role: str | None, handler: Handler) -> Callable[[Request], Awaitable]:
        """Authenticate, check the role, and turn refusals into JSON errors."""

        async def endpoint(request: Request) -> JSONResponse:
            try:
                who = await self._principal(request) if role is not None else None
                if role is not None and who is not None and who.role != role:
                    raise HubError(403, "wrong_role", f"this needs a {role} token")
                office = request.path_params.get("office")
                if office is not None and who is not None and not who.may_use(office):
                    raise HubError(403, "not_yours", f"this token cannot reach office {office}")
                return await handler(request, who)  # type: ignore[arg-type]
            except HubError as exc:
                if exc.status == 403:  # a token reaching past its device or office: noted
                    log.warning("hub refused %s %s (403 %s) for %s: %s", request.method,
                                request.url.path, exc.code, _who(request), exc.message)
                return _error(exc.status, exc.code, exc.message)
            except ProtocolError as exc:
                log.info("hub refused %s %s (400 protocol): %s", request.method,
                         request.url.path, str(exc)[:300])
                return _error(400, "protocol", str(exc))
            except BodyRefused as exc:  # never read further: say why, here and in the log
                log.warning("hub refused %s %s (%s): %s", request.method, request.url.path,
                            exc.code, exc.reason)
                return _error(exc.status, exc.code, exc.reason)
            except Exception:  # noqa: BLE001 - a kiosk retries a 500; the log says why
                log.exception("hub request %s %s failed", request.method, request.url.path)
                return _error(500, "internal", "the hub failed; the kiosk will retry")

        return endpoint

    # --- kiosk endpoints ---------------------------------------------------------

    async def health(self, request: Request, who: Principal | None) -> JSONResponse:
        return _ok({"status": "ok", "storage": self.store.kind,
                    "time": self.clock().isoformat(), "versions": list(self.versions)},
                   self._asked(request))

    async def push(self, request: Request, who: Principal) -> JSONResponse:
        push = parse_push_request(await self._json(request), self.versions)
        if push.device_id != who.device_id:
            raise HubError(403, "not_yours", f"this token belongs to {who.device_id}")
        result = await run_in_threadpool(self.store.ingest, who, push.events, push.sent_at,
                                         self.clock())
        return JSONResponse(result.to_json(push.version))

    async def bookings(self, request: Request, who: Principal) -> JSONResponse:
        cursor = _int_param(request, "cursor", 0, 0, 2**62)
        limit = _int_param(request, "limit", 500, 1, MAX_PAGE)
        rows, new_cursor, more = await run_in_threadpool(
            self.store.bookings_since, who.office_code, cursor, limit)
        return _ok({"office": who.office_code, "bookings": [b.to_json() for b in rows],
                    "cursor": new_cursor, "more": more}, self._asked(request))

    async def kiosk_settings(self, request: Request, who: Principal) -> JSONResponse:
        return await self._settings_reply(who.office_code, self._asked(request))

    async def _settings_reply(self, office: str, protocol: int) -> JSONResponse:
        version, settings, salt = await run_in_threadpool(self.store.settings, office)
        return _ok({"office": office, "version": version, "settings": settings,
                    "nik_salt_fingerprint": salt_fingerprint(salt)}, protocol)

    async def lease(self, request: Request, who: Principal) -> JSONResponse:
        lease = parse_lease_request(await self._json(request), self.versions)
        _own(who, lease.request_id, "lease request")
        grant = await run_in_threadpool(self.store.grant_lease, who, lease, self.clock())
        return JSONResponse(grant.to_json(lease.version))

    async def lease_return(self, request: Request, who: Principal) -> JSONResponse:
        back = parse_lease_return(await self._json(request), self.versions)
        _own(who, back.grant_id, "lease grant")
        freed = await run_in_threadpool(self.store.return_lease, who, back)
        return _ok({"grant_id": back.grant_id, "freed": freed}, back.version)

    # --- central endpoints ---------------------------------------------------------

    async def import_bookings(self, request: Request, who: Principal) -> JSONResponse:
        office = request.path_params["office"]
        text = (await read_capped(request, MAX_BODY_BYTES)).decode("utf-8", "replace")
        check_json_text(text)  # the import parses it itself: depth and strings first
        report = await run_in_threadpool(self.store.import_bookings, office, text, self.clock())
        return _ok({"office": office, "added": report.added, "updated": report.updated,
                    "cancelled": report.cancelled, "unchanged": report.unchanged,
                    "problems": [{"item": p.line, "code": p.code, "reason": p.reason}
                                 for p in report.problems],
                    "kept": [{"item": p.line, "code": p.code, "reason": p.reason}
                             for p in report.kept]}, self._asked(request))

    async def office_settings(self, request: Request, who: Principal) -> JSONResponse:
        office = request.path_params["office"]
        protocol = self._asked(request)
        if request.method == "PUT":
            data = await self._json(request)
            if not isinstance(data, dict) or not isinstance(data.get("settings"), dict) or (
                    set(data) - {"protocol", "settings"}):
                raise ProtocolError("send {\"settings\": {...}} (and \"protocol\", nothing else)")
            if "protocol" in data:
                protocol = check_version(data, self.versions)
            await run_in_threadpool(self.store.set_settings, office, data["settings"])
        return await self._settings_reply(office, protocol)

    async def office_events(self, request: Request, who: Principal) -> JSONResponse:
        office = request.path_params["office"]
        day_text = request.query_params.get("day", "")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise ProtocolError("'day' must be a date YYYY-MM-DD") from None
        limit = _int_param(request, "limit", 1000, 1, 10000)
        events = await run_in_threadpool(self.store.events_of_day, office, day,
                                         request.query_params.get("after", ""), limit)
        return _ok({"office": office, "day": day.isoformat(), "events": events},
                   self._asked(request))

    async def office_skm(self, request: Request, who: Principal) -> JSONResponse:
        """The office's satisfaction survey index across its kiosks (kiosk/hub/skm.py)."""
        office = request.path_params["office"]
        try:
            first = date.fromisoformat(request.query_params.get("from", ""))
            last = date.fromisoformat(request.query_params.get("to", "") or first.isoformat())
        except ValueError:
            raise ProtocolError("'from' (and 'to') must be dates YYYY-MM-DD") from None
        if last < first or (last - first).days >= 366:
            raise ProtocolError("'to' must be from 'from' to 365 days after it")
        return _ok(await run_in_threadpool(office_skm, self.store, office, first, last),
                   self._asked(request))

    async def office_leases(self, request: Request, who: Principal) -> JSONResponse:
        office = request.path_params["office"]
        try:
            day = date.fromisoformat(request.query_params.get("day", ""))
        except ValueError:
            raise ProtocolError("'day' must be a date YYYY-MM-DD") from None
        lane = request.query_params.get("lane", "A")
        held = await run_in_threadpool(self.store.leases, office, day, lane)
        return _ok({"office": office, "day": day.isoformat(), "lane": lane, "held": held},
                   self._asked(request))

    async def release_leases(self, request: Request, who: Principal) -> JSONResponse:
        """Free a dead kiosk's unused walk-in numbers (docs/sync-protocol.md, "Releasing")."""
        office = request.path_params["office"]
        body = parse_release_request(await self._json(request), self.versions)
        release = await run_in_threadpool(
            self.store.release_device, office, body.device_id, body.office_day, body.lane,
            self.clock(), force=body.force, by=f"central token {who.token_hash[7:19]}")
        return _ok(release.to_json(), body.version)

    def routes(self) -> list[Route]:
        g = self.guarded
        return [
            Route(f"{PREFIX}/health", g(None, self.health), methods=["GET"]),
            Route(f"{PREFIX}/events", g("kiosk", self.push), methods=["POST"]),
            Route(f"{PREFIX}/bookings", g("kiosk", self.bookings), methods=["GET"]),
            Route(f"{PREFIX}/settings", g("kiosk", self.kiosk_settings), methods=["GET"]),
            Route(f"{PREFIX}/leases", g("kiosk", self.lease), methods=["POST"]),
            Route(f"{PREFIX}/leases/return", g("kiosk", self.lease_return), methods=["POST"]),
            Route(f"{PREFIX}/offices/{{office}}/bookings", g("central", self.import_bookings),
                  methods=["POST"]),
            Route(f"{PREFIX}/offices/{{office}}/settings", g("central", self.office_settings),
                  methods=["GET", "PUT"]),
            Route(f"{PREFIX}/offices/{{office}}/events", g("central", self.office_events),
                  methods=["GET"]),
            Route(f"{PREFIX}/offices/{{office}}/skm", g("central", self.office_skm),
                  methods=["GET"]),
            Route(f"{PREFIX}/offices/{{office}}/leases", g("central", self.office_leases),
                  methods=["GET"]),
            Route(f"{PREFIX}/offices/{{office}}/leases/release",
                  g("central", self.release_leases), methods=["POST"]),
            *self.public.routes(),
            *TrackingRoutes(self.store, self.clock, self.versions, self._json,
                            self.guarded).routes(),
        ]


def _own(who: Principal, ident: str, what: str) -> None:
    """A kiosk's request and grant ids start with its device id: another's is not its own."""
    if not ident.startswith(f"{who.device_id}-"):
        raise HubError(403, "not_your_device", f"the token of {who.device_id} cannot use "
                       f"{what} {ident[:80]}")


def _who(request: Request) -> str:
    """The client address, for a refusal in the log (never the token)."""
    return request.client.host if request.client else "?"


def _int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    # isdigit alone takes '²' (and int() of it raises): ASCII digits, a bounded count
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None
    if value is None or not lo <= value <= hi:
        raise ProtocolError(f"'{name}' must be a whole number from {lo} to {hi}")
    return value


def create_app(store: HubStore, clock: Clock = utc_now,
               versions: tuple[int, ...] = SUPPORTED, public_limit: RateLimit = DEFAULT_LIMIT,
               public_cache_s: float = CACHE_S) -> Starlette:
    return Starlette(routes=HubApp(store, clock, versions, public_limit,
                                   public_cache_s).routes())


HUB_KEEP_ALIVE_S = 75  # longer than a kiosk's sync interval (nginx's default too)


class HubServer(BackgroundServer):
    """uvicorn in a background thread: for tests, the benchmark and embedding.

    The same server as the LAN API's (kiosk/web/server.py): the port is bound
    here (in use: ``OSError``), and slow clients are dropped.
    """

    def __init__(self, store: HubStore, host: str = "127.0.0.1", port: int = 0,
                 clock: Clock = utc_now, versions: tuple[int, ...] = SUPPORTED,
                 public_limit: RateLimit = DEFAULT_LIMIT, public_cache_s: float = CACHE_S
                 ) -> None:
        self.store = store
        # Kiosks come back every interval_s (30 s by default, 5 s in bench/hub_load.py):
        # a keep-alive longer than that keeps one connection per kiosk instead of a new
        # one each round, and no request races the server closing an idle connection.
        super().__init__(create_app(store, clock, versions, public_limit, public_cache_s),
                         host, port, name="kiosk-hub", timeout_keep_alive=HUB_KEEP_ALIVE_S)

    @property
    def url(self) -> str:
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{shown}:{self.port}"
