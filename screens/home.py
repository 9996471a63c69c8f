"""The start screen: what to press, and how many walk-in numbers are left."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kiosk.clock import utc_now
from kiosk.ports import PaperStatus
from kiosk.texts import ZONE_ABBREVIATIONS, format_date, format_moment, t
from kiosk.texts.rules import lane_rule_next_line, lane_rule_sentence
from screens.chooser import MAX_KEYS, BigTitle, ServiceChooser, chooser_services

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kiosk.queue.home_state import HomeState, LaneState


class LanguageToggle(Static):
    """Touch or click to switch language, for touch screens with no keyboard."""

    def on_click(self) -> None:
        self.app.action_toggle_language()


class HomeScreen(Screen):
    """Also drawn before the store is open (`kiosk run`, app.service None): office, clock,
    the usual instructions and "getting ready" instead of the quota.

    Each lane the screen offers (walk-in button, priority button, check-in) says, before
    anyone presses, whether a press would get a number now and if not why: not served
    today (the schedule's sentence), paused by staff, paper out, today's quota used up
    (kiosk/queue/home_state.py, the same rules in the same order as a press)."""

    state: HomeState | None = None
    # With more than two services, number key n chooses the n-th (screens/chooser.py);
    # otherwise these do not apply and 1 / 2 stay the app's simulated buttons.
    BINDINGS = [Binding(str(n), f"choose({n})", show=False) for n in range(1, MAX_KEYS + 1)]

    @property
    def services(self) -> tuple[str, ...]:
        """The chooser's services; empty on the classic walk-in and priority screen."""
        return chooser_services(self.app.config)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return bool(parameters) and int(parameters[0]) <= len(self.services)
        return True

    def action_choose(self, key: int) -> None:
        self.app.lane_pressed(self.services[key - 1])

    def _offered(self) -> tuple[str, ...]:
        from kiosk.queue.issuing import BOOKED, PRIORITY, WALKIN

        numbered = self.services or (WALKIN, PRIORITY)
        return (*numbered, BOOKED) if self.app.checkin is not None else numbered

    def _read_state(self) -> HomeState | None:
        if self.app.service is None:  # not known yet: recomposed once the service is there
            return None
        from kiosk.queue.home_state import read_home_state

        return read_home_state(self.app.service, self._offered())

    def compose(self) -> ComposeResult:
        lang = self.app.language
        self.state = self._read_state()
        self.composed_closed = self.state is not None and self.state.closed
        self.composed_ready = self.app.service is not None
        self._shown: dict[str, str] = {}
        yield Static(self.app.config.office.name, classes="office", id="office")
        yield Static(self._clock_text(), classes="clock", id="clock")
        if self.composed_closed:
            yield Static(t("closed.title", lang), classes="notice-title", id="closed")
            when = self.state.next_opening
            yield Static(t("closed.next", lang, when=format_moment(when, lang)) if when
                         else t("closed.unknown", lang), classes="notice-body", id="next-open")
        else:
            if self.services:
                yield BigTitle(t("home.title", lang), classes="title", id="title")
            else:
                yield Static(t("home.title", lang), classes="title")
            rule = Static("", classes="lane-rule", id="lane-rule")  # "only ... are served"
            rule.display = False
            yield rule
            if self.services:
                yield Static(t("home.choose", lang), classes="hint", id="choose")
                yield ServiceChooser(self.services)
            else:
                yield Static(t("home.walkin", lang), classes="button-walkin", id="walkin")
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
            keys = "home.sim_keys_chooser" if self.services else "home.sim_keys"
            yield Static(t(keys, lang), classes="sim", id="sim-keys")
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
        return service.clock() if service is not None else utc_now()

    def _sync_text(self) -> str:
        # Only offices with a hub pay for importing the sync client (httpx) at start.
        from kiosk.sync.status import read_status
        from kiosk.sync.view import sync_line

        service, config = self.app.service, self.app.config
        now = service.clock()
        return sync_line(read_status(service.db, config, now), config.timezone, now,
                         self.app.language)

    def _quota_text(self) -> str:
        if self.app.start_error is not None:
            return t("home.start_failed", self.app.language, reason=self.app.start_error)
        if self.state is None:
            return t("home.starting", self.app.language)
        if self.state.paused:  # staff paused issuing
            return t("home.paused", self.app.language)
        if self.services:  # each service's target says what is left of its own quota
            return ""
        quota = self.state.quota
        if quota.cap is None:
            return t("home.no_cap", self.app.language)
        return t("home.quota", self.app.language, left=quota.left, cap=quota.cap)

    recomposing = False

    def refresh_status(self) -> None:
        if self.recomposing:
            return
        self.state = self._read_state()
        if (self.state is not None and self.state.closed) != self.composed_closed:
            self.refresh(recompose=True)  # opening or closing time passed
            return
        self.query_one("#clock", Static).update(self._clock_text())
        quota_line = self.query_one("#quota", Static)
        quota_line.update(quota_text := self._quota_text())
        quota_line.display = bool(quota_text)
        if self.state is None or not self.composed_ready:  # the store is not open yet
            for warning in self.query(".warning"):
                warning.display = False
            return
        self._show_lanes(self.state)
        lang = self.app.language
        warning = self.query_one("#paper-warning", Static)
        paper = self.state.paper
        if paper is PaperStatus.OUT:
            warning.update(t("home.paper_out", lang))
        else:
            warning.update(t("home.printer_warning", lang) if paper is PaperStatus.LOW else "")
        warning.display = paper in (PaperStatus.OUT, PaperStatus.LOW)
        if self.app.config.sync.enabled:
            self.query_one("#sync", Static).update(self._sync_text())
        clock = self.app.service.clock_verdict()  # None: the clock is not judged (simulation)
        untrusted = clock is not None and not clock.trusted
        clock_warning = self.query_one("#clock-warning", Static)
        clock_warning.update(t("home.clock_wait", lang) if untrusted else "")
        clock_warning.display = untrusted
        if self.app.simulation is not None:
            state = t(f"lamp.{self.app.simulation.lamp_state()}", lang)
            self.query_one("#sim-lamp", Static).update(t("home.sim_lamp", lang, state=state))
            board = self.app.simulation.display_state()
            shown = self.query_one("#sim-display", Static)
            shown.update(t("home.sim_display", lang, state=board) if board else "")
            shown.display = board is not None

    def _show_lanes(self, state: HomeState) -> None:
        """Each lane's instruction, or why it gives no number now; the day's rule above."""
        if self.composed_closed:
            return
        from kiosk.queue.home_state import OPEN
        from kiosk.queue.issuing import BOOKED, PRIORITY, WALKIN

        lang = self.app.language
        rule = self.query_one("#lane-rule", Static)
        sentence = lane_rule_sentence(state.rule, lang) if state.rule is not None else ""
        self._update(rule, sentence)
        rule.display = bool(sentence)
        for chooser in self.query(ServiceChooser):
            chooser.show(state)
        for lane, widget_id, open_class in ((WALKIN, "walkin", "button-walkin"),
                                            (PRIORITY, "priority", "button-priority"),
                                            (BOOKED, "checkin", "checkin-hint")):
            found = self.query(f"#{widget_id}")
            if not found:
                continue
            widget = found.first(Static)
            lane_state = state.lanes.get(lane)
            is_open = lane_state is None or lane_state.state == OPEN
            widget.set_class(is_open, open_class)
            widget.set_class(not is_open, "lane-off")
            self._update(widget, self._open_text(lane) if is_open
                         else self._closed_text(lane_state))

    def _update(self, widget: Static, text: str) -> None:
        """Only a changed line is redrawn: the screen refreshes every second."""
        if self._shown.get(widget.id or "") != text:
            self._shown[widget.id or ""] = text
            widget.update(text)

    def _open_text(self, lane: str) -> str:
        from kiosk.queue.issuing import PRIORITY, WALKIN

        lang = self.app.language
        if lane == WALKIN:
            return t("home.walkin", lang)
        if lane == PRIORITY:
            return t("home.priority", lang)
        lost = self.app.scanner is not None and not self.app.camera_ok
        return t("home.camera_lost" if lost else "home.checkin", lang)

    def _closed_text(self, lane_state: LaneState) -> str:
        from kiosk.queue.home_state import NOT_SERVED, PAPER_OUT, PAUSED

        lang = self.app.language
        if lane_state.state == NOT_SERVED:
            rule = lane_state.rule
            return lane_rule_next_line(rule, lang) if rule is not None else t("closed.lane", lang)
        name = self.app.config.lanes[lane_state.lane].name(lang)
        if lane_state.state == PAUSED:
            return t("home.lane.paused", lang, lane=name)
        if lane_state.state == PAPER_OUT:
            return t("home.lane.paper_out", lang, lane=name)
        return t("home.lane.quota", lang, lane=name, cap=lane_state.cap)
