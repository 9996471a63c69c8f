"""A kiosk whose terminal hangs up ends (so systemd restarts it) instead of spinning.

Textual's input thread would otherwise loop on end-of-file at 100% CPU with
no screen left (screens/terminal_watch.py). Run as a real process on a real
pseudo-terminal, whose master side we close.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import sys
import time
from pathlib import Path

from screens.terminal_watch import terminal_gone
from tests.conftest import SIM_CONFIG


def temp_config(tmp_path: Path) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    text = text.replace('database = "../var/kiosk.db"', f'database = "{tmp_path}/kiosk.db"')
    text = text.replace('output = "../var/tickets.bin"', f'output = "{tmp_path}/tickets.bin"')
    text = text.replace('source = "../var/camera"', f'source = "{tmp_path}/camera"')
    with socket.socket() as probe:  # a free port: another test may hold the default
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = text.replace('listen = "127.0.0.1:8470"', f'listen = "127.0.0.1:{port}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def read_for(fd: int, seconds: float) -> bytes:
    seen, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline and b"Sisa kuota" not in seen:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_the_kiosk_ends_when_its_terminal_hangs_up(tmp_path: Path) -> None:
    config = temp_config(tmp_path)
    pid, master = pty.fork()
    if pid == 0:  # the child: the kiosk on the pty, as foot would run it
        os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        # As under `make run` or a dropped SSH link: the hang-up signal never arrives.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.execv(sys.executable, [sys.executable, "-m", "kiosk.cli", "--config", str(config),
                                  "run"])
    try:
        assert b"Sisa kuota" in read_for(master, 30), "the kiosk never drew its home screen"
        os.close(master)  # the terminal is gone
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the kiosk kept running after its terminal hung up")
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_a_live_terminal_is_not_taken_for_gone() -> None:
    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)
