"""The survey as a web page of the LAN server, for a tablet at the exit: driven in
headless Chromium by touch and keys, and over plain HTTP for what a browser may send."""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kiosk.config import Config
from kiosk.lan.server import LanApi
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.survey.responses import stored_responses
from tests.cdp import CHROMIUM, Browser
from tests.conftest import MovableClock

ARTIFACTS = Path(os.environ["KIOSK_TEST_ARTIFACTS"]) if os.environ.get(
    "KIOSK_TEST_ARTIFACTS") else None
TABLET = (800, 1280)


@pytest.fixture
def served(db, config: Config, clock: MovableClock):
    """A001 called to a counter (it may answer); A002 still waiting."""
    calling = calling_service(config, db, clock)
    numbering = Numbering(db, config.office.code, "KUP-SIM1")
    for _ in range(2):
        numbering.take("A", calling.today(), None, clock())
    calling.call_next(next(c.number for c in config.counters if "A" in c.lanes))
    return calling.today()


def post(api: LanApi, path: str, fields: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    try:
        conn.request("POST", path, body=urlencode(fields).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def full_form(ticket: str, **extra: str) -> dict[str, str]:
    return {"ticket": ticket, "lang": "id", **{f"u{n}": "3" for n in range(1, 10)}, **extra}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                    "(/usr/bin/chromium missing; `apt-get install chromium`)")
def test_a_respondent_on_the_tablet_by_touch_and_keys(config: Config, db, clock, served,
                                                      tmp_path: Path) -> None:
    with LanApi(config, clock=clock, port=0) as api:
        browser = Browser(f"{api.url}/survey", tmp_path / "profile", TABLET)
        try:
            browser.loaded("/survey")
            assert browser.js("document.activeElement.id") == "ticket"
            browser.type("A002")  # not served yet
            browser.key("Enter")
            browser.wait_for("!!document.querySelector('#message')")
            assert browser.js("document.querySelector('#message').textContent") == (
                "Nomor A002 belum dilayani. Silakan isi survei setelah dilayani di loket.")
            browser.tap("#language")
            browser.wait_for("document.documentElement.lang === 'en'")
            browser.tap("#ticket")
            browser.type("a001")
            browser.tap("#start")
            browser.loaded("/survey/start")
            assert browser.js("document.querySelectorAll('fieldset.q').length") == 9
            assert browser.js("document.querySelector('#u1 legend').textContent").endswith(
                "How well did the requirements match the service?")
            for key in "43424":  # U1..U5 by keys 1-4
                browser.key(key)
            for element, value in ((6, 4), (7, 4), (8, 1), (9, 3)):  # U6..U9 by touch
                browser.tap(f'#u{element} input[value="{value}"] + span')
            browser.tap('#sex input[value="P"] + span')
            browser.tap("#comment")
            browser.type("Ruang tunggu nyaman")
            shot = (ARTIFACTS or tmp_path) / "survey-tablet.png"
            browser.screenshot(shot)
            assert shot.stat().st_size > 10_000
            browser.tap("#send")
            browser.loaded("/survey/answers")
            assert "number A001" in browser.js("document.querySelector('#thanks').textContent")
        finally:
            browser.close()
    [kept] = stored_responses(db, config.office.code, served, served)
    assert kept.answers == (4, 3, 4, 2, 4, 4, 4, 1, 3)
    assert (kept.sex, kept.comment) == ("P", "Ruang tunggu nyaman")


def test_the_page_refuses_twice_with_the_same_message_and_stores_once(
        config: Config, db, clock, served) -> None:
    with LanApi(config, clock=clock, port=0) as api:
        status, page = post(api, "/survey/answers", full_form("A001", sex="L"))
        assert status == 200 and 'id="thanks"' in page and 'http-equiv="refresh"' in page
        replies = [post(api, "/survey/start", {"ticket": "A001", "lang": "id"}),
                   post(api, "/survey/answers", full_form("A001"))]
        for status, page in replies:
            assert status == 409
            assert "Nomor A001 sudah mengisi survei hari ini. Terima kasih." in page
    assert len(stored_responses(db, config.office.code, served, served)) == 1


@pytest.mark.parametrize("fields, status, words", [
    ({"ticket": "A099", "lang": "en"}, 409, "Number A099 was not found today."),
    ({"ticket": "<script>", "lang": "id"}, 409, "Nomor &lt;SCRIPT&gt; tidak ditemukan"),
])
def test_unknown_tickets_get_a_clear_page(config: Config, db, clock, served, fields, status,
                                          words) -> None:
    with LanApi(config, clock=clock, port=0) as api:
        got, page = post(api, "/survey/start", fields)
    assert got == status and words in page and "<script>A" not in page


def test_missing_or_odd_answers_lose_nothing_and_say_why(config: Config, db, clock,
                                                         served) -> None:
    with LanApi(config, clock=clock, port=0) as api:
        form = full_form("A001")
        del form["u9"]
        assert post(api, "/survey/answers", form)[0] == 400
        status, page = post(api, "/survey/answers", full_form("A001", u3="9"))
        assert status == 400 and "Jawaban tidak lengkap" in page
        status, page = post(api, "/survey/answers", full_form("A001", sex="X"))
        assert status == 400
        assert post(api, "/survey/answers", full_form("A001", comment="x" * 5000))[0] == 413
        assert stored_responses(db, config.office.code, served, served) == []
        assert post(api, "/survey/answers", full_form("A001"))[0] == 200  # still allowed


def test_quick_mode_on_the_page(config: Config, db, clock, served) -> None:
    import dataclasses

    from kiosk.config import SurveyConfig

    quick = dataclasses.replace(config, survey=SurveyConfig("quick"))
    with LanApi(quick, clock=clock, port=0) as api:
        status, page = post(api, "/survey/start", {"ticket": "A001", "lang": "id"})
        assert status == 200 and page.count('class="q"') == 1
        assert "Bagaimana pelayanan kami hari ini?" in page
        assert post(api, "/survey/answers", {"ticket": "A001", "quick": "4"})[0] == 200
    [kept] = stored_responses(db, config.office.code, served, served)
    assert (kept.mode, kept.quick) == ("quick", 4)
    event = db.execute("SELECT payload FROM events WHERE kind = 'survey_answered'").fetchone()
    assert json.loads(event[0])["quick"] == 4


def test_a_station_on_another_machine_through_the_json_api(config: Config, db, clock,
                                                            served) -> None:
    from kiosk.lan.survey_client import RemoteSurveyDesk
    from kiosk.survey.responses import (
        Recorded,
        Response,
        SurveyRefused,
        SurveyTicket,
        SurveyUnavailable,
    )

    with LanApi(config, clock=clock, port=0) as api:
        remote = RemoteSurveyDesk(api.url)
        try:
            assert remote.find("A002") == SurveyRefused("not_served", "A002")
            found = remote.find(" a001")
            assert isinstance(found, SurveyTicket) and (found.label, found.office_day) == (
                "A001", served)
            done = remote.record("A001", Response(answers=(2,) * 9, education="sma"))
            assert isinstance(done, Recorded) and done.ticket.label == "A001"
            assert remote.record("A001", Response(answers=(2,) * 9)) == SurveyRefused(
                "already_answered", "A001")
            status, page = post(api, "/survey/api/answers", {"ticket": "A001"})
            assert status == 400  # not JSON: a clear refusal, nothing stored
        finally:
            remote.close()
        port = api.port
    [kept] = stored_responses(db, config.office.code, served, served)
    assert (kept.answers, kept.education) == ((2,) * 9, "sma")
    gone = RemoteSurveyDesk(f"http://127.0.0.1:{port}", timeout_s=1)
    with pytest.raises(SurveyUnavailable):
        gone.find("A001")  # the kiosk is off: said, never a crash
    gone.close()
