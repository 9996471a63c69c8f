"""NIK checks: each failure has its reason and text; birth date, sex, century, lansia, hash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.privacy.nik import (
    PROVINCES,
    REASONS,
    NikInfo,
    NikInvalid,
    age_on,
    hash_nik,
    is_lansia,
    mask_nik,
    nik_matches,
    parse_nik,
    salted_hash,
    validate_nik,
)
from kiosk.texts import TEXTS
from kiosk.texts.rules import nik_problem_text

TODAY = date(2026, 11, 25)
SALT = b"nik-test-salt-0123456789"

VALID = [
    # nik, birth date, sex, serial
    ("5371010203850001", date(1985, 3, 2), "M", 1),  # Kupang, man
    ("5371014405900003", date(1990, 5, 4), "F", 3),  # 44 = 4 + 40: a woman
    ("5371016512100002", date(2010, 12, 25), "F", 2),
    ("3271010101000001", date(2000, 1, 1), "M", 1),
    ("3171072902000123", date(2000, 2, 29), "M", 123),  # 2000 was a leap year
    ("1101017112269999", date(1926, 12, 31), "F", 9999),  # 2026-12-31 is in the future
    ("9601012511260001", date(2026, 11, 25), "M", 1),  # born today; Papua Barat Daya
    ("9101012611260001", date(1926, 11, 26), "M", 1),  # tomorrow in 2026 -> 1926
    ("3273 0101 0101 0001", date(2001, 1, 1), "M", 1),  # typed with spaces
    ("3273-0101-0101-0001", date(2001, 1, 1), "M", 1),
]

INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("53710102O3850001", "not_digits"),  # letter O for zero
    ("5371010203850001a", "not_digits"),
    ("５３７１０１０２０３８５０００１", "not_digits"),  # full-width digits are not ASCII
    ("537101020385001", "length"),
    ("53710102038500011", "length"),
    ("0071010203850001", "province"),
    ("2071010203850001", "province"),  # 20 is not a province
    ("5471010203850001", "province"),  # 54 (Timor Timur) is no longer issued
    ("9771010203850001", "province"),
    ("5300010203850001", "regency"),
    ("5371000203850001", "district"),
    ("5371010003850001", "birth_date"),  # day 00
    ("5371014003850001", "birth_date"),  # day 40 = woman's day 0
    ("5371013203850001", "birth_date"),  # day 32: neither a man's nor a woman's day
    ("5371017203850001", "birth_date"),  # day 72 = woman's day 32
    ("5371010213850001", "birth_date"),  # month 13
    ("5371010200850001", "birth_date"),  # month 00
    ("5371013102850001", "birth_date"),  # 31 February
    ("5371012902850001", "birth_date"),  # 29 February 1985 / 2085: never a leap day
    ("5371010203850000", "serial"),
]


@pytest.mark.parametrize(("nik", "birth", "sex", "serial"), VALID)
def test_valid_niks_give_birth_date_sex_and_serial(nik: str, birth: date, sex: str,
                                                   serial: int) -> None:
    info = parse_nik(nik, TODAY)
    assert isinstance(info, NikInfo), info
    assert (info.birth_date, info.sex, info.serial) == (birth, sex, serial)
    assert info.nik == nik.replace(" ", "").replace("-", "")
    assert info.province == PROVINCES[info.nik[:2]]
    assert info.regency_code == info.nik[:4] and info.district_code == info.nik[:6]
    assert validate_nik(nik, TODAY) is None


@pytest.mark.parametrize(("nik", "reason"), INVALID)
def test_each_invalid_nik_says_why_in_both_languages(nik: str, reason: str) -> None:
    result = parse_nik(nik, TODAY)
    assert isinstance(result, NikInvalid) and result.reason == reason
    assert validate_nik(nik, TODAY) == reason
    indonesian, english = nik_problem_text(result, "id"), nik_problem_text(result, "en")
    assert indonesian and english and indonesian != english
    assert "{" not in indonesian + english


def test_every_reason_has_a_text_and_a_table_example() -> None:
    assert {reason for _, reason in INVALID} == set(REASONS)
    assert all(f"nik.{reason}" in TEXTS for reason in REASONS)
    assert nik_problem_text(parse_nik("12345", TODAY), "en") == "A NIK has 16 digits; 5 were typed."


def test_the_province_table_has_the_38_provinces() -> None:
    assert len(PROVINCES) == 38
    assert PROVINCES["53"] == "Nusa Tenggara Timur" and PROVINCES["31"] == "DKI Jakarta"
    assert PROVINCES["91"] == "Papua" and PROVINCES["92"] == "Papua Barat"
    assert [PROVINCES[c] for c in ("93", "94", "95", "96")] == [
        "Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"]
    assert all(11 <= int(code) <= 96 for code in PROVINCES)


def test_age_counts_whole_years_and_leap_day_birthdays() -> None:
    assert age_on(date(1966, 11, 25), TODAY) == 60
    assert age_on(date(1966, 11, 26), TODAY) == 59
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert age_on(date(2000, 2, 29), date(2001, 3, 1)) == 1


def test_lansia_from_the_birth_date_on_the_exact_birthday() -> None:
    assert is_lansia("5371012511660001", TODAY)  # 60 today
    assert not is_lansia("5371012611660001", TODAY)  # 60 tomorrow
    assert is_lansia("5371016511660001", TODAY)  # a woman, 60 today
    assert not is_lansia("5371012511660001", TODAY, age=65)
    info = parse_nik("5371012511660001", TODAY)
    assert isinstance(info, NikInfo) and is_lansia(info, TODAY)
    # A NIK that cannot be one never grants priority, whatever its digits say.
    assert not is_lansia("5371012511660000", TODAY)
    assert not is_lansia("0071012511400001", TODAY)


def test_hash_is_the_booking_hash_and_mask_hides_the_middle() -> None:
    nik = "3271010101000003"
    assert salted_hash("3271 0101 0100 0003", SALT) == hash_nik(nik, SALT)
    assert salted_hash(nik, SALT) != salted_hash(nik, SALT[::-1])
    assert nik_matches(salted_hash(nik, SALT), nik, SALT)
    assert mask_nik(nik) == "3271********0003"
    info = parse_nik(nik, TODAY)
    assert isinstance(info, NikInfo) and info.masked == "3271********0003"
    with pytest.raises(ValueError):
        salted_hash("3271", SALT)


# --- properties ------------------------------------------------------------

births = st.dates(min_value=TODAY - timedelta(days=99 * 366), max_value=TODAY)


def make_nik(province: str, birth: date, sex: str, serial: int, region: int = 101) -> str:
    day = birth.day + (40 if sex == "F" else 0)
    return f"{province}{region:04d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


@given(st.sampled_from(sorted(PROVINCES)), births, st.sampled_from("FM"),
       st.integers(1, 9999), st.integers(101, 9999).filter(lambda r: r % 100 and r >= 100))
def test_any_birth_within_99_years_reads_back_exactly(province: str, birth: date, sex: str,
                                                      serial: int, region: int) -> None:
    info = parse_nik(make_nik(province, birth, sex, serial, region), TODAY)
    assert isinstance(info, NikInfo)
    assert (info.birth_date, info.sex, info.serial) == (birth, sex, serial)
    assert 0 <= info.age(TODAY) <= 99
    assert is_lansia(info, TODAY) == (info.age(TODAY) >= 60)


@given(st.text(max_size=24), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_any_text_gives_a_nik_or_a_known_reason_and_never_a_future_birth(text: str,
                                                                         today: date) -> None:
    result = parse_nik(text, today)
    if isinstance(result, NikInvalid):
        assert result.reason in REASONS and nik_problem_text(result, "id")
    else:
        assert result.birth_date <= today and today.year - result.birth_date.year <= 100


@given(st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_any_16_digits_are_either_plausible_or_refused_for_a_structural_reason(nik: str) -> None:
    result = parse_nik(nik, TODAY)
    if isinstance(result, NikInvalid):
        assert result.reason in ("province", "regency", "district", "birth_date", "serial")
    else:
        assert result.nik == nik and mask_nik(nik).endswith(nik[-4:])
