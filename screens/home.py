"""The start screen: what to press, and how many walk-in numbers are left."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Static

from kiosk.ports import PaperStatus
from kiosk.texts import ZONE_ABBREVIATIONS, format_date, format_moment, t

if TYPE_CHECKING:
    from textual.app import ComposeResult


class LanguageToggle(Static):
    """Touch or click to switch language, for touch screens with no keyboard."""

    def on_click(self) -> None:
        self.app.action_toggle_language()


class HomeScreen(Screen):
    """Also drawn before the store is open (`kiosk run`, app.service None): office, clock,
    the usual instructions and "getting ready" instead of the quota."""

    def _lanes_open(self) -> tuple[bool, bool]:
        if self.app.service is None:  # not known yet: recomposed once the service is there
            return True, True
        from kiosk.issuing import PRIORITY, WALKIN

        schedule, now = self.app.service.schedule, self.app.service.clock()
        return schedule.is_open(now, WALKIN), schedule.is_open(now, PRIORITY)

    def compose(self) -> ComposeResult:
        lang = self.app.language
        self.composed_for = walkin_open, priority_open = self._lanes_open()
        self.composed_ready = self.app.service is not None
        yield Static(self.app.config.office.name, classes="office", id="office")
        yield Static(self._clock_text(), classes="clock", id="clock")
        if not (walkin_open or priority_open):
            from kiosk.issuing import PRIORITY, WALKIN

            yield Static(t("closed.title", lang), classes="notice-title", id="closed")
            when = self.app.service.schedule.next_opening_any(
                self.app.service.clock(), [WALKIN, PRIORITY])
            yield Static(t("closed.next", lang, when=format_moment(when, lang)) if when
                         else t("closed.unknown", lang), classes="notice-body", id="next-open")
        else:
            yield Static(t("home.title", lang), classes="title")
            if walkin_open:
                yield Static(t("home.walkin", lang), classes="button-walkin", id="walkin")
            else:
                yield Static(t("home.walkin_closed_today", lang), classes="hint", id="walkin")
            yield Static(t("home.priority", lang), classes="button-priority", id="priority")
            if self.app.checkin is not None or self.app.starting:
                yield Static(t("home.checkin", lang), classes="checkin-hint", id="checkin")
        yield Static(self._quota_text(), classes="quota", id="quota")
        yield Static("", classes="warning", id="paper-warning")
        yield Static("", classes="warning", id="clock-warning")
        yield LanguageToggle(t("home.language", lang), classes="hint", id="language")
        if self.app.config.sync.enabled:
            yield Static("", classes="hint", id="sync")
        if self.app.simulation is not None:
            yield Static(t("home.sim_keys", lang), classes="sim", id="sim-keys")
            yield Static("", classes="sim", id="sim-lamp")
            yield Static("", classes="sim", id="sim-display")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_status)
        self.refresh_status()
        self._watch_simulation()

    def services_attached(self) -> None:
        """The app got its service after this screen was drawn: the full home screen now."""
        self._watch_simulation()
        self.call_later(self._recompose_ready)

    async def _recompose_ready(self) -> None:
        await self.recompose()
        self.refresh_status()

    async def recompose(self) -> None:
        """Every redraw (language switch, opening time, services attached): meanwhile
        refresh_status (its timer, go_home) waits, as the widgets are being replaced."""
        self.recomposing = True
        try:
            await super().recompose()
        finally:
            self.recomposing = False

    def _watch_simulation(self) -> None:
        if self.app.simulation is not None:  # redraw the display as soon as a call lands
            self.app.simulation.watch_display(
                lambda: self.app.call_from_thread(self.refresh_status))

    def on_unmount(self) -> None:
        if self.app.simulation is not None:
            self.app.simulation.watch_display(None)

    def on_screen_resume(self) -> None:
        self.refresh_status()

    def _clock_text(self) -> str:
        now: datetime = self._now().astimezone(self.app.config.timezone)
        zone = ZONE_ABBREVIATIONS.get(str(self.app.config.timezone), "")
        return f"{format_date(now.date(), self.app.language)}   {now:%H:%M:%S} {zone}"

    def _now(self) -> datetime:
        service = self.app.service
        return service.clock() if service is not None else datetime.now(UTC)

    def _sync_text(self) -> str:
        # Only offices with a hub pay for importing the sync client (httpx) at start.
        from kiosk.sync_client import read_status
        from kiosk.sync_view import sync_line

        service, config = self.app.service, self.app.config
        now = service.clock()
        return sync_line(read_status(service.db, config, now), config.timezone, now,
                         self.app.language)

    def _quota_text(self) -> str:
        if self.app.start_error is not None:
            return t("home.start_failed", self.app.language, reason=self.app.start_error)
        if self.app.service is None:
            return t("home.starting", self.app.language)
        if self.app.service.controls.paused() is not None:  # staff paused issuing
            return t("home.paused", self.app.language)
        from kiosk.issuing import WALKIN

        quota = self.app.service.quota(WALKIN)
        if quota.cap is None:
            return t("home.no_cap", self.app.language)
        return t("home.quota", self.app.language, left=quota.left, cap=quota.cap)

    recomposing = False

    def refresh_status(self) -> None:
        if self.recomposing:
            return
        if self._lanes_open() != self.composed_for:  # opening or closing time passed
            self.refresh(recompose=True)
            return
        self.query_one("#clock", Static).update(self._clock_text())
        self.query_one("#quota", Static).update(self._quota_text())
        if self.app.service is None or not self.composed_ready:  # the store is not open yet
            for warning in self.query(".warning"):
                warning.display = False
            return
        warning = self.query_one("#paper-warning", Static)
        low = self.app.service.last_paper is PaperStatus.LOW
        warning.update(t("home.printer_warning", self.app.language) if low else "")
        warning.display = low
        if self.app.config.sync.enabled:
            self.query_one("#sync", Static).update(self._sync_text())
        clock = self.app.service.clock_verdict()  # None: the clock is not judged (simulation)
        untrusted = clock is not None and not clock.trusted
        clock_warning = self.query_one("#clock-warning", Static)
        clock_warning.update(t("home.clock_wait", self.app.language) if untrusted else "")
        clock_warning.display = untrusted
        if self.app.checkin is not None and self.app.scanner is not None:
            hint = self.query("#checkin")
            if hint:
                key = "home.checkin" if self.app.camera_ok else "home.camera_lost"
                hint.first(Static).update(t(key, self.app.language))
        if self.app.simulation is not None:
            state = t(f"lamp.{self.app.simulation.lamp_state()}", self.app.language)
            self.query_one("#sim-lamp", Static).update(
                t("home.sim_lamp", self.app.language, state=state))
            board = self.app.simulation.display_state()
            shown = self.query_one("#sim-display", Static)
            shown.update(t("home.sim_display", self.app.language, state=board) if board else "")
            shown.display = board is not None

