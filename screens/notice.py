"""Screens that say why nothing was issued: quota, closed, printer, clock, check-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Static

from kiosk.checkin.service import CheckinRefused, refusal_text
from kiosk.texts import t
from kiosk.texts.notices import notice_lines
from screens.countdown import CountdownScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kiosk.queue.issuing import Refused


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


class StartFailedScreen(Screen):
    """`kiosk run` could not open the store or build the devices: it stays up, with the
    reason, until staff fix it and restart; no countdown, nothing to go home to."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        lang = self.app.language
        yield Static(self.app.config.office.name, classes="office")
        yield Static(t("error.title", lang), classes="notice-title", id="notice-title")
        yield Static(t("start_failed.body", lang, reason=self.reason), classes="notice-body",
                     id="notice-0")
        yield Static(t("start_failed.help", lang), classes="notice-body", id="notice-1")
