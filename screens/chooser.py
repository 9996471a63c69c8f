"""The home screen's service chooser (issue 13): with more than two services a press
takes a number in, one big target per service instead of the walk-in and priority lines.

A target is touched (or clicked), or chosen by its number key (1..9, config order); both
go through ``app.lane_pressed``, so the NIK and priority rules of a press apply. Before
anyone presses, each target says whether it gives a number now and if not why (not
served now, paused, paper out, quota used up: kiosk/queue/home_state.py). On screens of
120 columns or more the service letters are drawn in block letters (screens/bigtext.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Grid
from textual.widgets import Static

from kiosk.queue.home_state import NOT_SERVED, OPEN, PAPER_OUT, PAUSED, numbered_lanes
from kiosk.texts import format_moment, t
from kiosk.texts.rules import lane_rule_next_line
from screens.bigtext import FONT, fit_big, render_big

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kiosk.config import Config
    from kiosk.queue.home_state import HomeState, LaneState

BIG_FROM_COLUMNS = 120  # block letters from this screen width on
MAX_KEYS = 9  # number keys 1..9


def chooser_services(config: Config) -> tuple[str, ...]:
    """The services the chooser offers, in config order; empty when the office offers
    at most two (the classic walk-in and priority home screen)."""
    services = numbered_lanes(config)
    return services[:MAX_KEYS] if len(services) > 2 else ()


class BigTitle(Static):
    """The chooser's title: block letters on a wide screen, plain text on 80 columns."""

    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(text, **kwargs)
        self.text = text

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.app.size.width
        big = fit_big(self.text, width - 2) if width >= BIG_FROM_COLUMNS else None
        self.update(big or self.text)


class ServiceTarget(Static):
    """One service: its key, letter and name, and whether a press gives a number now."""

    def __init__(self, code: str, key: int) -> None:
        super().__init__("", id=f"service-{code}", classes="service-target service-open")
        self.code, self.key = code, key

    def on_click(self) -> None:
        self.app.lane_pressed(self.code)


class ServiceChooser(Grid):
    DEFAULT_CSS = """
    ServiceChooser { grid-size: 2; grid-gutter: 0 1; height: auto; width: 100%; }
    ServiceChooser.wide { grid-size: 3; }
    """

    def __init__(self, services: tuple[str, ...]) -> None:
        super().__init__(id="chooser")
        self.services = services
        self._shown: dict[str, str] = {}
        self._state: HomeState | None = None

    def compose(self) -> ComposeResult:
        for key, code in enumerate(self.services, start=1):
            yield ServiceTarget(code, key)

    def on_mount(self) -> None:
        self.show(getattr(self.screen, "state", None))  # read as the home screen was drawn

    def on_resize(self) -> None:
        self.show(self._state or getattr(self.screen, "state", None))

    def wide(self) -> bool:
        return self.app.size.width >= BIG_FROM_COLUMNS

    def show(self, state: HomeState | None) -> None:
        """Redraw each target whose text changed (the home screen asks every second)."""
        self._state = state
        wide = self.wide()
        self.set_class(wide, "wide")
        lang = self.app.language
        for target in self.query(ServiceTarget):
            lane_state = state.lanes.get(target.code) if state is not None else None
            is_open = lane_state is None or lane_state.state == OPEN
            target.set_class(is_open, "service-open")
            target.set_class(not is_open, "service-off")
            text = self._text(target, lane_state, wide, lang)
            if self._shown.get(target.code) != text:
                self._shown[target.code] = text
                target.update(text)

    def _text(self, target: ServiceTarget, lane_state: LaneState | None, wide: bool,
              lang: str) -> str:
        name = self.app.config.lanes[target.code].name(lang)
        line = self._state_line(target, lane_state, lang)
        if wide and all(ch in FONT for ch in target.code.upper()):
            return f"{render_big(target.code)}\n[{target.key}]  {name}\n{line}"
        return f"[{target.key}]  {target.code}  {name}\n{line}"

    def _state_line(self, target: ServiceTarget, lane_state: LaneState | None,
                    lang: str) -> str:
        if lane_state is None or lane_state.state == OPEN:
            quota = self._state.quotas.get(target.code) if self._state is not None else None
            if quota is not None and quota.cap is not None:
                return t("chooser.open_left", lang, number=target.key, left=quota.left,
                         cap=quota.cap)
            return t("chooser.open", lang, number=target.key)
        if lane_state.state == NOT_SERVED:
            rule = lane_state.rule
            if rule is not None:
                return lane_rule_next_line(rule, lang)
            when = lane_state.next_opening
            return (t("chooser.next", lang, when=format_moment(when, lang)) if when
                    else t("closed.lane", lang))
        if lane_state.state == PAUSED:
            return t("chooser.paused", lang)
        if lane_state.state == PAPER_OUT:
            return t("chooser.paper_out", lang)
        return t("chooser.quota", lang, cap=lane_state.cap)
