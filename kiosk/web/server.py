"""Serve a Starlette app on uvicorn, in a background thread or in front: the LAN API and the hub.

uvicorn brings what a production server needs (an asyncio loop, so an idle
or slow connection costs no thread; a real listen backlog); this module adds
what it leaves out. uvicorn's only timeout is the keep-alive one *between*
requests: a client that opens a connection and then sends one header line
every few seconds would be kept forever. ``DeadlineH11Protocol`` gives each
request ``REQUEST_TIMEOUT_S`` to arrive completely, head and body, from the
connection (or from the first byte of the next request on a kept-alive one),
answers ``408`` if its head never finished and closes the connection; a
client that stops reading a reply for ``WRITE_STALL_S`` is cut off too.

The socket is bound in the constructor: a port already in use is an
``OSError`` there, and port 0 reports the real port at once.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

BACKLOG = 2048  # uvicorn's default; the kernel caps it at net.core.somaxconn
REQUEST_TIMEOUT_S = 10.0  # a whole request (bodies are a few KiB) on a LAN: plenty
KEEP_ALIVE_S = 5  # idle time allowed between two requests on one connection
WRITE_STALL_S = 30.0  # a reader that takes nothing from a full send buffer for this long
MAX_HEAD_BYTES = 16 * 1024  # request line plus headers (h11's default): more is a 400
SHUTDOWN_GRACE_S = 3  # requests still running when the server stops are cancelled after this

_REQUEST_UNDER_WAY = (h11.IDLE, h11.SEND_BODY)
_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: 16\r\nconnection: close\r\n\r\nRequest Timeout\n")


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for every request to arrive."""

    request_timeout_s = REQUEST_TIMEOUT_S
    write_stall_s = WRITE_STALL_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_timer: asyncio.TimerHandle | None = None
        self._stall_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_request_timer()  # a connection that never sends a request goes too

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:  # the first bytes of the next request
            self._arm_request_timer()
        super().data_received(data)
        if self.conn.their_state not in _REQUEST_UNDER_WAY:  # all of it is here
            self._cancel(self._request_timer)
            self._request_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # A pipelined request already partly read starts its own clock now.
        partial = self.conn.their_state is h11.SEND_BODY or (
            self.conn.their_state is h11.IDLE and self.conn.trailing_data[0])
        if partial and not self.transport.is_closing():
            self._arm_request_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel(self._request_timer)
        self._cancel(self._stall_timer)
        self._request_timer = self._stall_timer = None
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall_timer is None:
            self._stall_timer = self.loop.call_later(self.write_stall_s, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel(self._stall_timer)
        self._stall_timer = None

    def _arm_request_timer(self) -> None:
        if self._request_timer is None:
            self._request_timer = self.loop.call_later(self.request_timeout_s, self._too_slow)

    def _too_slow(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE:
            self.transport.write(_TIMEOUT_408)  # no reply of ours is under way: say why
        self.transport.close()  # a request waiting for its body sees a disconnect

    def _stalled(self) -> None:
        self._stall_timer = None
        self.transport.abort()

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()


def listen_socket(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A listening TCP socket on ``host`` (IPv4 or IPv6 by its form); OSError if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, as getaddrinfo would give: asyncio then turns Nagle's algorithm off on
    # every connection (with proto 0 it does not, and each reply waits ~40 ms for an ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart during TIME_WAIT
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, telling the app when it starts to shut down (to end endless streams)."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], None] | None) -> None:
        super().__init__(config)
        self.on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.on_shutdown is not None:
            self.on_shutdown()
        await super().shutdown(sockets)


class BackgroundServer:
    """One Starlette (ASGI) app on one listening socket, with the limits above.

    ``start()`` serves in a daemon thread, ``serve_forever()`` in the calling
    thread (Ctrl+C and SIGTERM stop it). ``on_shutdown`` runs on the server's
    event loop when it begins to stop. The two timeouts are the protocol's
    (tests shorten them); ``options`` go to ``uvicorn.Config``.
    """

    def __init__(self, app: Any, host: str, port: int, *, name: str = "web-server",
                 on_shutdown: Callable[[], None] | None = None,
                 request_timeout_s: float = REQUEST_TIMEOUT_S,
                 write_stall_s: float = WRITE_STALL_S, **options: Any) -> None:
        self.name = name
        protocol = type("DeadlineH11Protocol", (DeadlineH11Protocol,), {
            "request_timeout_s": request_timeout_s, "write_stall_s": write_stall_s})
        self.socket = listen_socket(host, port)
        self.server_address: tuple[str, int] = tuple(self.socket.getsockname()[:2])  # type: ignore[assignment]
        settings: dict[str, Any] = {
            "http": protocol, "ws": "none", "loop": "asyncio", "lifespan": "off",
            "log_config": None, "log_level": "warning", "access_log": False,
            "backlog": BACKLOG, "timeout_keep_alive": KEEP_ALIVE_S,
            "timeout_graceful_shutdown": SHUTDOWN_GRACE_S,
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        } | options
        self.server = _Server(uvicorn.Config(app, **settings), on_shutdown)
        self.thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.server_address[0]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       name=self.name, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise OSError(f"{self.name} did not start")
            time.sleep(0.01)
        return self

    def serve_forever(self) -> None:
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None
        self.socket.close()
