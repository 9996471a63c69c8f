"""Cold start of the kiosk app to serving, and its memory, against a Textual hello-world.

After a crash or a power cut systemd starts the kiosk again: until it is
*serving* (store open, services attached, lane buttons live) a press only
waits. Each run is a fresh Python process (nothing imported yet; the OS file
cache is warm, as it is for a restart). The kiosk runs exactly as `kiosk run`
does (kiosk.cli.main on a copy of config/kiosk.toml whose store, ticket output
and camera folder are in a temp directory; the folder camera holds one photo,
so OpenCV loads as with a real camera), headless. A hello-world (one Static)
is measured the same way in the same run, interleaved. Reported:

- time to serving (kiosk) against the hello-world's first frame: the headline;
  the kiosk's own first frame beside it, and the CPU time each process has used
  by then (all threads: when it is the wall time, only less work starts sooner);
- resident memory once start-up has settled (every deferred step done, the
  camera thread running, then SETTLE_S more), against the hello-world settled;
- with --tickets N (default 1000), in one more run of each: resident memory
  after N tickets through the real screens (press, ticket screen, next press),
  against the hello-world after N screens pushed and popped, and the kiosk's
  growth per ticket over the second half (a leak shows as a slope).
- with --where: where the kiosk's megabytes are (tracemalloc by package,
  /proc/self/smaps by mapping), settled and after the tickets.

Run: .venv/bin/python bench/startup.py [--runs 5] [--tickets 1000] [--profile-imports] [--where]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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
TIMEOUT_S = 600.0
TARGET_RATIO, TARGET_RSS_MB, TARGET_TICKETS_RSS_MB = 1.5, 80.0, 90.0
SETTLE_S = 2.0  # after the last start-up step: threads warm, first camera frames decoded
CHECKPOINTS = (100, 250, 500, 750, 1000)  # tickets at which memory is sampled


# --- in the child process ----------------------------------------------------------------

def memory_kb() -> dict[str, int]:
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            figures[key] = int(value.split()[0])
    return figures


def cpu_s() -> float:
    """CPU time this process has used so far, all threads, user and system: a start
    whose CPU time is its wall time is bound by the CPU, not by waiting."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def smaps_top(count: int = 8) -> list[tuple[str, int]]:
    """The largest mappings by resident kB (/proc/self/smaps), grouped by file."""
    sizes: dict[str, int] = {}
    name = "[anon]"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        first = line.split(maxsplit=5)
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = first[5] if len(first) > 5 else "[anon]"
            name = Path(name).name if name.startswith("/") else name
        elif first and first[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(first[1])
    return sorted(sizes.items(), key=lambda item: -item[1])[:count]


def tracemalloc_top(count: int = 10) -> list[tuple[str, float]]:
    """Python allocations by top-level package (or stdlib module), MB."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return []
    groups: dict[str, int] = {}
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        path = stat.traceback[0].filename
        match = re.search(r"site-packages/([^/]+)", path) or re.search(
            r"/(kiosk|screens|hardware)/", path) or re.search(r"python3\.\d+/([^/]+)", path)
        key = match.group(1) if match else path
        groups[key] = groups.get(key, 0) + stat.size
    return [(k, round(v / 2**20, 2)) for k, v in
            sorted(groups.items(), key=lambda item: -item[1])[:count]]


def where(label: str) -> dict:
    return {"at": label, **memory_kb(), "smaps_kb": smaps_top(), "python_mb": tracemalloc_top()}


def instrument(app_class, ready, result: Path, serving=None, settled=None, drive=None) -> None:
    """Patch ``app_class`` to run headless and write stamps into ``result``: the first
    frame once ``ready(app)`` holds and a refresh has passed; when ``serving(app)`` first
    holds; memory once ``settled(app)`` holds plus SETTLE_S; then ``drive(app, done)``
    (tickets or screens) and memory when it calls ``done``."""
    from textual.app import App

    stamp: dict = {"where": []}

    def finish(app) -> None:
        result.write_text(json.dumps(stamp))
        app.exit()

    def after_settling(app) -> None:
        stamp.update(settled_at=time.monotonic(), settled=memory_kb())
        if os.environ.get("BENCH_WHERE"):
            stamp["where"].append(where("settled"))
        if drive is None:
            return finish(app)

        def done(samples: dict) -> None:
            stamp.update(driven=memory_kb(), samples=samples)
            if os.environ.get("BENCH_WHERE"):
                stamp["where"].append(where("driven"))
            finish(app)

        drive(app, done)

    def poll(app) -> None:
        if "serving_at" not in stamp and (serving is None or serving(app)):
            stamp.update(serving_at=time.monotonic(), serving_cpu=cpu_s(), serving=memory_kb())
        if "serving_at" in stamp and "settle_from" not in stamp and (
                settled is None or settled(app)):
            stamp["settle_from"] = time.monotonic()
            app.set_timer(SETTLE_S, lambda: after_settling(app))

    def report(app, drawn: bool = False) -> None:
        if not ready(app):
            app.call_after_refresh(report, app)
        elif not drawn:  # the screen is up: let one refresh draw it
            app.call_after_refresh(report, app, True)
        else:
            stamp.update(frame_at=time.monotonic(), frame_cpu=cpu_s(), frame=memory_kb())
            app.set_interval(0.005, lambda: poll(app))

    original_mount = app_class.on_mount

    def on_mount(self):
        outcome = original_mount(self) if original_mount is not None else None
        self.call_after_refresh(report, self)
        return outcome

    app_class.on_mount = on_mount
    app_class.run = lambda self, *args, **kwargs: App.run(self, headless=True, size=SIZE)


def sampler(total: int):
    """Memory at each checkpoint of ``total`` steps."""
    samples: dict[int, int] = {}

    def sample(n: int) -> None:
        if n in CHECKPOINTS or n == total:
            samples[n] = memory_kb()["VmRSS"]

    return samples, sample


def child_minimal(result: Path, screens: int) -> None:
    sys.path.insert(0, str(ROOT))
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Static

    # The kiosk's fix of Textual's cache of gone widgets (screens/textual_fixes.py), so the
    # baseline's memory after N screens is not that bug's.
    from screens.textual_fixes import release_gone_widgets_render_caches

    class Shown(Screen):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        def compose(self) -> ComposeResult:
            yield Static(f"A{self.n:03d}")

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Ambil Nomor Antrian")

        def on_mount(self) -> None:
            pass

    def drive(app, done) -> None:
        samples, sample = sampler(screens)
        count = [0]

        def step() -> None:  # like the kiosk: the last screen goes, the next one comes
            if count[0] == screens:
                timer.stop()
                return done(samples)
            if len(app.screen_stack) > 1:
                app.pop_screen()
            count[0] += 1
            app.push_screen(Shown(count[0]))
            sample(count[0])

        timer = app.set_interval(0.002, step)

    release_gone_widgets_render_caches()
    instrument(Minimal, lambda app: True, result, drive=drive if screens else None)
    Minimal().run()


def child_kiosk(result: Path, config: Path, tickets: int) -> None:
    sys.path.insert(0, str(ROOT))
    import kiosk.cli
    import screens.app

    started: list[bool] = []
    original = kiosk.cli._start_after_first_frame

    def start_after_first_frame(*args, **kwargs) -> None:
        original(*args, **kwargs)
        started.append(True)  # every deferred step has run (the camera thread included)

    kiosk.cli._start_after_first_frame = start_after_first_frame

    def home_shown(app) -> bool:
        return type(app.screen).__name__ == "HomeScreen" and app.screen.is_mounted

    def serving(app) -> bool:  # the store and services attached (docs/design.md, "Start-up")
        if app.start_error is not None:
            raise SystemExit(f"the kiosk could not start: {app.start_error}")
        return app.service is not None

    def settled(app) -> bool:
        return bool(started) and app.scanner is not None

    def drive(app, done) -> None:
        samples, sample = sampler(tickets)
        outcomes: dict[str, int] = {}
        shown = [0]
        original_show = app.show_result

        def show_result(outcome) -> None:
            original_show(outcome)
            kind = type(outcome).__name__
            if hasattr(outcome, "reason"):  # a refusal: which one
                kind += f" {outcome.reason}"
            outcomes[kind] = outcomes.get(kind, 0) + 1
            shown[0] += 1
            sample(shown[0])
            if shown[0] == tickets:
                samples["outcomes"] = outcomes
                app.set_timer(0.5, lambda: done(samples))
            else:  # the next applicant: walk-in and priority in turn
                app.lane_pressed("AP"[shown[0] % 2])

        app.show_result = show_result
        app.lane_pressed("A")

    instrument(screens.app.KioskApp, home_shown, result, serving, settled,
               drive if tickets else None)
    code = kiosk.cli.main(["--config", str(config), "run"])
    if code:
        raise SystemExit(code)


# --- in the parent -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_config(folder: Path, **more: object) -> Path:
    """config/kiosk.toml with everything it writes moved into ``folder`` (and ``more``
    keys set), the cap and the per-minute walk-in limit at their highest, so a thousand
    tickets are tickets. Shared with bench/cli_issue.py."""
    text = (ROOT / "config" / "kiosk.toml").read_text(encoding="utf-8")
    replacements = {"database": folder / "kiosk.db", "output": folder / "tickets.bin",
                    "source": folder / "camera", **more}
    for key, value in replacements.items():
        text, count = re.subn(rf'^{key} = "[^"]*"', f'{key} = "{value}"', text,
                              flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"config/kiosk.toml: expected one '{key} = ...' line, found {count}")
    text = re.sub(r"^cap = \d+", "cap = 999  # the highest: the bench takes many", text,
                  flags=re.MULTILINE)
    if "[walkin]" in text:
        raise SystemExit("config/kiosk.toml has a [walkin] table: set per_minute there")
    text += "\n[walkin]\nper_minute = 600\n"
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def temp_config(folder: Path) -> Path:
    """The bench's config, with a LAN port of its own and a camera: a folder holding
    one photo, so OpenCV loads and decodes as with a real camera."""
    path = bench_config(folder, listen=f"127.0.0.1:{free_port()}")
    camera = folder / "camera"
    camera.mkdir()
    from PIL import Image  # one 640x480 photo of an empty lobby: OpenCV reads it, 8 fps

    Image.new("RGB", (640, 480), (120, 110, 100)).save(camera / "lobby.png")
    return path


def child_env(folder: Path, where: bool = False) -> dict[str, str]:
    """No systemd hand-over; bytecode cached (in ``folder``) as on an installed kiosk."""
    drop = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "KIOSK_CONFIG",
            "PYTHONDONTWRITEBYTECODE", "BENCH_WHERE", "PYTHONTRACEMALLOC")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    if where:
        env["BENCH_WHERE"] = "1"
    return env


def run_child(kind: str, folder: Path, config: Path | None, steps: int = 0,
              python_flags: tuple[str, ...] = ()) -> dict:
    result = folder / f"{kind}.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, *python_flags, __file__, "--child", kind, "--result", str(result),
               "--tickets", str(steps)]
    if config is not None:
        command += ["--config", str(config)]
    where = "tracemalloc" in " ".join(python_flags)
    start = time.monotonic()
    proc = subprocess.run(command, env=child_env(folder, where), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=TIMEOUT_S, check=False)
    if proc.returncode != 0 or not result.exists():
        raise SystemExit(f"{kind} child failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode(errors='replace')[-3000:]}")
    stamp = json.loads(result.read_text())
    mb = 1 / 1024
    return {"frame_s": stamp["frame_at"] - start, "serving_s": stamp["serving_at"] - start,
            "frame_cpu_s": stamp["frame_cpu"], "serving_cpu_s": stamp["serving_cpu"],
            "frame_rss_mb": stamp["frame"]["VmRSS"] * mb,
            "serving_rss_mb": stamp["serving"]["VmRSS"] * mb,
            "settled_rss_mb": stamp["settled"]["VmRSS"] * mb,
            "settled_anon_mb": stamp["settled"]["RssAnon"] * mb,
            "driven_rss_mb": stamp.get("driven", {}).get("VmRSS", 0) * mb,
            "driven_hwm_mb": stamp.get("driven", {}).get("VmHWM", 0) * mb,
            "samples": stamp.get("samples", {}), "where": stamp["where"],
            "stderr": proc.stderr.decode(errors="replace")}


def profile_imports(folder: Path, config: Path) -> None:
    """The kiosk start's slowest imports, cumulative (python -X importtime)."""
    run = run_child("kiosk", folder, config, python_flags=("-X", "importtime"))
    rows = []
    for line in run["stderr"].splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("slowest imports (cumulative us, nesting shown by indent):")
    for cumulative, name in sorted(rows, reverse=True)[:25]:
        print(f"  {cumulative:>9}  {name}")


def slope_kb_per_step(samples: dict) -> float | None:
    """Least-squares growth (kB per ticket) over the second half of the checkpoints."""
    points = sorted((int(k), v) for k, v in samples.items() if k.isdigit())
    points = [p for p in points if p[0] >= points[-1][0] / 2] if points else []
    if len(points) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return round(num / sum((x - mean_x) ** 2 for x, _ in points), 2)


def print_where(run: dict) -> None:
    for place in run["where"]:
        rss, anon, files = (place[k] / 1024 for k in ("VmRSS", "RssAnon", "RssFile"))
        print(f"where the kiosk's memory is ({place['at']}): RSS {rss:.1f} MB,"
              f" anonymous {anon:.1f} MB, files {files:.1f} MB")
        print("  mappings (smaps, resident MB): " + ", ".join(
            f"{name} {kb / 1024:.1f}" for name, kb in place["smaps_kb"]))
        print("  Python allocations (tracemalloc, MB): " + ", ".join(
            f"{name} {mb}" for name, mb in place["python_mb"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--profile-imports", action="store_true")
    parser.add_argument("--where", action="store_true")
    parser.add_argument("--child", choices=("kiosk", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "minimal":
        return child_minimal(args.result, args.tickets)
    if args.child == "kiosk":
        return child_kiosk(args.result, args.config, args.tickets)

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
        kiosk_driven = minimal_driven = None
        if args.tickets:
            kiosk_driven = run_child("kiosk", folder, config, args.tickets)
            minimal_driven = run_child("minimal", folder, None, args.tickets)
        where_run = None
        if args.where:
            where_run = run_child("kiosk", folder, config, args.tickets,
                                  ("-X", "tracemalloc=1"))
        if args.profile_imports:
            profile_imports(folder, config)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    ms = 1000.0
    figures: dict = {
        "bench": "startup", "runs": args.runs,
        "kiosk_serving_median_ms": round(median(kiosk, "serving_s") * ms, 1),
        "kiosk_serving_min_ms": round(min(r["serving_s"] for r in kiosk) * ms, 1),
        "kiosk_first_frame_median_ms": round(median(kiosk, "frame_s") * ms, 1),
        "minimal_first_frame_median_ms": round(median(minimal, "frame_s") * ms, 1),
        "minimal_first_frame_min_ms": round(min(r["frame_s"] for r in minimal) * ms, 1),
        # CPU time of the process by then (the interpreter's start excluded from neither)
        "kiosk_serving_cpu_median_ms": round(median(kiosk, "serving_cpu_s") * ms, 1),
        "minimal_first_frame_cpu_median_ms": round(median(minimal, "frame_cpu_s") * ms, 1),
        "kiosk_serving_rss_mb": round(median(kiosk, "serving_rss_mb"), 1),
        "kiosk_settled_rss_mb": round(median(kiosk, "settled_rss_mb"), 1),
        "kiosk_settled_anon_mb": round(median(kiosk, "settled_anon_mb"), 1),
        "minimal_settled_rss_mb": round(median(minimal, "settled_rss_mb"), 1),
    }
    figures["ratio_serving_median"] = round(figures["kiosk_serving_median_ms"]
                                            / figures["minimal_first_frame_median_ms"], 2)
    figures["ratio_first_frame_median"] = round(figures["kiosk_first_frame_median_ms"]
                                                / figures["minimal_first_frame_median_ms"], 2)
    print(f"kiosk serving          : median {figures['kiosk_serving_median_ms']:.0f} ms "
          f"(min {figures['kiosk_serving_min_ms']:.0f})  over {args.runs} fresh processes")
    print(f"kiosk first frame      : median {figures['kiosk_first_frame_median_ms']:.0f} ms")
    print(f"hello-world first frame: median {figures['minimal_first_frame_median_ms']:.0f} ms "
          f"(min {figures['minimal_first_frame_min_ms']:.0f})")
    print(f"CPU time by then       : kiosk {figures['kiosk_serving_cpu_median_ms']:.0f} ms "
          f"to serving, hello-world {figures['minimal_first_frame_cpu_median_ms']:.0f} ms "
          f"to its first frame (all threads)")
    print(f"ratio (median)         : serving {figures['ratio_serving_median']:.2f} "
          f"(target <= {TARGET_RATIO}), first frame {figures['ratio_first_frame_median']:.2f}")
    print(f"resident memory        : kiosk {figures['kiosk_serving_rss_mb']:.1f} MB serving, "
          f"{figures['kiosk_settled_rss_mb']:.1f} MB settled with the camera on "
          f"(target <= {TARGET_RSS_MB:.0f}); "
          f"hello-world {figures['minimal_settled_rss_mb']:.1f} MB")
    if kiosk_driven is not None and minimal_driven is not None:
        figures.update({
            "tickets": args.tickets,
            "kiosk_tickets_rss_mb": round(kiosk_driven["driven_rss_mb"], 1),
            "kiosk_tickets_hwm_mb": round(kiosk_driven["driven_hwm_mb"], 1),
            "kiosk_tickets_settled_rss_mb": round(kiosk_driven["settled_rss_mb"], 1),
            "kiosk_growth_kb_per_ticket": slope_kb_per_step(kiosk_driven["samples"]),
            "kiosk_outcomes": kiosk_driven["samples"].get("outcomes"),
            "minimal_screens_rss_mb": round(minimal_driven["driven_rss_mb"], 1),
            "minimal_growth_kb_per_screen": slope_kb_per_step(minimal_driven["samples"]),
        })
        print(f"after {args.tickets} tickets   : kiosk {figures['kiosk_tickets_rss_mb']:.1f} MB "
              f"(peak {figures['kiosk_tickets_hwm_mb']:.1f}; target <= "
              f"{TARGET_TICKETS_RSS_MB:.0f}), growth {figures['kiosk_growth_kb_per_ticket']} "
              f"kB/ticket over the second half; outcomes {figures['kiosk_outcomes']}")
        print(f"hello-world, {args.tickets} screens: {figures['minimal_screens_rss_mb']:.1f} MB, "
              f"growth {figures['minimal_growth_kb_per_screen']} kB/screen")
    if where_run is not None:
        print_where(where_run)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
