"""`kiosk survey`: the satisfaction survey station (SKM) as a full-screen Textual app.

A respondent types or scans their ticket, answers the nine elements with four
big labelled choices (touch, or keys 1-4), optionally tells their sex,
education, occupation and a comment, and sees a thank-you; then the screen
is back at the start for the next person. Nothing is stored until the last
step: someone who walks away halfway leaves nothing behind, and the screen
goes back to the start after IDLE_S without a touch. The ticket is checked
when it is entered, so nobody answers nine questions only to be refused.

Runs as its own program (``python -m screens.survey``) on the kiosk's store:
on the kiosk Pi's second screen, or any machine that sees the same database.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from kiosk.survey.index import ELEMENTS
from kiosk.survey.responses import (
    COMMENT_MAX,
    EDUCATION,
    OCCUPATIONS,
    SEXES,
    Recorded,
    Response,
    SurveyDesk,
    SurveyRefused,
    SurveyTicket,
    SurveyUnavailable,
    last_stages,
    ticket_key,
)
from kiosk.texts import t
from screens.guard import KeepRunning
from screens.themes import install_themes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.config import Config
    from kiosk.lan.survey_client import RemoteSurveyDesk

log = logging.getLogger(__name__)
IDLE_S = 90.0  # a respondent who walked away: back to the start, nothing stored
THANKS_S = 8.0
PROFILE = (("sex", SEXES), ("education", EDUCATION), ("occupation", OCCUPATIONS))
WIDE = (120, 40)  # from here the choices are drawn tall, for an elderly respondent


class SurveyApp(KeepRunning):
    """Ticket -> questions -> optional profile -> thank-you -> ticket again."""

    TITLE = "Survei Kepuasan Masyarakat"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [  # respondents cannot leave the survey (as on the kiosk)
        Binding("ctrl+q", "nothing", show=False, priority=True),
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
        Binding("ctrl+z", "nothing", show=False, priority=True),
        Binding("ctrl+p", "nothing", show=False, priority=True),
    ]
    CSS = """
    Screen { layout: vertical; }
    #top { height: 3; background: $primary; }
    #title { width: 1fr; text-style: bold; padding: 1 1; }
    #language { min-width: 0; width: auto; }
    .panel { height: 1fr; padding: 0 1; }
    .big { text-style: bold; margin: 1 0 0 0; }
    #message, #profile-message { color: $warning; text-style: bold; margin: 1 0 0 0; }
    #ticket-input { width: 60; }
    #choices { height: auto; margin: 1 0; }
    #choices Button { width: 1fr; height: 3; margin-right: 1; text-style: bold; }
    .wide #choices Button { height: 7; }
    .wide #question { padding: 1 0; }
    #progress { color: $text-muted; }
    #nav { height: auto; }
    #nav Button, #send-row Button { min-width: 0; width: auto; margin-right: 2; }
    .options { height: auto; }
    .options Button { min-width: 0; width: auto; margin-right: 1; }
    .options Button.chosen { background: $accent; color: black; text-style: bold; }
    .label { margin-top: 1; text-style: bold; }
    #comment { width: 1fr; }
    #send-row { height: auto; margin-top: 1; }
    #thanks-title { text-style: bold; color: $success; margin-top: 2; }
    """

    def __init__(self, config: Config, desk: SurveyDesk | RemoteSurveyDesk,
                 mode: str | None = None,
                 idle_s: float = IDLE_S, thanks_s: float = THANKS_S) -> None:
        super().__init__()
        install_themes(self, config.screen_theme)
        self.config, self.desk = config, desk
        self.mode = mode or config.survey.mode
        self.idle_s, self.thanks_s = idle_s, thanks_s
        self.language = config.language
        self.step = "ticket"
        self.ticket: SurveyTicket | None = None
        self.answers: list[int | None] = []
        self.index = 0
        self.profile: dict[str, str | None] = {}
        self.message = ""
        self._idle = None
        self._thanks = None

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static("", id="title")
            yield Button("", id="language")
        with Vertical(id="ticket-panel", classes="panel"):
            yield Static("", id="ticket-prompt", classes="big")
            yield Input(id="ticket-input", max_length=200)  # a scanned tracking link
            yield Button("", id="start", variant="primary")
            yield Static("", id="message")
        with Vertical(id="question-panel", classes="panel"):
            yield Static("", id="progress")
            yield Static("", id="question", classes="big")
            with Horizontal(id="choices"):
                for value in (1, 2, 3, 4):
                    yield Button("", id=f"choice-{value}", classes="choice")
            yield Static("", id="keys")
            with Horizontal(id="nav"):
                yield Button("", id="back")
        with VerticalScroll(id="profile-panel", classes="panel"):
            yield Static("", id="profile-title", classes="big")
            for name, values in PROFILE:
                yield Static("", id=f"{name}-label", classes="label")
                with Horizontal(classes="options", id=f"{name}-options"):
                    for value in values:
                        yield Button("", id=f"{name}-{value}", classes="option")
            yield Static("", id="comment-label", classes="label")
            yield Input(id="comment", max_length=COMMENT_MAX)
            yield Static("", id="profile-message", classes="message")
            with Horizontal(id="send-row"):
                yield Button("", id="send", variant="success")
                yield Button("", id="profile-back")
        with Vertical(id="thanks-panel", classes="panel"):
            yield Static("", id="thanks-title", classes="big")
            yield Static("", id="thanks-body", classes="big")
            yield Button("", id="done", variant="primary")

    def on_mount(self) -> None:
        self._fit()
        self.restart()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Tall choices when the screen has room; compact profile buttons when it has not."""
        wide = self.size.width >= WIDE[0] and self.size.height >= WIDE[1]
        self.screen.set_class(wide, "wide")
        for button in self.query(".option").results(Button):
            button.compact = not wide

    # -- steps ---------------------------------------------------------------

    def restart(self) -> None:
        """Back to the ticket entry, for the next respondent."""
        self.step, self.ticket, self.index, self.message = "ticket", None, 0, ""
        self.answers = [None] * (ELEMENTS if self.mode == "full" else 1)
        self.profile = {name: None for name, _ in PROFILE}
        self.query_one("#ticket-input", Input).value = ""
        self.query_one("#comment", Input).value = ""
        self._stop_timers()
        self.redraw()
        self.query_one("#ticket-input", Input).focus()

    def _stop_timers(self) -> None:
        for timer in (self._idle, self._thanks):
            if timer is not None:
                timer.stop()
        self._idle = self._thanks = None

    def _touched(self) -> None:
        """Any input restarts the idle countdown of an unfinished survey."""
        if self._idle is not None:
            self._idle.stop()
        if self.step in ("question", "profile"):
            self._idle = self.set_timer(self.idle_s, self.restart)

    def enter_ticket(self, typed: str) -> None:
        try:
            found = self.desk.find(typed)
        except (SurveyUnavailable, sqlite3.Error) as exc:
            log.warning("a survey ticket could not be checked: %s", exc)
            self.message = t("survey.unavailable", self.language)
            self.redraw()
            return
        if isinstance(found, SurveyRefused):
            self.message = t(f"survey.refused.{found.reason}", self.language,
                             label=found.label or "-")
            self.query_one("#ticket-input", Input).value = ""
            self.redraw()
            return
        self.ticket, self.step, self.index, self.message = found, "question", 0, ""
        self._touched()
        self.redraw()
        self.query_one("#choice-3", Button).focus()

    def choose(self, value: int) -> None:
        self.answers[self.index] = value
        if self.index + 1 < len(self.answers):
            self.index += 1
        else:
            self.step = "profile"
        self._touched()
        self.redraw()

    def back(self) -> None:
        if self.step == "profile":
            self.step = "question"
        elif self.index > 0:
            self.index -= 1
        else:
            self.restart()
            return
        self._touched()
        self.redraw()

    def pick(self, name: str, value: str) -> None:
        """A profile choice; choosing it again clears it (the fields are optional)."""
        self.profile[name] = None if self.profile[name] == value else value
        self._touched()
        self.redraw()

    def send(self) -> None:
        assert self.ticket is not None
        comment = self.query_one("#comment", Input).value
        if self.mode == "full":
            response = Response(answers=tuple(a for a in self.answers if a is not None),
                                comment=comment, **self.profile)
        else:
            response = Response(mode="quick", quick=self.answers[0], comment=comment,
                                **self.profile)
        try:
            result = self.desk.record(self.ticket.label, response)
        except (SurveyUnavailable, sqlite3.Error) as exc:  # the kiosk away, the store locked
            log.warning("a survey response could not be stored: %s", exc)
            self.message = t("survey.store_failed", self.language)
            self.redraw()
            return
        if isinstance(result, SurveyRefused):  # answered on another station meanwhile
            self.restart()
            self.message = t(f"survey.refused.{result.reason}", self.language,
                             label=result.label)
            self.redraw()
            return
        self._thank(result)

    def _thank(self, result: Recorded) -> None:
        self.step = "thanks"
        self._stop_timers()
        self.query_one("#thanks-body", Static).update(escape(t(
            "survey.thanks.body", self.language, label=result.ticket.label)))
        self._thanks = self.set_timer(self.thanks_s, self.restart)
        self.redraw()

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"
        self._touched()
        self.redraw()
        if self.step == "ticket":  # a scanner's burst must land in the field, not the button
            self.query_one("#ticket-input", Input).focus()

    # -- drawing -------------------------------------------------------------

    def redraw(self) -> None:
        lang = self.language
        for panel in ("ticket", "question", "profile", "thanks"):
            self.query_one(f"#{panel}-panel").display = panel == self.step
        self.query_one("#title", Static).update(escape(t("survey.title", lang)))
        self.query_one("#language", Button).label = t("survey.language", lang)
        self.query_one("#ticket-prompt", Static).update(escape(t("survey.ticket_prompt", lang)))
        self.query_one("#start", Button).label = t("survey.start", lang)
        self.query_one("#message", Static).update(escape(self.message))
        self.query_one("#profile-message", Static).update(escape(self.message))
        self.query_one("#profile-message").display = bool(self.message)
        total = len(self.answers)
        question = ("survey.quick.question" if self.mode == "quick"
                    else f"survey.u{self.index + 1}")
        self.query_one("#progress", Static).update(escape(
            t("survey.question", lang, n=self.index + 1, total=total)))
        self.query_one("#question", Static).update(escape(t(question, lang)))
        for value in (1, 2, 3, 4):
            button = self.query_one(f"#choice-{value}", Button)
            button.label = f"{value}  {t(f'survey.choice.{value}', lang)}"
            button.variant = "primary" if self.answers and self.answers[
                min(self.index, total - 1)] == value else "default"
        self.query_one("#keys", Static).update(escape(t("survey.keys", lang)))
        self.query_one("#back", Button).label = t("survey.back", lang)
        self.query_one("#profile-title", Static).update(escape(
            t("survey.profile", lang) + "  " + t("survey.optional", lang)))
        for name, values in PROFILE:
            self.query_one(f"#{name}-label", Static).update(escape(t(f"survey.{name}", lang)))
            for value in values:
                button = self.query_one(f"#{name}-{value}", Button)
                button.label = t(f"survey.{name}.{value}", lang)
                button.set_class(self.profile.get(name) == value, "chosen")
        self.query_one("#comment-label", Static).update(escape(
            t("survey.comment", lang, max=COMMENT_MAX)))
        self.query_one("#send", Button).label = t("survey.send", lang)
        self.query_one("#profile-back", Button).label = t("survey.back", lang)
        self.query_one("#thanks-title", Static).update(escape(t("survey.thanks.title", lang)))
        self.query_one("#done", Button).label = t("survey.done", lang)
        for button in self.query(Button):  # Textual keeps a width from the old label
            button.clear_cached_dimensions()
            button.refresh(layout=True)

    # -- input ---------------------------------------------------------------

    def action_nothing(self) -> None:
        """Ctrl+C, Ctrl+Q...: the survey stays on screen."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "ticket-input":
            self.enter_ticket(event.value)
        elif event.input.id == "comment":
            self.send()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._touched()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        if name == "language":
            self.toggle_language()
        elif name == "start":
            self.enter_ticket(self.query_one("#ticket-input", Input).value)
        elif name.startswith("choice-"):
            self.choose(int(name.removeprefix("choice-")))
        elif name in ("back", "profile-back"):
            self.back()
        elif name == "send":
            self.send()
        elif name == "done":
            self.restart()
        else:
            field, _, value = name.partition("-")
            if field in self.profile:
                self.pick(field, value)

    def on_key(self, event: events.Key) -> None:
        if self.step == "question" and event.character in ("1", "2", "3", "4"):
            event.stop()
            self.choose(int(event.character))
        elif self.step == "thanks":
            event.stop()
            self.restart()


def run_survey(config: Config, mode: str | None = None, url: str | None = None) -> int:
    """On the kiosk's store, or (``url``) through the kiosk's LAN server on another machine."""
    from kiosk import store
    from kiosk.clock import utc_now
    from kiosk.queue.schedule import Schedule

    if url:
        from kiosk.lan.survey_client import RemoteSurveyDesk

        remote = RemoteSurveyDesk(url)
        try:
            SurveyApp(config, remote, mode).run()
        finally:
            remote.close()
        return 0
    db = store.connect(config.database)
    try:
        desk = SurveyDesk(db, config.office.code, config.office.device_id, utc_now,
                          schedule=Schedule.of(config), stages=last_stages(config),
                          link_key=ticket_key(config))
        SurveyApp(config, desk, mode).run()
    finally:
        db.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m screens.survey [--config FILE] [--quick]`` (what `kiosk survey` runs)."""
    from kiosk.config import ConfigError, config_path, load_config

    parser = argparse.ArgumentParser(prog="kiosk survey", description="satisfaction survey")
    parser.add_argument("--config", help="config file (default: $KIOSK_CONFIG or "
                        "config/kiosk.toml)")
    parser.add_argument("--mode", choices=("full", "quick"),
                        help="override [survey] mode")
    parser.add_argument("--url", help="the kiosk's LAN server, e.g. http://192.168.1.20:8470,"
                        " for a station on another machine (default: this machine's store)")
    args = parser.parse_args(argv)
    try:
        config = load_config(config_path(args.config))
    except ConfigError as exc:
        print(f"Konfigurasi salah / bad configuration: {exc}", file=sys.stderr)
        return 1
    return run_survey(config, args.mode, args.url)


if __name__ == "__main__":
    sys.exit(main())
