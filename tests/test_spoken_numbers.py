"""Queue numbers are read aloud the way Indonesian lobby callers read them.

The table is written out by hand (not generated) so a wrong rule in the
code cannot also make the expected answer wrong.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.texts.spoken_numbers import (
    call_text,
    label_words,
    number_words,
    number_words_en,
    number_words_id,
    split_label,
)

INDONESIAN = [
    (0, "nol"),
    (1, "satu"),
    (2, "dua"),
    (3, "tiga"),
    (4, "empat"),
    (5, "lima"),
    (6, "enam"),
    (7, "tujuh"),
    (8, "delapan"),
    (9, "sembilan"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (13, "tiga belas"),
    (15, "lima belas"),
    (17, "tujuh belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (30, "tiga puluh"),
    (45, "empat puluh lima"),
    (60, "enam puluh"),
    (77, "tujuh puluh tujuh"),
    (88, "delapan puluh delapan"),
    (90, "sembilan puluh"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (109, "seratus sembilan"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (112, "seratus dua belas"),
    (115, "seratus lima belas"),
    (119, "seratus sembilan belas"),
    (120, "seratus dua puluh"),
    (121, "seratus dua puluh satu"),
    (199, "seratus sembilan puluh sembilan"),
    (200, "dua ratus"),
    (201, "dua ratus satu"),
    (210, "dua ratus sepuluh"),
    (211, "dua ratus sebelas"),
    (250, "dua ratus lima puluh"),
    (300, "tiga ratus"),
    (404, "empat ratus empat"),
    (512, "lima ratus dua belas"),
    (666, "enam ratus enam puluh enam"),
    (700, "tujuh ratus"),
    (813, "delapan ratus tiga belas"),
    (900, "sembilan ratus"),
    (910, "sembilan ratus sepuluh"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"),
]


@pytest.mark.parametrize(("n", "words"), INDONESIAN)
def test_indonesian_number_words(n: int, words: str) -> None:
    assert number_words_id(n) == words
    assert number_words(n) == words


def test_table_is_big_enough() -> None:
    assert len(INDONESIAN) >= 40


ENGLISH = [
    (0, "zero"),
    (3, "three"),
    (10, "ten"),
    (11, "eleven"),
    (12, "twelve"),
    (19, "nineteen"),
    (20, "twenty"),
    (21, "twenty one"),
    (99, "ninety nine"),
    (100, "one hundred"),
    (101, "one hundred one"),
    (110, "one hundred ten"),
    (115, "one hundred fifteen"),
    (999, "nine hundred ninety nine"),
    (1000, "one thousand"),
]


@pytest.mark.parametrize(("n", "words"), ENGLISH)
def test_english_number_words(n: int, words: str) -> None:
    assert number_words_en(n) == words
    assert number_words(n, "en") == words


# An independent reader of Indonesian number words, to check every number 0-1000.
_UNITS = {w: i for i, w in enumerate(
    ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"))}


def _parse_id(text: str) -> int:
    words = text.split()
    total, i = 0, 0
    special = {"seribu": 1000, "seratus": 100, "sepuluh": 10, "sebelas": 11}
    while i < len(words):
        word = words[i]
        if word in special:
            total += special[word]
            i += 1
            continue
        value = _UNITS[word]
        nxt = words[i + 1] if i + 1 < len(words) else None
        scale = {"ratus": 100, "puluh": 10}.get(nxt or "")
        if nxt == "belas":
            total += 10 + value
            i += 2
        elif scale:
            assert value >= 2, f"{text!r}: 'satu {nxt}' should be 'se{nxt}'"
            total += value * scale
            i += 2
        else:
            total += value
            i += 1
    return total


def test_every_number_reads_back() -> None:
    seen = set()
    for n in range(1001):
        words = number_words_id(n)
        assert _parse_id(words) == n, words
        assert "  " not in words and words == words.strip()
        seen.add(words)
    assert len(seen) == 1001


@pytest.mark.parametrize(
    ("label", "spoken"),
    [
        ("A012", "A nol dua belas"),
        ("A001", "A nol nol satu"),
        ("A007", "A nol nol tujuh"),
        ("A010", "A nol sepuluh"),
        ("A011", "A nol sebelas"),
        ("A060", "A nol enam puluh"),
        ("A100", "A seratus"),
        ("A115", "A seratus lima belas"),
        ("B999", "B sembilan ratus sembilan puluh sembilan"),
        ("P000", "P nol nol nol"),
        ("p003", "P nol nol tiga"),
        (" A012 ", "A nol dua belas"),
        ("A1000", "A seribu"),
        ("A1234", "A satu dua tiga empat"),
    ],
)
def test_label_leading_zeros_are_each_read_nol(label: str, spoken: str) -> None:
    assert label_words(label) == spoken


def test_call_text_matches_domain_example() -> None:
    assert call_text("A012", 3) == "Nomor antrian A nol dua belas, silakan ke loket tiga"


def test_call_text_variants() -> None:
    assert call_text("P001", 1) == "Nomor antrian P nol nol satu, silakan ke loket satu"
    assert call_text("B100", 12) == "Nomor antrian B seratus, silakan ke loket dua belas"
    assert call_text("A012", 3, language="en") == (
        "Number A, zero one two, please go to counter three"
    )
    assert call_text("B100", 11, "en") == "Number B, one zero zero, please go to counter eleven"
    assert call_text("A012", 3, "id-ID") == call_text("A012", 3)


@pytest.mark.parametrize("bad", ["", "012", "A", "A-12", "A 12", "12A"])
def test_bad_labels_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        split_label(bad)


@pytest.mark.parametrize("bad", [0, -1, True])
def test_bad_counter_is_rejected(bad: int) -> None:
    with pytest.raises(ValueError):
        call_text("A012", bad)


def test_out_of_range_and_unknown_language() -> None:
    with pytest.raises(ValueError):
        number_words_id(1001)
    with pytest.raises(ValueError):
        number_words_id(-1)
    with pytest.raises(ValueError):
        call_text("A012", 3, language="jv")


@given(lane=st.sampled_from("ABP"), number=st.integers(0, 999), counter=st.integers(1, 99))
def test_call_text_always_ends_with_counter_words(lane: str, number: int, counter: int) -> None:
    text = call_text(f"{lane}{number:03d}", counter)
    assert text.startswith(f"Nomor antrian {lane} ")
    assert text.endswith(f", silakan ke loket {number_words_id(counter)}")
    assert text.isascii() and not any(ch.isdigit() for ch in text)
