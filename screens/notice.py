"""Screens that say why no number was given: quota used up, closed, printer, clock."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kiosk.issuing import Refused
from kiosk.notices import notice_lines
from kiosk.texts import t


class NoticeScreen(Screen):
    def __init__(self, refused: Refused, seconds: float) -> None:
        super().__init__()
        self.refused = refused
        self.remaining = int(seconds)

    def compose(self) -> ComposeResult:
        title, body = notice_lines(self.refused, self.app.language)
        yield Static(self.app.config.office.name, classes="office")
        yield Static(title, classes="notice-title", id="notice-title")
        for index, line in enumerate(body):
            yield Static(line, classes="notice-body", id=f"notice-{index}")
        yield Static("", classes="countdown", id="countdown")

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.remaining <= 0:
            self.app.go_home()
            return
        self.query_one("#countdown", Static).update(
            t("back_home", self.app.language, seconds=self.remaining))
        self.remaining -= 1
