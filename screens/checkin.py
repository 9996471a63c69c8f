"""Check-in screens: the numbers for a family, and a keypad for typed codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kiosk.texts import t
from kiosk.texts.wait import wait_line
from screens.bigtext import BigNumber
from screens.countdown import CountdownScreen
from screens.notify_offer import OFFER_KEY, offer_button, offer_from, offered
from screens.ticket import UNPRINTED_FACTOR

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kiosk.checkin.service import CheckedIn

KEYS = "1234567890QWERTYUIOPASDFGHJKLZXCVBNM"



def _key(button: Button) -> Button:
    # Every tap counts, also a quick second tap on the same key (Textual ignores clicks on
    # a button still showing its 0.2 s press effect).
    button.active_effect_duration = 0
    return button

class CheckedInScreen(CountdownScreen):
    """One ticket per applicant; nicknames on screen only, never on paper."""

    BINDINGS = [OFFER_KEY]

    def __init__(self, result: CheckedIn, seconds: float) -> None:
        super().__init__()
        self.result = result
        factor = 1 if result.all_printed else UNPRINTED_FACTOR
        self.remaining = int(seconds * factor + 2 * (len(result.applicants) - 1))

    def compose(self) -> ComposeResult:
        lang = self.app.language
        yield Static(t("checkin.title", lang), classes="title")
        if len(self.result.applicants) == 1:
            yield BigNumber(self.result.labels[0], classes="big", id="number")
        yield Static(t("checkin.done", lang), classes="hint")
        for applicant in self.result.applicants:
            yield Static(t("checkin.applicant", lang, nickname=applicant.nickname,
                           label=applicant.label), classes="quota applicant")
        # A family is called one after another: the first number's wait is theirs.
        wait = self.result.applicants[0].issued.content.wait if self.result.applicants else None
        if wait is not None:
            yield Static(wait_line(wait, lang), classes="hint", id="wait")
        if self.result.all_printed:
            yield Static(t("ticket.take", lang), classes="hint", id="take")
        else:
            yield Static(t("ticket.not_printed", lang), classes="error", id="not-printed")
        if offered(self.app):  # one number gets the messages of the whole family
            yield offer_button(self.app)
        yield Static("", classes="countdown", id="countdown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "notify-offer":
            self.action_notify_offer()

    def action_notify_offer(self) -> None:
        offer_from(self, [a.issued.ticket for a in self.result.applicants])


class KeypadScreen(ModalScreen[str | None]):
    """Type a booking code: for a broken phone screen or a code on paper.

    Works with touch (the on-screen keys) and with any keyboard.
    """

    BINDINGS = [("escape", "cancel", "")]

    def compose(self) -> ComposeResult:
        lang = self.app.language
        with Vertical(id="keypad-box"):
            yield Static(t("keypad.title", lang), classes="title")
            yield Input(max_length=16, restrict=r"[A-Za-z0-9]*", id="code", select_on_focus=False)
            with Grid(id="keys"):
                for key in KEYS:
                    yield _key(Button(key, id=f"key-{key}", classes="key"))
                yield _key(Button("\u232b", id="key-back", classes="key wide"))
                yield Button(t("keypad.ok", lang), id="key-ok", classes="key wide ok")
                yield Button(t("keypad.cancel", lang), id="key-cancel", classes="key wide")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        code = self.query_one("#code", Input)
        key = (event.button.id or "").removeprefix("key-")
        if key == "ok":
            self._submit(code.value)
        elif key == "cancel":
            self.dismiss(None)
        elif key == "back":
            code.value = code.value[:-1]
        elif len(code.value) < 16:
            code.value += key
        code.cursor_position = len(code.value)
        code.focus()  # typing and Enter keep going to the code after a touch

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        if value.strip():
            self.dismiss(value.strip().upper())

    def action_cancel(self) -> None:
        self.dismiss(None)
