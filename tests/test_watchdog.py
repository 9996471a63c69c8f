"""sd_notify datagrams reach a real unix socket, as systemd would receive them."""

from __future__ import annotations

import socket
from pathlib import Path

from kiosk.ops.watchdog import notify, ping_interval_s


def test_ready_and_watchdog_datagrams_reach_the_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(path)
        server.settimeout(2)
        assert notify("READY=1", {"NOTIFY_SOCKET": path})
        assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": path})
        assert server.recv(64) == b"READY=1"
        assert server.recv(64) == b"WATCHDOG=1"


def test_without_systemd_nothing_is_sent_and_nothing_fails(tmp_path: Path) -> None:
    assert not notify("READY=1", {})
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})


def test_ping_interval_is_half_the_watchdog_period() -> None:
    assert ping_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert ping_interval_s({}) is None
    assert ping_interval_s({"WATCHDOG_USEC": "junk"}) is None
