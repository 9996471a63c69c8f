"""Result screens go back home by themselves, so the next applicant starts fresh."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Static

from kiosk.ops.lean import collect_garbage
from kiosk.texts import t


class CountdownScreen(Screen):
    """Shows "back to the start screen in N seconds" in #countdown, then goes home."""

    remaining: int = 8
    paused: bool = False  # e.g. while the applicant answers the message offer on top

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)
        # Once this screen is drawn, free the result screens gone before it now rather
        # than several tickets later (kiosk/ops/lean.py; `kiosk run` only).
        self.call_after_refresh(collect_garbage)

    def _tick(self) -> None:
        if self.paused:
            return
        if self.remaining <= 0:
            self.app.go_home()
            return
        self.query_one("#countdown", Static).update(
            t("back_home", self.app.language, seconds=self.remaining))
        self.remaining -= 1
