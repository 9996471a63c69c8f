"""The LAN server's server-sent event streams: woken on the server's loop by the board feed
(kiosk/lan/api.py), read by the lobby board (kiosk/lan/app.py) and the tracking pages
(kiosk/lan/tracking.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kiosk.lan.api import KEEPALIVE_S, BoardFeed

NO_STORE = {"Cache-Control": "no-store"}


class BoardStreams:
    """The board's server-sent event streams, woken on the server's loop by the feed."""

    def __init__(self, feed: BoardFeed, stream_s: float) -> None:
        self.feed, self.stream_s = feed, stream_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._closed = False
        feed.listen(self._news)

    def _news(self) -> None:  # the feed's thread, or whoever closes the feed
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    def close(self) -> None:
        """End every stream now (the server is stopping); runs on the server's loop."""
        self._closed = True
        self._wake()

    async def ready(self) -> None:
        """Bind to the server's loop (the first stream does; later ones find it bound)."""
        if self._loop is None:
            self._loop, self._changed = asyncio.get_running_loop(), asyncio.Event()

    async def newer(self, version: int, timeout: float) -> tuple[int, str] | None:
        """The next snapshot after ``version``; the same one on timeout; None once closed."""
        assert self._changed is not None
        changed = self._changed  # taken before looking: a change after this wakes it
        if not self._closed and not self.feed.closed and self.feed.current()[0] == version:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout)
        if self._closed or self.feed.closed:
            return None
        return self.feed.current()

    async def events(self) -> AsyncIterator[bytes]:
        """The board state now and after every change, until the stream's time is up."""
        version, payload = self.feed.current()
        yield f"retry: 2000\nid: {version}\ndata: {payload}\n\n".encode()
        end = time.monotonic() + self.stream_s
        while (left := end - time.monotonic()) > 0:
            newer = await self.newer(version, min(KEEPALIVE_S, left))
            if newer is None:
                return
            if newer[0] == version:
                yield b": keep-alive\n\n"
            else:
                version, payload = newer
                yield f"id: {version}\ndata: {payload}\n\n".encode()

    async def response(self, request: Request) -> Response:
        await self.ready()
        headers = {**NO_STORE, "Connection": "close", "X-Accel-Buffering": "no"}
        return StreamingResponse(self.events(), headers=headers,
                                 media_type="text/event-stream; charset=utf-8")
