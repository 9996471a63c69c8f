"""Staff PIN prompt: the only way out of the locked-down kiosk."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.texts import t

if TYPE_CHECKING:
    from textual.app import ComposeResult


class PinScreen(ModalScreen[str | None]):
    """Dismisses with the staff id of a right PIN, else None (PinGuard rate-limits tries)."""

    def __init__(self, prompt_key: str = "pin.prompt.staff") -> None:
        super().__init__()
        self.prompt_key = prompt_key

    BINDINGS = [("escape", "cancel", "")]

    def compose(self) -> ComposeResult:
        lang = self.app.language
        with Vertical(id="pin-box"):
            yield Static(t("pin.title", lang), classes="title")
            yield Static(t(self.prompt_key, lang), classes="hint")
            yield Input(password=True, max_length=12, restrict=r"[0-9]*", id="pin")
            yield Static("", classes="warning", id="pin-message")

    def on_mount(self) -> None:
        self.query_one("#pin-message", Static).display = False
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        guard = self.app.pin_guard
        who = guard.identify(event.value)
        if who is not None:
            self.dismiss(who)
            return
        event.input.value = ""
        message = self.query_one("#pin-message", Static)
        if guard.locked:  # each lockout is longer: say how long this one is
            minutes = max(1, math.ceil(guard.seconds_left() / 60))
            message.update(t("pin.locked", self.app.language, minutes=minutes))
        else:
            message.update(t("pin.wrong", self.app.language))
        message.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
