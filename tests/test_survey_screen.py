"""`kiosk survey`: the Textual survey station, driven like a respondent would, at the
smallest supported terminal (80x24) and a big lobby screen (160x50)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os

import pytest
from textual.widgets import Button, Input, Static

from kiosk.cli import survey as cli_survey
from kiosk.config import Config
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.survey.responses import SurveyDesk, stored_responses
from screens.survey import SurveyApp
from tests.conftest import MovableClock

SIZES = [(80, 24), (160, 50)]


def served_tickets(db, config: Config, clock: MovableClock, count: int = 2) -> None:
    """Issue walk-in numbers A001.. and call the first ``count - 1`` (the last waits)."""
    calling = calling_service(config, db, clock)
    numbering = Numbering(db, config.office.code, "KUP-SIM1")
    for _ in range(count):
        numbering.take("A", calling.today(), None, clock())
    counter = next(c.number for c in config.counters if "A" in c.lanes)
    for _ in range(count - 1):
        calling.call_next(counter)


@pytest.fixture
def survey(config: Config, db, clock: MovableClock):
    def make(**kwargs) -> SurveyApp:
        desk = SurveyDesk(db, config.office.code, "KUP-SV1", clock,
                          office_day=calling_service(config, db, clock).today())
        return SurveyApp(config, desk, **kwargs)
    return make


def text_of(app: SurveyApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def visible(app: SurveyApp, selector: str) -> bool:
    """On screen in full: displayed and inside the terminal."""
    widget = app.query_one(selector)
    region = widget.region
    return (widget.display and region.width > 0 and region.height > 0
            and region.right <= app.size.width and region.bottom <= app.size.height)


@pytest.mark.parametrize("size", SIZES)
async def test_a_respondent_answers_everything_and_the_screen_resets(
        config: Config, db, clock: MovableClock, survey, size: tuple[int, int]) -> None:
    served_tickets(db, config, clock)
    app = survey()
    async with app.run_test(size=size) as pilot:
        assert visible(app, "#ticket-input") and visible(app, "#start")
        await pilot.press(*"a001", "enter")
        for n, key in enumerate("432143214", start=1):
            assert text_of(app, "#progress").startswith(f"Pertanyaan {n} dari 9")
            for value in (1, 2, 3, 4):
                assert visible(app, f"#choice-{value}")
            await pilot.press(key)
        assert app.step == "profile"
        for selector in ("#sex-P", "#education-s3", "#occupation-lainnya", "#comment",
                         "#send"):
            assert visible(app, selector), selector
        await pilot.click("#sex-P")
        await pilot.click("#occupation-wirausaha")
        app.query_one("#comment", Input).value = "Petugas ramah"
        await pilot.click("#send")
        await pilot.pause()
        assert app.step == "thanks"
        assert "A001" in text_of(app, "#thanks-body")
        [kept] = stored_responses(db, config.office.code, clock().date(), clock().date())
        assert kept.answers == (4, 3, 2, 1, 4, 3, 2, 1, 4)
        assert (kept.sex, kept.education, kept.occupation, kept.comment) == (
            "P", None, "wirausaha", "Petugas ramah")
        await pilot.press("space")
        assert app.step == "ticket" and app.query_one("#ticket-input", Input).value == ""


@pytest.mark.parametrize("size", SIZES)
async def test_a_ticket_not_served_or_answered_is_refused_at_entry_with_the_same_message(
        config: Config, db, clock: MovableClock, survey, size: tuple[int, int]) -> None:
    served_tickets(db, config, clock)  # A001 called, A002 waiting
    app = survey()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"A002", "enter")
        assert app.step == "ticket" and visible(app, "#message")
        assert text_of(app, "#message") == (
            "Nomor A002 belum dilayani. Silakan isi survei setelah dilayani di loket.")
        await pilot.press(*"A001", "enter")
        for _ in range(9):
            await pilot.press("3")
        await pilot.click("#send")
        await pilot.press("enter")  # the thank-you, skipped
        messages = []
        for _ in range(2):
            await pilot.press(*"A001", "enter")
            messages.append(text_of(app, "#message"))
        assert messages == ["Nomor A001 sudah mengisi survei hari ini. Terima kasih."] * 2
        assert app.step == "ticket"
        assert db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 1


async def test_english_by_toggle_and_back_corrects_an_answer(config: Config, db,
                                                             clock: MovableClock,
                                                             survey) -> None:
    served_tickets(db, config, clock)
    app = survey()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#language")
        assert "Type your queue number" in text_of(app, "#ticket-prompt")
        await pilot.press(*"A001", "enter")
        assert text_of(app, "#question") == "How well did the requirements match the service?"
        assert str(app.query_one("#choice-4", Button).label) == "4  Very good"
        await pilot.click("#choice-1")
        await pilot.click("#back")
        assert text_of(app, "#progress").startswith("Question 1 of 9")
        for _ in range(9):
            await pilot.press("4")
        await pilot.click("#language")
        assert text_of(app, "#comment-label").startswith("Saran atau komentar")
        await pilot.click("#send")
        assert app.step == "thanks"
    [kept] = stored_responses(db, config.office.code, clock().date(), clock().date())
    assert kept.answers == (4,) * 9


async def test_quick_mode_asks_one_question_and_is_stored_apart(config: Config, db,
                                                                clock: MovableClock,
                                                                survey) -> None:
    served_tickets(db, config, clock)
    app = survey(mode="quick")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"A001", "enter")
        assert text_of(app, "#question") == "Bagaimana pelayanan kami hari ini?"
        assert text_of(app, "#progress").startswith("Pertanyaan 1 dari 1")
        await pilot.press("2")
        await pilot.click("#send")
        assert app.step == "thanks"
    [kept] = stored_responses(db, config.office.code, clock().date(), clock().date())
    assert (kept.mode, kept.quick, kept.answers) == ("quick", 2, None)
    payload = json.loads(db.execute(
        "SELECT payload FROM events WHERE kind = 'survey_answered'").fetchone()[0])
    assert payload["mode"] == "quick"


async def test_a_respondent_who_walks_away_leaves_nothing_and_the_screen_resets(
        config: Config, db, clock: MovableClock, survey) -> None:
    served_tickets(db, config, clock)
    # Seconds, not tenths: a loaded machine must not time out the respondent mid-test.
    app = survey(idle_s=2.0, thanks_s=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"A001", "enter")
        await pilot.press("4", "4")
        assert app.step == "question"
        await pilot.pause(3.0)
        assert app.step == "ticket" and app.query_one("#ticket-input", Input).has_focus
        assert db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 0
        await pilot.press(*"A001", "enter")  # still allowed: nothing was stored
        for _ in range(9):
            await pilot.press("1")
        await pilot.click("#send")
        assert app.step == "thanks"
        await pilot.pause(3.0)
        assert app.step == "ticket"


async def test_ctrl_c_and_ctrl_q_do_not_end_the_survey(config: Config, survey) -> None:
    app = survey()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c", "ctrl+q")
        assert app.is_running and app.step == "ticket"


def test_kiosk_survey_starts_the_survey_app_as_its_own_program(config: Config,
                                                                monkeypatch) -> None:
    started = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: started.append(argv))
    parser = argparse.ArgumentParser()
    cli_survey.register(parser.add_subparsers(dest="command"))
    assert cli_survey.dispatch(parser.parse_args(["survey", "--mode", "quick"]), config) == 0
    assert started.pop()[1:] == ["-m", "screens.survey", "--config",
                                 str(config.path.resolve()), "--mode", "quick"]
    args = parser.parse_args(["survey", "--url", "http://192.168.1.20:8470"])
    assert cli_survey.dispatch(args, config) == 0
    assert started.pop()[-2:] == ["--url", "http://192.168.1.20:8470"]
    assert cli_survey.dispatch(argparse.Namespace(command="board"), config) is None
    # A station on a second Pi: [survey] kiosk_url says where the kiosk is (the unit
    # systemd/kiosk-survey.service runs plain `kiosk survey`).
    station = dataclasses.replace(config, survey=dataclasses.replace(
        config.survey, kiosk_url="http://192.168.1.20:8470"))
    assert cli_survey.dispatch(parser.parse_args(["survey"]), station) == 0
    assert started.pop()[-2:] == ["--url", "http://192.168.1.20:8470"]


async def test_a_station_on_another_machine_answers_through_the_kiosk(
        config: Config, db, clock: MovableClock) -> None:
    from kiosk.lan.server import LanApi
    from kiosk.lan.survey_client import RemoteSurveyDesk

    served_tickets(db, config, clock)
    with LanApi(config, clock=clock, port=0) as api:
        remote = RemoteSurveyDesk(api.url)
        app = SurveyApp(config, remote)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press(*"A002", "enter")
                assert "belum dilayani" in text_of(app, "#message")
                await pilot.press(*"A001", "enter")
                for _ in range(9):
                    await pilot.press("4")
                await pilot.click("#send")
                assert app.step == "thanks" and "A001" in text_of(app, "#thanks-body")
                api.close()  # the kiosk goes away: the station says so and carries on
                await pilot.press("enter")
                await pilot.press(*"A001", "enter")
                assert app.step == "ticket" and app.is_running
                assert text_of(app, "#message") == (
                    "Survei belum bisa diisi sekarang. Silakan coba lagi sebentar lagi.")
        finally:
            remote.close()
    [kept] = stored_responses(db, config.office.code, clock().date(), clock().date())
    assert kept.answers == (4,) * 9
