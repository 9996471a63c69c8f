"""Memory over many tickets: after a warm-up, the kiosk app keeps nothing per ticket.

A kiosk runs for months on a board with 512 MB-1 GB. Tickets go through the real
app and screens (a lane press, the issuing worker, the ticket screen, the next
press takes it away) and the Python heap is sampled (tracemalloc, after a
collection) every SAMPLE_EVERY tickets; the least-squares slope after the
warm-up must be near zero. Not a timed test: only what stays allocated counts.
A per-ticket leak of a screen's render (Textualize/textual#6665, worked around
in screens/textual_fixes.py) grows it by about 100 kB a ticket.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import tracemalloc

from screens.ticket import TicketScreen
from tests.conftest import quick_buttons, with_cap

WARM_UP, MEASURED, SAMPLE_EVERY = 40, 160, 20
# A fifth of the known leak. Bounded caches still filling after the warm-up (rich's
# cell widths of each ticket's new texts) and what a sample catches in flight make
# this measure +-6 kB a ticket; bench/startup.py gives the slope over 1,000 tickets.
MAX_KB_PER_TICKET = 20.0


def slope(points: list[tuple[int, int]]) -> float:
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    return (sum((x - mean_x) * (y - mean_y) for x, y in points)
            / sum((x - mean_x) ** 2 for x, _ in points))


async def test_many_tickets_leave_no_memory_behind(config, clock, make_app) -> None:
    config = with_cap(quick_buttons(config), "A", None)
    config = dataclasses.replace(config, walkin=dataclasses.replace(config.walkin, per_minute=0))
    app, _appliance = make_app(config, clock)
    labels = {"A": 0, "P": 0}
    points: list[tuple[int, int]] = []
    async with app.run_test(size=(120, 40)) as pilot:

        async def ticket(n: int) -> None:
            lane = "AP"[n % 2]
            labels[lane] += 1
            app.lane_pressed(lane)
            expected = f"{lane}{labels[lane]:03d}"
            for _ in range(500):
                await pilot.pause()
                screen = app.screen
                if isinstance(screen, TicketScreen) and screen.issued.ticket.label == expected:
                    return
            raise AssertionError(f"ticket {expected} was not shown")

        tracemalloc.start()  # from the start: the warm-up fills the caches in its sight
        try:
            for n in range(WARM_UP):
                await ticket(n)
            for n in range(WARM_UP, WARM_UP + MEASURED + 1):
                if (n - WARM_UP) % SAMPLE_EVERY == 0:
                    gc.collect()
                    points.append((n, tracemalloc.get_traced_memory()[0]))
                await ticket(n)
        finally:
            tracemalloc.stop()
    growth_kb = slope(points) / 1024
    assert growth_kb < MAX_KB_PER_TICKET, (
        f"{growth_kb:.1f} kB kept per ticket after {WARM_UP} tickets: "
        + ", ".join(f"{n}: {size / 2**20:.2f} MB" for n, size in points))
