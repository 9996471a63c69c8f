"""Spoken calls through espeak-ng, one at a time, never blocking the caller.

Staff may press "call next" several times in a row; two voices talking over
each other in a lobby are useless, so every call goes through one queue and
one worker thread that runs espeak-ng to completion before starting the
next. ``announce`` only enqueues, so the UI and GPIO threads never wait for
audio.

A kiosk without espeak-ng (or with a broken sound card) must keep issuing
tickets: failures become a plain-language ``status`` for staff (and an
``on_notice`` callback), never an exception in the caller.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MISSING_NOTICE = "espeak-ng tidak terpasang: sudo apt install espeak-ng"

Runner = Callable[..., Any]


@dataclass(frozen=True)
class _Job:
    text: str
    before: Callable[[], None] | None
    voice: str | None  # None: the announcer's own voice


_STOP = object()


class Announcer:
    """Queue of sentences spoken by espeak-ng in FIFO order, never overlapping.

    ``wav_path`` makes espeak-ng write each call to that file (``-w``)
    instead of the sound card, for tests and for checking a voice without
    speakers; each call overwrites the file.
    """

    def __init__(
        self,
        enabled: bool,
        voice: str = "id",
        speed: int = 140,
        command: str = "espeak-ng",
        runner: Runner = subprocess.run,
        *,
        wav_path: Path | str | None = None,
        timeout_s: float = 30.0,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.enabled = enabled
        self.voice = voice
        self.speed = int(speed)
        self.command = command
        self.wav_path = Path(wav_path) if wav_path is not None else None
        self._runner = runner
        self._timeout_s = timeout_s
        self._on_notice = on_notice
        self._status: str | None = None
        self._status_lock = threading.Lock()
        self._queue: queue.Queue[_Job | object] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False
        self._close_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if not enabled:
            return
        if shutil.which(command) is None and runner is subprocess.run:
            # Tell staff at start-up rather than at the first call; the worker
            # still tries each call, so installing espeak-ng later just works.
            # (Only with the real runner: a test double need not be on PATH.)
            self._notice(self._missing_message())
        self._thread = threading.Thread(target=self._work, name="announcer", daemon=True)
        self._thread.start()

    # -- status -----------------------------------------------------------

    @property
    def status(self) -> str | None:
        """The latest problem in plain Indonesian for staff, or None when speaking works."""
        with self._status_lock:
            return self._status

    def _missing_message(self) -> str:
        name = Path(self.command).name
        if name == "espeak-ng":
            return MISSING_NOTICE
        return f"{name} tidak terpasang: sudo apt install espeak-ng"

    def _notice(self, message: str | None) -> None:
        # Only report changes, so a missing program does not spam staff once per call.
        with self._status_lock:
            if message == self._status:
                return
            self._status = message
        if message is None:
            return
        log.warning("announcer: %s", message)
        if self._on_notice is not None:
            try:
                self._on_notice(message)
            except Exception:
                log.exception("on_notice failed")

    # -- public API -------------------------------------------------------

    def announce(self, text: str, before: Callable[[], None] | None = None,
                 voice: str | None = None) -> None:
        """Queue ``text`` to be spoken after everything already queued; returns at once.

        ``before`` (e.g. ``lambda: chime.ring(wait=True)``) runs on the worker
        right before this text, so a chime never sounds over a previous call.
        ``voice`` overrides the announcer's voice for this text (English sentences
        read by the Indonesian voice are hard to follow).
        """
        if not self.enabled or not text.strip():
            return
        with self._close_lock:
            if self._closed:
                log.warning("announcer closed; dropped %r", text)
                return
            with self._idle:
                self._pending += 1
            self._queue.put(_Job(text, before, voice))

    @property
    def pending(self) -> int:
        """Calls queued but not yet finished (including the one being spoken)."""
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued call has been spoken; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, drain: bool = True, timeout: float | None = 60.0) -> None:
        """Stop the worker: after the queued calls (``drain``) or after the current one.

        Idempotent. Calls announced after close are dropped with a log line.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            if not drain:
                self._discard_pending()
            self._queue.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("announcer did not stop within %.1f s", timeout or 0)

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker -----------------------------------------------------------

    def _discard_pending(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
            self._done_one()

    def _done_one(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP:
                return
            assert isinstance(job, _Job)
            try:
                if job.before is not None:
                    try:
                        job.before()
                    except Exception:
                        log.exception("announcer: before-hook failed")
                self._speak(job.text, job.voice)
            except Exception:
                # The worker must survive anything, or every later call is silent.
                log.exception("announcer: speaking %r failed", job.text)
            finally:
                self._done_one()

    def argv(self, text: str, voice: str | None = None) -> list[str]:
        """The espeak-ng command line for one call (public for tests and diagnostics)."""
        args = [self.command, "-v", voice or self.voice, "-s", str(self.speed)]
        if self.wav_path is not None:
            args += ["-w", str(self.wav_path)]
        # "--" so a text starting with "-" is spoken, not parsed as an option.
        return [*args, "--", text]

    def _speak(self, text: str, voice: str | None = None) -> None:
        try:
            result = self._runner(
                self.argv(text, voice),
                check=False,
                capture_output=True,
                text=True,
                timeout=self._timeout_s,
            )
        except FileNotFoundError:
            self._notice(self._missing_message())
            return
        except subprocess.TimeoutExpired:
            self._notice(f"espeak-ng tidak selesai dalam {self._timeout_s:g} detik "
                         "(periksa speaker / perangkat suara)")
            return
        except OSError as exc:
            self._notice(f"espeak-ng tidak bisa dijalankan: {exc}")
            return
        returncode = getattr(result, "returncode", 0)
        problems = _stderr_problems(getattr(result, "stderr", "") or "")
        if returncode:
            reason = problems[-1] if problems else f"kode keluar {returncode}"
            self._notice(f"espeak-ng gagal: {reason}")
        elif problems:
            # espeak-ng exits 0 even when it cannot open the sound card or the
            # WAV file; only its stderr tells.
            where = "file WAV" if self.wav_path is not None else "speaker / kartu suara"
            self._notice(f"espeak-ng tidak bisa bersuara ({problems[-1]}); periksa {where}")
        else:
            self._notice(None)


def _stderr_problems(stderr: str) -> list[str]:
    """espeak-ng's own error lines; ALSA's chatter is noise on many working Pis."""
    return [
        line.strip()
        for line in stderr.splitlines()
        if line.strip()
        and not line.startswith("ALSA lib")
        and ("error" in line.lower() or "can't" in line.lower())
    ]
