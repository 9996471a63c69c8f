"""Cold start of the kiosk app to its first interactive frame, against a minimal Textual app.

After a crash or a power cut systemd starts the kiosk again: how long the
lobby sees a blank screen is this number. Each run is a fresh Python process
(nothing imported yet; the OS file cache is warm, as it is for a restart).
The kiosk runs exactly as `kiosk run` does (kiosk.cli.main on a copy of
config/kiosk.toml whose store, ticket output and camera folder are in a temp
directory), headless; the first frame is stamped once the home screen is up
and a refresh has passed. A minimal app (one Static) is measured the same way
in the same run. The kiosk draws that frame before its store is open (it says
it is getting ready; presses meanwhile wait): also reported is when it is
serving (store and services attached) and its resident memory then.

Run: .venv/bin/python bench/startup.py [--runs 7] [--profile-imports]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 40)
TIMEOUT_S = 120.0
TARGET_RATIO, TARGET_RSS_MB = 1.5, 120.0


# --- in the child process ----------------------------------------------------------------

def memory_kb() -> dict[str, int]:
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0])
    return figures


def stamp_first_frame(app_class, ready, result: Path, serving=None) -> None:
    """Patch ``app_class`` to run headless and write a stamp once its first screen is shown;
    with ``serving``, also when serving(app) first holds (memory is taken then)."""
    from textual.app import App

    def report(app, settled: bool = False) -> None:
        if not ready(app):
            app.call_after_refresh(report, app)
        elif not settled:  # the screen is up: let one refresh draw it
            app.call_after_refresh(report, app, True)
        else:
            stamp = {"frame_at": time.monotonic(), **memory_kb()}
            if serving is None:
                result.write_text(json.dumps(stamp))
                app.exit()
                return

            def poll() -> None:
                if serving(app):
                    stamp.update(serving_at=time.monotonic(), **memory_kb())
                    result.write_text(json.dumps(stamp))
                    app.exit()

            app.set_interval(0.005, poll)

    original_mount = app_class.on_mount

    def on_mount(self):
        outcome = original_mount(self) if original_mount is not None else None
        self.call_after_refresh(report, self)
        return outcome

    app_class.on_mount = on_mount
    app_class.run = lambda self, *args, **kwargs: App.run(self, headless=True, size=SIZE)


def child_minimal(result: Path) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Ambil Nomor Antrian")

        def on_mount(self) -> None:
            pass

    stamp_first_frame(Minimal, lambda app: True, result)
    Minimal().run()


def child_kiosk(result: Path, config: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import screens.app
    from kiosk.cli import main

    def home_shown(app) -> bool:
        return type(app.screen).__name__ == "HomeScreen" and app.screen.is_mounted

    def serving(app) -> bool:  # the store and services attached (docs/design.md, "Start-up")
        if app.start_error is not None:
            raise SystemExit(f"the kiosk could not start: {app.start_error}")
        return app.service is not None

    stamp_first_frame(screens.app.KioskApp, home_shown, result, serving)
    code = main(["--config", str(config), "run"])
    if code:
        raise SystemExit(code)


# --- in the parent -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def temp_config(folder: Path) -> Path:
    """config/kiosk.toml with everything it writes moved into ``folder``."""
    text = (ROOT / "config" / "kiosk.toml").read_text(encoding="utf-8")
    replacements = {
        "database": folder / "kiosk.db", "output": folder / "tickets.bin",
        "source": folder / "camera", "listen": f"127.0.0.1:{free_port()}",
    }
    for key, value in replacements.items():
        text, count = re.subn(rf'^{key} = "[^"]*"', f'{key} = "{value}"', text,
                              flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"config/kiosk.toml: expected one '{key} = ...' line, found {count}")
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def child_env(folder: Path) -> dict[str, str]:
    """No systemd hand-over; bytecode cached (in ``folder``) as on an installed kiosk."""
    drop = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "KIOSK_CONFIG",
            "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def run_child(kind: str, folder: Path, config: Path | None,
              python_flags: tuple[str, ...] = ()) -> dict[str, float]:
    result = folder / f"{kind}.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, *python_flags, __file__, "--child", kind, "--result", str(result)]
    if config is not None:
        command += ["--config", str(config)]
    start = time.monotonic()
    proc = subprocess.run(command, env=child_env(folder), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=TIMEOUT_S, check=False)
    ended = time.monotonic()
    if proc.returncode != 0 or not result.exists():
        raise SystemExit(f"{kind} child failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode(errors='replace')[-3000:]}")
    stamp = json.loads(result.read_text())
    return {"start_s": stamp["frame_at"] - start, "process_s": ended - start,
            "serving_s": stamp.get("serving_at", stamp["frame_at"]) - start,
            "rss_mb": stamp["VmRSS"] / 1024, "hwm_mb": stamp["VmHWM"] / 1024,
            "stderr": proc.stderr.decode(errors="replace")}


def profile_imports(folder: Path, config: Path) -> None:
    """The kiosk start's slowest imports, cumulative (python -X importtime)."""
    run = run_child("kiosk", folder, config, ("-X", "importtime"))
    rows = []
    for line in run["stderr"].splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("slowest imports (cumulative us, nesting shown by indent):")
    for cumulative, name in sorted(rows, reverse=True)[:25]:
        print(f"  {cumulative:>9}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile-imports", action="store_true")
    parser.add_argument("--child", choices=("kiosk", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "minimal":
        return child_minimal(args.result)
    if args.child == "kiosk":
        return child_kiosk(args.result, args.config)

    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-", dir=ROOT / "var"))
    try:
        config = temp_config(folder)
        # Warm-up (not counted): creates and migrates the store and compiles the bytecode,
        # as the install and the first boot did on a Pi.
        run_child("kiosk", folder, config)
        run_child("minimal", folder, None)
        kiosk, minimal = [], []
        for _ in range(args.runs):  # interleaved: both see the same background load
            kiosk.append(run_child("kiosk", folder, config))
            minimal.append(run_child("minimal", folder, None))
        if args.profile_imports:
            profile_imports(folder, config)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    ms = 1000.0
    figures = {
        "bench": "startup", "runs": args.runs,
        "kiosk_first_frame_median_ms": round(median(kiosk, "start_s") * ms, 1),
        "minimal_first_frame_median_ms": round(median(minimal, "start_s") * ms, 1),
        "kiosk_first_frame_min_ms": round(min(r["start_s"] for r in kiosk) * ms, 1),
        "minimal_first_frame_min_ms": round(min(r["start_s"] for r in minimal) * ms, 1),
        "kiosk_serving_median_ms": round(median(kiosk, "serving_s") * ms, 1),
        "kiosk_rss_mb": round(median(kiosk, "rss_mb"), 1),
        "kiosk_hwm_mb": round(median(kiosk, "hwm_mb"), 1),
        "minimal_rss_mb": round(median(minimal, "rss_mb"), 1),
    }
    figures["ratio_median"] = round(figures["kiosk_first_frame_median_ms"]
                                    / figures["minimal_first_frame_median_ms"], 2)
    print(f"kiosk app   first frame: median {figures['kiosk_first_frame_median_ms']:.0f} ms "
          f"(min {figures['kiosk_first_frame_min_ms']:.0f})  over {args.runs} fresh processes")
    print(f"minimal app first frame: median {figures['minimal_first_frame_median_ms']:.0f} ms "
          f"(min {figures['minimal_first_frame_min_ms']:.0f})")
    print(f"ratio (median)         : {figures['ratio_median']:.2f}  (target <= {TARGET_RATIO})")
    print(f"kiosk serving (store and services attached): median "
          f"{figures['kiosk_serving_median_ms']:.0f} ms")
    print(f"kiosk resident memory  : {figures['kiosk_rss_mb']:.1f} MB once serving, "
          f"peak {figures['kiosk_hwm_mb']:.1f} MB  (target < {TARGET_RSS_MB:.0f} MB; "
          f"minimal app {figures['minimal_rss_mb']:.1f} MB)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
