"""The scanning loop: one check-in per code shown, a lost camera reported once, fps honoured.

Time is a fake clock moved only by the scanner's own waits, so the tests
check what the loop *asks for* (how long to sleep, when to report) without
depending on how fast this machine decodes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.camera import (
    CAMERA_LOST,
    CAMERA_OK,
    ImageFolderSource,
    OpenCvCamera,
    QrScanner,
    VideoFileSource,
    make_frame_source,
    to_gray,
)
from hardware.qr_decode import QrDecoder, ZxingDecoder
from tests.qr_images import PAYLOADS, make_frame, to_bgr, write_png

A = PAYLOADS["short"]
B = PAYLOADS["record"]


class FakeClock:
    """Monotonic seconds that only move when the scanner sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorder:
    def __init__(self) -> None:
        self.codes: list[str] = []
        self.statuses: list[str] = []


def scanner_for(
    source: object,
    decoder: QrDecoder | None = None,
    fps: float = 8.0,
    clock: FakeClock | None = None,
    **kwargs: float,
) -> tuple[QrScanner, Recorder, FakeClock]:
    clock = clock or FakeClock()
    seen = Recorder()
    scanner = QrScanner(
        source,  # type: ignore[arg-type]
        decoder or ZxingDecoder(),
        on_code=seen.codes.append,
        on_status=seen.statuses.append,
        fps=fps,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,  # type: ignore[arg-type]
    )
    return scanner, seen, clock


def drive(scanner: QrScanner, clock: FakeClock, steps: int) -> list[float]:
    """step() as run() would, moving the fake clock by each requested wait."""
    waits = []
    for _ in range(steps):
        wait = scanner.step()
        waits.append(wait)
        clock.now += wait
    return waits


def folder_of(tmp_path: Path, payloads: list[str | None]) -> Path:
    """One PNG per payload, in order; None = a frame with no code. Colour, like a webcam."""
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, payload in enumerate(payloads):
        gray = make_frame(payload, "clean" if payload else "no_code", seed=i)
        write_png(folder / f"{i:03d}.png", to_bgr(gray))
    return folder


# -- de-duplication ------------------------------------------------------------


def test_a_code_held_for_ten_frames_is_handled_once(tmp_path: Path) -> None:
    source = ImageFolderSource(folder_of(tmp_path, [A] * 10), loop=False)
    scanner, seen, clock = scanner_for(source)
    drive(scanner, clock, 10)
    assert seen.codes == [A]
    assert seen.statuses == []


def test_a_code_shown_again_after_being_away_is_handled_again(tmp_path: Path) -> None:
    source = ImageFolderSource(folder_of(tmp_path, [A, A, A, B, B, B, A]), loop=False)
    scanner, seen, clock = scanner_for(source, fps=1.0)  # one frame a second
    drive(scanner, clock, 7)
    # A was last seen at t=2 and comes back at t=6: 4 s away >= repeat_after_s (3 s).
    assert seen.codes == [A, B, A]


def test_a_code_back_too_soon_is_not_repeated(tmp_path: Path) -> None:
    source = ImageFolderSource(folder_of(tmp_path, [A, None, B, None, A, A]), loop=False)
    scanner, seen, clock = scanner_for(source, fps=2.0)
    drive(scanner, clock, 6)
    # A away from t=0 to t=2: under 3 s, so the second showing is the same check-in.
    assert seen.codes == [A, B]


def test_repeat_after_is_configurable(tmp_path: Path) -> None:
    source = ImageFolderSource(folder_of(tmp_path, [A, None, A]), loop=False)
    scanner, seen, clock = scanner_for(source, fps=1.0, repeat_after_s=1.5)
    drive(scanner, clock, 3)
    assert seen.codes == [A, A]


def test_a_continuously_held_code_is_never_repeated_however_long() -> None:
    frame = make_frame(A, "clean")
    scanner, seen, clock = scanner_for(ScriptedSource([frame] * 100))
    drive(scanner, clock, 100)  # 12.5 s of fake time
    assert seen.codes == [A]


# -- losing the camera ---------------------------------------------------------


class ScriptedSource:
    """A FrameSource test double: each read plays the next item (frame, None or exception)."""

    def __init__(self, script: list[np.ndarray | None | BaseException]) -> None:
        self.script = list(script)
        self.reads = 0
        self.closes = 0

    def read(self) -> np.ndarray | None:
        self.reads += 1
        item = self.script.pop(0) if self.script else None
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.closes += 1


def test_a_camera_that_fails_mid_stream_is_reported_once_and_recovers() -> None:
    a, b = make_frame(A, "clean"), make_frame(B, "clean", seed=1)
    script: list[np.ndarray | None | BaseException] = [a, a]
    script += [OSError("USB disconnect"), OSError("still gone"), None, None, None, None]
    script += [b, b, a]
    source = ScriptedSource(script)
    scanner, seen, clock = scanner_for(source)
    events: list[tuple[str, object]] = []
    scanner._on_status = lambda s: (seen.statuses.append(s), events.append(("status", s)))
    scanner._on_code = lambda c: (seen.codes.append(c), events.append(("code", c)))

    waits = drive(scanner, clock, len(script))

    assert seen.statuses == [CAMERA_LOST, CAMERA_OK]
    assert seen.codes == [A, B, A]  # A again: it was away for longer than 3 s
    assert events.index(("status", CAMERA_OK)) < events.index(("code", B))
    assert source.closes == 2  # a source that raised is closed so its next read reopens it
    # Two misses at the frame rate, then back-off 0.5, 1, 2, 4 s until frames return.
    assert waits[2:8] == pytest.approx([0.125, 0.125, 0.5, 1.0, 2.0, 4.0])
    assert waits[8] == pytest.approx(0.125)


def test_back_off_is_capped_and_lost_is_reported_only_once() -> None:
    scanner, seen, clock = scanner_for(ScriptedSource([]))
    waits = drive(scanner, clock, 12)
    assert seen.statuses == [CAMERA_LOST]
    assert max(waits) == 5.0 and waits[-3:] == [5.0, 5.0, 5.0]


def test_a_single_missing_frame_is_not_a_lost_camera() -> None:
    a = make_frame(A, "clean")
    scanner, seen, clock = scanner_for(ScriptedSource([a, None, a, None, None, a]))
    drive(scanner, clock, 6)
    assert seen.statuses == []
    assert seen.codes == [A]


def test_a_decoder_or_callback_that_raises_does_not_stop_the_scanner() -> None:
    class Exploding:
        name = "exploding"

        def __init__(self) -> None:
            self.calls = 0

        def decode(self, gray: np.ndarray) -> list[str]:
            self.calls += 1
            if self.calls <= 2:
                raise RuntimeError("decoder bug")
            return [A, B]

    frame = make_frame(None, "no_code")
    scanner, seen, clock = scanner_for(ScriptedSource([frame] * 4), decoder=Exploding())

    def picky(code: str) -> None:
        seen.codes.append(code)
        if code == A:
            raise ValueError("check-in bug")

    scanner._on_code = picky
    drive(scanner, clock, 4)
    assert seen.codes == [A, B]  # A failed in on_code but is not retried every frame
    assert seen.statuses == []


def test_frames_of_any_channel_layout_are_read() -> None:
    gray = make_frame(A, "clean")
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    for frame in (gray, to_bgr(gray), gray[:, :, None], bgra):
        scanner, seen, clock = scanner_for(ScriptedSource([frame]))
        drive(scanner, clock, 1)
        assert seen.codes == [A], frame.shape
    with pytest.raises(ValueError):
        to_gray(np.zeros((4, 4, 2), np.uint8))


# -- pacing --------------------------------------------------------------------


def run_for(scanner: QrScanner, clock: FakeClock, frames: int) -> None:
    """run() with the fake sleep, stopped after ``frames`` reads."""
    stop = threading.Event()
    source = scanner.source
    real_read: Callable[[], np.ndarray | None] = source.read  # type: ignore[assignment]
    count = 0

    def counting_read() -> np.ndarray | None:
        nonlocal count
        count += 1
        if count >= frames:
            stop.set()
        return real_read()

    source.read = counting_read  # type: ignore[method-assign]
    scanner.run(stop)


class SlowDecoder:
    """Takes ``cost`` seconds of fake time per frame."""

    name = "slow"

    def __init__(self, clock: FakeClock, cost: float) -> None:
        self.clock = clock
        self.cost = cost

    def decode(self, gray: np.ndarray) -> list[str]:
        self.clock.now += self.cost
        return []


@pytest.mark.parametrize(
    ("fps", "cost", "expected_sleep"),
    [(8.0, 0.0, 0.125), (8.0, 0.05, 0.075), (4.0, 0.05, 0.2), (8.0, 0.2, None)],
)
def test_run_sleeps_the_rest_of_each_frame_period(
    fps: float, cost: float, expected_sleep: float | None
) -> None:
    clock = FakeClock()
    idle = make_frame(None, "no_code")
    source = ScriptedSource([idle] * 10)
    scanner, _seen, _ = scanner_for(source, SlowDecoder(clock, cost), fps=fps, clock=clock)
    start = clock.now
    run_for(scanner, clock, 10)
    if expected_sleep is None:  # decoding is slower than the frame rate: no idle sleep
        assert clock.sleeps == []
        assert clock.now - start == pytest.approx(10 * cost)
    else:
        assert clock.sleeps == pytest.approx([expected_sleep] * 9)  # none after stop
        assert clock.now - start == pytest.approx(10 * cost + 9 * expected_sleep)
    assert source.closes == 1  # run() closes the source on the way out


def test_long_back_off_is_slept_in_slices_so_stop_is_prompt() -> None:
    scanner, seen, clock = scanner_for(ScriptedSource([]))
    run_for(scanner, clock, 6)
    assert seen.statuses == [CAMERA_LOST]
    assert max(clock.sleeps) <= 0.25
    # waits: 0.125, 0.125 (misses), then back-off 0.5, 1, 2 (stop after the 6th read)
    assert sum(clock.sleeps) == pytest.approx(0.125 * 2 + 0.5 + 1 + 2)


def test_run_on_a_real_thread_stops_promptly_even_while_backing_off() -> None:
    source = ScriptedSource([])
    backing_off = threading.Event()

    def sleep(seconds: float) -> None:
        if scanner.camera_lost:
            backing_off.set()  # this sleep is part of the 5 s back-off
        time.sleep(seconds)

    scanner = QrScanner(source, ZxingDecoder(), on_code=lambda _c: None, fps=8.0, retry_s=5.0,
                        sleep=sleep)
    stop = threading.Event()
    worker = threading.Thread(target=scanner.run, args=(stop,), daemon=True)
    worker.start()
    assert backing_off.wait(10)  # lost after 3 reads, now in a 5 s back-off
    assert scanner.camera_lost
    stopped_at = time.monotonic()
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - stopped_at < 3.0  # well before the 5 s back-off ends
    assert source.closes == 1


# -- sources -------------------------------------------------------------------


def test_image_folder_cycles_sorted_images_and_lists_new_ones(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, [A, None])
    (folder / "notes.txt").write_text("not an image")
    source = ImageFolderSource(folder)
    first, second, third = source.read(), source.read(), source.read()
    assert first is not None and second is not None and third is not None
    assert first.shape == (480, 640, 3)
    assert np.array_equal(first, third)  # looped back to 000.png
    write_png(folder / "002.jpg", to_bgr(make_frame(B, "clean")))
    # The rest of this pass (001), then a new listing that includes 002.jpg.
    frames = [source.read() for _ in range(4)]
    assert all(f is not None for f in frames)
    texts = [ZxingDecoder().decode(to_gray(f)) for f in frames]  # type: ignore[arg-type]
    assert texts == [[], [A], [], [B]]


def test_image_folder_without_loop_ends(tmp_path: Path) -> None:
    source = ImageFolderSource(folder_of(tmp_path, [A]), loop=False)
    assert source.read() is not None
    assert source.read() is None
    source.close()
    assert source.read() is not None  # close() starts over


def write_video(path: Path, frames: list[np.ndarray], fps: float = 8.0) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write MJPG/AVI here"
    for frame in frames:
        writer.write(to_bgr(frame))
    writer.release()
    return path


def test_a_video_file_is_scanned_and_rewound(tmp_path: Path) -> None:
    frames = [make_frame(None, "no_code", seed=i) for i in range(3)]
    frames += [make_frame(B, "clean", seed=i) for i in range(5)]
    video = write_video(tmp_path / "booking.avi", frames)
    source = VideoFileSource(video)
    scanner, seen, clock = scanner_for(source)
    drive(scanner, clock, 8)
    assert seen.codes == [B]
    assert seen.statuses == []
    # Past the end it rewinds instead of running dry.
    assert all(source.read() is not None for _ in range(20))
    source.close()


def test_a_video_file_without_loop_ends(tmp_path: Path) -> None:
    video = write_video(tmp_path / "short.avi", [make_frame(A, "clean")] * 2)
    source = VideoFileSource(video, loop=False)
    assert source.read() is not None and source.read() is not None
    assert source.read() is None
    assert source.read() is None
    source.close()
    assert VideoFileSource(tmp_path / "missing.avi").read() is None


def test_a_camera_that_does_not_exist_reads_none_and_says_disconnected() -> None:
    for device in ("/dev/video99", 99):
        camera = OpenCvCamera(device)
        assert not camera.disconnected and not camera.is_open  # nothing opened yet
        assert camera.read() is None
        assert camera.disconnected and not camera.is_open
        assert camera.read() is None  # it tries again, still without raising
        camera.close()


def test_a_missing_camera_makes_the_scanner_report_it_lost() -> None:
    scanner, seen, clock = scanner_for(OpenCvCamera("/dev/video99"))
    drive(scanner, clock, 4)
    assert seen.statuses == [CAMERA_LOST]


def test_make_frame_source_dispatch(tmp_path: Path) -> None:
    camera = make_frame_source("0")
    assert isinstance(camera, OpenCvCamera) and camera.device == 0 and not camera.is_open
    assert isinstance(make_frame_source(" 2 "), OpenCvCamera)
    device = make_frame_source("/dev/video99")  # need not exist yet: plugged in later
    assert isinstance(device, OpenCvCamera) and device.device == "/dev/video99"
    by_id = make_frame_source("/dev/v4l/by-id/usb-Logitech_C270-video-index0")
    assert isinstance(by_id, OpenCvCamera)
    assert isinstance(make_frame_source(str(tmp_path)), ImageFolderSource)
    video = tmp_path / "demo.avi"
    video.write_bytes(b"")
    assert isinstance(make_frame_source(str(video)), VideoFileSource)
    with pytest.raises(ValueError, match="not a camera index"):
        make_frame_source(str(tmp_path / "nothing-here"))


def test_qr_scanner_refuses_a_zero_fps() -> None:
    with pytest.raises(ValueError, match="fps"):
        QrScanner(ScriptedSource([]), ZxingDecoder(), on_code=print, fps=0)


def test_empty_folder_is_an_empty_view_and_a_missing_folder_a_lost_camera(tmp_path) -> None:
    from hardware.camera import ImageFolderSource

    empty = tmp_path / "camera"
    empty.mkdir()
    frame = ImageFolderSource(empty).read()
    assert frame is not None and not frame.any()
    assert ImageFolderSource(tmp_path / "missing").read() is None
