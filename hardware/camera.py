"""Frames from the kiosk camera (or a simulation) and the loop that turns them into codes.

A booking QR is held in front of the camera for a second or two, so the
scanner sees the same code in many consecutive frames; it hands each
appearance to the check-in logic once. The camera is a USB device in a
public lobby: it gets unplugged, so losing it is a status to show staff and a
reason to retry with back-off, never an exception that kills the worker.

Nothing here knows about the UI: ``QrScanner.run`` blocks until its stop
event is set, so the UI can run it in a thread worker and marshal the
callbacks (which run on the scanner's thread) to its own loop.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from hardware.qr_decode import QrDecoder

if TYPE_CHECKING:
    import cv2

# cv2 is imported where frames are read (the camera thread): ~30-50 ms of the
# kiosk's start that the first screen does not need (bench/startup.py).

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
CAMERA_LOST = "camera_lost"
CAMERA_OK = "camera_ok"


class FrameSource(Protocol):
    """Where frames come from: a camera, a video file, a folder of images.

    ``read`` returns a BGR or grayscale uint8 frame, or None when there is no
    frame right now (not yet open, unplugged, end of a non-looping file). A
    source opens lazily and reopens by itself on a later ``read`` after a
    failure or after ``close``; the scanner relies on that to recover.
    """

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


def _default_api() -> int:
    import cv2

    # V4L2 directly on Linux: CAP_ANY would also probe other back-ends on every retry.
    return cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY


class OpenCvCamera:
    """A V4L2/USB camera via cv2.VideoCapture, opened on first read, reopened after a failure.

    A failed open or read releases the device and returns None, so a camera
    that was unplugged and plugged back in is picked up on a later read; the
    pacing of those retries is the scanner's job.
    """

    def __init__(
        self,
        device: int | str,
        width: int = 640,
        height: int = 480,
        api_preference: int | None = None,
    ) -> None:
        self.device = device
        self.width = width
        self.height = height
        self._api = api_preference  # None: resolved on first open, off the start path
        self._cap: cv2.VideoCapture | None = None
        self.disconnected = False  # True after a failed open/read, until a frame comes

    @property
    def is_open(self) -> bool:
        return self._cap is not None

    def _open(self) -> cv2.VideoCapture | None:
        import cv2

        if self._api is None:
            self._api = _default_api()
        cap = cv2.VideoCapture(self.device, self._api)
        if not cap.isOpened():
            cap.release()
            return None
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        # One buffer: at 8 fps a deeper V4L2 queue would hand us frames from half a
        # second ago, so the code would be read after the applicant moved it away.
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            self._cap = self._open()
            if self._cap is None:
                self.disconnected = True
                return None
            log.info("camera %s opened", self.device)
        ok, frame = self._cap.read()
        if not ok or frame is None:
            log.info("camera %s gave no frame; releasing it to reopen later", self.device)
            self.close()
            self.disconnected = True
            return None
        self.disconnected = False
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageFolderSource:
    """Simulation: the *.png / *.jpg files of a folder, sorted, one per read.

    The folder is listed again at the start of each pass, so images dropped in
    while the kiosk runs are shown on the next pass. With ``loop=False`` reads
    return None after the last image.
    """

    def __init__(self, folder: str | Path, loop: bool = True) -> None:
        self.folder = Path(folder)
        self.loop = loop
        self._pending: list[Path] = []
        self._passes = 0

    def _list(self) -> list[Path]:
        try:
            entries = list(self.folder.iterdir())
        except OSError as exc:
            log.warning("cannot list %s: %s", self.folder, exc)
            return []
        return sorted(p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())

    def read(self) -> np.ndarray | None:
        if not self._pending:
            if self._passes and not self.loop:
                return None
            self._pending = self._list()
            if not self._pending:
                # An empty (but existing) folder is a camera looking at an empty
                # lobby, not a lost camera; a missing folder is a lost camera.
                return np.zeros((480, 640, 3), np.uint8) if self.folder.is_dir() else None
            self._passes += 1
        path = self._pending.pop(0)
        import cv2

        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            log.warning("cannot read image %s", path)
        return frame

    def close(self) -> None:
        """Start again from the first image (and list the folder again) on the next read."""
        self._pending = []
        self._passes = 0


class VideoFileSource:
    """Simulation: a video file, one frame per read (not real time), rewound at the end."""

    def __init__(self, path: str | Path, loop: bool = True) -> None:
        self.path = Path(path)
        self.loop = loop
        self._cap: cv2.VideoCapture | None = None
        self._ended = False

    def read(self) -> np.ndarray | None:
        import cv2

        if self._ended:
            return None
        if self._cap is None:
            cap = cv2.VideoCapture(str(self.path))
            if not cap.isOpened():
                cap.release()
                log.warning("cannot open video %s", self.path)
                return None
            self._cap = cap
        ok, frame = self._cap.read()
        if ok and frame is not None:
            return frame
        if not self.loop:
            self._ended = True
            return None
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        ok, frame = self._cap.read()
        if not ok or frame is None:
            # Some containers cannot seek: reopen from the start next time.
            self.close()
            return None
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._ended = False


def make_frame_source(spec: str) -> FrameSource:
    """The source a config names: "0" (camera index), "/dev/video0", a folder, a video file.

    A /dev/video* or /dev/v4l/... path need not exist yet: the camera may be
    plugged in after the kiosk starts, and OpenCvCamera keeps trying.
    """
    text = spec.strip()
    if text.lstrip("+-").isdigit():
        return OpenCvCamera(int(text))
    if text.startswith(("/dev/video", "/dev/v4l/")):
        return OpenCvCamera(text)
    path = Path(text).expanduser()
    if path.is_dir():
        return ImageFolderSource(path)
    if path.is_file():
        return VideoFileSource(path)
    raise ValueError(
        f"camera source {spec!r} is not a camera index, a /dev/video* device, "
        f"an existing folder of images or an existing video file"
    )


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Grayscale uint8, because every decoder binarises luminance anyway."""
    import cv2

    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"unsupported frame shape {frame.shape}")


class QrScanner:
    """Reads frames at ``fps``, decodes them, and reports each new code once.

    A code is handed to ``on_code`` when it appears; holding it in front of
    the camera does not repeat it. It is handed over again only after it has
    been out of sight for ``repeat_after_s`` (the check-in logic treats a
    second check-in of the same booking as harmless; this only avoids spam).

    After ``lost_after`` consecutive reads without a frame (None or an
    exception) ``on_status("camera_lost")`` is called once and reads are
    retried with exponential back-off from ``retry_s`` up to ``max_retry_s``;
    the first frame after that calls ``on_status("camera_ok")``. The camera is
    assumed fine at start, so nothing is reported until something changes.
    A source that raises is closed so that its next read reopens it.

    Callbacks run on the scanner's thread; exceptions from them, the source or
    the decoder are logged and the loop goes on.
    """

    def __init__(
        self,
        source: FrameSource,
        decoder: QrDecoder,
        on_code: Callable[[str], None],
        on_status: Callable[[str], None] | None = None,
        fps: float = 8.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        repeat_after_s: float = 3.0,
        lost_after: int = 3,
        retry_s: float = 0.5,
        max_retry_s: float = 5.0,
    ) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.source = source
        self.decoder = decoder
        self._on_code = on_code
        self._on_status = on_status
        self.period_s = 1.0 / fps
        self._clock = clock
        self._sleep = sleep
        self.repeat_after_s = repeat_after_s
        self.lost_after = max(1, lost_after)
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self._last_seen: dict[str, float] = {}
        self._misses = 0
        self._backoff_s = retry_s
        self.camera_lost = False
        self._decoder_failing = False

    # -- one iteration -------------------------------------------------------

    def step(self) -> float:
        """Read, decode and report one frame; returns how long to wait before the next.

        The wait is the rest of the frame period (the time already spent
        reading and decoding is subtracted), or the back-off while the camera
        is lost. step() itself never sleeps.
        """
        started = self._clock()
        frame = self._read()
        if frame is None:
            return self._missed(started)
        if self.camera_lost:
            self.camera_lost = False
            log.info("camera frames are back")
            self._status(CAMERA_OK)
        self._misses = 0
        self._backoff_s = self.retry_s
        texts = self._decode(frame)
        self._report(texts, self._clock())
        return max(0.0, self.period_s - (self._clock() - started))

    def _read(self) -> np.ndarray | None:
        try:
            return self.source.read()
        except Exception:
            if self._misses == 0 and not self.camera_lost:
                log.exception("reading the camera failed")
            else:
                log.debug("reading the camera failed again", exc_info=True)
            try:
                self.source.close()
            except Exception:
                log.debug("closing the failed camera failed", exc_info=True)
            return None

    def _missed(self, started: float) -> float:
        self._misses += 1
        if not self.camera_lost and self._misses >= self.lost_after:
            self.camera_lost = True
            log.warning("camera lost after %d reads without a frame", self._misses)
            self._status(CAMERA_LOST)
        if not self.camera_lost:
            return max(0.0, self.period_s - (self._clock() - started))
        wait = self._backoff_s
        self._backoff_s = min(self.max_retry_s, self._backoff_s * 2)
        return wait

    def _decode(self, frame: np.ndarray) -> list[str]:
        try:
            texts = self.decoder.decode(to_gray(frame))
        except Exception:
            # Once per failing streak: at 8 fps a broken decoder would flood the journal.
            if not self._decoder_failing:
                log.exception("QR decoder %s failed on a frame", self.decoder.name)
            self._decoder_failing = True
            return []
        self._decoder_failing = False
        return texts

    def _report(self, texts: list[str], now: float) -> None:
        for text in texts:
            last = self._last_seen.get(text)
            self._last_seen[text] = now
            if last is not None and now - last < self.repeat_after_s:
                continue
            try:
                self._on_code(text)
            except Exception:
                log.exception("on_code failed for a scanned code")
        # Forget codes out of sight for long enough; keeps the memory bounded.
        expired = [t for t, seen in self._last_seen.items() if now - seen >= self.repeat_after_s]
        for text in expired:
            del self._last_seen[text]

    def _status(self, status: str) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:
            log.exception("on_status(%r) failed", status)

    # -- the loop ------------------------------------------------------------

    def run(self, stop: threading.Event, max_sleep_s: float = 0.25) -> None:
        """Scan until ``stop`` is set; closes the source on the way out.

        Long waits (camera back-off) are slept in slices of at most
        ``max_sleep_s`` so that setting ``stop`` ends the loop promptly.
        """
        try:
            while not stop.is_set():
                try:
                    wait = self.step()
                except Exception:  # a bug here must not kill the worker thread
                    log.exception("QR scanner step failed")
                    wait = self.period_s
                while wait > 0 and not stop.is_set():
                    chunk = min(wait, max_sleep_s)
                    self._sleep(chunk)
                    wait -= chunk
        finally:
            try:
                self.source.close()
            except Exception:
                log.exception("closing the camera failed")
