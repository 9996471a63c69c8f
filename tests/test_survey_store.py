"""Survey responses in the store: one per served ticket per office day, each with its
outbox event; refusals say why and write nothing."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from kiosk import store
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.numbering import Numbering
from kiosk.survey.index import InvalidAnswers
from kiosk.survey.responses import (
    COMMENT_MAX,
    Recorded,
    Response,
    SurveyDesk,
    SurveyRefused,
    SurveyTicket,
    stored_responses,
)
from kiosk.sync.protocol import MAX_PAYLOAD_CHARS, parse_event
from kiosk.texts import t
from tests.conftest import MovableClock

DAY = date(2026, 11, 25)
FULL = Response(answers=(4, 3, 3, 2, 4, 4, 3, 2, 3))


def served(db, clock: MovableClock, lanes: str = "AAP") -> CallingService:
    """Issue one ticket per letter of ``lanes`` and call them all to counter 1..n."""
    numbering = Numbering(db, "KUP", "KUP-K1")
    for lane in lanes:
        numbering.take(lane, DAY, None, clock())
    counters = {n: Counter(n, f"Loket {n}", frozenset("APB")) for n in range(1, 4)}
    return CallingService(db, "KUP", "KUP-C1", counters, CallPolicy(), clock, office_day=DAY)


def desk(db, clock: MovableClock, day: date = DAY) -> SurveyDesk:
    return SurveyDesk(db, "KUP", "KUP-S1", clock, office_day=day)


def survey_events(db) -> list[dict]:
    return [dict(zip(("kind", "ticket_id", "office_day", "payload"),
                     r[:3] + (json.loads(r[3]),), strict=True))
            for r in db.execute("SELECT kind, ticket_id, office_day, payload FROM events"
                                " WHERE kind LIKE 'survey%' ORDER BY seq")]


def test_a_served_ticket_answers_once_and_the_answer_goes_to_the_outbox(db, clock) -> None:
    calling = served(db, clock, "A")
    calling.call_next(1)
    calling.call_next(1)  # "next" with nobody waiting: A001 is now served
    survey = desk(db, clock)
    found = survey.find(" a001 ")
    assert isinstance(found, SurveyTicket) and found.label == "A001"
    done = survey.record("A001", replace(FULL, sex="P", occupation="swasta",
                                         comment="  Antrean\x07 tertib  "))
    assert isinstance(done, Recorded) and done.mode == "full"
    [event] = survey_events(db)
    assert event["kind"] == "survey_answered" and event["ticket_id"] == found.id
    assert event["payload"] == {
        "response_id": done.id, "lane": "A", "label": "A001", "mode": "full",
        "answers": [4, 3, 3, 2, 4, 4, 3, 2, 3], "sex": "P", "occupation": "swasta",
        "comment": "Antrean  tertib"}
    [kept] = stored_responses(db, "KUP", DAY, DAY)
    assert kept.answers == FULL.answers and kept.education is None


def test_a_ticket_at_the_counter_may_answer_before_staff_press_next(db, clock) -> None:
    served(db, clock, "A").call_next(1)  # A001 called, still at counter 1
    assert isinstance(desk(db, clock).record("A001", FULL), Recorded)


def test_answering_twice_is_refused_twice_with_the_same_clear_message(db, clock) -> None:
    served(db, clock, "A").call_next(1)
    survey = desk(db, clock)
    assert isinstance(survey.record("A001", FULL), Recorded)
    first = survey.record("A001", FULL)
    second = survey.record("a001", Response(mode="quick", quick=4))
    assert first == second == SurveyRefused("already_answered", "A001")
    assert survey.find("A001") == first
    message = t("survey.refused." + first.reason, "id", label=first.label)
    assert message == "Nomor A001 sudah mengisi survei hari ini. Terima kasih."
    assert len(survey_events(db)) == 1
    assert db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 1


def test_unknown_and_waiting_tickets_are_refused_and_nothing_is_written(db, clock) -> None:
    calling = served(db, clock, "AA")
    calling.call_next(1)  # A001 called; A002 still waits
    survey = desk(db, clock)
    assert survey.record("A002", FULL) == SurveyRefused("not_served", "A002")
    assert survey.record("A099", FULL) == SurveyRefused("unknown_ticket", "A099")
    assert survey.record("hello", FULL) == SurveyRefused("unknown_ticket", "HELLO")
    assert survey.record("", FULL) == SurveyRefused("unknown_ticket", "")
    # Today's A001 is not yesterday's or tomorrow's A001.
    assert desk(db, clock, date(2026, 11, 26)).record("A001", FULL) == SurveyRefused(
        "unknown_ticket", "A001")
    assert survey_events(db) == []


def test_a_scanned_ticket_qr_names_the_ticket_and_another_days_is_refused(db, clock) -> None:
    served(db, clock, "A").call_next(1)
    ticket_id = db.execute("SELECT id FROM tickets").fetchone()[0]
    assert desk(db, clock, date(2026, 11, 26)).find(ticket_id) == SurveyRefused(
        "other_day", "A001")
    done = desk(db, clock).record(ticket_id, FULL)
    assert isinstance(done, Recorded) and done.ticket.label == "A001"


def test_a_quick_answer_is_kept_apart_and_takes_the_tickets_one_response(db, clock) -> None:
    served(db, clock, "A").call_next(1)
    done = desk(db, clock).record("A001", Response(mode="quick", quick=3))
    assert isinstance(done, Recorded)
    [kept] = stored_responses(db, "KUP", DAY, DAY)
    assert (kept.mode, kept.answers, kept.quick) == ("quick", None, 3)
    assert survey_events(db)[0]["payload"]["quick"] == 3


@pytest.mark.parametrize("response, problem", [
    (Response(answers=(4, 3, 3)), "need 9 answers"),
    (Response(answers=(4, 3, 3, 2, 4, 4, 3, 2, 5)), "U9"),
    (Response(mode="quick", quick=0), "quick"),
    (Response(mode="survey"), "mode"),
    (replace(FULL, sex="X"), "sex"),
    (replace(FULL, education="phd"), "education"),
    (replace(FULL, occupation="bos"), "occupation"),
    (replace(FULL, comment="x" * (COMMENT_MAX + 1)), "comment"),
])
def test_bad_answers_are_refused_before_anything_is_written(db, clock, response: Response,
                                                            problem: str) -> None:
    served(db, clock, "A").call_next(1)
    with pytest.raises(InvalidAnswers, match=problem):
        desk(db, clock).record("A001", response)
    assert survey_events(db) == [] and desk(db, clock).find("A001").label == "A001"


def test_the_store_itself_refuses_a_second_row_and_a_mixed_row(db, clock) -> None:
    served(db, clock, "A").call_next(1)
    desk(db, clock).record("A001", FULL)
    row = db.execute("SELECT * FROM survey_responses").fetchone()
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO survey_responses VALUES (" + ",".join("?" * len(row)) + ")",
                   ("other-id", *row[1:]))
    mixed = ("mixed-id", row[1], row[2], "P", 9, *row[5:19], 4, *row[20:])
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("INSERT INTO survey_responses VALUES (" + ",".join("?" * len(row)) + ")",
                   mixed)


def test_the_longest_comment_still_fits_the_hubs_event_limit(db, clock) -> None:
    served(db, clock, "A").call_next(1)
    worst = replace(FULL, sex="L", education="d4_s1", occupation="wirausaha",
                    comment="\U0001F600" * COMMENT_MAX)
    desk(db, clock).record("A001", worst)
    row = db.execute("SELECT id, seq, at, office_code, office_day, device_id, kind, ticket_id,"
                     " payload FROM events WHERE kind = 'survey_answered'").fetchone()
    # parse_event is the hub's own check: it refuses a payload over its limit.
    names = ("id", "seq", "at", "office_code", "office_day", "device_id", "kind", "ticket_id")
    event = parse_event(dict(zip(names, row[:8], strict=True), payload=json.loads(row[8])), 0)
    assert len(json.dumps(json.loads(event.payload))) <= MAX_PAYLOAD_CHARS


def test_two_desks_on_one_store_record_a_ticket_once(config, clock) -> None:
    first, second = store.connect(config.database), store.connect(config.database)
    try:
        served(first, clock, "A").call_next(1)
        results = [desk(first, clock).record("A001", FULL), desk(second, clock).record(
            "A001", FULL)]
        assert sorted(type(r).__name__ for r in results) == ["Recorded", "SurveyRefused"]
    finally:
        first.close()
        second.close()


def test_a_visit_with_stages_may_answer_only_at_its_last_stage(db, clock) -> None:
    from kiosk.queue.stages import StagePlan

    plan = StagePlan({"A": ("berkas", "foto")})
    numbering = Numbering(db, "KUP", "KUP-K1")
    numbering.take("A", DAY, None, clock())
    counters = {1: Counter(1, "Loket 1", frozenset("A"), stages=frozenset({"berkas"})),
                5: Counter(5, "Loket 5", frozenset("A"), stages=frozenset({"foto"}))}
    calling = CallingService(db, "KUP", "KUP-C1", counters, CallPolicy(), clock,
                             office_day=DAY, stages=plan)
    survey = SurveyDesk(db, "KUP", "KUP-S1", clock, office_day=DAY,
                        stages={"A": ("berkas", "foto")})
    calling.call_next(1)  # at the document check
    assert survey.find("A001") == SurveyRefused("not_served", "A001")
    calling.send(1)  # documents complete: waits for the photo room
    assert survey.find("A001") == SurveyRefused("not_served", "A001")
    calling.call_next(5)  # at the last stage: the visit is ending
    assert isinstance(survey.record("A001", FULL), Recorded)


def test_a_tickets_tracking_link_or_short_code_names_it(db, clock) -> None:
    from kiosk.tracking.links import link_maker, tracking_key

    salt = bytes.fromhex("84bd82cfdd485cd08ff4dbe29f96c54b")
    served(db, clock, "AA").call_next(1)
    ids = [r[0] for r in db.execute("SELECT id FROM tickets ORDER BY number")]
    links = link_maker("http://192.168.1.20:8470", salt)
    survey = SurveyDesk(db, "KUP", "KUP-S1", clock, office_day=DAY,
                        link_key=tracking_key(salt))
    url, code = links(ids[0])
    assert survey.find(url).label == "A001"  # the QR, read by a scanner
    assert survey.find(code.lower()).label == "A001"  # the short code, typed
    assert survey.find(links(ids[1])[1]) == SurveyRefused("not_served", "A002")
    assert survey.find("http://192.168.1.20:8470/t/0000000000") == SurveyRefused(
        "unknown_ticket", "00000-00000")
    assert isinstance(survey.record(url, FULL), Recorded)
    # Without the key (no links on this office's tickets) a code names nothing.
    assert desk(db, clock).find(code) == SurveyRefused("unknown_ticket", code)
