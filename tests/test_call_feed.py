"""The call feed: every committed call reaches the lobby's outputs once, in order.

Calls are made through a real CallingService on its own store connection (as
another process, the LAN API or a counter button would), and the feed reads
them back from the store on its own connection.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from kiosk import store
from kiosk.clock import utc_now
from kiosk.config import Config
from kiosk.queue.call_feed import CallFeed, FeedCall
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from tests.conftest import wait_until


@pytest.fixture
def staff(config: Config):
    """A counter's CallingService on its own connection, with 5 walk-ins waiting."""
    db = store.connect(config.database)
    calling = calling_service(config, db, utc_now)
    numbering = Numbering(db, config.office.code, "KUP-SIM1")
    for _ in range(5):
        numbering.take("A", calling.today(), None, utc_now())
    yield calling
    db.close()


def test_calls_and_recalls_arrive_in_order_with_their_kind(config, staff) -> None:
    got: list[FeedCall] = []
    with CallFeed(config.database, config.office.code, poll_s=0.02) as feed:
        feed.subscribe(got.append)
        assert staff.call_next(1).label == "A001"
        assert staff.call_next(2).label == "A002"
        assert staff.recall(1).label == "A001"
        assert wait_until(lambda: len(got) == 3)
    assert [(c.label, c.counter, c.kind) for c in got] == [
        ("A001", 1, "call"), ("A002", 2, "call"), ("A001", 1, "recall")]
    assert [c.seq for c in got] == sorted(c.seq for c in got)


def test_old_calls_are_not_replayed_at_start(config, staff) -> None:
    staff.call_next(1)
    staff.call_next(2)  # the morning before a restart
    got: list[FeedCall] = []
    with CallFeed(config.database, config.office.code, poll_s=0.02) as feed:
        feed.subscribe(got.append)
        time.sleep(0.1)  # several polls
        assert got == []
        assert staff.call_next(1).label == "A003"
        assert wait_until(lambda: len(got) == 1)
        time.sleep(0.1)
    assert [c.label for c in got] == ["A003"]  # once, not again at each poll


def test_poke_delivers_without_waiting_for_the_poll(config, staff) -> None:
    got: list[FeedCall] = []
    arrived = threading.Event()
    with CallFeed(config.database, config.office.code, poll_s=30) as feed:
        feed.subscribe(lambda call: (got.append(call), arrived.set()))
        time.sleep(0.05)  # the thread is now asleep in its 30 s poll
        staff.call_next(1)
        start = time.monotonic()
        feed.poke()
        assert arrived.wait(10)
        assert time.monotonic() - start < 10.0  # well before the 30 s poll
    assert [c.label for c in got] == ["A001"]


def test_a_listener_that_raises_is_logged_and_the_feed_goes_on(config, staff, caplog) -> None:
    got: list[str] = []

    def broken(call: FeedCall) -> None:
        raise RuntimeError("speaker unplugged")

    caplog.set_level(logging.ERROR, logger="kiosk.queue.call_feed")
    with CallFeed(config.database, config.office.code, poll_s=0.02) as feed:
        feed.subscribe(broken)
        feed.subscribe(lambda call: got.append(call.label))
        staff.call_next(1)
        assert wait_until(lambda: got == ["A001"])
        staff.call_next(1)  # the next call still arrives, at every listener after the broken one
        assert wait_until(lambda: got == ["A001", "A002"])
    failures = [r for r in caplog.records if "listener" in r.getMessage()]
    assert len(failures) == 2 and "A001" in failures[0].getMessage()
    assert failures[0].exc_info is not None


def test_calls_of_another_office_on_the_same_store_are_ignored(config, staff) -> None:
    got: list[str] = []
    with CallFeed(config.database, "OTHER", poll_s=0.02) as feed:
        feed.subscribe(lambda call: got.append(call.label))
        staff.call_next(1)
        seq = staff.db.execute("SELECT max(seq) FROM calls").fetchone()[0]
        time.sleep(0.15)
        assert not feed.wait_delivered(seq, 0.05)
    assert got == []


def test_close_stops_the_thread_and_the_store_connection(config, staff) -> None:
    feed = CallFeed(config.database, config.office.code, poll_s=0.02).start()
    thread = feed._thread
    assert thread is not None and thread.is_alive()
    feed.close()
    assert not thread.is_alive()
    got: list[str] = []
    feed.subscribe(lambda call: got.append(call.label))
    staff.call_next(1)
    time.sleep(0.1)
    assert got == []  # nothing delivered after close


def test_a_no_show_is_handed_to_withdrawal_listeners_only(config, staff) -> None:
    calls: list[FeedCall] = []
    gone: list[FeedCall] = []
    with CallFeed(config.database, config.office.code, poll_s=0.02) as feed:
        feed.subscribe(calls.append)
        feed.on_withdrawn(gone.append)
        assert staff.call_next(1).label == "A001"
        for _ in range(staff.max_recalls):
            staff.recall(1)
        assert staff.mark_no_show(1).status == "no_show"
        assert wait_until(lambda: len(gone) == 1)
        assert staff.bring_back("A001").status == "waiting"
        time.sleep(0.1)
    assert [(g.label, g.counter, g.kind) for g in gone] == [("A001", 1, "no_show")]
    assert [c.kind for c in calls] == ["call"] + ["recall"] * staff.max_recalls
