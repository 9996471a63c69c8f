"""`kiosk doctor` on opt-in messages ([notify]): off is a skip; a missing token or a bad
address fails; a gateway that cannot be reached, plain http or a stuck outbox warns; the
token is never shown."""

from __future__ import annotations

import dataclasses
from datetime import date

from kiosk.config import Config
from kiosk.config.model import NotifyConfig
from kiosk.doctor.notify_checks import notify_check
from kiosk.doctor.report import rendered
from kiosk.doctor.runner import Outcome
from tests.conftest import office_time
from tests.notify_receiver import Receiver

TOKEN = "EAAG-secret-token-0123456789"


def with_notify(config: Config, **settings) -> Config:
    return dataclasses.replace(config, notify=NotifyConfig(**{"enabled": True} | settings))


def shown(config: Config, language: str = "en") -> dict:
    return rendered(Outcome(notify_check(config, office_time("2026-11-25 10:00")), 0.0),
                    language)


def test_off_is_skipped(config: Config) -> None:
    assert shown(config)["status"] == "skip"


def test_a_reachable_gateway_passes_and_the_token_is_never_shown(config: Config) -> None:
    receiver = Receiver().start()
    try:
        found = shown(with_notify(config, url=f"{receiver.url}/hook", token=TOKEN))
        whatsapp = shown(with_notify(config, gateway="whatsapp", api_base=receiver.url,
                                     phone_number_id="1065", token=TOKEN), "id")
    finally:
        receiver.stop()
    assert found["status"] == "pass" and "(token set: yes)" in found["message"]
    assert whatsapp["status"] == "pass" and "/v23.0/1065/messages" in whatsapp["message"]
    assert receiver.requests == []  # a TCP connection only: no message was sent
    assert TOKEN not in str(found) + str(whatsapp)


def test_problems_fail_or_warn_with_a_fix(config: Config) -> None:
    no_token = shown(with_notify(config, gateway="whatsapp", phone_number_id="1065"))
    assert no_token["status"] == "fail" and "[notify] token" in no_token["fix"]
    bad = shown(with_notify(config, url="sms.example.id/send"))
    assert bad["status"] == "fail" and "[notify] url" in bad["fix"]
    plain = shown(with_notify(config, url="http://sms.example.id/send"))
    assert plain["status"] == "warn" and "plain http" in plain["message"]
    receiver = Receiver().start()
    port = receiver.port
    receiver.stop()  # nothing listens there now
    down = shown(with_notify(config, url=f"http://127.0.0.1:{port}/hook"))
    assert down["status"] == "warn" and "Messages wait in the outbox" in down["message"]


def test_a_stuck_outbox_warns(config: Config, db, clock) -> None:
    from kiosk.notify.outbox import OptIn, make_due, retry_later

    receiver = Receiver().start()
    try:
        cfg = with_notify(config, url=f"{receiver.url}/hook")
        ticket = OptIn("KUP-SIM1-1", date(2026, 11, 25), "A", 1, "A001")
        make_due(db, "KUP", "KUP-SIM1", ticket, "near", "text", clock())
        message_id = db.execute("SELECT id FROM notify_outbox").fetchone()[0]
        for _ in range(3):
            retry_later(db, message_id, clock(), "HTTP 500")
        found = shown(cfg)
        tomorrow = rendered(Outcome(notify_check(cfg, office_time("2026-11-26 10:00")), 0.0),
                            "en")
    finally:
        receiver.stop()
    assert found["status"] == "warn" and "1 of today's messages" in found["message"]
    assert tomorrow["status"] == "pass"  # a new day starts clean
