"""One walk-in cap for an office with several kiosks: numbers leased from the hub.

Two real kiosks (appliances with their own stores) and a real hub; one kiosk
reaches the hub through a fault proxy, which cuts it off for part of the day.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from kiosk.appliance import build
from kiosk.config import Config
from kiosk.queue import leases
from kiosk.queue.issuing import Issued, Refused
from kiosk.sync.hub_client import HubClient
from kiosk.sync.status import pending_events
from kiosk.sync.worker import SyncWorker, prepare_store
from tests.conftest import MovableClock
from tests.sync_harness import FaultProxy, Hub, LeasingKiosk, synced

TODAY = date(2026, 11, 25)


@pytest.fixture
def hub(tmp_path):
    hub = Hub(tmp_path / "hub.db")
    yield hub
    hub.close()


@pytest.fixture
def proxy(hub: Hub):
    proxy = FaultProxy(hub.server.port)
    yield proxy
    proxy.close()


@pytest.fixture
def kiosks(config: Config, hub: Hub, clock: MovableClock, tmp_path):
    made: list[LeasingKiosk] = []

    def make(device: str, url: str | None = None) -> LeasingKiosk:
        made.append(LeasingKiosk(config, hub, device, clock, tmp_path, url))
        return made[-1]

    yield make
    for kiosk in made:
        kiosk.close()


def test_a_kiosk_issues_only_numbers_it_holds(hub: Hub, kiosks) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 60}})
    kiosk = kiosks("KUP-K1")
    refused = kiosk.issue()  # never synced: no numbers yet, and no guessing
    assert isinstance(refused, Refused) and refused.reason == "no_numbers"  # not "quota used up"
    assert kiosk.worker.sync_once().leased == 5
    labels = [kiosk.issue().ticket.label for _ in range(4)]
    assert labels == ["A001", "A002", "A003", "A004"]
    assert kiosk.worker.sync_once().leased == 5  # below the low-water mark: topped up
    assert kiosk.held() == {"used": [1, 2, 3, 4], "free": [5, 6, 7, 8, 9, 10]}
    assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": list(range(1, 11))}
    # `kiosk issue` on the same store (another process) also takes leased numbers only.
    other = build(kiosk.config, with_gpio=False, clock=kiosk.appliance.service.clock)
    try:
        assert other.service.issue("A").ticket.label == "A005"
    finally:
        other.close()


def test_the_start_screen_counts_the_offices_numbers_this_kiosk_can_give(
        hub: Hub, kiosks) -> None:
    """"Sisa kuota" with leases: numbers held here plus those the hub lent to nobody, so it
    reaches zero when the office has nothing left for this kiosk, not cap minus its tickets."""
    hub.store.set_settings("KUP", {"caps": {"A": 12}, "lease_block": 5})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    assert first.appliance.service.quota("A").left == 0  # never in touch: nothing to give
    first.worker.sync_once()
    assert first.appliance.service.quota("A").left == 12  # 5 held + 7 not lent yet
    second.worker.sync_once()
    first.worker.sync_once()
    assert first.appliance.service.quota("A").left == 7  # 5 held + 2 left at the hub
    for _ in range(3):
        assert isinstance(second.issue(), Issued)
    assert first.appliance.service.quota("A").left == 7  # the other kiosk's tickets
    while isinstance(first.issue(), Issued):
        first.worker.sync_once()
    quota = first.appliance.service.quota("A")
    assert quota.left == 0 and len(first.numbers()) == 7  # refused here, the screen agrees
    assert quota.cap == 12


async def test_a_kiosk_without_numbers_yet_does_not_say_the_quota_is_used_up(
        hub: Hub, kiosks) -> None:
    """Switched on before it reached the hub (or cut off since the morning): the applicant
    is told this kiosk has no numbers yet, not that the office's quota is gone; the
    report counts those presses apart from the cap's."""
    from kiosk.reports.day import build_report
    from kiosk.reports.figures import Refusal
    from screens.app import KioskApp
    from screens.notice import NoticeScreen
    from tests.conftest import settle

    hub.store.set_settings("KUP", {"caps": {"A": 10}, "lease_block": 5})
    kiosk = kiosks("KUP-K1")
    service = kiosk.appliance.service
    app = KioskApp(kiosk.config, service, kiosk.appliance.simulation, kiosk.appliance.checkin)
    kiosk.appliance.on_press = app.lane_pressed
    async with app.run_test(size=(100, 30)) as pilot:
        app.lane_pressed("A")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        text = app.screen.refused.reason, str(app.screen.query_one("#notice-title").render())
        assert text == ("no_numbers", "Nomor Belum Tersedia di Kios Ini")
    kiosk.worker.sync_once()  # in touch: 5 held, 5 more at the hub
    assert [isinstance(kiosk.issue(), Issued) for _ in range(5)] == [True] * 5
    assert kiosk.issue().reason == "no_numbers"  # dry here, but the hub still has five
    kiosk.worker.sync_once()
    assert [isinstance(kiosk.issue(), Issued) for _ in range(5)] == [True] * 5
    kiosk.worker.sync_once()  # the hub: nothing left to lend
    assert kiosk.issue().reason == "cap"
    report = build_report(kiosk.db, kiosk.config, TODAY, TODAY, kiosk.clock())
    refusals = {r.reason: r for r in report.total.refusals}
    assert refusals["no_numbers"] == Refusal("no_numbers", 2)
    assert refusals["cap"] == Refusal("cap", 1)


def test_a_cap_lowered_at_this_kiosk_refuses_as_the_quota_not_as_no_numbers(
        hub: Hub, kiosks) -> None:
    """Staff lowered today's cap here below the numbers this kiosk holds: the applicant is
    told the quota is used up (not "try again"), and the screen shows nothing left."""
    hub.store.set_settings("KUP", {"caps": {"A": 60}, "lease_block": 5})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2")
    first.worker.sync_once()
    second.worker.sync_once()
    assert second.held() == {"free": [6, 7, 8, 9, 10]}
    service = second.appliance.service
    service.controls.set_cap("A", TODAY, 5, 60, "ana", second.clock())
    refused = second.issue()
    assert isinstance(refused, Refused) and refused.reason == "cap"
    assert service.quota("A").left == 0


def test_two_kiosks_one_partitioned_never_exceed_the_cap_nor_share_a_number(
        hub: Hub, kiosks, proxy: FaultProxy, clock: MovableClock) -> None:
    cap = 60
    hub.store.set_settings("KUP", {"caps": {"A": cap}, "lease_block": 5})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2", proxy.url)
    rng = random.Random(5)
    issued_while_cut_off = 0
    refusals = 0
    for step in range(400):
        proxy.default = "down" if 60 <= step < 160 else "pass"  # K2 cut off mid-morning
        kiosk = rng.choice((first, second))
        result = kiosk.issue() if rng.random() < 0.35 else None
        if result is None:
            pass
        elif isinstance(result, Issued):
            issued_while_cut_off += kiosk is second and proxy.default == "down"
        else:
            assert result.reason in ("cap", "no_numbers")
            refusals += 1
        if step % 3 == 0:
            first.worker.sync_once()
            second.worker.sync_once()
        clock.advance(seconds=30)
        numbers = first.numbers() + second.numbers()
        assert len(numbers) == len(set(numbers)), f"a number issued twice at step {step}"
        assert len(numbers) <= cap
    assert issued_while_cut_off > 0  # the cut-off kiosk kept issuing from its block
    assert refusals > 0
    # Once everyone is back in touch, every number of the cap got used, none twice.
    assert sorted(first.numbers() + second.numbers()) == list(range(1, cap + 1))


def test_the_trade_off_a_cut_off_kiosk_holds_numbers_another_needs(
        hub: Hub, kiosks, proxy: FaultProxy) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 10}, "lease_block": 5})
    first, second = kiosks("KUP-K1"), kiosks("KUP-K2", proxy.url)
    first.worker.sync_once()
    second.worker.sync_once()
    assert second.held() == {"free": [6, 7, 8, 9, 10]}
    proxy.default = "down"
    for _ in range(5):
        assert isinstance(first.issue(), Issued)
    first.worker.sync_once()  # asks for more: the office has none left to lend
    refused = first.issue()
    assert isinstance(refused, Refused) and refused.reason == "cap"  # though K2 holds five
    assert not second.worker.sync_once().ok
    proxy.default = "pass"
    report = second.worker.sync_once()  # back: the hub asks it to share
    assert report.returned == 2 and second.held()["returned"] == [9, 10]
    assert first.worker.sync_once().leased == 2
    assert [first.issue().ticket.label for _ in range(2)] == ["A009", "A010"]
    assert sorted(first.numbers() + [n for n in range(6, 9)]) == list(range(1, 11))


def test_a_lost_lease_answer_is_asked_again_and_no_number_leaks(
        hub: Hub, kiosks, proxy: FaultProxy) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}})
    kiosk = kiosks("KUP-K1", proxy.url)
    assert pending_events(kiosk.db) == 0  # nothing to push: settings come first, then leases
    proxy.faults.extend(["pass", "reset_after"])
    assert not kiosk.worker.sync_once().ok
    assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": [1, 2, 3, 4, 5]}
    assert kiosk.held() == {}
    proxy.faults.extend(["pass", "duplicate"])
    assert kiosk.worker.sync_once().ok
    assert kiosk.held() == {"free": [1, 2, 3, 4, 5]}  # the same grant, not a second one
    assert hub.store.leases("KUP", TODAY, "A") == {"KUP-K1": [1, 2, 3, 4, 5]}


def test_switching_leases_on_mid_day_never_reissues_a_number(hub: Hub, config: Config,
                                                            clock, tmp_path) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 60}})
    token = hub.kiosk_token(config.office.device_id)
    plain = dataclasses.replace(config, database=tmp_path / "k.db")
    appliance = build(plain, with_gpio=False, clock=clock)
    try:
        assert [appliance.service.issue("A").ticket.number for _ in range(3)] == [1, 2, 3]
        clock.advance(minutes=2)  # later in the morning (and no burst for the walk-in guard)
        cfg = synced(plain, hub.url, token, None, leases=True, lease_block=5)
        appliance.service.numbering.leased_lanes = prepare_store(cfg, appliance.db)
        worker = SyncWorker(cfg, appliance.db, clock=clock,
                            client=HubClient(hub.url, token, 5.0))
        assert worker.sync_once().ok
        assert leases.held_numbers(appliance.db, TODAY, "A") == {"free": [4, 5],
                                                                 "used": [1, 2, 3]}
        assert [appliance.service.issue("A").ticket.number for _ in range(2)] == [4, 5]
        assert appliance.service.issue("A").reason == "no_numbers"  # none held until next round
        assert worker.sync_once().leased == 5
        assert appliance.service.issue("A").ticket.number == 6
        worker.client.close()
    finally:
        appliance.close()
