"""`kiosk issue walkin` as one process, against a bare Python process doing one durable insert.

Staff scripts and a broken screen's fallback run `kiosk issue` once per ticket:
each is a fresh interpreter that imports, reads the config, opens the store,
takes a number in one durable commit, prints it and exits. The baseline is the
same interpreter (same venv, same site start-up) doing only ``import sqlite3``
and one ``INSERT`` committed with WAL and synchronous=FULL on the same disk.
A third process is the floor of any in-process ticket: the same insert, plus
python-escpos imported (with the kiosk's cached printer database) and one ticket
laid out; what `kiosk issue` costs above it is the kiosk's own. All three run
interleaved, in fresh processes, and the medians of wall and CPU time are compared.
With --profile-imports the slowest imports of one `kiosk issue`
are listed (python -X importtime), and heavy modules the issue path must not
load are named.

Run: .venv/bin/python bench/cli_issue.py [--runs 21] [--profile-imports]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # bench/startup.py's config writer
TARGET_RATIO = 3.0
# Modules `kiosk issue` has no use for (issue 17): each one here is a regression.
MUST_NOT_LOAD = ("numpy", "sqlite_utils", "pandas", "kiosk.doctor", "kiosk.reports",
                 "kiosk.hub", "kiosk.cli.doctor", "kiosk.cli.report", "textual", "httpx", "cv2",
                 "kiosk.checkin", "cryptography", "kiosk.sync", "kiosk.lan", "kiosk.notify",
                 "kiosk.staff", "screens", "gpiozero", "hardware.camera",
                 # ... and, on this config (simulation, no tracking links, no NIK), these:
                 "kiosk.queue.clock_trust", "kiosk.privacy.nik", "hashlib", "statistics")

BARE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = FULL")
conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, label TEXT, at TEXT)")
conn.execute("BEGIN IMMEDIATE")
n = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM t").fetchone()[0]
conn.execute("INSERT INTO t (id, label, at) VALUES (?, ?, datetime('now'))", (n, f"A{n:03d}"))
conn.execute("COMMIT")
print(f"A{n:03d}")
"""
# The floor: BARE, plus python-escpos making the ticket (as `kiosk issue` does, after
# `hardware` points it at its cached printer database) and appending it to a file.
FLOOR = BARE.replace("import sqlite3, sys", "import sqlite3, sys\nimport hardware\n"
                     "from escpos.printer import Dummy") + """
ticket = Dummy()
ticket.text(f"A{n:03d}\\n")
ticket.cut()
with open(sys.argv[1] + ".bin", "ab") as sink:
    sink.write(ticket.output)
"""


def temp_config(folder: Path) -> Path:
    """config/kiosk.toml (simulation: open all day) with its files in ``folder``, cap 999
    (bench/startup.py writes it: one copy of the rules for both benches)."""
    from startup import bench_config

    return bench_config(folder)


def child_env() -> dict[str, str]:
    drop = ("KIOSK_CONFIG", "NOTIFY_SOCKET", "PYTHONDONTWRITEBYTECODE", "KIOSK_LOG_LEVEL")
    return {k: v for k, v in os.environ.items() if k not in drop}


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system) of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, env=child_env(), capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout.decode().strip()


def kiosk_command(config: Path, flags: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, *flags, "-m", "kiosk.cli", "--config", str(config), "issue", "walkin"]


def imports_of(config: Path) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of one `kiosk issue`, from python -X importtime."""
    proc = subprocess.run(kiosk_command(config, ("-X", "importtime")), env=child_env(),
                          capture_output=True, check=True)
    rows = []
    for line in proc.stderr.decode(errors="replace").splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--profile-imports", action="store_true")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-cli-", dir=ROOT / "var"))
    try:
        config = temp_config(folder)
        bare = [sys.executable, "-c", BARE, str(folder / "bare.db")]
        floor_command = [sys.executable, "-c", FLOOR, str(folder / "floor.db")]
        for _ in range(2):  # warm-up: creates and migrates the store, warms the file cache
            timed(kiosk_command(config))
            timed(bare)
            timed(floor_command)
        kiosk: list[tuple[float, float]] = []
        baseline: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        for _ in range(args.runs):  # interleaved: all three see the same background load
            wall, cpu, label = timed(kiosk_command(config))
            if not re.fullmatch(r"A\d{3,}", label):
                raise SystemExit(f"kiosk issue printed {label!r}, not a ticket number")
            kiosk.append((wall, cpu))
            wall, cpu, _ = timed(bare)
            baseline.append((wall, cpu))
            wall, cpu, _ = timed(floor_command)
            floor.append((wall, cpu))
        rows = imports_of(config)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    loaded = {name.strip() for _, name in rows}
    heavy = sorted(m for m in MUST_NOT_LOAD  # a package counts when any of its modules loads
                   if any(name == m or name.startswith(m + ".") for name in loaded))
    ms = 1000.0
    figures = {
        "bench": "cli_issue", "runs": args.runs,
        "kiosk_issue_wall_median_ms": round(statistics.median(w for w, _ in kiosk) * ms, 1),
        "kiosk_issue_cpu_median_ms": round(statistics.median(c for _, c in kiosk) * ms, 1),
        "bare_wall_median_ms": round(statistics.median(w for w, _ in baseline) * ms, 1),
        "bare_cpu_median_ms": round(statistics.median(c for _, c in baseline) * ms, 1),
        "escpos_floor_wall_median_ms": round(statistics.median(w for w, _ in floor) * ms, 1),
        "escpos_floor_cpu_median_ms": round(statistics.median(c for _, c in floor) * ms, 1),
        "kiosk_issue_wall_min_ms": round(min(w for w, _ in kiosk) * ms, 1),
        "bare_wall_min_ms": round(min(w for w, _ in baseline) * ms, 1),
        "imported_modules": len(loaded),
        "heavy_modules_loaded": heavy,
    }
    figures["ratio_wall_median"] = round(figures["kiosk_issue_wall_median_ms"]
                                         / figures["bare_wall_median_ms"], 2)
    figures["ratio_cpu_median"] = round(figures["kiosk_issue_cpu_median_ms"]
                                        / figures["bare_cpu_median_ms"], 2)
    figures["ratio_floor_wall_median"] = round(figures["escpos_floor_wall_median_ms"]
                                               / figures["bare_wall_median_ms"], 2)
    if args.profile_imports:
        print("slowest imports of one `kiosk issue walkin` (cumulative us, nesting indented):")
        for cumulative, name in sorted(rows, reverse=True)[:30]:
            print(f"  {cumulative:>9}  {name}")
    print(f"kiosk issue walkin : wall median {figures['kiosk_issue_wall_median_ms']:.0f} ms "
          f"(min {figures['kiosk_issue_wall_min_ms']:.0f}), CPU "
          f"{figures['kiosk_issue_cpu_median_ms']:.0f} ms  over {args.runs} processes")
    print(f"bare durable insert: wall median {figures['bare_wall_median_ms']:.0f} ms "
          f"(min {figures['bare_wall_min_ms']:.0f}), CPU {figures['bare_cpu_median_ms']:.0f} ms")
    print(f"floor, + escpos    : wall median {figures['escpos_floor_wall_median_ms']:.0f} ms, "
          f"CPU {figures['escpos_floor_cpu_median_ms']:.0f} ms  (ratio "
          f"{figures['ratio_floor_wall_median']:.2f}: python-escpos' import alone)")
    print(f"ratio (median)     : wall {figures['ratio_wall_median']:.2f}, "
          f"CPU {figures['ratio_cpu_median']:.2f}  (target <= {TARGET_RATIO})")
    print(f"modules imported   : {len(loaded)}; of those it has no use for: "
          f"{', '.join(heavy) or 'none'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
