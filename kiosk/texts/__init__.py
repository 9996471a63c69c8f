"""Every sentence the kiosk shows or prints, in Bahasa Indonesia and English.

``t(key, language)`` looks a sentence up in one table, TEXTS, so a test can prove
no key exists in one language only. The table is written in small modules here,
one per area of the kiosk, each a ``TEXTS`` dict of ``key: (Indonesian, English)``
whose keys mostly start with the area's prefix ("ticket.", "report.", ...):
home (home screen, lane states), ticket (ticket screen, slip, wait), refusal_screens
(why a press gave no number), clock_words, checkin_words, walkin_words (NIK and
limits), priority_words, prompt_words (spoken prompts), staff (PIN, staff menu),
report_words, doctor_words, doctor_device_words, public_words (the public quota
page), survey_words (the SKM survey) and notify_words (opt-in messages). Translators
read one area at a time; AREAS below merges them all at import, and a key defined in two
areas stops the import. The area modules hold data only and import nothing. The other
modules here (notices, prompts, rules, wait, spoken_numbers) compose sentences from TEXTS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import (
    checkin_words,
    clock_words,
    doctor_device_words,
    doctor_secret_words,
    doctor_words,
    home,
    notify_words,
    priority_words,
    prompt_words,
    public_words,
    refusal_screens,
    report_words,
    staff,
    survey_words,
    ticket,
    walkin_words,
)

if TYPE_CHECKING:
    from datetime import date, datetime
    from types import ModuleType

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

AREAS = (home, ticket, refusal_screens, clock_words, checkin_words, walkin_words,
         priority_words, prompt_words, staff, report_words, doctor_words, doctor_device_words,
         doctor_secret_words, public_words, survey_words, notify_words)


def _merged(areas: tuple[ModuleType, ...]) -> dict[str, tuple[str, str]]:
    """The areas' tables as one; a key two areas define is an error, never a silent winner."""
    merged: dict[str, tuple[str, str]] = {}
    for area in areas:
        clash = merged.keys() & area.TEXTS.keys()
        if clash:
            raise RuntimeError(f"text keys defined twice ({area.__name__}): {sorted(clash)}")
        merged.update(area.TEXTS)
    return merged


TEXTS: dict[str, tuple[str, str]] = _merged(AREAS)


def t(key: str, language: str, **values: object) -> str:
    indonesian, english = TEXTS[key]
    text = english if language == "en" else indonesian
    return text.format(**values) if values else text


def format_date(day: date, language: str) -> str:
    weekday, month = DAYS[language][day.weekday()], MONTHS[language][day.month - 1]
    return f"{weekday}, {day.day} {month} {day.year}"


def format_moment(moment: datetime, language: str) -> str:
    """'Kamis, 26 November 2026 pukul 08:00 WITA' in the moment's own zone."""
    zone = ZONE_ABBREVIATIONS.get(str(moment.tzinfo), moment.strftime("%Z"))
    joiner = "at" if language == "en" else "pukul"
    return f"{format_date(moment.date(), language)} {joiner} {moment:%H:%M} {zone}"
