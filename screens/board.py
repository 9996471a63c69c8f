"""`kiosk board`: the lobby TV board as a full-screen terminal app (a second process).

It only reads the kiosk's store through its own connection, so it can run on
the kiosk Pi's HDMI port or on any machine that sees the same database file,
and it keeps working whatever the kiosk UI is doing. Polling twice a second
is cheap (one indexed read of the newest event seq) and puts a call on the
board within a second; the board redraws only when something changed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Static

from kiosk.queue.calling_view import board_state, calling_service, change_marker
from kiosk.texts import ZONE_ABBREVIATIONS, format_date
from screens.bigtext import fit_big

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.config import Config
    from kiosk.queue.calling import CallingService

POLL_S = 0.5
NOTICE_STEP_S = 0.2  # one character per step: readable, not jumpy
NOTICE_GAP = "   \u2022   "


class CounterTile(Vertical):
    """One counter: its name and the number it called, in block letters when they fit."""

    def __init__(self, number: int, name: str) -> None:
        super().__init__(id=f"counter-{number}", classes="tile")
        self.number, self.counter_name = number, name
        self.label: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(escape(self.counter_name), classes="tile-name")
        yield Static("", classes="tile-label")

    def show(self, label: str | None, newest: bool) -> None:
        self.label = label
        self.set_class(newest, "newest")
        self.set_class(label is None, "idle")
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        target = self.query_one(".tile-label", Static)
        text = self.label or "-"
        width = target.size.width or self.size.width or self.app.size.width
        big = fit_big(text, width) if self.label else None  # from 80 columns: narrow letters
        target.update(text if big is None else big)


class BoardApp(App[None]):
    """Now serving per counter (newest highlighted), last calls, queues, clock, notice."""

    TITLE = "Papan Antrian"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { background: black; color: white; layout: vertical; }
    #top { height: 1; background: $primary-darken-2; }
    #office { width: 1fr; text-style: bold; padding: 0 1; }
    #clock { width: auto; text-style: bold; color: yellow; padding: 0 1; }
    #counters { grid-size: 3; grid-gutter: 1 1; height: auto; padding: 1 1 0 1; }
    .tile { height: auto; border: heavy $panel-lighten-2; }
    .tile-name { text-style: bold; color: yellow; width: 100%; text-align: center; }
    .tile-label { text-style: bold; width: 100%; text-align: center; }
    .tile.idle .tile-label { color: $text-muted; }
    .tile.newest { border: heavy yellow; background: yellow 25%; }
    .tile.newest .tile-label { color: yellow; }
    #lists { height: 1fr; padding: 1 1 0 1; }
    #last, #waiting { width: 1fr; border: round cyan; padding: 0 1; height: auto; }
    #notice { dock: bottom; height: 1; background: yellow; color: black; text-style: bold; }
    """

    def __init__(self, config: Config, calling: CallingService, poll_s: float = POLL_S,
                 notice_step_s: float = NOTICE_STEP_S) -> None:
        super().__init__()
        self.config, self.calling = config, calling
        self.poll_s, self.notice_step_s = poll_s, notice_step_s
        self.state: dict[str, Any] | None = None
        self._marker: object = None
        self._notice_offset = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static(escape(self.config.office.name), id="office")
            yield Static("", id="clock")
        columns = max(1, min(3, len(self.config.counters)))
        with Grid(id="counters") as grid:
            grid.styles.grid_size_columns = columns
            for c in sorted(self.config.counters, key=lambda c: c.number):
                yield CounterTile(c.number, c.name)
        with Horizontal(id="lists"):
            yield Static("", id="last")
            yield Static("", id="waiting")
        yield Static("", id="notice")

    def on_mount(self) -> None:
        self.refresh_board()
        self.tick_clock()
        self.set_interval(self.poll_s, self.refresh_board)
        self.set_interval(1.0, self.tick_clock)
        self.set_interval(self.notice_step_s, self.scroll_notice)

    def refresh_board(self) -> None:
        """Redraw from the store, only when it changed since the last poll."""
        marker = change_marker(self.calling)
        if marker == self._marker:
            return
        self._marker = marker
        self.state = state = board_state(self.calling, self.config)
        for counter in state["counters"]:
            self.query_one(f"#counter-{counter['number']}", CounterTile).show(
                counter["label"], counter["newest"])
        last = [f"{r['label']:<5} \u2192 {r['counter_name']}  {r['at']}"
                + ("  (ulang)" if r["kind"] == "recall" else "") for r in state["last_calls"]]
        self.query_one("#last", Static).update(
            "[b]Panggilan Terakhir[/b]\n" + escape("\n".join(last) or "Belum ada panggilan"))
        waiting = [f"{lane['code']} {lane['name']}: {lane['waiting']} orang"
                   for lane in state["lanes"]]
        self.query_one("#waiting", Static).update(
            "[b]Jumlah Menunggu[/b]\n" + escape("\n".join(waiting)))
        self.scroll_notice(advance=False)

    def tick_clock(self) -> None:
        now = self.calling.clock().astimezone(self.config.timezone)
        zone = ZONE_ABBREVIATIONS.get(self.config.timezone.key, "")
        self.query_one("#clock", Static).update(
            f"{format_date(now.date(), 'id')}  {now:%H:%M:%S} {zone}")

    def notice_text(self) -> str:
        """What the notice line shows now: all of it if it fits, else a scrolling window."""
        notice = self.config.board.notice
        width = self.query_one("#notice", Static).size.width or self.size.width
        if not notice or len(notice) <= width:
            return notice.center(width) if notice else ""
        loop = notice + NOTICE_GAP
        start = self._notice_offset % len(loop)
        return (loop * (width // len(loop) + 2))[start:start + width]

    def scroll_notice(self, advance: bool = True) -> None:
        if advance:
            self._notice_offset += 1
        notice = self.query_one("#notice", Static)
        notice.display = bool(self.config.board.notice)
        notice.update(escape(self.notice_text()))


def run_board(config: Config) -> int:
    from kiosk import store
    from kiosk.clock import utc_now

    db = store.connect(config.database)
    try:
        BoardApp(config, calling_service(config, db, utc_now)).run()
    finally:
        db.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m screens.board [--config FILE]`` (what `kiosk board` runs)."""
    from kiosk.config import ConfigError, config_path, load_config

    parser = argparse.ArgumentParser(prog="kiosk board", description="lobby board (read-only)")
    parser.add_argument("--config", help="config file (default: $KIOSK_CONFIG or "
                        "config/kiosk.toml)")
    args = parser.parse_args(argv)
    try:
        config = load_config(config_path(args.config))
    except ConfigError as exc:
        print(f"Konfigurasi salah / bad configuration: {exc}", file=sys.stderr)
        return 1
    return run_board(config)


if __name__ == "__main__":
    sys.exit(main())
