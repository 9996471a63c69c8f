"""QR decoders on camera-like frames: time per frame, codes read, and the idle scanner's CPU.

Every frame is generated (tests/qr_images.py): each distortion the tests use
x three booking payloads, at 640x480 and 1280x720, plus frames without a
code. Each decoder gets the same frames in the same order; per-frame times
are the median of a few repeats. Then a QrScanner runs at 8 fps for ~3 s on
a folder of code-free frames, which is what the kiosk does all day, and the
process CPU time it used is divided by the wall time.

Run: .venv/bin/python bench/qr_decode.py [--repeats N] [--idle-seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hardware.camera import ImageFolderSource, QrScanner  # noqa: E402
from hardware.qr_decode import DECODER_NAMES, QrDecoder, make_decoder  # noqa: E402
from tests.qr_images import (  # noqa: E402
    SIZES,
    VARIANTS,
    benchmark_set,
    make_frame,
    to_bgr,
    write_png,
)

MS = 1000.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_decoders(
    decoders: dict[str, QrDecoder], repeats: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[tuple[str, str], list[bool]]]]:
    """Per decoder: per-size frame times, and per (size, variant) whether each frame was right."""
    times: dict[str, dict[str, list[float]]] = {n: defaultdict(list) for n in decoders}
    right: dict[str, dict[tuple[str, str], list[bool]]] = {n: defaultdict(list) for n in decoders}
    for size_name, variant, _payload_name, payload, frame in benchmark_set():
        want = [] if payload is None else [payload]
        for name, decoder in decoders.items():
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                got = decoder.decode(frame)
                runs.append(time.perf_counter() - start)
            times[name][size_name].append(statistics.median(runs))
            right[name][(size_name, variant)].append(got == want)
    return times, right


def idle_cpu(decoder_name: str, seconds: float, fps: float = 8.0) -> dict[str, float]:
    """CPU share of a QrScanner scanning code-free 640x480 frames, as on a quiet lobby day.

    The simulation source decodes a PNG per frame, which a camera would not
    (it has its own capture cost instead), so the CPU spent inside
    ``source.read`` is also measured, on the scanner's thread, and reported
    apart: the share without it is what the loop and the decoder cost.
    """
    with tempfile.TemporaryDirectory(prefix="qr-idle-") as tmp:
        for seed in range(4):
            write_png(Path(tmp) / f"{seed}.png", to_bgr(make_frame(None, "no_code", seed=seed)))
        frames = 0
        read_cpu = 0.0

        def on_code(_text: str) -> None:
            raise AssertionError("a code-free frame produced a code")

        source = ImageFolderSource(tmp)
        real_read = source.read

        def read() -> np.ndarray | None:
            nonlocal frames, read_cpu
            frames += 1
            before = time.thread_time()
            frame = real_read()
            read_cpu += time.thread_time() - before
            return frame

        source.read = read  # type: ignore[method-assign]
        scanner = QrScanner(source, make_decoder(decoder_name), on_code=on_code, fps=fps)
        stop = threading.Event()
        worker = threading.Thread(target=scanner.run, args=(stop,))
        wall0, cpu0 = time.perf_counter(), time.process_time()
        worker.start()
        time.sleep(seconds)
        stop.set()
        worker.join()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "cpu_share": round(cpu / wall, 4),
        "cpu_share_without_png_load": round((cpu - read_cpu) / wall, 4),
        "frames": frames,
        "fps_achieved": round(frames / wall, 2),
        "cpu_ms_per_frame": round(cpu / max(frames, 1) * MS, 3),
        "png_load_ms_per_frame": round(read_cpu / max(frames, 1) * MS, 3),
    }


def frame_to_ticket(count: int = 60) -> dict[str, float]:
    """A frame with a valid signed QR -> decode -> check-in -> ticket bytes at python-escpos."""
    import dataclasses
    from datetime import UTC, date, datetime

    import cv2
    from escpos.printer import Dummy

    from hardware.camera import to_gray
    from hardware.printers import EscposTicketPrinter
    from kiosk import store
    from kiosk.appliance import checkin_for
    from kiosk.checkin.booking_samples import make_sample_bookings
    from kiosk.config import load_config
    from kiosk.queue.issuing import IssuingService

    arrived = [0.0]

    class StampedDummy(Dummy):
        def _raw(self, msg: bytes) -> None:
            arrived[0] = time.perf_counter()
            super()._raw(msg)
            self.clear()

    key = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as folder:
        made = make_sample_bookings(Path(folder) / "qr", "KUP", date(2026, 11, 25), count, key,
                                    key_id="demo", seed=1)
        frames = [cv2.imread(str(png)) for _, _, png in made.samples]
        config = load_config(ROOT / "config" / "kiosk.toml")
        config = dataclasses.replace(config, database=Path(folder) / "kiosk.db")
        db = store.connect(config.database)
        service = IssuingService(config, db, EscposTicketPrinter(StampedDummy, 80, 0.5),
                                 clock=lambda: datetime(2026, 11, 25, 2, tzinfo=UTC))
        checkin = checkin_for(config, service)
        decoder = make_decoder("zxing")
        samples = []
        for frame in frames:
            start = time.perf_counter()
            texts = decoder.decode(to_gray(frame))
            result = checkin.check_in(texts[0]) if texts else None
            if result is not None and hasattr(result, "labels"):
                samples.append(arrived[0] - start)  # first applicant's ticket bytes
        db.close()
    return {"frames": count, "checked_in": len(samples),
            "median_ms": round(statistics.median(samples) * 1000, 3),
            "p95_ms": round(percentile(samples, 95) * 1000, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    args = parser.parse_args()
    started = time.perf_counter()

    decoders = {name: make_decoder(name) for name in DECODER_NAMES}
    for decoder in decoders.values():  # warm-up: lazy library set-up, caches
        decoder.decode(make_frame("warm-up", "clean"))
    times, right = time_decoders(decoders, args.repeats)

    figures: dict[str, object] = {
        "bench": "qr_decode",
        "machine": f"{platform.machine()} x{os.cpu_count()}",
        "frames_per_size": len(times["zxing"][next(iter(SIZES))]),
        "repeats": args.repeats,
    }
    per_size: dict[str, dict[str, dict[str, float]]] = {}
    for name in decoders:
        per_size[name] = {}
        for size_name in SIZES:
            ts = times[name][size_name]
            coded = [
                ok
                for (s, v), oks in right[name].items()
                if s == size_name and VARIANTS[v].has_code
                for ok in oks
            ]
            empty = [
                ok
                for (s, v), oks in right[name].items()
                if s == size_name and not VARIANTS[v].has_code
                for ok in oks
            ]
            per_size[name][size_name] = {
                "median_ms": round(statistics.median(ts) * MS, 3),
                "p95_ms": round(percentile(ts, 95) * MS, 3),
                "read_rate": round(sum(coded) / len(coded), 3),
                "false_reads": len(empty) - sum(empty),
            }
    for size_name in SIZES:
        fastest = min(per_size[n][size_name]["median_ms"] for n in decoders)
        zbar = per_size["zbar"][size_name]["median_ms"]
        for name in decoders:
            row = per_size[name][size_name]
            row["x_fastest"] = round(row["median_ms"] / fastest, 2)
            row["x_zbar"] = round(row["median_ms"] / zbar, 2)
    figures["decoders"] = per_size

    by_variant: dict[str, dict[str, str]] = {}
    for name in decoders:
        by_variant[name] = {}
        for variant in VARIANTS:
            oks = [ok for (_s, v), runs in right[name].items() if v == variant for ok in runs]
            by_variant[name][variant] = f"{sum(oks)}/{len(oks)}"
    figures["right_by_variant"] = by_variant

    idle = {name: idle_cpu(name, args.idle_seconds) for name in ("zxing", "zbar")}
    figures["idle_scanner_8fps"] = idle
    figures["frame_to_ticket"] = frame_to_ticket()
    figures["runtime_s"] = round(time.perf_counter() - started, 1)

    print(f"QR decoders on generated frames ({figures['machine']}, {args.repeats} repeats)")
    print()
    header = f"{'decoder':8} {'size':9} {'median':>9} {'p95':>9} {'x fastest':>9} {'x zbar':>7}"
    print(header + f" {'read':>6} {'false':>5}")
    for name in decoders:
        for size_name in SIZES:
            r = per_size[name][size_name]
            print(
                f"{name:8} {size_name:9} {r['median_ms']:7.2f}ms {r['p95_ms']:7.2f}ms "
                f"{r['x_fastest']:9.2f} {r['x_zbar']:7.2f} {r['read_rate']:6.0%} "
                f"{r['false_reads']:5d}"
            )
    print()
    print("frames decoded right, both sizes (no_code: right = nothing read)")
    print(f"{'variant':13}" + "".join(f"{name:>9}" for name in decoders))
    for variant in VARIANTS:
        print(f"{variant:13}" + "".join(f"{by_variant[n][variant]:>9}" for n in decoders))
    print()
    for name, r in idle.items():
        print(
            f"idle QrScanner, {name}, 8 fps, {args.idle_seconds:.0f} s on no-code PNGs: "
            f"{r['cpu_share']:.1%} of one core, {r['cpu_share_without_png_load']:.1%} without "
            f"the PNG loading ({r['frames']} frames at {r['fps_achieved']} fps; "
            f"{r['cpu_ms_per_frame']} ms CPU/frame of which {r['png_load_ms_per_frame']} ms "
            f"imread)"
        )
    e2e = figures["frame_to_ticket"]
    print(f"frame with a valid signed QR -> check-in -> ticket bytes: median "
          f"{e2e['median_ms']} ms, p95 {e2e['p95_ms']} ms ({e2e['checked_in']}/{e2e['frames']} "
          f"make-qr sample PNGs, zxing, one commit per family)")
    print(json.dumps(figures, separators=(",", ":")))


if __name__ == "__main__":
    main()
