"""`kiosk board`: the Textual lobby board reading the store through its own connection.

Calls are made through a second CallingService on another connection, as the
kiosk (or the LAN API, or the CLI) would from another process.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Static

from kiosk import store
from kiosk.config import BoardConfig, Config
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from screens.bigtext import render_big
from screens.board import BoardApp, CounterTile
from tests.conftest import MovableClock

NOTICE = "Siapkan KTP asli sebelum dipanggil."


@pytest.fixture
def board_config(config: Config) -> Config:
    return dataclasses.replace(config, board=BoardConfig(NOTICE))


@pytest.fixture
def make_board(board_config: Config, clock: MovableClock):
    opened = []

    def factory(cfg: Config = board_config, **kwargs) -> BoardApp:
        db = store.connect(cfg.database)  # the board's own connection, as in its own process
        opened.append(db)
        return BoardApp(cfg, calling_service(cfg, db, clock), **kwargs)

    yield factory
    for db in opened:
        db.close()


def issue(db, config: Config, clock: MovableClock, lanes: str) -> None:
    calling = calling_service(config, db, clock)
    numbering = Numbering(db, config.office.code, "KUP-SIM1")
    for lane in lanes:
        numbering.take(lane, calling.today(), None, clock())


def text(app: BoardApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    """Poll until the board shows it; the latency itself is measured in bench/call_latency.py."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_a_call_appears_at_its_counter_within_a_second(board_config, db, clock,
                                                             make_board) -> None:
    issue(db, board_config, clock, "AAB")
    staff = calling_service(board_config, db, clock)
    app = make_board()
    async with app.run_test(size=(160, 45)) as pilot:
        tile2 = app.query_one("#counter-2", CounterTile)
        assert tile2.label is None and tile2.has_class("idle")
        assert "A Antrian Umum: 2 orang" in text(app, "#waiting")
        assert "Belum ada panggilan" in text(app, "#last")

        assert staff.call_next(3).label == "B001"  # counter 3 serves online bookings only
        tile3 = app.query_one("#counter-3", CounterTile)
        await wait_for(pilot, lambda: tile3.label == "B001")
        assert tile3.has_class("newest") and not tile3.has_class("idle")
        assert "\u2588" in text(app, "#counter-3 .tile-label")  # block letters on a TV
        assert "B Online: 0 orang" in text(app, "#waiting")
        assert "B001" in text(app, "#last") and "Loket 3 (Online)" in text(app, "#last")

        clock.advance(minutes=1)
        assert staff.call_next(2).label == "A001"
        await wait_for(pilot, lambda: tile2.label == "A001")
        assert tile2.has_class("newest")
        assert not tile3.has_class("newest")  # only the newest call is highlighted
        assert tile3.label == "B001"
        assert "A Antrian Umum: 1 orang" in text(app, "#waiting")
        last = text(app, "#last").splitlines()
        assert last[1].startswith("A001") and last[2].startswith("B001")

        staff.recall(3)
        await wait_for(pilot, lambda: tile3.has_class("newest"))
        assert "(ulang)" in text(app, "#last").splitlines()[1]

        staff.mark_served(2)
        await wait_for(pilot, lambda: tile2.label is None)
        assert tile2.has_class("idle")


async def test_clock_and_office_are_shown(board_config, make_board) -> None:
    app = make_board()
    async with app.run_test(size=(160, 45)):
        assert "Kantor Imigrasi Kelas I TPI Kupang" in text(app, "#office")
        assert "Rabu, 25 November 2026" in text(app, "#clock")
        assert "09:00:00 WITA" in text(app, "#clock")


async def test_notice_is_shown_and_scrolls_when_too_long(board_config, make_board) -> None:
    app = make_board()
    async with app.run_test(size=(160, 45)):
        assert NOTICE in text(app, "#notice")  # fits: shown whole, standing still

    long_notice = "Loket pembayaran tutup pukul 15.00 WITA. " * 3
    cfg = dataclasses.replace(board_config, board=BoardConfig(long_notice.strip()))
    app = make_board(cfg, notice_step_s=60)  # the test moves it, one step at a time
    async with app.run_test(size=(60, 30)) as pilot:
        first = text(app, "#notice")
        assert first.startswith("Loket pembayaran") and len(first) == 60
        app.scroll_notice()
        await pilot.pause()
        assert text(app, "#notice") == first[1:] + long_notice[60]
        loop = long_notice.strip() + "   \u2022   "
        for _ in range(len(loop)):
            app.scroll_notice()
        await pilot.pause()
        assert text(app, "#notice") == first[1:] + long_notice[60]  # round and round


async def test_no_notice_hides_the_line(config, make_board) -> None:
    app = make_board(dataclasses.replace(config, board=BoardConfig("")))
    async with app.run_test(size=(100, 30)):
        assert not app.query_one("#notice", Static).display


def big_letters(shown: str, label: str) -> bool:
    """``shown`` is ``label`` in bigtext's block letters (narrow or wide), not plain text."""
    return shown.strip("\n") in (render_big(label, 1, narrow=True), render_big(label, 1))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_big_digits_from_80_columns(board_config, db, clock, make_board, size) -> None:
    """Issue 13: `kiosk board` showed block letters only from about 200 columns."""
    assert len(board_config.counters) == 3  # three tiles side by side
    issue(db, board_config, clock, "PA")
    calling = calling_service(board_config, db, clock)
    calling.call_next(1)
    calling.call_next(2)
    app = make_board()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for counter, label in ((1, "P001"), (2, "A001")):
            shown = text(app, f"#counter-{counter} .tile-label")
            assert big_letters(shown, label), shown
            assert len(shown.strip("\n").splitlines()) == 5
        tiles = [app.query_one(f"#counter-{n}", CounterTile) for n in (1, 2, 3)]
        assert all(tile.region.right <= size[0] for tile in tiles)  # nothing cut off
        assert len({tile.region.y for tile in tiles}) == 1


async def test_a_very_small_terminal_falls_back_to_plain_labels(board_config, db, clock,
                                                                make_board) -> None:
    issue(db, board_config, clock, "P")
    calling_service(board_config, db, clock).call_next(1)
    app = make_board()
    async with app.run_test(size=(50, 24)):
        assert app.query_one("#counter-1", CounterTile).label == "P001"
        assert "P001" in text(app, "#counter-1 .tile-label")
