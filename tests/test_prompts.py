"""Spoken prompts: what the kiosk says after a press or a scan, and that it never waits for it."""

from __future__ import annotations

import dataclasses
import subprocess
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hardware.announcer import Announcer
from kiosk.appliance import Appliance, _announce, build, prompt_speaker, start_lobby_outputs
from kiosk.checkin.service import REASONS, CheckedIn, CheckedInApplicant, CheckinRefused
from kiosk.config import Config
from kiosk.ports import TicketContent
from kiosk.queue.call_feed import FeedCall
from kiosk.queue.issuing import Issued, Refused
from kiosk.queue.numbering import Ticket
from kiosk.texts.prompts import prompt_for
from screens.app import CodeScanned, KioskApp
from screens.notice import NoticeScreen
from screens.ticket import TicketScreen
from tests.conftest import MovableClock, settle, with_cap

ISSUED_ID = "Nomor antrian Anda A nol dua belas. Silakan ambil tiket dan tunggu panggilan."
ISSUED_EN = "Your queue number is A, zero one two. Please take your ticket and wait to be called."
SCAN_FAILED_ID = "Kode tidak terbaca. Silakan coba lagi."


def issued(label: str, printed: bool = True) -> Issued:
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    ticket = Ticket(f"t-{label}", date(2026, 11, 25), label[0], int(label[1:]), label, now, 0,
                    printed)
    content = TicketContent("Kantor", "", "Antrian Umum", label, now, 0, "id", ticket.id)
    return Issued(ticket, content, printed, None if printed else "paper out")


def checked_in(*labels: str, printed: bool = True) -> CheckedIn:
    applicants = tuple(CheckedInApplicant(i, f"Pemohon {i}", issued(label, printed))
                       for i, label in enumerate(labels, 1))
    slot = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    return CheckedIn("ABCD2345", date(2026, 11, 25), slot, slot, applicants, False)


# -- the sentences -------------------------------------------------------------


def test_a_ticket_is_announced_with_its_number_in_words() -> None:
    assert prompt_for(issued("A012"), "id") == ISSUED_ID
    assert prompt_for(issued("A012"), "en") == ISSUED_EN
    assert prompt_for(issued("P100"), "id").startswith("Nomor antrian Anda P seratus.")
    assert prompt_for(issued("A001"), "id").startswith("Nomor antrian Anda A nol nol satu.")
    assert prompt_for(issued("A115"), "id").startswith(
        "Nomor antrian Anda A seratus lima belas.")


def test_an_unprinted_ticket_says_the_number_still_counts() -> None:
    assert prompt_for(issued("A007", printed=False), "id") == (
        "Nomor antrian Anda A nol nol tujuh. Tiket tidak tercetak, nomor Anda tetap berlaku. "
        "Silakan foto layar atau hubungi petugas.")
    assert "still valid" in prompt_for(issued("A007", printed=False), "en")


def test_a_check_in_reads_every_number_of_the_family() -> None:
    assert prompt_for(checked_in("B001"), "id") == (
        "Kedatangan Anda tercatat. Nomor antrian B nol nol satu. "
        "Silakan ambil tiket dan tunggu panggilan.")
    assert "B nol nol satu, B nol nol dua dan B nol nol tiga." in prompt_for(
        checked_in("B001", "B002", "B003"), "id")
    assert "B, zero zero one and B, zero zero two." in prompt_for(
        checked_in("B001", "B002"), "en")
    assert "please ask a member of staff" in prompt_for(checked_in("B004", printed=False), "en")


@pytest.mark.parametrize(("reason", "indonesian", "english"), [
    ("cap", "Maaf, kuota antrian hari ini sudah habis.",
     "Sorry, today's queue numbers are used up."),
    ("closed", "Maaf, layanan sedang tutup.", "Sorry, the service is closed."),
    ("paper_out", "Maaf, printer tiket bermasalah. Silakan hubungi petugas.",
     "Sorry, the ticket printer has a problem. Please ask a member of staff."),
    ("paused", "Maaf, pengambilan nomor sedang dihentikan sementara.",
     "Sorry, numbers are paused for a moment."),
    ("clock", "Maaf, kios menunggu jam sistem. Silakan tunggu sebentar.",
     "Sorry, the kiosk is waiting for its clock. Please wait a moment."),
    ("no_numbers", "Maaf, kios ini belum mendapat nomor. Silakan coba lagi sebentar atau "
     "tanyakan petugas.",
     "Sorry, this kiosk has no numbers yet. Please try again in a moment or ask staff."),
    ("error", "Maaf, terjadi gangguan. Silakan hubungi petugas.",
     "Sorry, something went wrong. Please ask a member of staff."),
    ("a_reason_added_later", "Maaf, nomor tidak dapat diberikan. Silakan baca layar.",
     "Sorry, no number could be given. Please read the screen."),
])
def test_every_refusal_has_a_short_sentence(reason: str, indonesian: str, english: str) -> None:
    refused = Refused(reason, "A", cap=60)
    assert prompt_for(refused, "id") == indonesian
    assert prompt_for(refused, "en") == english


def test_a_failed_scan_asks_to_try_again() -> None:
    assert prompt_for(CheckinRefused("malformed"), "id") == SCAN_FAILED_ID
    assert prompt_for(CheckinRefused("malformed"), "en") == (
        "The code could not be read. Please try again.")
    assert prompt_for(CheckinRefused("wrong_day"), "id") == (
        "Bukan Hari Pemesanan Anda. Silakan baca layar.")
    assert prompt_for(CheckinRefused("paper_out"), "id") == prompt_for(
        Refused("paper_out", "B"), "id")


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_prompt_is_short_words_only(language: str) -> None:
    results = [issued("A012"), issued("A012", False), checked_in("B001", "B002"),
               *(Refused(r, "A", cap=60) for r in ("cap", "closed", "paper_out", "paused",
                                                    "clock", "error")),
               *(CheckinRefused(reason) for reason in REASONS)]
    for result in results:
        text = prompt_for(result, language)
        assert text and "{" not in text, result
        assert not any(ch.isdigit() for ch in text), text  # espeak-ng hears words, not codes
        assert len(text) <= 160, text  # a noisy lobby: the screen carries the details


# -- the kiosk screen speaking -------------------------------------------------


@pytest.fixture
def kiosk(clock: MovableClock):
    made: list[Appliance] = []

    def factory(cfg: Config, speak=None) -> tuple[KioskApp, Appliance]:
        appliance = build(cfg, clock=clock)
        made.append(appliance)
        app = KioskApp(cfg, appliance.service, appliance.simulation, appliance.checkin,
                       speak=speak)
        appliance.on_press = app.lane_pressed
        return app, appliance

    yield factory
    for appliance in made:
        appliance.close()


def quick(cfg: Config) -> Config:
    return dataclasses.replace(cfg, gpio=dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0))


async def test_the_kiosk_speaks_after_a_press_a_refusal_and_a_bad_scan(config, kiosk) -> None:
    said: list[str] = []
    languages: list[str] = []

    def speak(text: str, language: str) -> None:
        said.append(text)
        languages.append(language)

    app, _ = kiosk(quick(with_cap(config, "A", 1)), speak=speak)
    async with app.run_test(size=(80, 24)) as pilot:
        assert said == []  # the start screen is silent
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert said == ["Nomor antrian Anda A nol nol satu. "
                        "Silakan ambil tiket dan tunggu panggilan."]
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert said[-1] == "Maaf, kuota antrian hari ini sudah habis."
        app.post_message(CodeScanned("AQ1.rusak"))  # a half-read QR code
        await settle(pilot, 0.3)
        assert said[-1] == SCAN_FAILED_ID
        app.go_home()
        await pilot.press("l")  # English on screen: English prompt
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert said[-1] == ("Your queue number is P, zero zero one. "
                            "Please take your ticket and wait to be called.")
        assert len(said) == 4
        assert languages == ["id", "id", "id", "en"]  # the English voice for English


async def test_a_broken_voice_does_not_stop_the_ticket_screen(config, kiosk) -> None:
    def broken(text: str, language: str) -> None:
        raise OSError("no sound card")

    app, _ = kiosk(config, speak=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.issued.ticket.label == "A001"


class BlockedRunner:
    """espeak-ng that has not finished speaking yet: it waits until the test releases it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.argv: list[list[str]] = []

    def __call__(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        self.argv.append(argv)
        self.started.set()
        self.release.wait(10)
        return subprocess.CompletedProcess(argv, 0, "", "")


async def test_the_screen_never_waits_for_the_voice(config, kiosk, tmp_path: Path) -> None:
    runner = BlockedRunner()
    cfg = dataclasses.replace(config, spoken_prompts=True)
    app, appliance = kiosk(cfg)
    appliance.announcer = Announcer(True, runner=runner)
    appliance.closers.append(appliance.announcer.close)
    app.speak = prompt_speaker(cfg, appliance)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("1")
            await settle(pilot)
            assert runner.started.wait(5)
            # espeak-ng is still "talking", and the number is already on screen.
            assert not runner.release.is_set()
            assert isinstance(app.screen, TicketScreen)
            assert runner.argv[0][-2:] == ["--", "Nomor antrian Anda A nol nol satu. "
                                                 "Silakan ambil tiket dan tunggu panggilan."]
    finally:
        runner.release.set()


async def test_prompts_off_means_nothing_is_spoken(config, kiosk) -> None:
    runner = BlockedRunner()
    runner.release.set()
    app, appliance = kiosk(config)  # spoken_prompts = false, as shipped
    appliance.announcer = Announcer(True, runner=runner)  # calls may still be spoken
    appliance.closers.append(appliance.announcer.close)
    app.speak = prompt_speaker(config, appliance)
    assert app.speak is None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    appliance.announcer.wait_idle(5)
    assert runner.argv == []


def test_prompts_share_the_call_voice_without_switching_calls_on(config: Config,
                                                                  tmp_path: Path) -> None:
    quiet = dataclasses.replace(config, calling=dataclasses.replace(config.calling, speech=False))
    appliance = build(dataclasses.replace(quiet, spoken_prompts=True), with_gpio=False)
    try:
        start_lobby_outputs(appliance.config, appliance)
        assert appliance.announcer.enabled  # on for the prompts
        assert prompt_speaker(appliance.config, appliance) is not None
    finally:
        appliance.close()
    appliance = build(quiet, with_gpio=False)
    try:
        start_lobby_outputs(quiet, appliance)
        assert not appliance.announcer.enabled  # neither calls nor prompts: no voice at all
        assert prompt_speaker(quiet, appliance) is None
    finally:
        appliance.close()
    # Prompts on, calls off: a call is still not spoken.
    runner = BlockedRunner()
    runner.release.set()
    with Announcer(True, runner=runner) as announcer:
        _announce(dataclasses.replace(quiet, spoken_prompts=True), announcer, None)(
            FeedCall(1, "A001", 2, "call"))
        announcer.wait_idle(5)
    assert runner.argv == []


def test_english_is_spoken_in_the_english_voice(config: Config) -> None:
    """A call in both languages, and prompts on an English screen: each sentence in its
    own language's espeak-ng voice ([calling] voice / voice_english)."""
    runner = BlockedRunner()
    runner.release.set()
    bilingual = dataclasses.replace(config, spoken_prompts=True, calling=dataclasses.replace(
        config.calling, speech=True, speech_english=True, voice="id", voice_english="en-gb"))
    with Announcer(True, voice="id", runner=runner) as announcer:
        _announce(bilingual, announcer, None)(FeedCall(1, "A012", 3, "call"))
        appliance = build(bilingual, with_gpio=False)
        try:
            appliance.announcer = announcer
            speak = prompt_speaker(bilingual, appliance)
            assert speak is not None
            speak("Your queue number is A, zero zero one.", "en")
            speak("Nomor antrian Anda A nol nol satu.", "id")
            announcer.wait_idle(5)
        finally:
            appliance.close()
    voices = [(argv[argv.index("-v") + 1], argv[-1]) for argv in runner.argv]
    assert voices == [
        ("id", "Nomor antrian A nol dua belas, silakan ke loket tiga"),
        ("en-gb", "Number A, zero one two, please go to counter three"),
        ("en-gb", "Your queue number is A, zero zero one."),
        ("id", "Nomor antrian Anda A nol nol satu."),
    ]


def test_voice_english_is_checked_like_every_other_key(tmp_path: Path) -> None:
    from kiosk.config import ConfigError, load_config
    from tests.conftest import SIM_CONFIG

    text = SIM_CONFIG.read_text().replace('voice = "id"', 'voice = "id"\nvoice_english = 7')
    (tmp_path / "kiosk.toml").write_text(text)
    with pytest.raises(ConfigError, match="voice_english"):
        load_config(tmp_path / "kiosk.toml")
    assert load_config(SIM_CONFIG).calling.voice_english == "en"
