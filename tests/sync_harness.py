"""Test helpers for sync: a real hub on 127.0.0.1 and a TCP proxy that injects faults.

The proxy speaks just enough HTTP/1.1 to act between whole requests and
responses: it can refuse a connection, stall, answer 500 itself, forward a
request twice, or cut the connection before or after the hub answered (so
the hub has committed and the kiosk never hears it). One connection per
request ("Connection: close" is added to every answer), so every request
meets the next fault in the queue.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import struct
import threading
import time
from collections import deque
from datetime import date
from pathlib import Path

from kiosk import store
from kiosk.appliance import build
from kiosk.config import Config, SyncConfig
from kiosk.hub.app import HubServer
from kiosk.hub.store import HubStore
from kiosk.queue import leases
from kiosk.queue.issuing import Issued, Refused
from kiosk.sync.pull import apply_to_appliance
from kiosk.sync.worker import SyncWorker, prepare_store

FAULTS = ("pass", "down", "slow", "http500", "http500_after", "reset_before", "reset_after",
          "truncate", "duplicate")
SALT_HEX = "84bd82cfdd485cd08ff4dbe29f96c54b"  # config/kiosk.toml's demo salt
# The hub's own key, sealing the offices' salts in its store (kiosk/hub/salts.py).
HUB_KEY = bytes.fromhex("5a1c0e7d93b4f2a86c1d0e9f7a3b5c2d4e6f8091a2b3c4d5e6f708192a3b4c5d")


class Hub:
    """A hub store and its uvicorn server; office KUP (and PLB) ready, tokens on demand."""

    def __init__(self, target: str | Path, clock=None, versions: tuple[int, ...] | None = None
                 ) -> None:
        self.store = HubStore.open(target, HUB_KEY)
        self.store.add_office("KUP", "Kupang", "Asia/Makassar", bytes.fromhex(SALT_HEX))
        self.store.add_office("PLB", "Palembang", "Asia/Jakarta", bytes.fromhex(SALT_HEX))
        kwargs: dict = {} if clock is None else {"clock": clock}
        if versions is not None:  # (1,): a hub from before protocol version 2, on the wire
            kwargs["versions"] = versions
        self.server = HubServer(self.store, **kwargs).start()
        self.central = self.store.add_token("central", None)

    @property
    def url(self) -> str:
        return self.server.url

    def kiosk_token(self, device: str, office: str = "KUP") -> str:
        return self.store.add_token("kiosk", office, device)

    def close(self) -> None:
        self.server.close()
        self.store.close()


def synced(config: Config, url: str, token: str, device: str | None = None,
           **sync: object) -> Config:
    """The test config pointed at a hub (and given its own device id)."""
    values = {"hub_url": url, "token": token, "timeout_s": 5.0, "batch_size": 50} | sync
    office = config.office if device is None else dataclasses.replace(config.office,
                                                                       device_id=device)
    return dataclasses.replace(config, office=office, sync=SyncConfig(**values))


def _read_message(sock: socket.socket) -> bytes | None:
    """One HTTP message (headers and a Content-Length body); None if the peer went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _with_close(message: bytes) -> bytes:
    head, _, body = message.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"connection: close"]) + b"\r\n\r\n" + body


def _reset(sock: socket.socket) -> None:
    """Close with a TCP RST, like a dropped link or a crashed peer."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


SERVER_ERROR = (b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
                b"content-length: 47\r\nconnection: close\r\n\r\n"
                b'{"error":"internal","message":"injected fault"}')


class FaultProxy:
    """127.0.0.1:port -> the hub, taking one fault from ``faults`` per connection."""

    def __init__(self, upstream_port: int, slow_s: float = 0.3) -> None:
        self.upstream_port, self.slow_s = upstream_port, slow_s
        self.faults: deque[str] = deque()
        self.default = "pass"
        self.seen: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._busy = 0
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                mode = self.faults.popleft() if self.faults else self.default
                self.seen.append(mode)
                self._busy += 1
            threading.Thread(target=self._serve, args=(client, mode), daemon=True).start()

    def _forward(self, request: bytes) -> bytes | None:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10) as up:
            up.sendall(request)
            return _read_message(up)

    def _serve(self, client: socket.socket, mode: str) -> None:
        try:
            client.settimeout(10)
            if mode == "down":  # as good as a refused connection: nothing gets through
                _reset(client)
                return
            request = _read_message(client)
            if request is None or mode == "reset_before":
                _reset(client)
                return
            if mode == "http500":
                client.sendall(SERVER_ERROR)
                client.close()
                return
            if mode == "slow":  # the hub still gets it, after the kiosk gave up waiting
                time.sleep(self.slow_s)
            response = self._forward(request)
            if mode == "duplicate" and response is not None:
                response = self._forward(request)
            if response is None or mode == "reset_after":
                _reset(client)
                return
            if mode == "http500_after":
                client.sendall(SERVER_ERROR)
            elif mode == "truncate":  # the answer dies half-way
                client.sendall(_with_close(response)[: len(response) // 2])
            else:
                client.sendall(_with_close(response))
            client.close()
        except OSError:
            client.close()
        finally:
            with self._lock:
                self._busy -= 1

    def idle(self, timeout: float = 5.0) -> None:
        """Wait until no request is still on its way (a slow one reaches the hub late)."""
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not self._busy, "the proxy is still busy"

    def close(self) -> None:
        self._closed = True
        self.listener.close()


class LeasingKiosk:
    """A real kiosk (appliance and store of its own) issuing walk-ins from hub leases."""

    def __init__(self, config: Config, hub: Hub, device: str, clock, tmp_path: Path,
                 url: str | None = None, *, block: int = 5, low_water: int = 2,
                 day: date = date(2026, 11, 25)) -> None:
        token = hub.kiosk_token(device)
        cfg = synced(config, url or hub.url, token, device, leases=True, lease_block=block,
                     lease_low_water=low_water, timeout_s=10.0)
        self.config = dataclasses.replace(cfg, database=tmp_path / f"{device}.db")
        self.appliance = build(self.config, with_gpio=False, clock=clock)
        self.appliance.service.numbering.leased_lanes = prepare_store(self.config,
                                                                       self.appliance.db)
        self.db = store.connect(self.config.database)
        self.worker = SyncWorker(self.config, self.db, clock=clock,
                                 on_settings=lambda new: apply_to_appliance(self.appliance, new))
        self.clock, self.day = clock, day

    def issue(self) -> Issued | Refused:
        self.clock.advance(seconds=15)  # people, not a burst: the walk-in guard stays quiet
        return self.appliance.service.issue("A")

    def issue_numbers(self, count: int) -> list[int]:
        numbers = []
        for _ in range(count):
            result = self.issue()
            assert isinstance(result, Issued), result
            numbers.append(result.ticket.number)
        return numbers

    def numbers(self) -> list[int]:
        return sorted(r[0] for r in self.db.execute("SELECT number FROM tickets WHERE lane = 'A'"))

    def held(self) -> dict[str, list[int]]:
        return leases.held_numbers(self.db, self.day, "A")

    def events(self, kind: str) -> list[tuple[str | None, dict]]:
        return [(r[0], json.loads(r[1])) for r in self.db.execute(
            "SELECT ticket_id, payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]

    def close(self) -> None:
        self.worker.client.close()
        self.db.close()
        self.appliance.close()
