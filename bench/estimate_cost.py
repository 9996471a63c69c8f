"""The wait forecast on the press path, against the lane-count estimate it replaced.

"People before you" is now the call order played forward over today's queues
(kiosk/queue/call_forecast.py). This measures, in one run and interleaved:

1. the estimate alone: ``PaceCache.forecast`` (read the waiting queues, play
   the call order until the new ticket) against ``PaceCache.estimate`` with
   the lane's own waiting count (the estimate before the forecast), with the
   pace cached (no call since the last press) and re-read (a call since);
2. the whole press, gpiozero mock pin to python-escpos bytes, with each of the
   two estimates, against a bare ``INSERT + COMMIT`` (bench/issue_latency.py's floor);
3. a dawn burst of walk-in presses, where each forecast goes on from the one
   before (``Simulation.extend``) instead of playing the queue again.

Queues of 50, 200 and 400 waiting applicants (half walk-in, a third booked, the
rest priority), three counters as in config/kiosk.toml, priority-first; the
press is a walk-in, the lane the policy calls last, so the simulation runs
longest. The same again for the Batam-like office of
config/example-multiservice.toml ("multiservice"): five services, eight
counters, passport services through two stages (the day's first calls send
applicants on to "foto", so both stages have queues), against the three-lane
office measured in the same run.

In (2) each new ticket is set aside after its press (outside the timing) so the
queue stays the size it is measured at, and no forecast can go on from the last;
in (3) the queue grows by one walk-in a press.

Run: .venv/bin/python bench/estimate_cost.py [--presses N] [--sizes 50,200,400]
                                             [--offices default,multiservice]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
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

from gpiozero.pins.mock import MockFactory  # noqa: E402
from issue_latency import BareCommit, StampedDummy, percentile  # noqa: E402

from hardware.gpio_panel import ButtonPanel  # noqa: E402
from hardware.printers import EscposTicketPrinter  # noqa: E402
from kiosk import store  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.queue.calling_view import calling_service  # noqa: E402
from kiosk.queue.issuing import IssuingService  # noqa: E402
from kiosk.queue.numbering import Numbering  # noqa: E402
from kiosk.queue.wait_estimate import ticket_wait  # noqa: E402
from kiosk.store import immediate  # noqa: E402
from kiosk.store.events import append_event  # noqa: E402

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)  # 10:00 WITA, a Wednesday
# Which tickets wait, per office: half walk-in, a third booked, the rest priority for
# the default office; regular passports, express, priority, pick-up, stay permits and
# online bookings for the Batam-like one.
OFFICES = {"default": ("kiosk.toml", "AAAAAABBBBPP"),
           "multiservice": ("example-multiservice.toml", "AAAAAACCPPDDEB")}
CALLS_BEFORE = 30  # calls already made today: the counters' ratios and turns


class LaneCountIssuing(IssuingService):
    """The press path before the forecast: the lane's own waiting count and its estimate."""

    def ahead_and_wait(self, ticket):
        ahead = self.numbering.waiting_before(ticket.lane, ticket.office_day, ticket.number)
        estimate = self.pace.estimate(ticket.office_day, ticket.lane, ahead, self.clock())
        return ahead, ticket_wait(estimate)


def config_for(folder: Path, office: str = "default"):
    config = load_config(ROOT / "config" / OFFICES[office][0])
    lanes = {code: dataclasses.replace(lane, cap=None) for code, lane in config.lanes.items()}
    gpio = dataclasses.replace(config.gpio, cooldown_s=0, bounce_s=0)
    walkin = dataclasses.replace(config.walkin, per_minute=10**9)
    return dataclasses.replace(config, database=folder / "kiosk.db", lanes=lanes, gpio=gpio,
                               walkin=walkin)


class Office:
    """A store with ``waiting`` applicants waiting and the day's first calls made."""

    def __init__(self, folder: Path, waiting: int, service_class: type[IssuingService],
                 seed: int = 13, office: str = "default") -> None:
        folder.mkdir()
        self.config = config_for(folder, office)
        lane_mix = OFFICES[office][1]
        self.db = store.connect(self.config.database)
        rng = random.Random(seed)
        numbering = Numbering(self.db, self.config.office.code, "BENCH")
        day = NOW.date()
        for _ in range(waiting + CALLS_BEFORE):
            numbering.take(rng.choice(lane_mix), day, None, NOW)
        self.calling = calling_service(self.config, self.db, lambda: NOW)
        counters = sorted(self.calling.counters)
        for i in range(CALLS_BEFORE):  # with stages, "next" sends the last one on
            self.calling.call_next(counters[i % len(counters)])
        printer = EscposTicketPrinter(StampedDummy, self.config.printer.paper_width_mm, 0.5)
        self.service = service_class(self.config, self.db, printer, clock=lambda: NOW)
        self.panel = ButtonPanel(self.config.gpio, self._press, MockFactory())
        self.pin = self.panel.buttons["A"].pin
        self.day = day
        self.last = None

    def _press(self, lane: str) -> None:
        self.last = self.service.issue(lane)

    def press(self, set_aside: bool = True) -> float:
        start = time.perf_counter()
        self.pin.drive_low()  # mock pins call back synchronously: issuing runs here
        elapsed = StampedDummy.arrived - start
        self.pin.drive_high()
        if set_aside:
            self.set_aside()
        return elapsed

    def set_aside(self) -> None:
        """Keep the queue at its size: the pressed ticket stops waiting (not timed)."""
        ticket = self.last.ticket
        with immediate(self.db) as conn:  # with its event, as every change to who waits
            conn.execute(
                "UPDATE tickets SET status = 'served' WHERE office_code = ? AND office_day = ?"
                " AND lane = ? AND number = ?",
                (self.config.office.code, self.day.isoformat(), ticket.lane, ticket.number))
            append_event(conn, office_code=self.config.office.code, office_day=self.day,
                         device_id="BENCH", kind="bench_set_aside", at=NOW,
                         ticket_id=ticket.id)

    def close(self) -> None:
        self.panel.close()
        self.db.close()


def estimate_costs(office: Office, rounds: int) -> dict[str, list[float]]:
    """One A ticket's estimate both ways, pace cached and re-read, interleaved."""
    pace = office.service.pace
    ticket = office.service.numbering.take("A", office.day, None, NOW)
    ahead = office.service.numbering.waiting_before("A", office.day, ticket.number)
    times: dict[str, list[float]] = {k: [] for k in ("lane_warm", "forecast_warm",
                                                     "lane_cold", "forecast_cold")}
    for _ in range(rounds):
        for name, run in (("lane", lambda: pace.estimate(office.day, "A", ahead, NOW)),
                          ("forecast", lambda: pace.forecast(office.day, "A", ticket.number,
                                                             NOW))):
            pace._paces.clear()
            pace._floor = None
            start = time.perf_counter()
            run()
            times[f"{name}_cold"].append(time.perf_counter() - start)
            start = time.perf_counter()
            run()
            times[f"{name}_warm"].append(time.perf_counter() - start)
    office.last = type("Taken", (), {"ticket": ticket})
    office.set_aside()  # the queue back to its size
    return times


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 3)


def report(size: int, row: dict) -> None:
    est = {k: row[f"estimate_{k}_median_ms"] for k in
           ("forecast_warm", "forecast_cold", "lane_warm", "lane_cold")}
    print(f"{size:4d} waiting | estimate: forecast {est['forecast_warm']:.3f} ms"
          f" (re-read {est['forecast_cold']:.3f}) vs lane count {est['lane_warm']:.3f} ms"
          f" (re-read {est['lane_cold']:.3f}), x{row['estimate_warm_ratio']}")
    print(f"             | press -> bytes: forecast {row['press_forecast_median_ms']:.3f} ms"
          f" vs lane count {row['press_lane_count_median_ms']:.3f} ms"
          f" (x{row['press_ratio_vs_lane_count']}), bare commit"
          f" {row['bare_commit_median_ms']:.3f} ms (x{row['press_ratio_vs_bare_commit']})")
    print(f"             | walk-in burst: forecast {row['burst_press_forecast_median_ms']:.3f} ms"
          f" vs lane count {row['burst_press_lane_count_median_ms']:.3f} ms"
          f" (x{row['burst_ratio_vs_lane_count']}), {row['burst_resumed']} forecasts went on")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--sizes", default="50,200,400")
    parser.add_argument("--offices", default="default,multiservice")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    offices = args.offices.split(",")
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
    figures: dict = {"bench": "estimate_cost", "presses": args.presses, "rounds": args.rounds,
                     "sizes": {}, "offices": {}}
    bare = BareCommit(folder)
    try:
        for office, size in [(o, s) for o in offices for s in sizes]:
            print(f"-- office: {office}")
            old = Office(folder / f"lane-{office}-{size}", size, LaneCountIssuing, office=office)
            new = Office(folder / f"forecast-{office}-{size}", size, IssuingService,
                         office=office)
            try:
                costs = estimate_costs(new, args.rounds)
                floor, before, after = [], [], []
                for _ in range(20):  # warm-up: file growth, page cache
                    bare.once()
                    old.press()
                    new.press()
                for _ in range(args.presses):  # interleaved: same disk, same load
                    floor.append(bare.once())
                    before.append(old.press())
                    after.append(new.press())
                last = new.last.ticket  # the forecast counts at least the lane's own waiting
                assert new.last.content.ahead >= new.service.numbering.waiting_before(
                    last.lane, last.office_day, last.number)
                assert new.service.pace.resumed == 0  # every press played the queue again
                burst_floor, burst_before, burst_after = [], [], []
                for _ in range(args.presses):  # a dawn burst: walk-ins only, the queue grows
                    burst_floor.append(bare.once())
                    burst_before.append(old.press(set_aside=False))
                    burst_after.append(new.press(set_aside=False))
                resumed = new.service.pace.resumed
            finally:
                old.close()
                new.close()
            row = {f"estimate_{k}_median_ms": ms(v) for k, v in costs.items()}
            row |= {
                "press_lane_count_median_ms": ms(before),
                "press_forecast_median_ms": ms(after),
                "press_forecast_p99_ms": round(percentile(after, 99) * 1000, 3),
                "bare_commit_median_ms": ms(floor),
                "burst_press_lane_count_median_ms": ms(burst_before),
                "burst_press_forecast_median_ms": ms(burst_after),
                "burst_bare_commit_median_ms": ms(burst_floor),
                "burst_resumed": resumed,
            }
            row["estimate_warm_ratio"] = round(
                row["estimate_forecast_warm_median_ms"] / row["estimate_lane_warm_median_ms"], 2)
            row["press_ratio_vs_lane_count"] = round(
                row["press_forecast_median_ms"] / row["press_lane_count_median_ms"], 2)
            row["press_ratio_vs_bare_commit"] = round(
                row["press_forecast_median_ms"] / row["bare_commit_median_ms"], 2)
            row["burst_ratio_vs_lane_count"] = round(
                row["burst_press_forecast_median_ms"] / row["burst_press_lane_count_median_ms"], 2)
            figures["offices"].setdefault(office, {})[str(size)] = row
            if office == "default":
                figures["sizes"][str(size)] = row  # where earlier runs kept them
            report(size, row)
        for size in sizes:  # the Batam-like office against the three-lane one, same run
            rows = [figures["offices"].get(o, {}).get(str(size)) for o in
                    ("multiservice", "default")]
            if all(rows):
                many, few = rows
                ratio = {k: round(many[k] / few[k], 2) for k in (
                    "estimate_forecast_warm_median_ms", "press_forecast_median_ms")}
                figures.setdefault("multiservice_vs_default", {})[str(size)] = ratio
                print(f"{size:4d} waiting | five services with stages vs three lanes: estimate"
                      f" x{ratio['estimate_forecast_warm_median_ms']}, press -> bytes"
                      f" x{ratio['press_forecast_median_ms']}")
    finally:
        bare.conn.close()
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
