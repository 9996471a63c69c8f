"""Spoken calls come one after another, in order, and a missing espeak-ng never crashes.

Most tests swap subprocess.run for a recorder that sleeps a few
milliseconds, so overlap would show up as intersecting time spans. One test
runs the real espeak-ng into a WAV file when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hardware.announcer import MISSING_NOTICE, Announcer
from kiosk.texts.spoken_numbers import call_text
from tests.conftest import wait_until as shared_wait_until

SPEAK_S = 0.015


class RecordingRunner:
    """Stands in for subprocess.run: records when each call started and ended."""

    def __init__(self, sleep_s: float = SPEAK_S, returncode: int = 0, stderr: str = "",
                 gate: threading.Event | None = None) -> None:
        self.sleep_s = sleep_s
        self.gate = gate  # when given, every call first waits (at most 10 s) for it to be set
        self.returncode = returncode
        self.stderr = stderr
        self.calls: list[tuple[str, float, float]] = []
        self.argvs: list[list[str]] = []
        self._lock = threading.Lock()
        self.active = 0
        self.max_active = 0

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        start = time.monotonic()
        if self.gate is not None:
            self.gate.wait(10.0)
        time.sleep(self.sleep_s)
        end = time.monotonic()
        with self._lock:
            self.active -= 1
            self.calls.append((argv[-1], start, end))
            self.argvs.append(argv)
        return subprocess.CompletedProcess(argv, self.returncode, "", self.stderr)

    @property
    def texts(self) -> list[str]:
        return [text for text, _, _ in self.calls]


def assert_no_overlap(calls: list[tuple[str, float, float]]) -> None:
    spans = sorted((start, end) for _, start, end in calls)
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert next_start >= end, "two calls were spoken at the same time"


def test_calls_are_spoken_in_order_and_never_overlap() -> None:
    gate = threading.Event()
    runner = RecordingRunner(gate=gate)
    texts = [call_text(f"A{n:03d}", 3) for n in range(1, 6)]
    with Announcer(True, runner=runner) as announcer:
        for text in texts:
            announcer.announce(text)
        # announce only enqueues: all five returned while no call could finish speaking
        assert announcer.pending == 5
        assert runner.calls == []
        gate.set()
        assert announcer.wait_idle(10.0)
    assert runner.texts == texts
    assert runner.max_active == 1
    assert_no_overlap(runner.calls)


def test_calls_from_several_threads_never_overlap() -> None:
    runner = RecordingRunner(sleep_s=0.005)
    announcer = Announcer(True, runner=runner)
    barrier = threading.Barrier(3)

    def staff(desk: int) -> None:
        barrier.wait()
        for n in range(3):
            announcer.announce(f"desk {desk} call {n}")

    threads = [threading.Thread(target=staff, args=(d,)) for d in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert announcer.wait_idle(2.0)
    announcer.close()
    assert runner.max_active == 1
    assert len(runner.calls) == 9
    assert_no_overlap(runner.calls)
    for desk in range(3):  # each caller's own calls keep their order
        mine = [t for t in runner.texts if t.startswith(f"desk {desk} ")]
        assert mine == [f"desk {desk} call {n}" for n in range(3)]


def test_command_line_uses_voice_speed_and_wav(tmp_path: Path) -> None:
    runner = RecordingRunner(sleep_s=0)
    wav = tmp_path / "call.wav"
    with Announcer(True, voice="en", speed=160, runner=runner, wav_path=wav) as announcer:
        announcer.announce("-1 is not an option")
    assert runner.argvs == [
        ["espeak-ng", "-v", "en", "-s", "160", "-w", str(wav), "--", "-1 is not an option"]
    ]


def test_before_hook_runs_just_before_its_own_text() -> None:
    events: list[str] = []
    lock = threading.Lock()

    def runner(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        with lock:
            events.append(f"say {argv[-1]}")
        return subprocess.CompletedProcess(argv, 0, "", "")

    with Announcer(True, runner=runner) as announcer:
        announcer.announce("one", before=lambda: events.append("chime"))
        announcer.announce("two")
        announcer.announce("three", before=lambda: 1 / 0)  # a broken chime must not silence
    assert events == ["chime", "say one", "say two", "say three"]


@pytest.mark.skipif(shutil.which("espeak-ng") is None,
                    reason="espeak-ng is not installed (sudo apt install espeak-ng)")
def test_real_espeak_ng_writes_a_wav(tmp_path: Path) -> None:
    wav = tmp_path / "call.wav"
    with Announcer(True, voice="id", wav_path=wav) as announcer:
        announcer.announce(call_text("A012", 3))
        assert announcer.wait_idle(15.0)
        assert announcer.status is None
    data = wav.read_bytes()
    assert len(data) > 1000
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def test_missing_espeak_ng_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    notices: list[str] = []
    missing = str(tmp_path / "espeak-ng")  # a path that does not exist
    announcer = Announcer(True, command=missing, on_notice=notices.append)
    assert announcer.status == MISSING_NOTICE  # reported at start-up, before any call
    announcer.announce("Nomor antrian A nol nol satu")
    announcer.announce("Nomor antrian A nol nol dua")
    assert announcer.wait_idle(5.0)
    announcer.close()
    assert announcer.status == "espeak-ng tidak terpasang: sudo apt install espeak-ng"
    assert notices == [MISSING_NOTICE]  # once, not once per call


def test_runner_file_not_found_becomes_notice_and_worker_keeps_going() -> None:
    attempts: list[str] = []

    def runner(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        attempts.append(argv[-1])
        if len(attempts) == 1:
            raise FileNotFoundError(argv[0])
        if len(attempts) == 2:
            raise RuntimeError("something unexpected")
        return subprocess.CompletedProcess(argv, 0, "", "")

    with Announcer(True, runner=runner) as announcer:
        for text in ("a", "b", "c"):
            announcer.announce(text)
        assert announcer.wait_idle(2.0)
        assert attempts == ["a", "b", "c"]
        assert announcer.status is None  # the last call worked, so the notice cleared


def test_sound_card_error_on_stderr_is_reported() -> None:
    stderr = "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\n" \
             "error: No such file or directory\n"
    runner = RecordingRunner(sleep_s=0, stderr=stderr)  # espeak-ng exits 0 even then
    with Announcer(True, runner=runner) as announcer:
        announcer.announce("halo")
        assert announcer.wait_idle(2.0)
        status = announcer.status
    assert status is not None
    assert "error: No such file or directory" in status and "speaker" in status


def test_nonzero_exit_and_timeout_are_notices() -> None:
    bad_voice = RecordingRunner(
        sleep_s=0, returncode=1, stderr="Error: The specified espeak-ng voice does not exist.\n"
    )
    with Announcer(True, voice="zz", runner=bad_voice) as announcer:
        announcer.announce("halo")
        assert announcer.wait_idle(2.0)
        assert announcer.status == (
            "espeak-ng gagal: Error: The specified espeak-ng voice does not exist."
        )

    def hung(argv: list[str], **kwargs: Any) -> None:
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    with Announcer(True, runner=hung, timeout_s=7) as announcer:
        announcer.announce("halo")
        assert announcer.wait_idle(2.0)
        assert announcer.status is not None and "7 detik" in announcer.status


def test_disabled_announcer_does_nothing() -> None:
    runner = RecordingRunner()
    announcer = Announcer(False, command="/nonexistent/espeak-ng", runner=runner)
    announcer.announce("halo")
    assert announcer.wait_idle(0.1)
    announcer.close()
    assert runner.calls == [] and announcer.status is None


def test_close_drains_or_drops_pending_calls() -> None:
    runner = RecordingRunner(sleep_s=0.01)
    announcer = Announcer(True, runner=runner)
    for n in range(3):
        announcer.announce(f"call {n}")
    announcer.close()  # drain: everything queued is still spoken
    assert runner.texts == ["call 0", "call 1", "call 2"]
    announcer.announce("too late")
    announcer.close()  # idempotent
    assert runner.texts == ["call 0", "call 1", "call 2"]

    gate = threading.Event()
    speaking = threading.Event()

    def slow(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        speaking.set()
        gate.wait(10.0)
        return runner(argv, **kwargs)

    runner = RecordingRunner(sleep_s=0)
    announcer = Announcer(True, runner=slow)
    for n in range(3):
        announcer.announce(f"call {n}")
    assert speaking.wait(10.0)  # "call 0" is being spoken, two are queued
    closer = threading.Thread(target=announcer.close, kwargs={"drain": False})
    closer.start()
    assert wait_until(lambda: announcer.pending == 1)  # the two queued calls were dropped
    gate.set()
    closer.join(10.0)
    assert not closer.is_alive()
    assert runner.texts == ["call 0"]  # the call in progress finishes
    assert announcer.pending == 0


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    return shared_wait_until(condition, timeout)
