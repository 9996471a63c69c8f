"""Opt-in messages (issue 15): the outbox and the three gateways against real HTTP
receivers on 127.0.0.1 (tests/notify_receiver.py): each gateway's wire format, the
gateway down, slow, answering 429 and 500, and the network dropping mid-request.
Every due message is delivered exactly once after recovery, none once stale.

The worker's rounds are run by the test (``run_once``) on a clock the test moves,
so back-off and staleness are exact, not timing luck.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import pytest

from kiosk import store
from kiosk.config import Config
from kiosk.config.model import NotifyConfig
from kiosk.notify.gateways import make_gateway, sms_number
from kiosk.notify.outbox import OptIn
from kiosk.notify.worker import NotifyWorker
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from tests.conftest import MovableClock
from tests.notify_receiver import Receiver

PHONE = "+6281234567890"
TOKEN = "EAAG-test-token-0123456789"


@pytest.fixture
def receiver():
    made = Receiver().start()
    yield made
    made.stop()


def notifying(config: Config, **settings) -> Config:
    base = {"enabled": True, "gateway": "webhook", "token": TOKEN, "near": 2, "timeout_s": 1.0,
            "backoff_s": 10.0, "backoff_max_s": 80.0, "stale_after_s": 1800.0}
    return dataclasses.replace(config, notify=NotifyConfig(**{**base, **settings}))


class Lobby:
    """Tickets, calls and one worker over the test's store, on the test's clock."""

    def __init__(self, config: Config, db, clock: MovableClock) -> None:
        self.config, self.db, self.clock = config, db, clock
        self.calling = calling_service(config, db, clock)
        self.day = self.calling.today(clock())
        self.numbering = Numbering(db, config.office.code, config.office.device_id)
        self.worker = self.new_worker()

    def new_worker(self) -> NotifyWorker:
        return NotifyWorker(self.config, self.config.database,
                            make_gateway(self.config.notify), clock=self.clock)

    def issue(self, count: int, lane: str = "A") -> list:
        return [self.numbering.take(lane, self.day, None, self.clock()) for _ in range(count)]

    def opt_in(self, ticket, phone: str = PHONE) -> str:
        return self.worker.opt_in([OptIn(ticket.id, ticket.office_day, ticket.lane,
                                         ticket.number, ticket.label)], phone)

    def rows(self) -> list[tuple]:
        return self.db.execute("SELECT kind, label, state, attempts FROM notify_outbox"
                               " ORDER BY created_at, kind").fetchall()

    def run(self, rounds: int = 1, advance_s: float = 0) -> None:
        for _ in range(rounds):
            self.worker.run_once()
            self.clock.advance(seconds=advance_s)


@pytest.fixture
def lobby_for(db, clock: MovableClock):
    made: list[Lobby] = []

    def make(config: Config) -> Lobby:
        lobby = Lobby(config, db, clock)
        made.append(lobby)
        return lobby

    yield make
    for lobby in made:
        lobby.worker.close()


def test_webhook_says_n_before_you_then_your_turn_once_each(
        config: Config, receiver: Receiver, lobby_for) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    tickets = lobby.issue(5)
    assert lobby.opt_in(tickets[4], "0812-3456-7890") == "+62812****7890"
    lobby.run()
    assert receiver.requests == []  # 4 before A005: more than near = 2
    lobby.calling.call_next(1)
    lobby.calling.call_next(2)  # A001, A002 called: 2 before A005
    lobby.run(3)
    assert len(receiver.delivered) == 1
    near = receiver.delivered[0]
    assert (near.method, near.path) == ("POST", "/hook")
    assert near.headers["authorization"] == f"Bearer {TOKEN}"
    assert near.headers["content-type"] == "application/json"
    body = near.json()
    assert body["to"] == PHONE and body["kind"] == "near" and body["ticket"] == "A005"
    assert body["id"] == near.headers["idempotency-key"]
    assert body["text"] == ("Antrian A005: 2 orang lagi sebelum Anda. Silakan kembali ke "
                            "ruang tunggu.\nQueue A005: 2 people before you. Please come "
                            "back to the waiting room.")
    for _ in range(3):  # A003, A004, then A005 at counter 1
        lobby.calling.call_next(1)
    lobby.run()
    lobby.calling.recall(1)  # a recall is the same turn: no second message
    lobby.run(2)
    assert [r.json()["kind"] for r in receiver.delivered] == ["near", "turn"]
    assert receiver.delivered[1].json()["text"] == (
        "Antrian A005: GILIRAN ANDA. Silakan ke Loket 1.\n"
        "Queue A005: YOUR TURN. Please go to Loket 1.")
    assert lobby.rows() == [("near", "A005", "sent", 0), ("turn", "A005", "sent", 0)]
    assert lobby.worker.counts() == {"opted_in": 1, "pending": 0, "sent": 2, "failed": 0,
                                     "stale": 0}


def test_whatsapp_cloud_api_message_call(config: Config, receiver: Receiver, lobby_for) -> None:
    """Meta's "send a text message": POST /{version}/{phone-number-id}/messages."""
    receiver.answer = (b'{"messaging_product": "whatsapp", "contacts": [{"input": '
                       b'"6281234567890", "wa_id": "6281234567890"}], "messages": '
                       b'[{"id": "wamid.HBgL"}]}')
    lobby = lobby_for(notifying(config, gateway="whatsapp", api_base=receiver.url,
                                api_version="v23.0", phone_number_id="106540352242922"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket, "+62 812 3456 7890")
    lobby.run()  # nobody before A001: "0 before you" is due at once
    (sent,) = receiver.delivered
    assert (sent.method, sent.path) == ("POST", "/v23.0/106540352242922/messages")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.json() == {
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "6281234567890", "type": "text",
        "text": {"preview_url": False, "body": sent.json()["text"]["body"]}}
    assert sent.json()["text"]["body"].startswith("Antrian A001: 0 orang lagi")


@pytest.mark.parametrize(("fmt", "style", "number"), [("form", "0", "081234567890"),
                                                       ("json", "62", "6281234567890")])
def test_sms_gateway_posts_the_configured_fields(config: Config, receiver: Receiver, lobby_for,
                                                 fmt: str, style: str, number: str) -> None:
    lobby = lobby_for(notifying(
        config, gateway="sms", url=f"{receiver.url}/api/sendsms", sms_format=fmt,
        sms_to_field="nohp", sms_text_field="pesan", sms_token_field="passkey",
        sms_number=style, sms_extra={"userkey": "kup01"}))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    lobby.run()
    (sent,) = receiver.delivered
    fields = sent.form() if fmt == "form" else sent.json()
    assert sent.headers["content-type"].startswith(
        "application/x-www-form-urlencoded" if fmt == "form" else "application/json")
    assert fields["nohp"] == number and fields["passkey"] == TOKEN
    assert fields["userkey"] == "kup01" and fields["pesan"].startswith("Antrian A001:")
    assert "authorization" not in sent.headers  # the token went as the configured field


def test_sms_numbers_in_each_style() -> None:
    assert sms_number(PHONE, "e164") == PHONE
    assert sms_number(PHONE, "62") == "6281234567890"
    assert sms_number(PHONE, "0") == "081234567890"


@pytest.mark.parametrize("trouble", ["down", "slow", "429", "500", "drop"])
def test_a_message_is_delivered_exactly_once_after_the_trouble_ends(
        config: Config, receiver: Receiver, lobby_for, trouble: str) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    if trouble == "down":
        receiver.stop()
    else:
        receiver.mode = trouble
        receiver.slow_s = 1.6  # longer than the 1 s timeout
    lobby.run()
    assert receiver.delivered == [] and lobby.rows() == [("near", "A001", "pending", 1)]
    lobby.clock.advance(seconds=9)  # back-off: 10 s after the first try
    lobby.run()
    assert lobby.rows() == [("near", "A001", "pending", 1)]  # not tried again yet
    lobby.clock.advance(seconds=1)
    lobby.run()  # second try, still in trouble: now 20 s
    assert lobby.rows() == [("near", "A001", "pending", 2)]
    if trouble == "down":
        receiver.start()
    receiver.mode = "ok"
    lobby.clock.advance(seconds=19)
    lobby.run()
    assert receiver.delivered == []
    lobby.clock.advance(seconds=1)
    lobby.run(3, advance_s=100)
    assert len(receiver.delivered) == 1 and lobby.rows() == [("near", "A001", "sent", 2)]
    tries = [r for r in receiver.requests if r.mode == trouble]
    assert len(tries) == (0 if trouble == "down" else 2)


def test_429_retry_after_is_respected(config: Config, receiver: Receiver, lobby_for) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook", backoff_s=0.5))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    receiver.mode = "429"
    lobby.run()
    receiver.mode = "ok"
    lobby.clock.advance(seconds=0.6)  # our own back-off has passed, the gateway's 1 s not
    lobby.run()
    assert receiver.delivered == []
    lobby.clock.advance(seconds=0.5)
    lobby.run()
    assert len(receiver.delivered) == 1


def test_a_lost_answer_is_repeated_with_the_same_key_and_delivered_once(
        config: Config, receiver: Receiver, lobby_for) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    receiver.mode = "lost_answer"  # the gateway took it; the reset ate its answer
    lobby.run()
    receiver.mode = "ok"
    lobby.run(3, advance_s=100)
    keys = [r.headers["idempotency-key"] for r in receiver.requests]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert len(receiver.delivered) == 1 and lobby.rows() == [("near", "A001", "sent", 1)]


def test_a_refused_message_is_failed_not_retried(config: Config, receiver: Receiver,
                                                 lobby_for, caplog) -> None:
    lobby = lobby_for(notifying(config, gateway="whatsapp", api_base=receiver.url,
                                phone_number_id="1065"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    receiver.mode = "400"
    with caplog.at_level(logging.INFO):
        lobby.run(3, advance_s=1000)
    assert len(receiver.requests) == 1 and receiver.delivered == []
    (row,) = lobby.db.execute("SELECT state, last_error FROM notify_outbox").fetchall()
    assert row == ("failed", "HTTP 400 (#131030) Recipient not in allowed list")
    assert TOKEN not in caplog.text and PHONE not in caplog.text
    assert "+62812****7890" in caplog.text


def test_stale_messages_are_dropped_and_counted(config: Config, receiver: Receiver,
                                                lobby_for) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook", stale_after_s=600))
    first, second = lobby.issue(2)
    lobby.opt_in(first)
    lobby.opt_in(second, "081299998888")
    receiver.stop()
    lobby.run()  # both "near" due, neither leaves
    lobby.calling.call_next(1)  # A001 is called while the gateway is down
    lobby.clock.advance(seconds=15)
    lobby.run()
    receiver.start()
    lobby.run(3, advance_s=30)
    # A001: "0 before you" went stale (called before it left); its turn is delivered.
    # A002: its "near" (1 before you) still holds and is delivered.
    kinds = sorted((r.json()["ticket"], r.json()["kind"]) for r in receiver.delivered)
    assert kinds == [("A001", "turn"), ("A002", "near")]
    receiver.stop()
    lobby.calling.call_next(1)  # A002's turn, then the gateway stays down for 11 minutes
    lobby.run()
    lobby.clock.advance(seconds=660)
    receiver.start()
    lobby.run(2, advance_s=60)
    assert len(receiver.delivered) == 2  # too old: dropped, never sent late
    assert lobby.worker.counts() == {"opted_in": 2, "pending": 0, "sent": 2, "failed": 0,
                                     "stale": 2}


def test_the_outbox_survives_a_restart(config: Config, receiver: Receiver, lobby_for) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    receiver.mode = "500"
    lobby.run()
    lobby.worker.close()  # the kiosk restarts (power cut) with the message pending
    receiver.mode = "ok"
    lobby.worker = lobby.new_worker()
    lobby.run(3, advance_s=100)
    assert len(receiver.delivered) == 1 and lobby.rows() == [("near", "A001", "sent", 1)]


def test_a_broken_round_is_logged_and_the_next_one_works(
        config: Config, receiver: Receiver, lobby_for, caplog) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    gateway = lobby.worker.gateway
    real_send = gateway.send
    gateway.send = lambda message: 1 / 0  # a bug in a gateway
    with caplog.at_level(logging.ERROR):
        lobby.run()
    assert "this round failed" in caplog.text
    gateway.send = real_send
    lobby.run()
    assert len(receiver.delivered) == 1


def test_a_started_worker_is_woken_by_a_poke(config: Config, receiver: Receiver,
                                             lobby_for) -> None:
    from tests.conftest import wait_until

    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook", poll_s=600))
    (ticket,) = lobby.issue(1)
    lobby.worker.start()
    lobby.opt_in(ticket)  # opting in pokes the worker: no 10-minute wait
    assert wait_until(lambda: len(receiver.delivered) == 1, 10)


def test_a_later_stage_call_is_another_your_turn(config: Config, receiver: Receiver,
                                                 clock: MovableClock, tmp_path) -> None:
    lanes = dict(config.lanes)
    lanes["A"] = dataclasses.replace(lanes["A"], stages=("berkas", "foto"))
    staged = notifying(dataclasses.replace(config, lanes=lanes), url=f"{receiver.url}/hook")
    db = store.connect(staged.database)
    lobby = Lobby(staged, db, clock)
    try:
        (ticket,) = lobby.issue(1)
        lobby.opt_in(ticket)
        lobby.run()
        lobby.calling.call_next(1)
        lobby.run()
        lobby.calling.send(1)  # to the next stage: waits for "foto"
        lobby.run()
        lobby.calling.call_next(2)
        lobby.run(2)
    finally:
        lobby.worker.close()
        db.close()
    texts = [(r.json()["kind"], r.json()["text"]) for r in receiver.delivered]
    assert [k for k, _ in texts] == ["near", "turn", "turn:foto"]
    assert texts[2][1] == ("Antrian A001: GILIRAN ANDA (Foto & wawancara). Silakan ke Loket 2."
                           "\nQueue A001: YOUR TURN (Photo & interview). Please go to Loket 2.")


def test_yesterdays_pending_messages_and_numbers_go_at_start_up(
        config: Config, receiver: Receiver, lobby_for, db) -> None:
    lobby = lobby_for(notifying(config, url=f"{receiver.url}/hook"))
    (ticket,) = lobby.issue(1)
    lobby.opt_in(ticket)
    receiver.stop()
    lobby.run()
    lobby.worker.close()
    lobby.clock.advance(days=1)
    receiver.start()
    lobby.worker = lobby.new_worker()  # start-up erases past days first
    assert db.execute("SELECT phone_sealed, phone_masked FROM notify_optins").fetchall() == [
        (None, "+62812****7890")]
    lobby.run(2, advance_s=100)
    assert receiver.delivered == [] and lobby.rows() == [("near", "A001", "stale", 1)]
    assert lobby.worker.counts()["opted_in"] == 0  # a new day
    assert isinstance(lobby.day, date)


def test_the_kiosk_starts_the_worker_and_every_call_wakes_it(
        config: Config, receiver: Receiver, clock: MovableClock) -> None:
    from kiosk.appliance import build, start_notify
    from kiosk.queue.call_feed import CallFeed
    from tests.conftest import wait_until

    cfg = notifying(config, url=f"{receiver.url}/hook", poll_s=600)  # no help from polling
    appliance = build(cfg, with_gpio=False, clock=clock)
    try:
        assert start_notify(dataclasses.replace(cfg, notify=NotifyConfig()), appliance) is None
        feed = CallFeed(cfg.database, cfg.office.code, poll_s=0.05).start()
        appliance.call_feed = feed
        appliance.closers.append(feed.close)
        worker = start_notify(cfg, appliance, clock)
        assert appliance.notifier is worker
        ticket = appliance.service.issue("A").ticket
        worker.opt_in([OptIn(ticket.id, ticket.office_day, "A", ticket.number, ticket.label)],
                      PHONE)
        assert wait_until(lambda: len(receiver.delivered) == 1)  # the opt-in woke it
        calling_service(cfg, appliance.db, clock).call_next(2)
        feed.poke()
        assert wait_until(lambda: len(receiver.delivered) == 2)  # the call feed woke it
        assert receiver.delivered[1].json()["text"].endswith("Please go to Loket 2.")
    finally:
        appliance.close()


def test_a_day_of_random_trouble_still_delivers_each_message_once(
        config: Config, receiver: Receiver, lobby_for) -> None:
    """WhatsApp's call has no idempotency key, so what the receiver took is exactly what was
    delivered: through a seeded mix of outages, every message goes once or is dropped as
    stale, never twice."""
    import random

    rng = random.Random(15)
    lobby = lobby_for(notifying(config, gateway="whatsapp", api_base=receiver.url,
                                phone_number_id="1065", timeout_s=0.5, backoff_s=5,
                                backoff_max_s=40, stale_after_s=3600))
    receiver.slow_s = 0.7
    tickets = lobby.issue(8)
    for n, ticket in enumerate(tickets):
        lobby.opt_in(ticket, f"08123456{n:04d}")
    modes = ["ok"] * 4 + ["429", "500", "drop", "down", "slow"]
    down = False
    for _ in range(40):
        mode = rng.choice(modes)
        if (mode == "down") != down:
            receiver.stop() if mode == "down" else receiver.start()
            down = mode == "down"
        receiver.mode = "ok" if mode == "down" else mode
        if rng.random() < 0.4:
            lobby.calling.call_next(rng.choice((1, 2)))
        lobby.run(advance_s=rng.choice((1, 5, 20)))
    if down:
        receiver.start()
    receiver.mode = "ok"
    lobby.run(5, advance_s=60)
    taken = []
    for seen in receiver.delivered:
        body = seen.json()["text"]["body"]
        taken.append((body.split(":")[0].removeprefix("Antrian "),
                      "turn" if "GILIRAN" in body else "near"))
    assert len(taken) == len(set(taken))  # never twice
    rows = lobby.db.execute("SELECT label, kind, state FROM notify_outbox").fetchall()
    assert {(label, kind) for label, kind, state in rows if state == "sent"} == set(taken)
    assert {state for _l, _k, state in rows} <= {"sent", "stale"}  # none left pending
    # Stale ones (a turn the next call had already served, a "near" after the call) never
    # reached the receiver: the sent set is exactly what it took.
    assert len(taken) > 8  # the day got through: most "near" and the calls' turns
