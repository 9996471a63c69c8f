"""NIK keypad and priority-reason chooser, shown before a number when NIK entry is on.

The lobby can see the screen, so only the first and last four digits are
ever drawn (as on a masked KTP copy); the rest show as ``*`` the moment they
are typed. A half-typed NIK is dropped after a minute without a key, so the
next person never finds it. Validation happens here first (kiosk/privacy/nik.py
sentences), so a typing slip costs a retry, not a trip back to the button.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.privacy.nik import NIK_LENGTH, NikInvalid, is_lansia, parse_nik
from kiosk.queue.walkin_guard import CHECKED_AT_COUNTER, PRIORITY
from kiosk.texts import t
from kiosk.texts.rules import nik_problem_text
from screens.keypad_keys import keypad_action

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import date

    from textual import events
    from textual.app import App, ComposeResult

IDLE_SECONDS = 60.0
SHOWN = 4  # digits shown at each end; the middle eight are masked


def masked_entry(digits: str) -> str:
    """'3271 **** **** 00__' for 14 typed digits: grouped 4-4-4-4, middle masked."""
    cells = [
        ("_" if i >= len(digits) else digits[i] if i < SHOWN or i >= NIK_LENGTH - SHOWN else "*")
        for i in range(NIK_LENGTH)
    ]
    return " ".join("".join(cells[i:i + 4]) for i in range(0, NIK_LENGTH, 4))


def _language(app: App) -> str:
    return getattr(app, "language", "id")


def _key_button(label: str, key: str, classes: str = "nik-key", prefix: str = "nik") -> Button:
    # Not focusable: every key press reaches the screen, so Enter is always "OK"
    # and digits never trigger the lobby's own key bindings.
    button = Button(label, id=f"{prefix}-{key}", classes=classes)
    button.can_focus = False
    # Every tap counts: Textual ignores a click on a button still showing its 0.2 s press
    # effect, which would swallow the second "1" of a quick "11" (and, on a busy Pi whose
    # timers run late, taps seconds apart).
    button.active_effect_duration = 0
    return button


class _IdleModal(ModalScreen[str | None]):
    """Dismisses itself (as a cancel) after ``idle_seconds`` without a key or touch."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        super().__init__()
        self.idle_seconds = idle_seconds
        self._last_input = time.monotonic()

    def on_mount(self) -> None:
        self.set_interval(min(1.0, self.idle_seconds / 4), self._check_idle)

    def _touched(self) -> None:
        self._last_input = time.monotonic()

    def _check_idle(self) -> None:
        if time.monotonic() - self._last_input >= self.idle_seconds and self.is_current:
            self.dismiss(None)


class KeypadModal(_IdleModal):
    """A keypad that edits what is typed: its touch keys (ids "<KEY_PREFIX>-<key>",
    _key_button) and a real keyboard (screens/keypad_keys.py) both go through ``_act``.
    "cancel" dismisses with None, "ok" calls ``_submit``; any other key goes to ``_edit``,
    then ``_show`` redraws what is typed."""

    KEY_PREFIX = ""
    KEY_CHARACTERS: ClassVar[Mapping[str, str] | None] = None  # e.g. {"+": "plus"}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._act((event.button.id or "").removeprefix(f"{self.KEY_PREFIX}-"))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        action = keypad_action(event, self.KEY_CHARACTERS)
        if action is not None:
            self._act(action)

    def _act(self, key: str) -> None:
        self._touched()
        if key == "cancel":
            self.dismiss(None)
        elif key == "ok":
            self._submit()
        else:
            self._edit(key)
            self._show(None)

    def _edit(self, key: str) -> None:
        raise NotImplementedError

    def _submit(self) -> None:
        raise NotImplementedError

    def _show(self, error: str | None) -> None:
        raise NotImplementedError


class NikEntryScreen(KeypadModal):
    """16 digits on a phone-style keypad (touch) or any keyboard; dismisses with the NIK."""

    KEY_PREFIX = "nik"

    DEFAULT_CSS = """
    NikEntryScreen { align: center middle; }
    #nik-box { width: 60; height: auto; border: heavy cyan; background: black; padding: 0 1; }
    #nik-box Static { width: 100%; text-align: center; content-align: center middle; }
    #nik-title { text-style: bold; color: yellow; }
    #nik-digits { text-style: bold; color: black; background: white; }
    #nik-count { color: cyan; }
    #nik-error { color: white; background: red; text-style: bold; }
    #nik-keys { grid-size: 4; grid-gutter: 0; height: auto; }
    .nik-key { width: 100%; min-width: 6; height: 3; }
    .nik-wide { column-span: 4; width: 100%; height: 3; }
    """

    def __init__(self, today: date, idle_seconds: float = IDLE_SECONDS,
                 on_mistake: Callable[[str], None] | None = None) -> None:
        super().__init__(idle_seconds)
        self.today = today  # office-local: birth dates after it are refused
        self.digits = ""
        # Told the problem's code (kiosk/privacy/nik.py REASONS) of each refused NIK, never the
        # digits: the report counts how many applicants struggle with the keypad.
        self.on_mistake = on_mistake

    def compose(self) -> ComposeResult:
        lang = _language(self.app)
        with Vertical(id="nik-box"):
            yield Static(t("walkin.nik.title", lang), id="nik-title")
            yield Static(t("nik.prompt", lang), id="nik-prompt")
            yield Static(masked_entry(""), id="nik-digits")
            yield Static(t("walkin.nik.count", lang, typed=0), id="nik-count")
            yield Static("", id="nik-error")
            yield Static(t("walkin.nik.why", lang), id="nik-why")
            with Grid(id="nik-keys"):
                for key in "123":
                    yield _key_button(key, key)
                yield _key_button(t("walkin.nik.back", lang), "back")
                for key in "456":
                    yield _key_button(key, key)
                yield _key_button(t("walkin.nik.cancel", lang), "cancel")
                for key in "7890":
                    yield _key_button(key, key)
                yield _key_button(t("walkin.nik.ok", lang), "ok", "nik-key nik-wide")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#nik-error", Static).display = False

    def _edit(self, key: str) -> None:
        if key == "back":
            self.digits = self.digits[:-1]
        elif key.isdigit() and len(self.digits) < NIK_LENGTH:
            self.digits += key

    def _submit(self) -> None:
        parsed = parse_nik(self.digits, self.today)
        if isinstance(parsed, NikInvalid):
            if self.on_mistake is not None:
                self.on_mistake(parsed.reason)
            self._show(nik_problem_text(parsed, _language(self.app)))
            return
        self.dismiss(parsed.nik)

    def _show(self, error: str | None) -> None:
        lang = _language(self.app)
        self.query_one("#nik-digits", Static).update(masked_entry(self.digits))
        self.query_one("#nik-count", Static).update(
            t("walkin.nik.count", lang, typed=len(self.digits)))
        box = self.query_one("#nik-error", Static)
        box.update(error or "")
        box.display = bool(error)


class PriorityReasonScreen(_IdleModal):
    """Why priority: *lansia* granted from the NIK, or the applicant's own reason."""

    DEFAULT_CSS = """
    PriorityReasonScreen { align: center middle; }
    #reason-box { width: 60; height: auto; border: heavy blue; background: black; padding: 0 1; }
    #reason-box Static { width: 100%; text-align: center; content-align: center middle; }
    #reason-title { text-style: bold; color: yellow; }
    #reason-hint { color: cyan; }
    .reason-button { width: 100%; height: 3; }
    """

    def __init__(self, lansia: bool, idle_seconds: float = IDLE_SECONDS) -> None:
        super().__init__(idle_seconds)
        self.lansia = lansia
        self.choices: tuple[str, ...] = ("lansia",) if lansia else CHECKED_AT_COUNTER

    def compose(self) -> ComposeResult:
        lang = _language(self.app)
        with Vertical(id="reason-box"):
            yield Static(t("priority.choose.title", lang), id="reason-title")
            if self.lansia:
                yield Static(t("priority.lansia.granted", lang), id="reason-hint")
                yield _key_button(f"{t('priority.ok', lang)}: "
                                  f"{t('priority.reason.lansia', lang)}", "lansia",
                                  "reason-button")
            else:
                yield Static(t("priority.choose.hint", lang), id="reason-hint")
                for index, reason in enumerate(self.choices, start=1):
                    yield _key_button(f"{index}  {t(f'priority.reason.{reason}', lang)}",
                                      reason, "reason-button")
                yield Static(t("priority.choose.keys", lang), id="reason-keys")
            yield _key_button(t("priority.cancel", lang), "cancel", "reason-button")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._choose((event.button.id or "").removeprefix("nik-"))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self._choose("cancel")
        elif event.key == "enter" and self.lansia:
            self._choose("lansia")
        elif event.character and event.character.isdigit() and event.character.isascii():
            index = int(event.character) - 1
            if 0 <= index < len(self.choices):
                self._choose(self.choices[index])

    def _choose(self, choice: str) -> None:
        self._touched()
        self.dismiss(None if choice == "cancel" else choice)


def ask_applicant(app: App, lane: str, today: date,
                  done: Callable[[str, str | None], None],
                  on_mistake: Callable[[str], None] | None = None) -> None:
    """NIK keypad, then (lane P) the reason; ``done(nik, reason)`` unless cancelled.

    ``today`` is the office-local day (``service.schedule.office_day(service.clock())``).
    ``on_mistake(problem)``: each NIK the keypad refused, by reason code (no digits).
    """

    def reason_chosen(nik: str, reason: str | None) -> None:
        if reason:
            done(nik, reason)

    def typed(nik: str | None) -> None:
        if not nik:
            return
        if lane != PRIORITY:
            done(nik, None)
            return
        app.push_screen(PriorityReasonScreen(is_lansia(nik, today)),
                        lambda reason: reason_chosen(nik, reason))

    app.push_screen(NikEntryScreen(today, on_mistake=on_mistake), typed)
