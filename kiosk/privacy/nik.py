"""Checking a typed or scanned NIK (the 16-digit Indonesian national ID number).

Issue 7 asks walk-ins for their NIK so one person cannot hoard the day's
numbers, and grants *lansia* priority from the birth date it encodes. A NIK
has no check digit, so "valid" means plausible: 16 digits; a real province
code (digits 1-2); non-zero regency (3-4) and district (5-6) codes; a real
birth date DDMMYY in digits 7-12 (40 added to the day for women); a serial of
0001 or more in digits 13-16. Every failure has its own reason code and a
sentence in kiosk/texts (``nik.<reason>``, ``nik_problem_text``), so the applicant learns what to
fix. The NIK itself is never stored: use ``hash_nik`` (keyed, as for booking
NIKs) and ``mask_nik`` for anything kept or shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["PROVINCES", "REASONS", "NikInfo", "NikInvalid", "age_on", "hash_nik", "is_lansia",
           "mask_nik", "nik_matches", "normalize", "parse_nik", "salted_hash", "validate_nik"]

NIK_LENGTH = 16
LANSIA_AGE = 60  # UU 13/1998: *lanjut usia* is 60 and over
FEMALE_DAY_OFFSET = 40
REASONS = ("empty", "not_digits", "length", "province", "regency", "district", "birth_date",
           "serial")
NIK_PATTERN = re.compile(r"[0-9]{16}")
MIN_SALT_BYTES = 16
# Separators people type or a KTP reader adds between digit groups.
_SEPARATORS = re.compile(r"[\s.\-]+")

# Kemendagri region codes of the 38 provinces, as in the first two NIK digits
# (Dukcapil). Papua codes 93-96 are the 2022 provinces; residents keep the NIK
# they had, so older Papua NIKs still start with 91 or 92.
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}


@dataclass(frozen=True)
class NikInfo:
    """What a plausible NIK says about its holder (keep only what the job needs)."""

    nik: str  # 16 digits, separators removed
    province_code: str
    regency_code: str  # 4 digits: province + regency/city
    district_code: str  # 6 digits: province + regency + district (kecamatan)
    birth_date: date
    sex: str  # "F" or "M"
    serial: int

    @property
    def province(self) -> str:
        return PROVINCES[self.province_code]

    @property
    def masked(self) -> str:
        return mask_nik(self.nik)

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)


@dataclass(frozen=True)
class NikInvalid:
    reason: str  # one of REASONS
    length: int = 0  # digits typed, for the "length" message



def hash_nik(nik: str, salt: bytes) -> str:
    """HMAC-SHA256 of the NIK with a secret key kept outside the database.

    A NIK has little entropy (region, birth date, serial): a plain hash could
    be reversed by trying every NIK, a keyed one cannot without the salt.
    """
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"the NIK salt must be at least {MIN_SALT_BYTES} random bytes")
    if not NIK_PATTERN.fullmatch(nik):
        raise ValueError("a NIK is exactly 16 digits")
    import hashlib  # here: `kiosk issue` without NIKs never loads hashlib (~3 ms with hmac)
    import hmac

    return hmac.new(salt, nik.encode("ascii"), hashlib.sha256).hexdigest()


def nik_matches(nik_hash: str, nik: str, salt: bytes) -> bool:
    """Whether a NIK read from a KTP is the one booked (constant-time compare)."""
    if not NIK_PATTERN.fullmatch(nik):
        return False
    import hmac

    return hmac.compare_digest(nik_hash, hash_nik(nik, salt))


def mask_nik(nik: str) -> str:
    """'3271********0003': enough for staff to compare with a KTP, useless to copy."""
    if not NIK_PATTERN.fullmatch(nik):
        raise ValueError("a NIK is exactly 16 digits")
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}"


def normalize(text: str) -> str:
    """The NIK without spaces, dots or dashes ("3271 0101-..." -> "32710101...")."""
    return _SEPARATORS.sub("", text.strip())


def age_on(birth: date, today: date) -> int:
    """Whole years completed on ``today`` (someone born on 29 February ages on 1 March)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """The latest real date DD-MM-(19|20)YY that is not after ``today``.

    Two digits cannot tell 1925 from 2025: a birth date is never in the future,
    so the most recent century that fits wins (ages 0-99). Someone aged 100 or
    more is read 100 years younger; no office can tell from the NIK alone.
    """
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        try:
            birth = date(century + yy, month, day)
        except ValueError:  # 29 February in a year without it; month or day out of range
            continue
        if birth <= today:
            return birth
    return None


def parse_nik(text: str, today: date) -> NikInfo | NikInvalid:
    """Read a NIK typed on the keypad or scanned; never raises on the text."""
    nik = normalize(text)
    if not nik:
        return NikInvalid("empty")
    if not nik.isascii() or not nik.isdigit():
        return NikInvalid("not_digits")
    if len(nik) != NIK_LENGTH:
        return NikInvalid("length", len(nik))
    if nik[:2] not in PROVINCES:
        return NikInvalid("province")
    if nik[2:4] == "00":
        return NikInvalid("regency")
    if nik[4:6] == "00":
        return NikInvalid("district")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > FEMALE_DAY_OFFSET else "M"
    if sex == "F":
        day -= FEMALE_DAY_OFFSET
    birth = _birth_date(day, month, yy, today) if 1 <= day <= 31 else None
    if birth is None:
        return NikInvalid("birth_date")
    serial = int(nik[12:])
    if serial == 0:
        return NikInvalid("serial")
    return NikInfo(nik, nik[:2], nik[:4], nik[:6], birth, sex, serial)


def validate_nik(text: str, today: date) -> str | None:
    """The reason code why ``text`` is not a plausible NIK, or None when it is."""
    parsed = parse_nik(text, today)
    return parsed.reason if isinstance(parsed, NikInvalid) else None


def is_lansia(nik: str | NikInfo, today: date, age: int = LANSIA_AGE) -> bool:
    """Whether the holder is ``age`` or older on ``today``.

    An implausible NIK is never *lansia*: automatic priority must not be
    granted for a number that cannot be a NIK.
    """
    info = parse_nik(nik, today) if isinstance(nik, str) else nik
    return isinstance(info, NikInfo) and info.age(today) >= age


def salted_hash(text: str, salt: bytes) -> str:
    """The keyed hash of a typed NIK (separators removed), as bookings store it."""
    return hash_nik(normalize(text), salt)
