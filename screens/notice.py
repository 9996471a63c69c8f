"""Screens that say why nothing was issued: quota, closed, printer, clock, check-in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.checkin import CheckinRefused, refusal_text
from kiosk.issuing import Refused
from kiosk.notices import notice_lines
from screens.countdown import CountdownScreen


class NoticeScreen(CountdownScreen):
    """A title and a few lines, then back home after a countdown."""

    def __init__(self, refused: Refused | CheckinRefused, seconds: float) -> None:
        super().__init__()
        self.refused = refused
        self.remaining = int(seconds)

    def _lines(self) -> tuple[str, list[str]]:
        if isinstance(self.refused, CheckinRefused):
            title, body = refusal_text(self.refused, self.app.language)
            return title, body.split("\n")
        return notice_lines(self.refused, self.app.language)

    def compose(self) -> ComposeResult:
        title, body = self._lines()
        yield Static(self.app.config.office.name, classes="office")
        yield Static(title, classes="notice-title", id="notice-title")
        for index, line in enumerate(body):
            yield Static(line, classes="notice-body", id=f"notice-{index}")
        yield Static("", classes="countdown", id="countdown")
