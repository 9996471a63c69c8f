"""Structured logging to journald's native protocol, checked on a real AF_UNIX datagram socket.

The test plays journald: it binds a SOCK_DGRAM socket at a temporary path,
receives what the handler sends (datagram or memfd), and parses the fields
the way journald does.
"""

from __future__ import annotations

import array
import fcntl
import io
import logging
import os
import socket
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ops.journal_log import (
    JournalHandler,
    field_name,
    journal_available,
    priority,
    setup_logging,
)


class FakeJournald:
    """A real datagram socket standing where /run/systemd/journal/socket would be."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(2.0)
        self.via_memfd = False

    def receive(self) -> dict[str, str]:
        data, ancillary, _flags, _addr = self.sock.recvmsg(
            1 << 20, socket.CMSG_SPACE(array.array("i", [0]).itemsize))
        self.via_memfd = bool(ancillary)
        if ancillary:
            assert data == b""  # the protocol: either payload or a memfd, never both
            level, kind, raw = ancillary[0]
            assert (level, kind) == (socket.SOL_SOCKET, socket.SCM_RIGHTS)
            fd = array.array("i", raw[:4])[0]
            try:
                seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
                assert seals & fcntl.F_SEAL_WRITE and seals & fcntl.F_SEAL_SHRINK
                size = os.fstat(fd).st_size
                data = os.pread(fd, size, 0)
            finally:
                os.close(fd)
        return parse_entry(data)

    def close(self) -> None:
        self.sock.close()


def parse_entry(data: bytes) -> dict[str, str]:
    """journald's parser: NAME=value lines, or NAME, 64-bit LE length, bytes, newline."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        line = data[at:end]
        if b"=" in line:
            name, value = line.split(b"=", 1)
            at = end + 1
        else:
            name = line
            (size,) = struct.unpack("<Q", data[end + 1:end + 9])
            value = data[end + 9:end + 9 + size]
            assert data[end + 9 + size:end + 10 + size] == b"\n"
            at = end + 10 + size
        fields[name.decode("ascii")] = value.decode("utf-8")
    return fields


@pytest.fixture
def journald(tmp_path: Path) -> Iterator[FakeJournald]:
    server = FakeJournald(tmp_path / "socket")
    yield server
    server.close()


@pytest.fixture
def logger(journald: FakeJournald) -> Iterator[tuple[logging.Logger, JournalHandler]]:
    handler = JournalHandler(journald.path)
    log = logging.getLogger("kiosk.test_journal")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    log.addHandler(handler)
    yield log, handler
    log.removeHandler(handler)
    handler.close()


def test_entry_carries_standard_and_kiosk_fields(journald, logger) -> None:
    log, _ = logger
    log.warning("paper low on %s", "KUP-1", extra={"kiosk": {"lane": "A", "ticket-id": 12,
                                                             "counter": None}})
    fields = journald.receive()
    assert fields["MESSAGE"] == "paper low on KUP-1"
    assert fields["PRIORITY"] == "4"
    assert fields["SYSLOG_IDENTIFIER"] == "antrian-kiosk"
    assert fields["LOGGER"] == "kiosk.test_journal"
    assert fields["CODE_FILE"] == __file__
    assert fields["CODE_FUNC"] == "test_entry_carries_standard_and_kiosk_fields"
    assert int(fields["CODE_LINE"]) > 0
    assert (fields["KIOSK_LANE"], fields["KIOSK_TICKET_ID"], fields["KIOSK_COUNTER"]) == (
        "A", "12", "")
    assert not journald.via_memfd


def test_multi_line_message_and_traceback_use_the_binary_form(journald, logger) -> None:
    log, _ = logger
    try:
        raise ValueError("printer said no")
    except ValueError:
        log.exception("issuing failed\nsecond line", extra={"kiosk": {"note": "a\nb=c"}})
    fields = journald.receive()
    assert fields["PRIORITY"] == "3"
    assert fields["MESSAGE"].startswith("issuing failed\nsecond line\nTraceback")
    assert "ValueError: printer said no" in fields["MESSAGE"]
    assert fields["KIOSK_NOTE"] == "a\nb=c"


def test_levels_map_to_syslog_priorities() -> None:
    assert [priority(level) for level in (logging.DEBUG, logging.INFO, logging.WARNING,
                                          logging.ERROR, logging.CRITICAL, 25)] == [
        7, 6, 4, 3, 2, 6]


def test_field_names_are_made_valid() -> None:
    assert field_name("ticket-id", "KIOSK_") == "KIOSK_TICKET_ID"
    assert field_name("_trusted") == "TRUSTED"
    assert field_name("9lives") == "LIVES"
    assert len(field_name("x" * 200, "KIOSK_")) == 64


def test_entry_too_big_for_a_datagram_goes_in_a_sealed_memfd(journald, logger) -> None:
    log, handler = logger
    limit = handler.sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    message = "x" * (limit + 1024 * 1024)
    log.info(message, extra={"kiosk": {"lane": "P"}})
    fields = journald.receive()
    assert journald.via_memfd
    assert fields["MESSAGE"] == message and fields["KIOSK_LANE"] == "P"


def test_without_memfd_an_oversize_entry_is_truncated_not_lost(journald, logger,
                                                               monkeypatch) -> None:
    log, handler = logger
    monkeypatch.delattr(os, "memfd_create")
    limit = handler.sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    log.error("y" * (limit + 1024))
    fields = journald.receive()
    assert fields["MESSAGE"].startswith("yyyy") and fields["MESSAGE"].endswith("truncated]")
    assert len(fields["MESSAGE"]) < limit


def test_journal_gone_falls_back_to_stderr(tmp_path: Path, monkeypatch) -> None:
    handler = JournalHandler(tmp_path / "no-socket-here")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    record = logging.LogRecord("kiosk.x", logging.ERROR, __file__, 1, "camera lost", None, None)
    handler.emit(record)
    handler.close()
    assert "journal unavailable" in stderr.getvalue()
    assert "camera lost" in stderr.getvalue()


def test_setup_logging_uses_the_journal_when_its_socket_exists(journald) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        handler = setup_logging("debug", socket_path=journald.path)
        assert isinstance(handler, JournalHandler) and root.level == logging.DEBUG
        logging.getLogger("kiosk.queue.clock_trust").info("clock trusted (ntp)",
                                                    extra={"kiosk": {"clock_reason": "ntp"}})
        fields = journald.receive()
        assert fields["MESSAGE"] == "clock trusted (ntp)"
        assert fields["KIOSK_CLOCK_REASON"] == "ntp"
        again = setup_logging(logging.INFO, socket_path=journald.path)
        assert handler not in root.handlers and again in root.handlers
    finally:
        for installed in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(installed)
            installed.close()
        root.setLevel(before[1])


def test_setup_logging_without_journal_writes_to_stderr_only(tmp_path: Path,
                                                             monkeypatch) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    assert not journal_available(tmp_path / "missing")
    (tmp_path / "plain-file").write_text("")
    assert not journal_available(tmp_path / "plain-file")
    try:
        setup_logging(logging.INFO, socket_path=tmp_path / "missing")
        stderr = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stderr)  # looked up per record: a UI may redirect
        logging.getLogger("kiosk.app").warning("printer offline")
        logging.getLogger("kiosk.app").debug("not shown")
        assert "WARNING kiosk.app: printer offline" in stderr.getvalue()
        assert "not shown" not in stderr.getvalue()
        assert list(tmp_path.iterdir()) == [tmp_path / "plain-file"]  # no log file appeared
    finally:
        for installed in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(installed)
            installed.close()
        root.setLevel(before[1])


def test_unknown_log_level_falls_back_to_info(tmp_path: Path, monkeypatch) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        setup_logging("LOUD", socket_path=tmp_path / "missing")
        assert root.level == logging.INFO
        assert "unknown log level 'LOUD'" in stderr.getvalue()
    finally:
        for installed in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(installed)
            installed.close()
        root.setLevel(before[1])
