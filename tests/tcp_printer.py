"""A real TCP peer on 127.0.0.1 that behaves like an ESC/POS network printer."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time

from hardware.printers import STATUS_REQUEST

# Replies to DLE EOT 4 (paper roll sensor): fixed bits 0x12, near-end 0x0C, out 0x60.
STATUS_OK, STATUS_LOW, STATUS_OUT = b"\x12", b"\x1e", b"\x72"


class FakeNetworkPrinter:
    """A TCP 'printer' on 127.0.0.1 that records every connection's bytes."""

    def __init__(self, status: bytes | None = STATUS_OK) -> None:
        self.status = status
        self.reset_after: int | None = None  # bytes after which the connection is reset
        self.reply_delay = 0.0  # seconds before answering a status request
        self.sessions: list[bytearray] = []
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            session = bytearray()
            self.sessions.append(session)
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn, session), daemon=True).start()

    def _serve(self, conn: socket.socket, session: bytearray) -> None:
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                session += data
                if self.reset_after is not None and len(session) >= self.reset_after:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return  # closing with linger 0 sends RST, like a printer power-cycling
                if STATUS_REQUEST in data and self.status is not None:
                    time.sleep(self.reply_delay)
                    conn.sendall(self.status)

    def hang_up(self) -> None:
        """Close every open connection politely (FIN), as printers do with idle clients."""
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._stop.set()
        self.hang_up()
        self.server.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
