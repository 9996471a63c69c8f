"""Staff confirm the kiosk's date and time, behind the PIN.

Shown large so a glance across the counter catches a wrong day. "Ya"
records the confirmation (kiosk.queue.clock_trust.confirm_clock) and dismisses
with True; the kiosk then issues for the rest of this boot. "Tidak" explains
how to set the clock and dismisses with False.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.queue.clock_trust import ClockTrust
from kiosk.texts import ZONE_ABBREVIATIONS, format_date, format_moment, t
from screens.bigtext import render_big

if TYPE_CHECKING:
    from textual.app import ComposeResult

log = logging.getLogger(__name__)


class ClockConfirmScreen(ModalScreen[bool]):
    """Dismisses with True once staff confirmed (and it was recorded), else False."""

    DEFAULT_CSS = """
    ClockConfirmScreen { align: center middle; }
    #clock-box { width: 90%; height: auto; border: heavy yellow; background: black;
                 padding: 0 2; }
    #clock-big { width: 100%; content-align: center middle; text-align: center; color: yellow; }
    #clock-date { width: 100%; text-align: center; text-style: bold; color: white; }
    #clock-state, #clock-keys { width: 100%; text-align: center; color: cyan; }
    #clock-question { width: 100%; text-align: center; text-style: bold; color: yellow;
                      margin: 1 0 0 0; }
    #clock-how { width: 100%; color: white; margin: 1 0 0 0; }
    #clock-buttons { width: 100%; height: auto; align: center middle; }
    #clock-buttons Button { margin: 0 2; }
    """
    BINDINGS = [("y", "yes", ""), ("n", "no", ""), ("escape", "cancel", "")]

    def __init__(self, staff_id: str | None = None) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.explaining = False
        self._own_trust: ClockTrust | None = None

    def compose(self) -> ComposeResult:
        lang = self.app.language
        with Vertical(id="clock-box"):
            yield Static(t("clock_confirm.title", lang), classes="title")
            yield Static("", id="clock-big")
            yield Static("", id="clock-date")
            yield Static("", id="clock-state")
            yield Static(t("clock_confirm.question", lang), id="clock-question")
            yield Static(t("clock_confirm.how", lang), id="clock-how")
            yield Static("", classes="warning", id="clock-message")
            with Horizontal(id="clock-buttons"):
                yield Button(t("clock_confirm.yes", lang), variant="success", id="clock-yes")
                yield Button(t("clock_confirm.no", lang), variant="error", id="clock-no")
                yield Button(t("clock_confirm.close", lang), id="clock-close")
            yield Static(t("clock_confirm.keys", lang), id="clock-keys")

    def on_mount(self) -> None:
        self.query_one("#clock-how").display = False
        self.query_one("#clock-close").display = False
        self.query_one("#clock-message").display = False
        self.set_interval(1.0, self.tick)
        self.tick()

    def _trust(self) -> ClockTrust:
        """The kiosk's own judge; in simulation (none) one for this system, made once."""
        if self.app.service.numbering.clock_trust is not None:
            return self.app.service.numbering.clock_trust
        if self._own_trust is None:
            self._own_trust = ClockTrust.for_system()
        return self._own_trust

    def tick(self) -> None:
        """The clock as the kiosk sees it, and why it is or is not trusted."""
        service, lang = self.app.service, self.app.language
        zone = self.app.config.timezone
        now = service.clock().astimezone(zone)
        self.query_one("#clock-big", Static).update(render_big(f"{now:%H %M}"))
        self.query_one("#clock-date", Static).update(
            f"{format_date(now.date(), lang)}   {now:%H:%M:%S} "
            f"{ZONE_ABBREVIATIONS.get(str(zone), '')}")
        verdict = self._trust().verdict(service.db, service.clock())
        newest = (format_moment(verdict.newest_seen.astimezone(zone), lang)
                  if verdict.newest_seen else "-")
        self.query_one("#clock-state", Static).update(
            t(f"clock_confirm.{verdict.reason}", lang, newest=newest)
            if verdict.reason == "behind" else t(f"clock_confirm.{verdict.reason}", lang))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"clock-yes": self.action_yes, "clock-no": self.action_no,
                   "clock-close": self.action_cancel}
        if (action := actions.get(event.button.id or "")) is not None:
            action()

    def action_yes(self) -> None:
        if self.explaining:
            return
        service = self.app.service
        now = service.clock()
        try:
            with service.lock:  # the issuing connection: never inside an issue's transaction
                self._trust().confirm(service.db, now, office_code=self.app.config.office.code,
                                      office_day=service.schedule.office_day(now),
                                      device_id=self.app.config.office.device_id,
                                      staff_id=self.staff_id)
        except sqlite3.Error as exc:  # the store is the only thing that can fail here
            log.exception("clock confirmation not saved")
            message = self.query_one("#clock-message", Static)
            message.update(t("clock_confirm.failed", self.app.language, error=exc))
            message.display = True
            return
        self.dismiss(True)

    def action_no(self) -> None:
        """Explain how to set the clock; nothing is recorded."""
        self.explaining = True
        for hidden in ("#clock-question", "#clock-yes", "#clock-no", "#clock-keys"):
            self.query_one(hidden).display = False
        self.query_one("#clock-how").display = True
        close = self.query_one("#clock-close", Button)
        close.display = True
        close.focus()

    def action_cancel(self) -> None:
        self.dismiss(False)
