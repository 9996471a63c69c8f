"""A gateway stand-in for the notification tests: a real HTTP/1.1 receiver on 127.0.0.1,
written on raw sockets so it can misbehave the way networks do.

``mode`` says what the next requests meet: "ok" (200, the message delivered),
"400" (refused for good, Meta's error body), "429" (Retry-After: 1), "500", "slow"
(no answer for ``slow_s``, then the connection closes: the client has given up long
before), "drop" (half the body
read, then the connection reset: the network dropped mid-request), "lost_answer"
(delivered, but the connection resets before the answer: only the request's
idempotency key lets the gateway drop the repeat). ``stop()`` takes the receiver
off the network (down: connection refused); ``start()`` brings it back on the
same port. Every request is kept in ``requests``; ``delivered`` holds the bodies
the gateway took, by idempotency key when the request had one.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    mode: str

    def json(self) -> dict:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Receiver:
    mode: str = "ok"
    slow_s: float = 3.0
    answer: bytes = b'{"ok": true}'
    refusal: bytes = b'{"error": {"message": "(#131030) Recipient not in allowed list"}}'
    requests: list[Seen] = field(default_factory=list)
    delivered: list[Seen] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._server: socket.socket | None = None
        self._lock = threading.Lock()
        self._keys: set[str] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Receiver:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):  # wakes accept() and stops listening (Linux)
                server.shutdown(socket.SHUT_RDWR)
            server.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                head, rest = self._read_head(conn)
            except OSError:
                return
            if head is None:
                return
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, v in
                       (line.split(":", 1) for line in lines[1:] if ":" in line)}
            length = int(headers.get("content-length", "0"))
            mode = self.mode
            if mode == "drop":
                self._reset(conn)  # what was read so far: headers and maybe part of the body
                with self._lock:
                    self.requests.append(Seen(method, path, headers, rest, mode))
                return
            if mode == "slow":
                with self._lock:
                    self.requests.append(Seen(method, path, headers, rest, mode))
                time.sleep(self.slow_s)
                return
            body = rest
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                body += chunk
            seen = Seen(method, path, headers, body, mode)
            with self._lock:
                self.requests.append(seen)
            if mode in ("ok", "lost_answer"):
                self._deliver(seen)
            if mode == "lost_answer":
                self._reset(conn)
                return
            status = {"ok": "200 OK", "400": "400 Bad Request", "429": "429 Too Many Requests",
                      "500": "500 Internal Server Error"}[mode]
            payload = (self.answer if mode == "ok" else self.refusal if mode == "400"
                       else b'{"error": {"message": "busy"}}')
            extra = "Retry-After: 1\r\n" if mode == "429" else ""
            conn.sendall((f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
                          f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
                          ).encode() + payload)

    def _deliver(self, seen: Seen) -> None:
        key = seen.headers.get("idempotency-key")
        with self._lock:
            if key is not None and key in self._keys:
                return  # a repeat of a request whose answer was lost
            if key is not None:
                self._keys.add(key)
            self.delivered.append(seen)

    @staticmethod
    def _read_head(conn: socket.socket) -> tuple[bytes | None, bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None, b""
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        return head, rest

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        """Close with a TCP reset, as a dropped link or a killed proxy does."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
