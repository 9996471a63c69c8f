"""The public quota page on a phone (headless Chromium at 360x740), and the same page served
by the kiosk's LAN server for the lobby Wi-Fi from the kiosk's own store (issue 14)."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from kiosk.config import Config
from kiosk.lan.server import LanApi
from kiosk.public.ratelimit import RateLimit
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import CapReached, Numbering
from tests.conftest import MovableClock, office_time, with_cap
from tests.public_harness import PUBLIC, WEEKDAYS, WITA, Kiosk, PublicHub
from tests.test_lan_api import CHROMIUM, run_chromium

PHONE = (360, 740)
BACKGROUND = (0xF4, 0xF6, 0xFA)
ARTIFACTS = Path(os.environ["KIOSK_TEST_ARTIFACTS"]) if os.environ.get(
    "KIOSK_TEST_ARTIFACTS") else None
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not "
                                    "installed (/usr/bin/chromium; `apt-get install chromium`)")


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(office_time("2026-11-25 09:00"))


def phone_shot(url: str, tmp_path: Path, name: str) -> Path:
    shot = (ARTIFACTS or tmp_path) / name
    result = run_chromium(url, tmp_path, f"--screenshot={shot}", size=PHONE)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


def check_fits_a_phone(shot: Path) -> None:
    """Drawn (not blank) and nothing wider than the phone: the page's side margin, right of
    every card and line, stays background from below the header to the bottom."""
    from PIL import Image

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == PHONE
        colours = rgb.getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 20  # text, cards, header: not blank
        top = next(y for y in range(rgb.height) if rgb.getpixel((2, y)) == BACKGROUND)
        assert 40 <= top <= 200, top  # the blue header, then the page
        margin = [rgb.getpixel((x, y)) for x in range(PHONE[0] - 8, PHONE[0])
                  for y in range(top, rgb.height)]
        assert set(margin) == {BACKGROUND}, "something runs past the phone's width"
        # The service cards are drawn: rows with white card pixels in the middle.
        cards = sum(1 for y in range(top, rgb.height) if rgb.getpixel((180, y)) == (255,) * 3)
        assert cards >= 100, cards


@needs_chromium
def test_the_hub_page_on_a_360_px_phone(config: Config, tmp_path: Path, clock) -> None:
    hub = PublicHub(tmp_path / "hub.db", clock)
    hub.store.add_office("KUP", "Kantor Imigrasi Kelas I Tempat Pemeriksaan Imigrasi Kupang "
                         "Nusa Tenggara Timur", "Asia/Makassar")  # a long name must wrap
    kiosk = Kiosk(config, hub, "KUP-Q1", clock, tmp_path)
    try:
        hub.settings(caps={"A": 5, "P": 30, "B": None}, hours=WEEKDAYS)
        kiosk.sync()
        kiosk.issue("A", 5)
        kiosk.issue("P", 4)
        kiosk.sync()
        page = hub.get(f"{PUBLIC}/KUP")
        assert len(page.content) < 8 * 1024  # a tiny page on a slow phone connection
        assert "http" not in page.text and "<script" not in page.text  # no external assets
        for lang in ("id", "en"):
            shot = phone_shot(f"{hub.url}{PUBLIC}/KUP?lang={lang}", tmp_path,
                              f"public-quota-hub-{lang}-360x740.png")
            check_fits_a_phone(shot)
        dom = run_chromium(f"{hub.url}{PUBLIC}/KUP", tmp_path, "--dump-dom", size=PHONE)
        html = dom.stdout.decode()
        assert 'class="svc out" data-code="A"' in html and "Sisa 0 dari 5" in html
        assert 'class="svc ok" data-code="P"' in html and "Sisa 26 dari 30" in html
        assert "Kuota habis sejak pukul" in html and "Buka sekarang, sampai 16:00 WITA" in html
        # No limit is a sign, never a big 0 that reads as "none left".
        assert '<li class="svc nocap" data-code="B"><span class="big">\u221e</span>' in html
        assert html.index('data-code="A"') < html.index('data-code="P"') < \
            html.index('data-code="B"')
    finally:
        kiosk.close()
        hub.close()


# -- the kiosk's LAN server ----------------------------------------------------------------


@pytest.fixture
def lan(config: Config, clock: MovableClock, db):
    cfg = with_cap(config, "A", 3)
    api = LanApi(cfg, clock=clock, port=0, public_limit=RateLimit(burst=50, per_second=1))
    api.start()
    yield api, cfg
    api.close()


def take(db, config: Config, clock: MovableClock, lane: str, count: int, cap: int | None
         ) -> list[datetime]:
    day = calling_service(config, db, clock).today()
    numbering = Numbering(db, config.office.code, config.office.device_id)
    times = []
    for _ in range(count):
        clock.advance(seconds=20)
        ticket = numbering.take(lane, day, cap, clock())
        assert not isinstance(ticket, CapReached)
        times.append(ticket.issued_at)
    return times


def test_the_lan_server_serves_the_kiosks_own_figures(lan, db, clock) -> None:
    api, cfg = lan
    times = take(db, cfg, clock, "A", 3, 3)
    take(db, cfg, clock, "P", 2, None)
    clock.advance(minutes=1)
    day = calling_service(cfg, db, clock).today()
    turned = Numbering(db, cfg.office.code, cfg.office.device_id).take("A", day, 3, clock())
    assert isinstance(turned, CapReached)
    answer = httpx.get(f"{api.url}{PUBLIC}/KUP/today", timeout=10)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "public, max-age=30"
    doc = answer.json()
    assert doc["source"] == "kiosk" and doc["stale"] is False
    assert doc["open_now"] is True and doc["hours_today"] == "00:00-24:00"
    assert doc["closes_at"] is None and doc["office"]["name"] == cfg.office.name
    assert [(s["code"], s["cap"], s["issued"], s["left"]) for s in doc["services"]] == [
        ("A", 3, 3, 0), ("P", None, 2, None), ("B", None, 0, None)]
    walkin = doc["services"][0]
    assert walkin["ran_out_at"] == times[-1].astimezone(WITA).isoformat(timespec="seconds")
    assert doc["last_data_at"] == clock().astimezone(WITA).isoformat(timespec="seconds")
    page = httpx.get(f"{api.url}{PUBLIC}/KUP", timeout=10)
    assert page.status_code == 200 and "Langsung dari kios antrian kantor ini." in page.text
    assert "Sisa 0 dari 3" in page.text and "KUP-SIM1" not in page.text
    # The same page and document as the hub's: one renderer (kiosk/public/).
    assert set(doc) >= {"public", "office", "services", "open_now", "next_opening"}


def test_a_cap_staff_changed_today_shows_on_the_lobby_page(lan, db, clock) -> None:
    api, cfg = lan
    take(db, cfg, clock, "A", 1, 3)
    service = calling_service(cfg, db, clock)
    from kiosk.queue.day_controls import DayControls

    DayControls(db, cfg.office.code, cfg.office.device_id).set_cap(
        "A", service.today(), 10, 3, "staff", clock())
    walkin = httpx.get(f"{api.url}{PUBLIC}/KUP/today", timeout=10).json()["services"][0]
    assert (walkin["cap"], walkin["left"]) == (10, 9)


@pytest.mark.parametrize("code, status", [("PLB", 404), ("KUP' OR 1=1--", 400),
                                          ("K" * 300, 400), ("kup", 200)])
def test_the_lan_server_knows_only_its_own_office(lan, code: str, status: int) -> None:
    api, _ = lan
    for suffix in ("/today", ""):
        answer = httpx.get(f"{api.url}{PUBLIC}/{code}{suffix}", timeout=10)
        assert answer.status_code == status, (code, answer.text)


def test_the_lan_page_is_rate_limited_per_phone(config: Config, clock, db) -> None:
    with LanApi(config, clock=clock, port=0,
                public_limit=RateLimit(burst=2, per_second=0.1)) as api:
        codes = [httpx.get(f"{api.url}{PUBLIC}/KUP/today", timeout=10).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        # The board and the counters are not: they have their own rules.
        assert httpx.get(f"{api.url}/health", timeout=10).status_code == 200


def test_a_holiday_in_the_kiosk_config_closes_the_lobby_page(config: Config, clock, db) -> None:
    cfg = dataclasses.replace(config, holidays=frozenset({clock().astimezone(WITA).date()}))
    with LanApi(cfg, clock=clock, port=0) as api:
        doc = httpx.get(f"{api.url}{PUBLIC}/KUP/today", timeout=10).json()
        assert (doc["open_now"], doc["closed_reason"]) == (False, "holiday")
        assert doc["next_opening"] == "2026-11-26T00:00:00+08:00"


@needs_chromium
def test_the_lobby_page_on_a_360_px_phone(lan, db, clock, tmp_path: Path) -> None:
    api, cfg = lan
    take(db, cfg, clock, "A", 2, 3)
    shot = phone_shot(f"{api.url}{PUBLIC}/KUP", tmp_path, "public-quota-lan-360x740.png")
    check_fits_a_phone(shot)


def test_the_lobby_page_is_read_only(lan) -> None:
    api, _ = lan
    answer = httpx.post(f"{api.url}{PUBLIC}/KUP/today", content=b"{}", timeout=10)
    assert answer.status_code == 405
    assert httpx.get(f"{api.url}{PUBLIC}/KUP/today", timeout=10).status_code == 200


def test_with_leases_the_lobby_page_counts_what_this_kiosk_can_give(config: Config, clock,
                                                                   tmp_path: Path) -> None:
    from tests.sync_harness import LeasingKiosk

    hub = PublicHub(tmp_path / "hub.db", clock)
    hub.settings(caps={"A": 10}, lease_block=3)
    one = LeasingKiosk(config, hub, "KUP-L1", clock, tmp_path, block=3, low_water=1)
    two = LeasingKiosk(config, hub, "KUP-L2", clock, tmp_path, block=3, low_water=1)
    try:
        assert one.worker.sync_once().ok and two.worker.sync_once().ok  # 3 numbers each
        one.issue_numbers(1)
        with LanApi(one.config, clock=clock, port=0, public_cache_s=0) as api:
            url = f"{api.url}{PUBLIC}/KUP/today"
            # As its start screen: the numbers it holds, plus those nobody held at its
            # last contact with the hub (before the other kiosk took its block).
            walkin = httpx.get(url, timeout=10).json()["services"][0]
            assert (walkin["cap"], walkin["issued"], walkin["left"]) == (10, 1, 2 + 7)
            assert one.worker.sync_once().ok
            # Its 2 unused numbers and the 4 nobody holds; not the 3 the other kiosk holds.
            walkin = httpx.get(url, timeout=10).json()["services"][0]
            assert (walkin["cap"], walkin["issued"], walkin["left"]) == (10, 1, 2 + 4)
    finally:
        one.close()
        two.close()
        hub.close()
