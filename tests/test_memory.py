"""Memory over many tickets: after a warm-up, the kiosk app keeps nothing per ticket.

A kiosk runs for months on a board with 512 MB-1 GB. A thousand tickets go through
the real app and screens (a lane press, the issuing worker, the ticket screen, the
next press takes it away) and the live Python objects are counted
(``sys.getallocatedblocks()``, after a collection) every SAMPLE_EVERY tickets; the
least-squares slope after the warm-up must be near zero. Not a timed test: only
what stays allocated counts. A kept ticket screen is about 8,800 blocks a ticket;
the per-ticket leak of a screen's render (Textualize/textual#6665, worked around in
screens/textual_fixes.py) was about 100 kB a ticket, a thousand blocks and more.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import sys
import weakref

import pytest

from kiosk.ops import lean
from screens.ticket import TicketScreen
from tests.conftest import quick_buttons, with_cap

WARM_UP, MEASURED, SAMPLE_EVERY = 40, 960, 40
# Bounded caches filling and emptying (Textual's and rich's) make the count a saw
# tooth of about 70,000 blocks every 150-200 tickets; over 1,000 tickets its slope is
# a few tens of blocks a ticket (14 when this was written), a kept screen 8,800.
# Counting blocks rather than tracing bytes (tracemalloc) keeps the run to a
# couple of minutes: tracing slowed the app 2.5 times.
MAX_BLOCKS_PER_TICKET = 250.0
# Between two applicants: more than the countdown's one-second timer, which holds its
# gone screen until it next wakes.
IDLE_S = 1.5


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

        for n in range(WARM_UP):
            await ticket(n)
        for n in range(WARM_UP, WARM_UP + MEASURED + 1):
            if (n - WARM_UP) % SAMPLE_EVERY == 0:
                gc.collect()
                points.append((n, sys.getallocatedblocks()))
            await ticket(n)
    growth = slope(points)
    assert growth < MAX_BLOCKS_PER_TICKET, (
        f"{growth:.0f} blocks kept per ticket after {WARM_UP} tickets: "
        + ", ".join(f"{n}: {blocks}" for n, blocks in points))


@pytest.fixture
def no_automatic_gc():
    """Only an explicit collection may free a gone screen during the test."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def kiosk_run_started(no_automatic_gc):
    """`kiosk run` once started (kiosk/ops/lean.py); undone after the test."""
    lean.after_start()
    try:
        yield
    finally:
        lean._started.clear()


async def _first_ticket_screen(config, clock, make_app) -> weakref.ref:
    """A ticket, home again, the next applicant's ticket: what is left of the first
    ticket's screen once the second one is drawn."""
    app, _appliance = make_app(quick_buttons(config), clock)
    shown: list[weakref.ref] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for lane in "AP":
            app.lane_pressed(lane)
            for _ in range(500):
                await pilot.pause()
                if isinstance(app.screen, TicketScreen) and weakref.ref(app.screen) not in shown:
                    break
            assert isinstance(app.screen, TicketScreen)
            shown.append(weakref.ref(app.screen))
            for _ in range(5):
                await pilot.pause()
            app.go_home()  # as after the countdown; the next applicant comes a while later
            await pilot.pause(IDLE_S)
        return shown[0]


async def test_kiosk_run_frees_gone_ticket_screens_promptly(
        config, clock, make_app, kiosk_run_started) -> None:
    """A gone screen is a reference cycle: Python's own full collection would free it
    only several tickets later, after the heap has grown by those screens. Under
    `kiosk run` a result screen, once drawn, has the screens gone before it collected."""
    first = await _first_ticket_screen(config, clock, make_app)
    assert first() is None


async def test_other_processes_leave_the_collection_to_python(
        config, clock, make_app, no_automatic_gc) -> None:
    """Tests and other processes do not pay for a full collection after every ticket:
    there the screens wait for Python's own collection."""
    first = await _first_ticket_screen(config, clock, make_app)
    assert first() is not None
    gc.collect()
    assert first() is None


async def test_the_count_catches_a_kept_screen(config, clock, make_app, monkeypatch) -> None:
    """The negative case: every ticket screen kept alive (as by a stray reference)
    fails the slope check, even over a shorter run."""
    from tests import test_memory

    kept: list[TicketScreen] = []
    # Textual also calls the base class's on_mount (the countdown): this one only keeps.
    monkeypatch.setattr(TicketScreen, "on_mount", lambda self: kept.append(self), raising=False)
    monkeypatch.setattr(test_memory, "MEASURED", 160)
    monkeypatch.setattr(test_memory, "SAMPLE_EVERY", 20)
    with pytest.raises(AssertionError, match="blocks kept per ticket"):
        await test_many_tickets_leave_no_memory_behind(config, clock, make_app)
    assert len(kept) == WARM_UP + 161
