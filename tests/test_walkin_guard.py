"""Walk-in numbers one person cannot hoard, and priority that cannot be claimed cheaply.

Real store on disk, real simulation printer (python-escpos Dummy bytes in a
file), a movable clock; the same-NIK race runs in two real processes.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from escpos.printer import Dummy

from hardware.sim_printer import SimulationPrinter
from hardware.ticket_layout import render_ticket
from kiosk import store
from kiosk.config import Config, ConfigError, WalkinConfig, load_config
from kiosk.privacy.nik import salted_hash
from kiosk.queue.issuing import Issued, IssuingService, Refused
from kiosk.queue.walkin_guard import nik_refusals, recent_bursts
from kiosk.texts.notices import notice_lines
from tests.conftest import SIM_CONFIG, MovableClock, office_time, with_cap

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)  # the clock fixture's office day (Wednesday, WITA)
# 5371 (Kota Kupang) 01, born 25-11-1966 (60 today), serial 0001.
SIXTY_TODAY = "5371012511660001"
SIXTY_TOMORROW = "5371016611660002"  # a woman (day + 40) born 26-11-1966: still 59
NIK_A = "5371010101900003"
NIK_B = "5371014405900004"  # a woman born 4 May 1990


def walkin(cfg: Config, **rules: object) -> Config:
    return dataclasses.replace(cfg, walkin=dataclasses.replace(cfg.walkin, **rules))


def output_of(cfg: Config) -> Path:
    return Path(cfg.printer.params["output"])


@pytest.fixture
def make_service(config: Config):
    made: list[IssuingService] = []

    def factory(cfg: Config, clock: MovableClock) -> IssuingService:
        service = IssuingService(cfg, store.connect(cfg.database),
                                 SimulationPrinter(output_of(cfg), 80), clock=clock)
        made.append(service)
        return service

    yield factory
    for service in made:
        service.db.close()


def kinds(service: IssuingService) -> list[str]:
    return [r[0] for r in service.db.execute("SELECT kind FROM events ORDER BY seq")]


# -- config -------------------------------------------------------------------------------

def write_config(tmp_path: Path, extra: str, salt: bool = True) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    if not salt:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("nik_salt"))
    text = text.replace('database = "../var/kiosk.db"', f'database = "{tmp_path / "k.db"}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


def test_walkin_table_is_optional_and_validated(tmp_path: Path) -> None:
    assert load_config(SIM_CONFIG).walkin == WalkinConfig(False, 1, 10)
    loaded = load_config(write_config(
        tmp_path, "[walkin]\nrequire_nik = true\nmax_per_nik = 2\nper_minute = 0\n"))
    assert loaded.walkin == WalkinConfig(True, 2, 0)
    for extra, key in (("[walkin]\nmax_per_nik = 0\n", "walkin.max_per_nik"),
                       ("[walkin]\nper_minute = -1\n", "walkin.per_minute"),
                       ("[walkin]\nrequire_nik = 1\n", "walkin.require_nik"),
                       ("[walkin]\nnik_required = true\n", "walkin.nik_required")):
        with pytest.raises(ConfigError) as caught:
            load_config(write_config(tmp_path, extra))
        assert caught.value.key == key
    # The stored hash is keyed by the office secret: no secret, no NIK entry.
    assert load_config(write_config(tmp_path, "", salt=False)).checkin.nik_salt == b""
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, "[walkin]\nrequire_nik = true\n", salt=False))
    assert caught.value.key == "walkin.require_nik"


# -- NIK entry: validation and the limit per NIK per day ---------------------------------

def test_walkin_without_a_valid_nik_gets_no_number_and_a_clear_reason(
        config, clock, make_service) -> None:
    service = make_service(walkin(config, require_nik=True), clock)
    missing = service.issue("A", "id")
    assert isinstance(missing, Refused) and missing.reason == "nik_required"
    assert notice_lines(missing, "en")[0] == "Your NIK Is Needed"
    short = service.issue("A", "id", nik="5371 0101 0190")
    assert isinstance(short, Refused) and short.reason == "nik_invalid"
    title, body = notice_lines(short, "id")
    assert title == "NIK Tidak Dapat Diterima"
    assert body[0] == "NIK harus 16 digit; yang diketik 12 digit."
    wrong_date = service.issue("A", "en", nik="5371013213900003")
    assert notice_lines(wrong_date, "en")[1][0].startswith("Digits 7-12 are not a real date")
    assert service.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
    # Separators people type are fine: the same NIK.
    issued = service.issue("A", "id", nik="5371-0101-0190-0003")
    assert isinstance(issued, Issued) and issued.ticket.label == "A001"


def test_one_walkin_number_per_nik_per_day_and_the_second_try_is_told_and_counted(
        config, clock, make_service) -> None:
    cfg = walkin(config, require_nik=True)
    service = make_service(cfg, clock)
    clock.now = office_time("2026-11-25 08:14")
    first = service.issue("A", "id", nik=NIK_A)
    assert isinstance(first, Issued) and first.ticket.label == "A001"
    assert isinstance(service.issue("A", "id", nik=NIK_B), Issued)  # someone else: A002
    clock.now = office_time("2026-11-25 10:30")
    again = service.issue("A", "id", nik=NIK_A)
    assert isinstance(again, Refused) and again.reason == "nik_limit"
    title, body = notice_lines(again, "id")
    assert title == "Anda Sudah Mendapat Nomor Hari Ini"
    assert body[0] == "Anda sudah mengambil nomor A001 hari ini pukul 08:14."
    assert notice_lines(again, "en")[1][0] == "You already took number A001 today at 08:14."
    assert isinstance(service.issue("A", "id", nik=NIK_A), Refused)
    # Counted: a per-day counter and one event per attempt, naming the ticket, not the NIK.
    assert nik_refusals(service.db, "KUP", TODAY) == 2
    rows = service.db.execute("SELECT payload, ticket_id FROM events"
                              " WHERE kind = 'refused_nik_limit' ORDER BY seq").fetchall()
    assert [r[1] for r in rows] == [first.ticket.id] * 2
    assert '"attempt":2' in rows[1][0] and '"earlier":"A001"' in rows[1][0]
    assert service.db.execute("SELECT max(number) FROM tickets").fetchone()[0] == 2
    # The next office day starts afresh.
    clock.now = office_time("2026-11-26 08:00")
    tomorrow = service.issue("A", "id", nik=NIK_A)
    assert isinstance(tomorrow, Issued) and tomorrow.ticket.label == "A001"
    assert tomorrow.ticket.office_day == date(2026, 11, 26)


def test_max_per_nik_allows_that_many_and_names_the_latest(config, clock, make_service) -> None:
    service = make_service(walkin(config, require_nik=True, max_per_nik=2), clock)
    labels = [service.issue("A", "id", nik=NIK_A) for _ in range(3)]
    assert [r.ticket.label for r in labels[:2] if isinstance(r, Issued)] == ["A001", "A002"]
    assert isinstance(labels[2], Refused) and labels[2].earlier_label == "A002"


def test_the_cap_still_applies_and_a_turned_away_nik_can_try_when_staff_raise_it(
        config, clock, make_service) -> None:
    service = make_service(with_cap(walkin(config, require_nik=True), "A", 1), clock)
    assert isinstance(service.issue("A", "id", nik=NIK_A), Issued)
    capped = service.issue("A", "id", nik=NIK_B)
    assert isinstance(capped, Refused) and capped.reason == "cap"
    # No number, so NIK_B holds nothing today: the NIK table only records real tickets.
    assert service.db.execute("SELECT count(*) FROM nik_tickets").fetchone()[0] == 1


def test_two_processes_with_the_same_nik_at_once_give_one_number(tmp_path: Path) -> None:
    db_path, go = tmp_path / "race.db", tmp_path / "go"
    store.connect(db_path).close()
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.walkin_child", str(db_path), str(tmp_path / f"t{i}.bin"),
         NIK_A, f"KUP-K{i}", "15", str(go)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for i in range(2)]
    go.touch()
    lines: list[str] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        lines += out.splitlines()
    assert [line for line in lines if line.startswith("ISSUED")] == ["ISSUED A001"]
    assert sorted(set(lines) - {"ISSUED A001"}) == ["REFUSED nik_limit A001"]
    assert len(lines) == 30
    db = store.connect(db_path)
    try:
        assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
        assert nik_refusals(db, "KUP", TODAY) == 29
    finally:
        db.close()


def test_no_nik_is_ever_written_in_clear_to_the_store_or_the_events(
        config, clock, make_service) -> None:
    cfg = walkin(config, require_nik=True)
    service = make_service(cfg, clock)
    for nik in (NIK_A, NIK_A, "5371 0144 0590 0004"):
        service.issue("A", "id", nik=nik)
    service.issue("P", "id", nik=SIXTY_TODAY)
    service.issue("P", "id", nik=SIXTY_TOMORROW, reason="balita")
    service.issue("A", "id", nik="5371013213900003")  # refused: not a date
    digest = salted_hash(NIK_A, cfg.checkin.nik_salt)
    payloads = "".join(r[0] for r in service.db.execute("SELECT payload FROM events"))
    assert digest not in payloads and "5371" not in payloads
    service.db.close()
    files = [p for p in cfg.database.parent.iterdir() if p.name.startswith(cfg.database.name)]
    data = b"".join(p.read_bytes() for p in files)
    assert b"5371********0003" in data and digest.encode() in data  # the scan sees the rows
    for nik in (NIK_A, NIK_B, SIXTY_TODAY, SIXTY_TOMORROW, "5371013213900003"):
        assert nik.encode() not in data, nik
    tickets = output_of(cfg).read_bytes()
    assert NIK_A.encode() not in tickets and b"********" not in tickets  # not on paper either


# -- priority -----------------------------------------------------------------------------

def test_lansia_priority_is_granted_from_the_nik_at_exactly_sixty(
        config, clock, make_service) -> None:
    cfg = walkin(config, require_nik=True)
    service = make_service(cfg, clock)
    granted = service.issue("P", "id", nik=SIXTY_TODAY)
    assert isinstance(granted, Issued) and granted.content.priority_reason == "lansia"
    printed = output_of(cfg).read_bytes()
    assert b"Prioritas: Lansia (60 tahun ke atas)" in printed
    assert b"Usia sesuai NIK" in printed and b"Petugas akan memeriksa" not in printed
    # A day short of 60: no lansia, whether or not it is claimed.
    silent = service.issue("P", "id", nik=SIXTY_TOMORROW)
    assert isinstance(silent, Refused) and silent.reason == "priority_reason"
    claimed = service.issue("P", "en", nik=SIXTY_TOMORROW, reason="lansia")
    assert isinstance(claimed, Refused) and claimed.reason == "priority_not_lansia"
    assert "under 60" in notice_lines(claimed, "en")[1][0]
    # 60 or over wins over any chosen reason: it is the one the kiosk can verify.
    clock.advance(days=1)
    older = service.issue("P", "id", nik=SIXTY_TOMORROW, reason="balita")
    assert isinstance(older, Issued) and older.content.priority_reason == "lansia"
    reasons = service.db.execute("SELECT payload FROM events WHERE kind = 'priority_reason'")
    assert [r[0] for r in reasons] == ['{"check":"nik","reason":"lansia"}'] * 2


@pytest.mark.parametrize(("reason", "id_line", "en_line"), [
    ("balita", b"Prioritas: Membawa balita", b"Priority: With an infant or toddler"),
    ("disabilitas", b"Prioritas: Penyandang disabilitas", b"Priority: Person with a disability"),
    ("ibu_hamil", b"Prioritas: Ibu hamil", b"Priority: Pregnant"),
])
def test_other_priority_reasons_are_printed_with_a_counter_check(
        config, clock, make_service, reason, id_line, en_line) -> None:
    cfg = walkin(config, require_nik=True, max_per_nik=2)
    service = make_service(cfg, clock)
    issued = service.issue("P", "id", nik=NIK_A, reason=reason)
    assert isinstance(issued, Issued) and issued.content.priority_reason == reason
    printed = output_of(cfg).read_bytes()
    assert id_line in printed and b"Petugas akan memeriksa di loket" in printed
    assert printed.isascii()
    assert reason in (service.printer.last_preview or "") or id_line.decode() in (
        service.printer.last_preview or "")
    english = service.issue("P", "en", nik=NIK_A, reason=reason)
    assert isinstance(english, Issued)
    dummy = Dummy()
    render_ticket(dummy, english.content, 80)
    assert en_line in dummy.output and b"Staff will check at the counter" in dummy.output
    # A reprint keeps the reason.
    reprinted = service.reprint(issued.ticket.label, "id")
    assert reprinted is not None and reprinted.content.priority_reason == reason
    # A walk-in and a priority number are counted apart: this NIK may still take one of each.
    assert isinstance(service.issue("A", "id", nik=NIK_A), Issued)


def test_an_unknown_reason_is_refused(config, clock, make_service) -> None:
    service = make_service(walkin(config, require_nik=True), clock)
    refused = service.issue("P", "id", nik=NIK_A, reason="vip")
    assert isinstance(refused, Refused) and refused.reason == "priority_reason"
    assert notice_lines(refused, "id")[1][0].startswith("Pilih alasan prioritas")


# -- without NIK entry: the per-minute limit ----------------------------------------------

def test_walkin_burst_over_the_per_minute_limit_is_refused_and_counted(
        config, clock, make_service) -> None:
    service = make_service(walkin(config, per_minute=3), clock)
    labels = []
    for _ in range(3):
        result = service.issue("A", "id")
        assert isinstance(result, Issued)
        labels.append(result.ticket.label)
        clock.advance(seconds=5)
    assert labels == ["A001", "A002", "A003"]
    burst = service.issue("A", "id")
    assert isinstance(burst, Refused) and burst.reason == "walkin_burst"
    title, body = notice_lines(burst, "id")
    assert title == "Mohon Tunggu Sebentar" and "petugas" in body[1]
    assert notice_lines(burst, "en")[1] == ["Too many numbers were taken in the last minute.",
                                            "Please try again in a moment, or ask a member of "
                                            "staff."]
    clock.advance(seconds=20)
    assert isinstance(service.issue("A", "id"), Refused)
    # Priority is never limited this way.
    assert isinstance(service.issue("P", "id"), Issued)
    payloads = [r[0] for r in service.db.execute(
        "SELECT payload FROM events WHERE kind = 'walkin_burst' ORDER BY seq")]
    assert payloads == ['{"count":3,"lane":"A","limit":3,"refused":1}',
                        '{"count":3,"lane":"A","limit":3,"refused":2}']
    # A minute after the first number, the window has room again.
    clock.advance(seconds=26)  # 61 s after A001
    after = service.issue("A", "id")
    assert isinstance(after, Issued) and after.ticket.label == "A004"
    bursts = recent_bursts(service.db, "KUP", TODAY)
    assert len(bursts) == 1 and bursts[0].refused == 2 and bursts[0].limit == 3
    assert bursts[0].device_id == config.office.device_id


def test_bursts_a_while_apart_are_listed_separately_newest_first(
        config, clock, make_service) -> None:
    service = make_service(walkin(config, per_minute=1), clock)
    assert isinstance(service.issue("A", "id"), Issued)
    assert isinstance(service.issue("A", "id"), Refused)
    clock.advance(minutes=5)
    assert isinstance(service.issue("A", "id"), Issued)
    for _ in range(3):
        clock.advance(seconds=3)
        assert isinstance(service.issue("A", "id"), Refused)
    bursts = recent_bursts(service.db, "KUP", TODAY)
    assert [b.refused for b in bursts] == [3, 1]
    assert bursts[0].started_at > bursts[1].last_at
    assert recent_bursts(service.db, "KUP", date(2026, 11, 26)) == []


def test_the_limit_counts_numbers_another_process_of_this_kiosk_gave(
        config, clock, make_service) -> None:
    cfg = walkin(config, per_minute=3)
    kiosk, cli = make_service(cfg, clock), make_service(cfg, clock)  # e.g. `kiosk issue`
    assert isinstance(kiosk.issue("A", "id"), Issued)
    assert isinstance(cli.issue("A", "id"), Issued)
    assert isinstance(kiosk.issue("A", "id"), Issued)
    # The kiosk remembers two of its own; one from the limit it asks the store: three.
    refused = kiosk.issue("A", "id")
    assert isinstance(refused, Refused) and refused.reason == "walkin_burst"
    # A restarted kiosk starts from the store, not from zero.
    restarted = make_service(cfg, clock)
    assert isinstance(restarted.issue("A", "id"), Refused)


def test_a_clock_stepped_back_does_not_block_walkins(config, clock, make_service) -> None:
    service = make_service(walkin(config, per_minute=2), clock)
    clock.advance(minutes=3)
    assert isinstance(service.issue("A", "id"), Issued)
    assert isinstance(service.issue("A", "id"), Issued)
    clock.advance(minutes=-3)  # NTP correction: numbers "in the future" are forgotten
    assert isinstance(service.issue("A", "id"), Issued)


# -- feature off: unchanged ---------------------------------------------------------------

def statements(service: IssuingService, lane: str, **kwargs) -> tuple[object, list[str]]:
    """The SQL one press runs, with literal values (ids, times) blanked out."""
    seen: list[str] = []
    service.db.conn.set_trace_callback(lambda sql: seen.append(re.sub(r"'[^']*'", "?", sql)))
    try:
        result = service.issue(lane, "id", **kwargs)
    finally:
        service.db.conn.set_trace_callback(None)
    return result, seen


def test_feature_off_issues_as_before_with_no_extra_queries(
        config, clock, make_service, tmp_path) -> None:
    assert config.walkin == WalkinConfig()  # the defaults: no NIK entry, 6 a minute
    guarded = make_service(config, clock)
    bare_clock = MovableClock(clock.now)
    bare_cfg = walkin(dataclasses.replace(
        config, database=tmp_path / "bare.db",
        printer=dataclasses.replace(config.printer, params={"output": str(tmp_path / "b.bin")})),
        per_minute=0)
    bare = make_service(bare_cfg, bare_clock)
    for service, its_clock in ((guarded, clock), (bare, bare_clock)):
        statements(service, "A")  # the first press may read the last minute once
        its_clock.advance(seconds=30)
    guarded_result, guarded_sql = statements(guarded, "A", nik=NIK_A)  # a NIK is ignored
    bare_result, bare_sql = statements(bare, "A")
    assert guarded_sql == bare_sql and len(guarded_sql) > 2
    assert isinstance(guarded_result, Issued) and guarded_result.ticket.label == "A002"
    assert isinstance(bare_result, Issued) and guarded_result.content.priority_reason is None
    assert kinds(guarded) == ["issued", "printed"] * 2
    assert guarded.db.execute("SELECT count(*) FROM nik_tickets").fetchone()[0] == 0
    priority = guarded.issue("P", "id", reason="balita")  # without NIK entry: no reason line
    assert isinstance(priority, Issued) and priority.content.priority_reason is None
    assert b"Prioritas:" not in output_of(config).read_bytes()
