"""`kiosk report`'s SKM section: the survey of a day or a range, per service and for
the office, in all four formats, with the figures worked out by hand below.

Answers (U1..U9), Kupang, walk-in A and priority P:
  25 Nov  A001 (4,4,3,3,4,3,3,2,4) = 30   A002 (3,3,3,2,3,3,4,3,3) = 27
          P001 (4,3,4,4,3,4,4,3,3) = 32   A003 quick: 2 (never in the IKM)
  26 Nov  A001 (3,2,3,4,3,3,3,2,4) = 27
Both days, all services: the worked example of tests/test_survey_index.py:
  NRR 3.50 3.00 3.25 3.25 3.25 3.25 3.50 2.50 3.50; weighted 29/9 = 3.2222;
  IKM 725/9 = 80.56 -> B.
  Service A (30+27+27 = 84): weighted 84/27 = 3.1111, IKM 84 x 25 / 27 = 77.78 -> B.
  Service P (32): weighted 32/9 = 3.5556, IKM 32 x 25 / 9 = 88.89 -> A.
25 Nov alone, all services (30+27+32 = 89): IKM 89 x 25 / 27 = 82.41 -> B;
  U1 (4+3+4)/3 = 3.67.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from kiosk.cli.report import render
from kiosk.config import Config
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.reports.day import build_report
from kiosk.survey.responses import Response, SurveyDesk
from tests.conftest import MovableClock, office_time

DAY, NEXT = date(2026, 11, 25), date(2026, 11, 26)
ANSWERS = {
    (DAY, "A001"): (4, 4, 3, 3, 4, 3, 3, 2, 4),
    (DAY, "A002"): (3, 3, 3, 2, 3, 3, 4, 3, 3),
    (DAY, "P001"): (4, 3, 4, 4, 3, 4, 4, 3, 3),
    (NEXT, "A001"): (3, 2, 3, 4, 3, 3, 3, 2, 4),
}


@pytest.fixture
def surveyed(config: Config, db):
    for day, lanes in ((DAY, "AAAP"), (NEXT, "A")):
        clock = MovableClock(office_time(f"{day} 09:00"))
        numbering = Numbering(db, config.office.code, "KUP-SIM1")
        for lane in lanes:
            numbering.take(lane, day, None, clock())
        calling = calling_service(config, db, clock)
        for label in ("A001", "A002", "A003", "P001") if day == DAY else ("A001",):
            counter = next(c.number for c in config.counters if label[0] in c.lanes)
            calling.call_specific(counter, label)
        desk = SurveyDesk(db, config.office.code, "KUP-SV1", clock, office_day=day)
        for (answered_on, label), answers in ANSWERS.items():
            if answered_on == day:
                comment = "Antrean <b>cepat</b>" if label == "P001" else None
                desk.record(label, Response(answers=answers, sex="L", comment=comment))
        if day == DAY:
            desk.record("A003", Response(mode="quick", quick=2, sex="P"))
    return config, db


def report(surveyed, first: date, last: date):
    config, db = surveyed
    return build_report(db, config, first, last, office_time(f"{last} 17:00"))


def test_the_range_per_service_and_overall_as_computed_by_hand(surveyed) -> None:
    data = json.loads(render(report(surveyed, DAY, NEXT), "json", "id"))["skm"]
    office, a, p = data["indexes"]
    assert (office["scope"], office["respondents"], office["weighted_nrr"], office["ikm"],
            office["band"]) == ("all", 4, 3.2222, 80.56, "B")
    assert list(office["nrr"].values()) == [3.5, 3.0, 3.25, 3.25, 3.25, 3.25, 3.5, 2.5, 3.5]
    assert (a["scope"], a["respondents"], a["weighted_nrr"], a["ikm"], a["band"]) == (
        "A", 3, 3.1111, 77.78, "B")
    assert (p["scope"], p["respondents"], p["weighted_nrr"], p["ikm"], p["band"]) == (
        "P", 1, 3.5556, 88.89, "A")
    assert data["quick"] == [
        {"scope": "all", "respondents": 1, "counts": {"1": 0, "2": 1, "3": 0, "4": 0},
         "mean": 2.0},
        {"scope": "A", "respondents": 1, "counts": {"1": 0, "2": 1, "3": 0, "4": 0},
         "mean": 2.0}]
    assert data["profile"]["sex"] == {"L": 4, "P": 1}
    assert data["comments"] == [{"day": "2026-11-25", "service": "P",
                                 "text": "Antrean <b>cepat</b>"}]


def test_one_day_has_its_own_index(surveyed) -> None:
    data = json.loads(render(report(surveyed, DAY, DAY), "json", "id"))["skm"]
    office = data["indexes"][0]
    assert (office["respondents"], office["ikm"], office["band"], office["nrr"]["u1"]) == (
        3, 82.41, "B", 3.67)
    empty = json.loads(render(report(surveyed, date(2026, 11, 27), date(2026, 11, 27)),
                              "json", "id"))["skm"]
    assert empty["indexes"] == [] and empty["respondents"] == 0


def test_csv_rows_hold_the_same_figures(surveyed) -> None:
    rows = list(csv.reader(io.StringIO(render(report(surveyed, DAY, NEXT), "csv", "id"))))
    skm = {(r[2], r[3]): r[4] for r in rows if r[1] == "skm"}
    assert skm[("all", "ikm")] == "80.56" and skm[("all", "band")] == "B"
    assert skm[("A", "ikm")] == "77.78" and skm[("P", "nrr_u1")] == "4.0"
    assert skm[("all", "respondents")] == "4" and skm[("all", "comments")] == "1"
    assert all(r[0] == "total" for r in rows if r[1].startswith("skm"))
    quick = {(r[2], r[3]): r[4] for r in rows if r[1] == "skm_quick"}
    assert quick[("all", "answer_2")] == "1" and quick[("all", "respondents")] == "1"
    day_rows = list(csv.reader(io.StringIO(render(report(surveyed, DAY, DAY), "csv", "id"))))
    assert ["2026-11-25", "skm", "all", "ikm", "82.41"] in day_rows


def test_the_terminal_table_in_both_languages(surveyed) -> None:
    text = render(report(surveyed, DAY, NEXT), "table", "id")
    section = text[text.index("Survei Kepuasan Masyarakat (SKM)"):]
    assert re.search(r"Seluruh layanan\s+4\s+3,50\s+3,00.*3,2222\s+80,56\s+B \(Baik\)", section)
    assert re.search(r"P Prioritas\s+1\s+4,00.*88,89\s+A \(Sangat Baik\)", section)
    assert re.search(r"U8\s+Penanganan pengaduan, saran dan masukan", section)
    assert "Survei singkat" in section and "2026-11-25 P: Antrean <b>cepat</b>" in section
    english = render(report(surveyed, DAY, NEXT), "table", "en")
    assert re.search(r"All services\s+4\s+3.50.*80.56\s+B \(Good\)", english)


def test_the_html_section_draws_nrr_per_element_to_scale(surveyed) -> None:
    page = render(report(surveyed, DAY, NEXT), "html", "id")
    section = page[page.index('<section id="skm">'):page.index("</section>",
                                                              page.index('<section id="skm">'))]
    scale = float(re.search(r'id="chart-skm"[^>]*data-scale="([0-9.]+)"', section).group(1))
    bars = re.findall(r'<rect class="bar" data-series="([^"]+)" data-category="(U\d)"'
                      r' data-value="([0-9.]+)"[^>]* width="([0-9.]+)"', section)
    assert len(bars) == 3 * 9  # office, A, P
    office = [(c, float(v)) for s, c, v, _ in bars if s == "all"]
    assert office == [(f"U{n}", v) for n, v in enumerate(
        (3.5, 3.0, 3.25, 3.25, 3.25, 3.25, 3.5, 2.5, 3.5), start=1)]
    for _, _, value, width in bars:
        assert float(width) == pytest.approx(float(value) * scale, abs=0.01)
    assert 'data-figure="ikm"><b>80,56</b>' in section and "<b>B</b>" in section
    assert "Antrean &lt;b&gt;cepat&lt;/b&gt;" in section and "<b>cepat</b>" not in section
    assert "IKM menurut PermenPANRB 14/2017" in section


def test_no_answers_is_said_not_left_blank(config: Config, db) -> None:
    empty = build_report(db, config, DAY, DAY, office_time(f"{DAY} 17:00"))
    assert "Belum ada jawaban survei pada periode ini." in render(empty, "table", "id")
    assert "No survey answers in this period." in render(empty, "html", "en")
    assert json.loads(render(empty, "json", "id"))["skm"]["indexes"] == []
