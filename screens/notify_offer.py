"""The opt-in for messages, offered on the ticket and check-in screens ([notify] enabled):
a consent screen in plain words (what is sent, when the number is erased, UU 27/2022),
then the phone number on big keys, then a short confirmation and back home.

Skippable at every step, and it never holds the lobby: each screen goes back by
itself after ``[notify] offer_seconds`` without a touch, and while the consent
screen is up a lane button still gives the next person a number (only the keypad,
like the NIK keypad, keeps its digits to itself). The number is drawn masked
(first and last four digits) and checked here first, so a slip costs a retry.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Static

from kiosk.notify.outbox import OptIn
from kiosk.notify.phone import MAX_TYPED, PhoneInvalid, masked_typing, normalize_phone
from kiosk.texts import t
from screens.countdown import CountdownScreen
from screens.nik_entry import KeypadModal, _IdleModal, _key_button, _language

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual import events
    from textual.app import App, ComposeResult

    from kiosk.queue.numbering import Ticket

log = logging.getLogger(__name__)
DONE_SECONDS = 8


def offered(app: App) -> bool:
    """The kiosk offers messages: [notify] is on and its worker is running."""
    return getattr(app, "notifier", None) is not None


def offer_button(app: App) -> Button:
    button = Button(t("notify.offer", _language(app)), id="notify-offer", classes="notify-offer")
    button.can_focus = False
    return button


OFFER_KEY = Binding("0", "notify_offer", show=False)  # on the ticket and check-in screens


def _key(label: str, key: str, classes: str = "phone-key") -> Button:
    # As the NIK keypad's keys: never focused (Enter is always OK), every quick tap counts.
    return _key_button(label, key, classes, prefix="phone")


def offer_from(screen: CountdownScreen, tickets: list[Ticket]) -> None:
    """The ticket (or check-in) screen's offer was taken: its countdown stops while the
    applicant answers; every way out of the offer goes home."""
    if not offered(screen.app) or not screen.is_current:
        return
    screen.paused = True
    start_offer(screen.app, tickets)


def start_offer(app: App, tickets: list[Ticket]) -> None:
    settings = app.config.notify  # type: ignore[attr-defined]

    def typed(number: str | None) -> None:
        if number is None:
            app.go_home()  # type: ignore[attr-defined]
            return
        app.run_worker(lambda: _register(app, tickets, number), thread=True, group="notify",
                       exit_on_error=False)

    def agreed(yes: str | None) -> None:
        if yes:
            app.push_screen(PhoneEntryScreen(settings.offer_seconds), typed)
        else:
            app.go_home()  # type: ignore[attr-defined]

    app.push_screen(NotifyConsentScreen(settings.near, settings.offer_seconds), agreed)


def _register(app: App, tickets: list[Ticket], number: str) -> None:
    """In a thread: the store write waits for nobody on the screen."""
    try:
        masked = app.notifier.opt_in(  # type: ignore[attr-defined]
            [OptIn(x.id, x.office_day, x.lane, x.number, x.label) for x in tickets], number)
    except Exception:
        log.exception("notify: the opt-in could not be stored")
        masked = None
    labels = ", ".join(x.label for x in tickets)
    app.call_from_thread(_show_done, app, masked, labels)


def _show_done(app: App, masked: str | None, labels: str) -> None:
    app.go_home()  # type: ignore[attr-defined]
    app.push_screen(NotifyDoneScreen(masked, labels))


class NotifyConsentScreen(_IdleModal):
    """What is sent, what is kept and for how long; agree (Enter) or skip (Esc)."""

    DEFAULT_CSS = """
    NotifyConsentScreen { align: center middle; }
    #consent-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                   border: heavy cyan; background: black; padding: 0 1; }
    #consent-box Static { width: 100%; margin: 0 0 1 0; }
    #consent-title { text-style: bold; color: yellow; text-align: center; }
    #consent-buttons { grid-size: 2; grid-gutter: 0 1; height: auto; }
    .consent-button { width: 100%; height: 3; }
    """

    def __init__(self, near: int, idle_seconds: float) -> None:
        super().__init__(idle_seconds)
        self.near = near

    def compose(self) -> ComposeResult:
        lang = _language(self.app)
        with Vertical(id="consent-box"):
            yield Static(t("notify.consent.title", lang), id="consent-title")
            yield Static(t("notify.consent.what", lang, near=self.near), id="consent-what")
            yield Static(t("notify.consent.keep", lang), id="consent-keep")
            yield Static(t("notify.consent.optional", lang), id="consent-optional")
            with Grid(id="consent-buttons"):
                yield _key(t("notify.consent.agree", lang), "agree", "consent-button")
                yield _key(t("notify.consent.skip", lang), "skip", "consent-button")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._touched()
        self.dismiss("yes" if event.button.id == "phone-agree" else None)

    def on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "escape"):
            event.stop()
            self.dismiss("yes" if event.key == "enter" else None)


class PhoneEntryScreen(KeypadModal):
    """The number on big keys (touch) or any keyboard; dismisses with what was typed once it
    is an Indonesian mobile number."""

    KEY_PREFIX = "phone"
    KEY_CHARACTERS: ClassVar[Mapping[str, str] | None] = {"+": "plus"}

    DEFAULT_CSS = """
    PhoneEntryScreen { align: center middle; }
    #phone-box { width: 60; height: auto; border: heavy cyan; background: black; padding: 0 1; }
    #phone-box Static { width: 100%; text-align: center; content-align: center middle; }
    #phone-title { text-style: bold; color: yellow; }
    #phone-digits { text-style: bold; color: black; background: white; }
    #phone-keys { grid-size: 4; grid-gutter: 0; height: auto; }
    .phone-key { width: 100%; min-width: 6; height: 3; }
    """

    def __init__(self, idle_seconds: float) -> None:
        super().__init__(idle_seconds)
        self.typed = ""

    def compose(self) -> ComposeResult:
        lang = _language(self.app)
        with Vertical(id="phone-box"):
            yield Static(t("notify.phone.title", lang), id="phone-title")
            yield Static(t("notify.phone.prompt", lang), id="phone-prompt")
            yield Static(" ", id="phone-digits")
            yield Static("", id="phone-error", classes="error")  # the themes' error colours
            with Grid(id="phone-keys"):
                for key in "123":
                    yield _key(key, key)
                yield _key(t("notify.phone.back", lang), "back")
                for key in "456":
                    yield _key(key, key)
                yield _key(t("notify.phone.cancel", lang), "cancel")
                for key in "789":
                    yield _key(key, key)
                yield _key("+", "plus")
                yield _key("0", "0")
                yield _key(t("notify.phone.ok", lang), "ok")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#phone-error", Static).display = False

    def _edit(self, key: str) -> None:
        if key == "back":
            self.typed = self.typed[:-1]
        elif key == "plus" and not self.typed:
            self.typed = "+"
        elif key.isdigit() and len(self.typed) < MAX_TYPED:
            self.typed += key

    def _submit(self) -> None:
        phone = normalize_phone(self.typed)
        if isinstance(phone, PhoneInvalid):
            self._show(t(f"notify.phone.{phone.reason}", _language(self.app)))
            return
        self.dismiss(self.typed)

    def _show(self, error: str | None) -> None:
        self.query_one("#phone-digits", Static).update(masked_typing(self.typed) or " ")
        box = self.query_one("#phone-error", Static)
        box.update(error or "")
        box.display = bool(error)


class NotifyDoneScreen(CountdownScreen):
    """Which (masked) number gets the messages, for which tickets; or that it failed."""

    def __init__(self, masked: str | None, labels: str) -> None:
        super().__init__()
        self.masked, self.labels = masked, labels
        self.remaining = DONE_SECONDS

    def compose(self) -> ComposeResult:
        lang = self.app.language
        if self.masked is None:
            yield Static(t("notify.failed", lang), classes="error", id="notify-failed")
        else:
            yield Static(t("notify.done.title", lang), classes="title")
            yield Static(t("notify.done.body", lang, phone=self.masked, labels=self.labels),
                         classes="quota", id="notify-done")
            yield Static(t("notify.done.erase", lang), classes="hint")
        yield Static("", classes="countdown", id="countdown")
