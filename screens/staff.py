"""The staff menu behind the PIN: call applicants, look after the day, look after the kiosk.

Every action runs in a worker thread through ``kiosk.staff.desk`` (the store
may be busy for a moment with another process), and its outcome is written
in one message line, in the kiosk's language. Actions that end the app
(restart, shut down, close) need a second press within a few seconds: a
mis-tap on a touch screen must not empty the lobby's screen.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent, TabPane

from kiosk.queue.calling import CalledTicket, CallRefused
from kiosk.texts import t
from screens.clock_confirm import ClockConfirmScreen

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult

    from kiosk.queue.issuing import Issued
    from kiosk.reports.figures import HourCount
    from kiosk.staff.desk import CounterView, DayFigures, QueueRow, StaffDesk

log = logging.getLogger(__name__)
CONFIRM_S = 5.0  # a second press within this confirms an app-ending action
REFRESH_S = 3.0  # queue and figures: others (counters, the lobby) change them too


def hourly_chart(hours: tuple[HourCount, ...], language: str, width: int) -> str:
    """Numbers taken (█) and called (▒) per hour, as text bars scaled to the screen."""
    busy = [h for h in hours if h.issued or h.called]
    if not busy:
        return t("staff.hourly.empty", language)
    peak = max(max(h.issued, h.called) for h in busy)
    bar = max(4, (width - 24) // 2)
    lines = [t("staff.hourly.title", language)]
    for h in busy:
        taken = "█" * round(bar * h.issued / peak)
        called = "▒" * round(bar * h.called / peak)
        lines.append(f"{h.hour:02d}:00 {taken:<{bar}} {h.issued:>3}  {called:<{bar}} {h.called:>3}")
    return "\n".join(lines)


class StaffScreen(Screen[None]):
    BINDINGS = [Binding("escape", "leave", show=False)]

    def __init__(self, desk: StaffDesk, who: str) -> None:
        super().__init__()
        self.desk, self.who = desk, who
        self.armed: tuple[str, float] | None = None

    @property
    def lang(self) -> str:
        return self.app.language

    def _counter_name(self, number: int) -> str:
        return dict(self.desk.counters()).get(number, f"{t('staff.counter', self.lang)} {number}")

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(escape(t("staff.title", lang, who=self.who)), id="staff-title")
        yield Static(t("staff.hint", lang, seconds=int(self.app.config.staff_idle_seconds)),
                     id="staff-hint")
        with TabbedContent(id="staff-tabs"):
            with TabPane(t("staff.tab.counters", lang), id="tab-counters"):
                yield from self._compose_counters()
            with TabPane(t("staff.tab.today", lang), id="tab-today"):
                yield from self._compose_today()
            with TabPane(t("staff.tab.system", lang), id="tab-system"):
                yield from self._compose_system()
        yield Static("", id="staff-message")

    def _compose_counters(self) -> ComposeResult:
        lang = self.lang
        counters = self.desk.counters()
        if not counters:
            yield Static(t("staff.no_counters", lang))
            return
        with Horizontal(classes="staff-row"):
            yield Select([(escape(name), number) for number, name in counters],
                         value=counters[0][0], allow_blank=False, id="counter")
            yield Static("", id="current")
        with Horizontal(classes="staff-row"):
            yield Button(t("staff.next", lang), id="act-next", variant="success")
            yield Button(t("staff.recall", lang), id="act-recall", variant="primary")
            yield Button(t("staff.served", lang), id="act-served")
            yield Button(t("staff.no_show", lang), id="act-no_show", variant="error")
            if any(lane.stages for lane in self.app.config.lanes.values()):
                yield Button(t("staff.send", lang), id="act-send", variant="warning")
        with Horizontal(classes="staff-row"):
            yield Input(placeholder=t("staff.label", lang), max_length=5, id="label",
                        restrict=r"[A-Za-z0-9]*")
            yield Button(t("staff.call", lang), id="act-call")
            yield Button(t("staff.bring_back", lang), id="act-bring_back")
        table: DataTable = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        # Here, not in on_mount: a language switch composes the menu again.
        table.add_columns(*(t(f"staff.queue.{k}", lang)
                            for k in ("label", "status", "counter", "issued")))
        yield table

    def _compose_today(self) -> ComposeResult:
        lang = self.lang
        with VerticalScroll():
            yield Static("", id="figures")
            yield Static("", id="hourly")
            with Horizontal(classes="staff-row"):
                yield Static("", id="issuing-state")
                yield Button(t("staff.pause", lang), id="pause", variant="warning")
                yield Button(t("staff.resume", lang), id="resume", variant="success")
            with Horizontal(classes="staff-row"):
                lanes = [(f"{code} \u2014 {lane.name(lang)}", code)
                         for code, lane in self.app.config.lanes.items()]
                yield Select(lanes, value=lanes[0][1], allow_blank=False, id="cap-lane")
                yield Input(placeholder=t("staff.cap.value", lang), max_length=4,
                            restrict=r"[0-9]*", id="cap-value")
                yield Button(t("staff.cap.set", lang), id="cap-set")
            with Horizontal(classes="staff-row"):
                yield Input(placeholder=t("staff.label", lang), max_length=5,
                            restrict=r"[A-Za-z0-9]*", id="reprint-label")
                yield Button(t("staff.reprint", lang), id="reprint")

    def _compose_system(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="system-buttons"):  # six rows of buttons would not fit 80x24
            with Horizontal(classes="staff-row"):
                yield Button(t("staff.language", lang), id="language")
                yield Button(t("staff.theme", lang), id="theme")
            yield Button(t("staff.clock", lang), id="clock")
            with Horizontal(classes="staff-row"):
                yield Button(t("staff.restart", lang), id="restart", variant="warning")
                yield Button(t("staff.shutdown", lang), id="shutdown", variant="error")
            yield Button(t("staff.exit", lang), id="exit")

    def on_mount(self) -> None:
        self.refresh_all()
        self.set_interval(REFRESH_S, self.refresh_all)
        self.set_interval(1.0, self._check_idle)

    # -- reading (worker threads) ----------------------------------------------

    def refresh_all(self) -> None:
        self._load(self._selected_counter())

    def _selected_counter(self) -> int | None:
        selects = self.query("#counter")
        if not selects:
            return None
        value = selects.first(Select).value
        return value if isinstance(value, int) else None

    def _deliver(self, callback: Callable[..., Any], *args: Any) -> None:
        """From a worker thread: run ``callback`` in this screen's own message queue.

        Never straight on the app's loop (``call_from_thread``): a result there could
        land while the screen is leaving (Esc, the idle timeout), still attached but with
        its widgets already gone, and ``query_one`` would raise (issue 11). In the
        screen's queue it runs before the screen starts closing or not at all, and
        after a recompose (language switch) has finished, never in the middle of one.
        """
        if not self.call_later(callback, *args):
            log.debug("staff menu closed: %s dropped", getattr(callback, "__name__", callback))

    @work(thread=True, group="staff-read", exclusive=True)
    def _load(self, counter: int | None) -> None:
        try:
            figures = self.desk.figures(self.lang)
            hourly = self.desk.hourly()
            queue = self.desk.queue() if counter is not None else []
            current = self.desk.counter_view(counter) if counter is not None else None
        except Exception as exc:  # the store busy or broken: said, and tried again in 3 s
            log.exception("staff menu: reading the day failed")
            self._deliver(self.say, t("staff.error", self.lang, error=exc), True)
            return
        self._deliver(self._show, figures, queue, counter, current)
        self._deliver(self._show_hourly, hourly)

    def _show(self, figures: DayFigures, queue: list[QueueRow], counter: int | None,
              view: CounterView | None) -> None:
        lang = self.lang
        lines = [t("staff.figures.row", lang, name=f.name, lane=f.lane, issued=f.issued,
                   cap=f.cap if f.cap is not None else t("staff.no_cap", lang),
                   waiting=f.waiting, called=f.called, served=f.served, no_show=f.no_show,
                   turned_away=f.turned_away, unprinted=f.unprinted) for f in figures.lanes]
        zone = self.app.config.timezone
        for burst in figures.bursts[:3]:
            lines.append(t("staff.burst", lang, device=burst.device_id, refused=burst.refused,
                           start=f"{burst.started_at.astimezone(zone):%H:%M}",
                           end=f"{burst.last_at.astimezone(zone):%H:%M}"))
        if figures.nik_refused:
            lines.append(t("staff.nik_refused", lang, count=figures.nik_refused))
        if figures.sync_line:
            lines.append(figures.sync_line)
        if figures.notify_line:
            lines.append(figures.notify_line)
        self.query_one("#figures", Static).update(escape("\n".join(lines)))
        state = self.query_one("#issuing-state", Static)
        if figures.paused is None:
            state.update(t("staff.running", lang))
        else:
            since = figures.paused.since.astimezone(self.app.config.timezone)
            state.update(escape(t("staff.paused", lang, time=f"{since:%H:%M}",
                                  who=figures.paused.by)))
        self.query_one("#pause", Button).display = figures.paused is None
        self.query_one("#resume", Button).display = figures.paused is not None
        if counter is None:
            return
        self.query_one("#current", Static).update(escape(self._counter_line(counter, view)))
        table = self.query_one("#queue", DataTable)
        table.clear()
        zone = self.app.config.timezone
        for row in queue:
            table.add_row(row.label, t(f"status.{row.status}", lang),
                          "" if row.counter is None else str(row.counter),
                          f"{row.issued_at.astimezone(zone):%H:%M}")

    def _counter_line(self, counter: int, view: CounterView | None) -> str:
        """Who is at the counter, or whom it called last and what became of them; who waits."""
        lang, name = self.lang, self._counter_name(counter)
        if view is None:
            return t("staff.current.none", lang, counter=name)
        if view.current is not None:
            text = t("staff.current", lang, counter=name, label=view.current.label,
                     recalls=view.current.recalls, max=self.app.config.calling.max_recalls)
            if view.current.stage:
                stage = self.app.config.stage_name(view.current.stage, lang)
                text += f" \u00b7 {t('staff.stage', lang, stage=stage)}"
        elif view.last is not None:
            text = t("staff.current.last", lang, counter=name, label=view.last.label,
                     status=t(f"status.{view.last.status}", lang))
        else:
            text = t("staff.current.none", lang, counter=name)
        waiting = (t("staff.waiting.some", lang, count=view.waiting) if view.waiting
                   else t("staff.waiting.none", lang))
        return f"{text} \u00b7 {waiting}"

    def _show_hourly(self, hours: tuple[HourCount, ...]) -> None:
        self.query_one("#hourly", Static).update(
            escape(hourly_chart(hours, self.lang, self.size.width)))

    # -- actions ---------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "counter":
            self.refresh_all()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("act-"):
            action = button.removeprefix("act-")
            counter = self._selected_counter()
            if counter is None:
                return
            label = self.query_one("#label", Input).value.strip().upper()
            if action in ("call", "bring_back") and not label:
                self.say(t("staff.label", self.lang), error=True)
                self.query_one("#label", Input).focus()
                return
            # The label box names a ticket for call/bring back; "send" goes to the next stage.
            self._act(counter, action, label if action in ("call", "bring_back") else "")
        elif button in ("pause", "resume"):
            self._pause(button == "pause")
        elif button == "cap-set":
            self._set_cap()
        elif button == "reprint":
            label = self.query_one("#reprint-label", Input).value.strip().upper()
            if label:
                self._reprint(label)
            else:
                self.say(t("staff.label", self.lang), error=True)
        elif button == "language":
            self.app.action_toggle_language()
        elif button == "clock":
            self.app.push_screen(ClockConfirmScreen(self.who), self._clock_confirmed)
        elif button == "theme":
            self.say(t(f"staff.theme.{self.app.toggle_theme()}", self.lang))
        elif button in ("restart", "shutdown", "exit"):
            self._ending_action(button)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        targets = {"label": "act-call", "cap-value": "cap-set", "reprint-label": "reprint"}
        if event.input.id in targets:
            self.query_one(f"#{targets[event.input.id]}", Button).press()

    @work(thread=True, group="staff")
    def _act(self, counter: int, action: str, label: str) -> None:
        try:
            result = self.desk.act(counter, action, label)
        except Exception as exc:  # shown to staff; the lobby carries on
            self._deliver(self.say, t("staff.error", self.lang, error=exc), True)
            return
        self._deliver(self._acted, counter, action, label, result)

    def _acted(self, counter: int, action: str, label: str,
               result: CalledTicket | CallRefused | None) -> None:
        name = self._counter_name(counter)
        if result is None:
            self.say(t("staff.nobody_waiting", self.lang, counter=name), error=True)
        elif isinstance(result, CallRefused):
            self.say(t(f"call.refused.{result.reason}", self.lang, counter=name,
                       label=result.label or label, status=result.status or "",
                       left=result.recalls_left), error=True)
        else:
            stage = self.app.config.stage_name(result.sent_to or "", self.lang)
            self.say(t(f"staff.done.{action}", self.lang, label=result.label, counter=name,
                       stage=stage))
            if action in ("call", "bring_back"):
                self.query_one("#label", Input).value = ""
        self.refresh_all()

    @work(thread=True, group="staff")
    def _pause(self, pause: bool) -> None:
        try:
            (self.desk.pause if pause else self.desk.resume)(self.who)
        except Exception as exc:
            log.exception("staff menu: pause/resume failed")
            self._deliver(self.say, t("staff.error", self.lang, error=exc), True)
            return
        self._deliver(self._after_day_change)

    def _after_day_change(self) -> None:
        self.refresh_all()
        self.app.refresh_home()

    def _set_cap(self) -> None:
        raw = self.query_one("#cap-value", Input).value.strip()
        if not raw.isdigit() or int(raw) > 9999:
            self.say(t("staff.cap.bad", self.lang), error=True)
            return
        lane = self.query_one("#cap-lane", Select).value
        self._change_cap(str(lane), int(raw))

    @work(thread=True, group="staff")
    def _change_cap(self, lane: str, cap: int) -> None:
        try:
            old = self.desk.set_cap(lane, cap, self.who)
        except Exception as exc:
            log.exception("staff menu: changing the cap failed")
            self._deliver(self.say, t("staff.error", self.lang, error=exc), True)
            return
        none = t("staff.no_cap", self.lang)
        self._deliver(self.say, t("staff.cap.done", self.lang, lane=lane,
                                  old=none if old is None else old, new=cap))
        self._deliver(self._after_day_change)

    @work(thread=True, group="staff")
    def _reprint(self, label: str) -> None:
        try:
            result: Issued | None = self.desk.reprint(label, self.who, self.lang)
        except Exception as exc:
            self._deliver(self.say, t("staff.error", self.lang, error=exc), True)
            return
        if result is None:
            text, error = t("staff.reprint.missing", self.lang, label=label), True
        elif not result.printed:
            text, error = t("staff.reprint.failed", self.lang, label=label,
                            error=result.print_error), True
        else:
            text, error = t("staff.reprint.done", self.lang, label=result.ticket.label), False
        self._deliver(self.say, text, error)

    def _clock_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.say(t("staff.clock.done", self.lang))
        self.app.refresh_home()

    def _ending_action(self, action: str) -> None:
        now = time.monotonic()
        if self.armed is None or self.armed[0] != action or now - self.armed[1] > CONFIRM_S:
            self.armed = (action, now)
            self.say(t("staff.confirm", self.lang, action=t(f"staff.{action}", self.lang)),
                     error=True)
            return
        self.armed = None
        if action == "shutdown" and self.app.config.simulation:
            self.say(t("staff.shutdown.sim", self.lang))
        self.app.end_session(action, self.who)

    # -- helpers ---------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#staff-message", Static)
        message.update(escape(str(text)))
        message.set_class(error, "refused")

    def _check_idle(self) -> None:
        if time.monotonic() - self.app.last_input > self.app.config.staff_idle_seconds:
            self.action_leave()

    def action_leave(self) -> None:
        self.app.go_home()

    def on_screen_resume(self) -> None:
        self.refresh_all()
