"""Logs as structured journal entries, so staff can filter by ticket, lane or reason.

journald's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/): one
AF_UNIX datagram per entry, each field ``NAME=value\\n``, or for values with a
newline ``NAME\\n`` + 64-bit little-endian length + value + ``\\n``. An entry
too big for one datagram goes in a sealed memfd passed with SCM_RIGHTS; where
that is impossible it is truncated rather than lost. journald rotates and caps
its own files, so nothing here grows without bound; off systemd the logs go
to stderr.

Extra fields: ``log.info("...", extra={"kiosk": {"lane": "A"}})`` becomes
``KIOSK_LANE=A`` (``journalctl KIOSK_LANE=A``).
"""

from __future__ import annotations

import array
import contextlib
import errno
import fcntl
import logging
import os
import re
import socket
import struct
import sys
from pathlib import Path

SOCKET_PATH = Path("/run/systemd/journal/socket")
IDENTIFIER = "antrian-kiosk"
# sd-journal asks for this much send buffer; the kernel caps it at net.core.wmem_max.
SEND_BUFFER = 8 * 1024 * 1024
# When neither a datagram nor a memfd can carry an entry, values are cut to this.
TRUNCATE_MESSAGE, TRUNCATE_FIELD = 48 * 1024, 2 * 1024
PRIORITIES = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6,
              logging.DEBUG: 7}
STDERR_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_NOT_NAME = re.compile(r"[^A-Z0-9_]")


def priority(levelno: int) -> int:
    """syslog priority for a logging level (custom levels round down to the next known)."""
    for level in sorted(PRIORITIES, reverse=True):
        if levelno >= level:
            return PRIORITIES[level]
    return 7


def field_name(key: str, prefix: str = "") -> str:
    """A valid journal field name: A-Z, 0-9, _, not starting with _ or a digit, <= 64."""
    name = _NOT_NAME.sub("_", f"{prefix}{key}".upper()).lstrip("_0123456789")
    return (name or "FIELD")[:64]


def encode_field(name: str, value: object) -> bytes:
    data = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
    if b"\n" in data:
        return name.encode("ascii") + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
    return name.encode("ascii") + b"=" + data + b"\n"


class JournalHandler(logging.Handler):
    """A logging handler speaking journald's native protocol over its datagram socket."""

    def __init__(self, socket_path: Path | str = SOCKET_PATH, identifier: str = IDENTIFIER,
                 level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.socket_path, self.identifier = str(socket_path), identifier
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        # The default buffer works too: bigger entries then take the memfd path.
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        self.setFormatter(logging.Formatter("%(message)s"))

    def fields(self, record: logging.LogRecord, truncate: bool = False) -> list[tuple[str, str]]:
        message = self.format(record)  # with the traceback, if any
        if truncate and len(message) > TRUNCATE_MESSAGE:
            message = f"{message[:TRUNCATE_MESSAGE]}... [{len(message)} characters, truncated]"
        fields = [("MESSAGE", message), ("PRIORITY", str(priority(record.levelno))),
                  ("SYSLOG_IDENTIFIER", self.identifier), ("LOGGER", record.name),
                  ("CODE_FILE", record.pathname), ("CODE_LINE", str(record.lineno)),
                  ("CODE_FUNC", record.funcName), ("THREAD_NAME", record.threadName or "")]
        extra = getattr(record, "kiosk", None)
        if isinstance(extra, dict):
            for key, value in extra.items():
                text = "" if value is None else str(value)
                fields.append((field_name(str(key), "KIOSK_"),
                               text[:TRUNCATE_FIELD] if truncate else text))
        return fields

    def entry(self, record: logging.LogRecord, truncate: bool = False) -> bytes:
        return b"".join(encode_field(name, value) for name, value in self.fields(record, truncate))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = self.entry(record)
            try:
                self.sock.sendto(data, self.socket_path)
            except OSError as exc:
                if exc.errno not in (errno.EMSGSIZE, errno.ENOBUFS):
                    raise
                self._send_large(record, data)
        except OSError as exc:  # journald restarting or gone: never lose the line
            self._to_stderr(record, exc)
        except Exception:
            self.handleError(record)

    def _send_large(self, record: logging.LogRecord, data: bytes) -> None:
        """The protocol's answer to oversize entries: a sealed memfd, else truncation."""
        try:
            fd = os.memfd_create("journal-entry", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        except (AttributeError, OSError):
            self.sock.sendto(self.entry(record, truncate=True), self.socket_path)
            return
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW
                        | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
            self.sock.sendmsg([], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                    array.array("i", [fd]))], 0, self.socket_path)
        except OSError:
            self.sock.sendto(self.entry(record, truncate=True), self.socket_path)
        finally:
            os.close(fd)

    def _to_stderr(self, record: logging.LogRecord, exc: OSError) -> None:
        stream = sys.stderr
        if stream is not None:
            stream.write(f"[journal unavailable: {exc}] "
                         f"{logging.Formatter(STDERR_FORMAT).format(record)}\n")

    def close(self) -> None:
        self.sock.close()
        super().close()


class _StderrHandler(logging.StreamHandler):
    """Looks up sys.stderr at each record, so a full-screen UI's redirect applies."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def journal_available(socket_path: Path | str = SOCKET_PATH) -> bool:
    """The journal is there to take entries (systemd runs, or we are a unit of it)."""
    path = Path(socket_path)
    return path.is_socket() if path.exists() else False


def setup_logging(level: int | str = logging.INFO, *,
                  socket_path: Path | str = SOCKET_PATH) -> logging.Handler:
    """Send the app's logs to the journal when it is there, else to stderr; never to a file.

    Calling it again replaces the handler it installed before (tests, re-exec).
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_kiosk_logging", False)]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if journal_available(socket_path):
        handler = JournalHandler(socket_path)
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(STDERR_FORMAT))
    handler._kiosk_logging = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # httpx logs every request at INFO: a sync round every 30 s would fill the journal.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        root.setLevel(level.upper() if isinstance(level, str) else level)
    except ValueError:  # a typo in KIOSK_LOG_LEVEL must not stop the kiosk
        root.setLevel(logging.INFO)
        logging.getLogger(__name__).warning("unknown log level %r; using INFO", level)
    return handler
