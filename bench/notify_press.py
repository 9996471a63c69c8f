"""The press path with opt-in messages off and on, against a bare SQLite commit, in one run.

Issue 15 asks that the press path stay as it was when notifications are off. Three
stores on the same disk, pressed in turn through the real path (gpiozero mock pin
-> issuing transaction -> ESC/POS bytes, bench/issue_latency.py's KioskPress):

- ``bare``: one INSERT + durable COMMIT (the floor);
- ``off``: the kiosk with ``[notify]`` off (the default: nothing of kiosk/notify runs);
- ``on``: the kiosk with ``[notify]`` on and its worker running against a real HTTP
  receiver on 127.0.0.1, 30 tickets opted in and the worker polling every 0.2 s
  (25 times the default pace), so its forecasts and sends compete with the presses.

Also: one worker round (forecasts for the 30 opted-in tickets, nothing due), median.
Prints medians, p99 and the ratios off/bare and on/off, then ONE JSON line.

Run: .venv/bin/python bench/notify_press.py [--presses N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from issue_latency import BareCommit, KioskPress, percentile  # noqa: E402

from kiosk.config import load_config  # noqa: E402
from kiosk.config.model import NotifyConfig  # noqa: E402
from kiosk.notify.gateways import make_gateway  # noqa: E402
from kiosk.notify.outbox import OptIn  # noqa: E402
from kiosk.notify.worker import NotifyWorker  # noqa: E402
from kiosk.queue.numbering import Numbering  # noqa: E402
from tests.notify_receiver import Receiver  # noqa: E402

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)  # 10:00 WITA, as KioskPress's clock
OPTED_IN = 30


def notifying_worker(folder: Path, receiver: Receiver) -> NotifyWorker:
    """The worker on the ``on`` store, with OPTED_IN tickets asking for messages."""
    config = load_config(ROOT / "config" / "kiosk.toml")
    config = dataclasses.replace(config, database=folder / "kiosk.db", notify=NotifyConfig(
        enabled=True, url=f"{receiver.url}/hook", poll_s=0.2, timeout_s=2.0))
    worker = NotifyWorker(config, config.database, make_gateway(config.notify),
                          clock=lambda: NOW)
    numbering = Numbering(worker.db, config.office.code, "KUP-BENCH")
    day = worker.calling.today(NOW)
    for n in range(OPTED_IN):
        ticket = numbering.take("P", day, None, NOW)  # another lane: A's presses go on
        worker.opt_in([OptIn(ticket.id, day, "P", ticket.number, ticket.label)],
                      f"0812{n:08d}")
    return worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=600)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    folders = [Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var")) for _ in range(3)]
    receiver = Receiver().start()
    bare, off, on = BareCommit(folders[0]), KioskPress(folders[1]), KioskPress(folders[2])
    worker = notifying_worker(folders[2], receiver)
    rounds: list[float] = []
    for _ in range(20):  # a round's own cost, before the thread starts
        start = time.perf_counter()
        worker.run_once()
        rounds.append(time.perf_counter() - start)
    worker.start()
    times: dict[str, list[float]] = {"bare": [], "off": [], "on": []}
    try:
        for _ in range(50):  # warm-up: file growth, page cache
            bare.once(), off.once(), on.once()
        for _ in range(args.presses):  # interleaved: the same disk and background load
            times["bare"].append(bare.once())
            times["off"].append(off.once())
            times["on"].append(on.once())
    finally:
        worker.close()
        receiver.stop()
        off.close()
        on.close()
        bare.conn.close()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    ms = 1000.0
    figures: dict[str, object] = {"bench": "notify_press", "presses": args.presses,
                                  "opted_in": OPTED_IN, "messages_sent": len(receiver.delivered)}
    for name, values in times.items():
        figures[f"{name}_median_ms"] = round(statistics.median(values) * ms, 3)
        figures[f"{name}_p99_ms"] = round(percentile(values, 99) * ms, 3)
        print(f"{name:>4}: median {figures[f'{name}_median_ms']:.3f} ms, "
              f"p99 {figures[f'{name}_p99_ms']:.3f} ms")
    figures["worker_round_median_ms"] = round(statistics.median(rounds) * ms, 3)
    figures["ratio_off_to_bare"] = round(
        figures["off_median_ms"] / figures["bare_median_ms"], 2)  # type: ignore[operator]
    figures["ratio_on_to_off"] = round(
        figures["on_median_ms"] / figures["off_median_ms"], 2)  # type: ignore[operator]
    print(f"worker round ({OPTED_IN} opted in): median {figures['worker_round_median_ms']} ms")
    print(f"ratio off/bare {figures['ratio_off_to_bare']}, on/off {figures['ratio_on_to_off']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
