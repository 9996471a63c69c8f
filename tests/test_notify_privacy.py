"""Opt-in messages and personal data (issue 15, UU 27/2022): what a typed number becomes,
sealed with a key that is not in the store, masked in logs, never in the hub, and
gone from the store once the office day is over."""

from __future__ import annotations

import dataclasses
import logging
import random
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.config.model import NotifyConfig
from kiosk.notify.gateways import make_gateway
from kiosk.notify.outbox import OptIn
from kiosk.notify.phone import PhoneInvalid, mask_phone, masked_typing, normalize_phone
from kiosk.notify.sealing import PhoneSeal
from kiosk.notify.worker import NotifyWorker
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.sync.hub_client import HubClient
from kiosk.sync.worker import SyncWorker
from tests.conftest import MovableClock
from tests.notify_receiver import Receiver
from tests.sync_harness import Hub, synced

NATIONAL = "81377712468"  # every written form of the test's number contains these digits


@pytest.mark.parametrize(("typed", "e164"), [
    ("081377712468", "+6281377712468"), ("0813-7771-2468", "+6281377712468"),
    ("6281377712468", "+6281377712468"), ("+62 813 7771 2468", "+6281377712468"),
    ("81377712468", "+6281377712468"), ("0895 1234 5678", "+6289512345678"),
    ("0812345678", "+62812345678"), ("0812345678901", "+62812345678901")])
def test_indonesian_mobile_numbers_become_e164(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "empty"), ("0813abc", "not_digits"), ("0215551234", "not_mobile"),
    ("+6581234567", "not_mobile"), ("0804123456", "not_mobile"), ("08123456", "too_short"),
    ("08123456789012", "too_long"), ("+1 650 555 1234", "not_mobile")])
def test_other_numbers_are_refused_with_a_reason(typed: str, reason: str) -> None:
    assert normalize_phone(typed) == PhoneInvalid(reason)


def test_masks_keep_only_the_ends() -> None:
    assert mask_phone("+6281377712468") == "+62813****2468"
    assert masked_typing("0813") == "0813"
    assert masked_typing("081377") == "0813**"
    assert masked_typing("081377712468") == "0813****2468"


def test_a_sealed_number_opens_only_with_the_office_key_and_its_ticket() -> None:
    seal = PhoneSeal(bytes(range(16)))
    sealed = seal.seal("+6281377712468", "KUP-SIM1-01")
    assert NATIONAL not in sealed
    assert seal.open(sealed, "KUP-SIM1-01") == "+6281377712468"
    assert seal.open(sealed, "KUP-SIM1-02") is None  # moved to another ticket
    assert PhoneSeal(bytes(range(1, 17))).open(sealed, "KUP-SIM1-01") is None  # another key
    with pytest.raises(ValueError):
        PhoneSeal(b"short")


def files_holding(paths: list[Path], needle: str) -> list[str]:
    return [p.name for p in paths if p.exists() and needle.encode() in p.read_bytes()]


def test_the_number_is_never_in_clear_in_the_store_logs_or_hub(
        config: Config, db, clock: MovableClock, tmp_path: Path, caplog) -> None:
    receiver = Receiver().start()
    hub = Hub(tmp_path / "hub.db")
    worker = None
    try:
        token = hub.kiosk_token("KUP-T1")
        cfg = dataclasses.replace(synced(config, hub.url, token, "KUP-T1"), notify=NotifyConfig(
            enabled=True, url=f"{receiver.url}/hook", token="t0ken-for-the-relay", near=1))
        caplog.set_level(logging.DEBUG)  # every logger, httpx's requests included
        calling = calling_service(cfg, db, clock)
        day = calling.today(clock())
        numbering = Numbering(db, cfg.office.code, cfg.office.device_id)
        tickets = [numbering.take("A", day, None, clock()) for _ in range(3)]
        worker = NotifyWorker(cfg, cfg.database, make_gateway(cfg.notify), clock=clock)
        mine = tickets[2]
        worker.opt_in([OptIn(mine.id, day, "A", mine.number, mine.label)], "0813-7771-2468")
        for _ in range(3):
            calling.call_next(1)
            worker.run_once()
        assert [r.json()["kind"] for r in receiver.delivered] == ["near", "turn"]
        assert receiver.delivered[0].json()["to"] == "+6281377712468"  # only the gateway
        sync = SyncWorker(cfg, db, clock=clock, client=HubClient(hub.url, token, 5.0),
                          rng=random.Random(1))
        assert sync.sync_once().ok
        store_files = [cfg.database, *(Path(f"{cfg.database}{s}") for s in ("-wal", "-shm"))]
        hub_files = [tmp_path / f"hub.db{s}" for s in ("", "-wal", "-shm")]
        assert (tmp_path / "hub.db").exists()
        # During the day: sealed in the store, masked in the log, absent from the hub.
        assert files_holding(store_files + hub_files, NATIONAL) == []
        assert NATIONAL not in caplog.text and "+62813****2468" in caplog.text
        assert "t0ken-for-the-relay" not in caplog.text
        sealed = db.execute("SELECT phone_sealed FROM notify_optins").fetchone()[0]
        assert sealed and NATIONAL not in sealed
        worker.close()
        clock.advance(days=1)  # the office day is over: the next start erases the number
        worker = NotifyWorker(cfg, cfg.database, make_gateway(cfg.notify), clock=clock)
        worker.run_once()
        assert sync.sync_once().ok
        assert db.execute("SELECT phone_sealed, phone_masked FROM notify_optins").fetchall() == [
            (None, "+62813****2468")]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert files_holding(store_files + hub_files, NATIONAL) == []
        assert files_holding(store_files, sealed) == []  # not even the ciphertext is kept
        assert NATIONAL not in caplog.text
    finally:
        if worker is not None:
            worker.close()
        hub.close()
        receiver.stop()
