"""The public "quota left today" page at the hub (issue 14): a real hub on 127.0.0.1, real
kiosks that issue numbers and sync, and what anyone without a token can read.

The hub's clock is the test's (an office day in Kupang, WITA); the hub reads its
figures afresh on every request here (``public_cache_s=0``) unless a test is about
the cache.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

import httpx
import pytest

from kiosk.config import Config
from kiosk.public.ratelimit import RateLimit
from tests.conftest import MovableClock, office_time
from tests.public_harness import PUBLIC, WEEKDAYS, WITA, Kiosk, PublicHub
from tests.sync_harness import SALT_HEX, LeasingKiosk


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(office_time("2026-11-25 09:00"))  # a Wednesday


@pytest.fixture
def hub(tmp_path, clock):
    hub = PublicHub(tmp_path / "hub.db", clock)
    yield hub
    hub.close()


@pytest.fixture
def kiosk(config: Config, hub: PublicHub, clock: MovableClock, tmp_path):
    made = Kiosk(config, hub, "KUP-Q1", clock, tmp_path)
    yield made
    made.close()


def service(doc: dict, code: str) -> dict:
    return next(s for s in doc["services"] if s["code"] == code)


def local(moment: datetime) -> str:
    """A moment as the JSON writes it: in the office's zone, to the second."""
    return moment.astimezone(WITA).isoformat(timespec="seconds")


# The whole document, key by key: nothing else can ever be published (issue 14, item 4).
TOP_KEYS = {"public", "office", "day", "open_now", "closed_reason", "hours_today", "closes_at",
            "next_opening", "last_data_at", "stale", "stale_after_s", "source", "services"}
SERVICE_KEYS = {"code", "name_id", "name_en", "cap", "cap_known", "issued", "left",
                "ran_out_at"}


def test_numbers_left_after_issuing_and_syncing(hub: PublicHub, kiosk: Kiosk,
                                                clock: MovableClock) -> None:
    hub.settings(caps={"A": 5, "P": None}, hours=WEEKDAYS)
    kiosk.sync()  # the kiosk takes the office's cap of 5
    assert hub.today()["services"] == [
        {"code": "A", "name_id": "Antrian Umum", "name_en": "Walk-in", "cap": 5,
         "cap_known": True, "issued": 0, "left": 5, "ran_out_at": None},
        {"code": "P", "name_id": "Prioritas", "name_en": "Priority", "cap": None,
         "cap_known": True, "issued": 0, "left": None, "ran_out_at": None}]
    kiosk.issue("A", 3)
    kiosk.issue("P", 2)
    assert service(hub.today(), "A")["left"] == 5  # not synced yet: the hub cannot know
    synced_at = clock()
    kiosk.sync()
    doc = hub.today()
    assert set(doc) == TOP_KEYS and all(set(s) == SERVICE_KEYS for s in doc["services"])
    assert (service(doc, "A")["issued"], service(doc, "A")["left"]) == (3, 2)
    assert (service(doc, "P")["issued"], service(doc, "P")["left"]) == (2, None)
    assert doc["office"] == {"code": "KUP", "name": "Kantor Imigrasi Kupang",
                             "timezone": "Asia/Makassar"}
    assert doc["day"] == "2026-11-25" and doc["source"] == "hub"
    assert doc["open_now"] is True and doc["closed_reason"] is None
    assert doc["hours_today"] == "07:30-16:00"
    assert doc["closes_at"] == "2026-11-25T16:00:00+08:00"
    assert doc["last_data_at"] == local(synced_at) and doc["stale"] is False
    # The rest of the quota: the fifth number is when it ran out.
    times = kiosk.issue("A", 2)
    kiosk.sync()
    walkin = service(hub.today(), "A")
    assert (walkin["issued"], walkin["left"]) == (5, 0)
    assert walkin["ran_out_at"] == local(times[-1])
    page = hub.get(f"{PUBLIC}/KUP")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    ran_out = datetime.fromisoformat(walkin["ran_out_at"])
    assert f"Kuota habis sejak pukul {ran_out:%H:%M} WITA" in page.text
    assert "Sisa 0 dari 5" in page.text and "Antrian Umum" in page.text
    english = hub.get(f"{PUBLIC}/KUP", params={"lang": "en"})
    assert f"Quota used up at {ran_out:%H:%M} WITA" in english.text
    assert '<html lang="en">' in english.text


def test_no_ticket_device_or_booking_ever_shows(hub: PublicHub, kiosk: Kiosk) -> None:
    hub.settings(caps={"A": 10})
    kiosk.sync()
    kiosk.issue("A", 2)
    kiosk.sync()
    tickets = [r[0] for r in kiosk.db.execute("SELECT id FROM tickets")]
    for path in (f"{PUBLIC}/KUP/today", f"{PUBLIC}/KUP", f"{PUBLIC}/KUP?lang=en"):
        body = hub.get(path).text
        for secret in ("KUP-Q1", "A001", "A002", SALT_HEX, *tickets):
            assert secret not in body, (path, secret)


def test_with_leases_the_office_count_is_all_kiosks_together(config: Config, hub: PublicHub,
                                                            clock, tmp_path) -> None:
    hub.settings(caps={"A": 10}, lease_block=3)
    one = LeasingKiosk(config, hub, "KUP-L1", clock, tmp_path, block=3, low_water=1)
    two = LeasingKiosk(config, hub, "KUP-L2", clock, tmp_path, block=3, low_water=1)
    try:
        for kiosk, count in ((one, 3), (two, 2), (one, 2)):
            assert kiosk.worker.sync_once().ok
            kiosk.issue_numbers(count)
            assert kiosk.worker.sync_once().ok
        walkin = service(hub.today(), "A")
        assert (walkin["cap"], walkin["issued"], walkin["left"]) == (10, 7, 3)
    finally:
        one.close()
        two.close()


def test_a_cap_staff_changed_today_at_the_kiosk_is_the_one_shown(hub: PublicHub, kiosk: Kiosk,
                                                                 clock) -> None:
    kiosk.sync()
    kiosk.issue("A", 2)
    day = kiosk.appliance.service.schedule.office_day(clock())
    kiosk.appliance.service.controls.set_cap("A", day, 4, 60, "staff", clock())
    kiosk.sync()
    walkin = service(hub.today(), "A")
    assert (walkin["cap"], walkin["issued"], walkin["left"], walkin["cap_known"]) == (4, 2, 2,
                                                                                     True)


def test_without_settings_the_hub_says_what_it_does_not_know(hub: PublicHub, kiosk: Kiosk) -> None:
    kiosk.sync()
    kiosk.issue("A", 1)
    kiosk.sync()
    doc = hub.today()
    assert doc["open_now"] is None and doc["next_opening"] is None
    assert service(doc, "A") | {"ran_out_at": None} == {
        "code": "A", "name_id": "Antrian Umum", "name_en": "Walk-in", "cap": None,
        "cap_known": False, "issued": 1, "left": None, "ran_out_at": None}
    page = hub.get(f"{PUBLIC}/KUP").text
    assert "Jam layanan belum diumumkan di sini" in page
    assert "1 nomor diambil, kuota belum diumumkan" in page


@pytest.mark.parametrize("moment, reason, next_opening, line", [
    ("2026-11-28 10:00", "closed_today", "2026-11-30T07:30:00+08:00",
     "Hari ini tidak ada layanan. Buka lagi Senin, 30 November 2026 pukul 07:30 WITA"),
    ("2026-11-25 06:15", "outside_hours", "2026-11-25T07:30:00+08:00",
     "Tutup sekarang. Buka lagi Rabu, 25 November 2026 pukul 07:30 WITA"),
    ("2026-11-25 16:00", "outside_hours", "2026-11-26T07:30:00+08:00",
     "Tutup sekarang. Buka lagi Kamis, 26 November 2026 pukul 07:30 WITA"),
    ("2026-12-25 09:00", "holiday", "2026-12-28T07:30:00+08:00",
     "Hari ini libur. Buka lagi Senin, 28 Desember 2026 pukul 07:30 WITA"),
])
def test_a_closed_office_says_when_it_opens(hub: PublicHub, clock, moment, reason,
                                            next_opening, line) -> None:
    hub.settings(caps={"A": 60}, hours=WEEKDAYS, holidays=["2026-12-25", "2026-12-26"])
    clock.now = office_time(moment)
    doc = hub.today()
    assert (doc["open_now"], doc["closed_reason"], doc["next_opening"]) == (False, reason,
                                                                            next_opening)
    assert doc["day"] == moment[:10]
    assert service(doc, "A")["left"] == 60
    assert line in hub.get(f"{PUBLIC}/KUP").text


def test_stale_figures_say_so(hub: PublicHub, kiosk: Kiosk, clock: MovableClock) -> None:
    hub.settings(caps={"A": 60}, hours=WEEKDAYS)
    assert hub.today()["stale"] is True  # nothing from the office yet today
    assert "Belum ada data dari kantor hari ini." in hub.get(f"{PUBLIC}/KUP").text
    kiosk.sync()
    kiosk.issue("A", 1)
    kiosk.sync()
    seen = clock()
    clock.advance(minutes=14)
    assert hub.today()["stale"] is False
    clock.advance(minutes=2)  # 16 minutes of silence from the office
    doc = hub.today()
    assert doc["stale"] is True and doc["last_data_at"] == local(seen)
    page = hub.get(f"{PUBLIC}/KUP").text
    assert "Data mungkin sudah tidak terbaru" in page
    assert f"Data terakhir diterima pukul {datetime.fromisoformat(local(seen)):%H:%M}" in page
    kiosk.issue("A", 1)  # the office is heard from again
    kiosk.sync()
    assert hub.today()["stale"] is False


def test_cache_headers_let_a_shared_link_be_cached(hub: PublicHub, kiosk: Kiosk) -> None:
    hub.settings(caps={"A": 60})
    kiosk.sync()
    kiosk.issue("A", 1)
    kiosk.sync()
    for path in (f"{PUBLIC}/KUP/today", f"{PUBLIC}/KUP"):
        first = hub.get(path)
        assert first.headers["cache-control"] == "public, max-age=30"
        etag = first.headers["etag"]
        assert etag.startswith('"') and first.headers["last-modified"].endswith(" GMT")
        again = hub.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
    english = hub.get(f"{PUBLIC}/KUP", params={"lang": "en"})
    assert english.headers["etag"] != hub.get(f"{PUBLIC}/KUP").headers["etag"]
    before = hub.get(f"{PUBLIC}/KUP/today").headers["etag"]
    kiosk.issue("A", 1)
    kiosk.sync()
    changed = hub.get(f"{PUBLIC}/KUP/today", headers={"If-None-Match": before})
    assert changed.status_code == 200 and changed.headers["etag"] != before
    assert service(changed.json(), "A")["issued"] == 2


def test_the_hub_reads_a_figure_once_per_cache_period(tmp_path, clock, config) -> None:
    hub = PublicHub(tmp_path / "cached.db", clock, cache_s=60.0)
    kiosk = Kiosk(config, hub, "KUP-Q2", clock, tmp_path)
    try:
        hub.settings(caps={"A": 60})
        kiosk.sync()
        assert service(hub.today(), "A")["issued"] == 0
        kiosk.issue("A", 1)
        kiosk.sync()
        # Within the cache period everyone gets the figure read before.
        assert service(hub.today(), "A")["issued"] == 0
    finally:
        kiosk.close()
        hub.close()


def test_the_rate_limit_answers_429_with_retry_after(tmp_path, clock) -> None:
    hub = PublicHub(tmp_path / "limited.db", clock, limit=RateLimit(burst=3, per_second=0.5))
    try:
        answers = [hub.get(f"{PUBLIC}/KUP/today") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        refused = hub.get(f"{PUBLIC}/KUP")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 2
        assert refused.headers["cache-control"] == "no-store"
        json_refused = hub.get(f"{PUBLIC}/KUP/today")
        assert json_refused.status_code == 429
        assert json_refused.json()["error"] == "too_many_requests"
        # Another client (behind the hub's proxy on 127.0.0.1) has its own bucket.
        other = hub.get(f"{PUBLIC}/KUP/today", headers={"X-Forwarded-For": "203.0.113.9"})
        assert other.status_code == 200
        # The kiosks' own protocol is not limited by the public page.
        assert hub.get("/sync/v1/health").status_code == 200
    finally:
        hub.close()


# ("..": the path resolves to /public/v1/today, which is nothing; "%2F" never matches a code.)
HOSTILE = [
    ("KUP' OR '1'='1", 400), ("KUP;DROP TABLE offices;--", 400), ("' UNION SELECT 1--", 400),
    ("K" * 17, 400), ("A" * 5000, 400), ("%00", 400), ("KUP%00", 400), ("<script>", 400),
    ("K%C3%9CP", 400), ("..", 404), ("%2E%2E%2Fsync", 404), ("ZZZ", 404), ("PLB", 404),
    ("kup", 200),
]


@pytest.mark.parametrize("code, status", HOSTILE)
def test_hostile_or_unknown_office_codes_get_a_plain_answer(hub: PublicHub, code: str,
                                                            status: int) -> None:
    for suffix in ("/today", ""):
        answer = hub.get(f"{PUBLIC}/{code}{suffix}")
        assert answer.status_code == status, (code, suffix, answer.text)
        if status != 200:
            assert "script" not in answer.text and "UNION" not in answer.text
            assert answer.headers.get("cache-control", "no-store") == "no-store"
    with hub.store._tx(read=True) as tx:  # nothing was touched
        assert [r[0] for r in tx.all("SELECT code FROM offices")] == ["KUP"]


def test_an_oversized_request_line_is_refused_not_a_crash(hub: PublicHub) -> None:
    answer = hub.get(f"{PUBLIC}/{'K' * 40_000}/today")
    assert answer.status_code in (400, 414, 431)
    assert hub.today()["office"]["code"] == "KUP"  # the hub goes on serving


def test_the_public_endpoints_are_read_only(hub: PublicHub) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        answer = httpx.request(method, hub.url + f"{PUBLIC}/KUP/today", content=b"{}")
        assert answer.status_code == 405, method
    head = httpx.head(hub.url + f"{PUBLIC}/KUP/today")
    assert head.status_code == 200 and head.content == b""


def test_a_token_is_neither_needed_nor_looked_at(hub: PublicHub) -> None:
    answer = hub.get(f"{PUBLIC}/KUP/today", headers={"Authorization": "Bearer nonsense"})
    assert answer.status_code == 200
    assert json.loads(answer.text)["office"]["code"] == "KUP"


def test_a_day_rolls_over_at_the_offices_midnight(hub: PublicHub, kiosk: Kiosk, clock) -> None:
    hub.settings(caps={"A": 60})
    kiosk.sync()
    kiosk.issue("A", 2)
    kiosk.sync()
    clock.now = office_time("2026-11-25 23:59") + timedelta(seconds=30)
    assert service(hub.today(), "A")["issued"] == 2
    clock.now = office_time("2026-11-26 00:00") + timedelta(seconds=30)
    doc = hub.today()
    assert doc["day"] == "2026-11-26" and service(doc, "A")["issued"] == 0


def test_kiosk_hub_serve_takes_the_public_limit(tmp_path) -> None:
    from kiosk.hub.store import HubStore
    from tests.conftest import ROOT
    from tests.tcp_printer import free_port

    db = str(tmp_path / "served.db")
    HubStore.open(db).add_office("KUP", "Kupang", "Asia/Makassar")
    port = free_port()
    command = [sys.executable, "-m", "kiosk.cli", "hub", "serve", "--db", db,
               "--listen", f"127.0.0.1:{port}"]
    refused = subprocess.run([*command, "--public-burst", "-1"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "--public-burst" in refused.stderr
    server = subprocess.Popen([*command, "--public-burst", "2", "--public-per-second", "0.01"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}{PUBLIC}/KUP/today"
        deadline = time.monotonic() + 20
        while True:
            try:
                first = httpx.get(url)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        assert [first.status_code, httpx.get(url).status_code, httpx.get(url).status_code] == \
            [200, 200, 429]
    finally:
        server.terminate()
        server.wait(10)


def test_a_crowd_at_expiry_costs_the_store_one_read(clock) -> None:
    """100 readers arrive together: one store read, everyone answered."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from zoneinfo import ZoneInfo

    from starlette.applications import Starlette

    from kiosk.public.quota import UNKNOWN_OPENING, QuotaToday
    from kiosk.public.ratelimit import NO_LIMIT
    from kiosk.public.web import PublicQuota
    from kiosk.web.server import BackgroundServer

    reads: list[str] = []
    gate = threading.Event()

    def source(code: str) -> QuotaToday | None:
        reads.append(code)
        gate.wait(5)  # a slow store: everyone else arrives meanwhile
        return QuotaToday(code, "Kupang", ZoneInfo("Asia/Makassar"), clock().date(),
                          UNKNOWN_OPENING, (), None, True, "hub")

    public = PublicQuota(source, limit=NO_LIMIT, cache_s=60)
    server = BackgroundServer(Starlette(routes=public.routes()), "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{server.port}{PUBLIC}/KUP/today"
        with ThreadPoolExecutor(20) as pool:
            answers = [pool.submit(httpx.get, url, timeout=10) for _ in range(100)]
            while not reads:
                time.sleep(0.01)
            time.sleep(0.3)
            gate.set()
            codes = [a.result().status_code for a in answers]
        assert codes == [200] * 100 and reads == ["KUP"]
    finally:
        server.close()


def test_token_buckets_refill_and_forget_the_oldest() -> None:
    from kiosk.public.ratelimit import TokenBuckets

    now = [100.0]
    buckets = TokenBuckets(RateLimit(burst=2, per_second=0.5, max_clients=2), lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(2.0)  # one token every 2 s
    now[0] += 1.0
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert buckets.take("a") == 0.0
    buckets.take("b")
    buckets.take("c")  # a third address: the one not seen longest ("a") is forgotten
    assert len(buckets) == 2
    assert buckets.take("a") == 0.0  # back with a full bucket


def test_a_failing_store_is_a_503_and_the_next_read_recovers(clock) -> None:
    from zoneinfo import ZoneInfo

    from starlette.applications import Starlette

    from kiosk.public.quota import UNKNOWN_OPENING, QuotaToday
    from kiosk.public.ratelimit import NO_LIMIT
    from kiosk.public.web import PublicQuota
    from kiosk.web.server import BackgroundServer

    failures = [RuntimeError("database is locked")]

    def source(code: str) -> QuotaToday | None:
        if failures:
            raise failures.pop()
        return QuotaToday(code, "Kupang", ZoneInfo("Asia/Makassar"), clock().date(),
                          UNKNOWN_OPENING, (), None, True, "hub")

    server = BackgroundServer(Starlette(routes=PublicQuota(source, limit=NO_LIMIT).routes()),
                              "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{server.port}{PUBLIC}/KUP/today"
        down = httpx.get(url, timeout=10)
        assert down.status_code == 503 and down.headers["retry-after"] == "30"
        assert down.json()["error"] == "unavailable" and "locked" not in down.text
        assert httpx.get(url, timeout=10).status_code == 200
    finally:
        server.close()


def test_a_kiosks_own_cap_becomes_known_when_it_turns_someone_away(config: Config, hub,
                                                                   clock, tmp_path) -> None:
    """No caps in the hub's settings: a kiosk refusing for its config's cap tells the cap."""
    from kiosk.queue.issuing import Refused
    from tests.conftest import with_cap

    kiosk = Kiosk(with_cap(config, "A", 2), hub, "KUP-Q3", clock, tmp_path)
    try:
        times = kiosk.issue("A", 2)
        clock.advance(minutes=5)
        refused = kiosk.appliance.service.issue("A")
        assert isinstance(refused, Refused) and refused.reason == "cap"
        kiosk.sync()
        walkin = service(hub.today(), "A")
        assert (walkin["cap"], walkin["cap_known"], walkin["issued"], walkin["left"]) == (
            2, True, 2, 0)
        assert walkin["ran_out_at"] == local(times[-1])  # the 2nd number, not the refusal
    finally:
        kiosk.close()
