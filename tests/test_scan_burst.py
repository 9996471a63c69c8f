"""A scanner's burst is one scan; a person's keys stay key presses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.checkin.scan_burst import MAX_SCAN_LENGTH, ScanBuffer


def type_burst(buffer: ScanBuffer, text: str, start: float, gap: float) -> list[str]:
    released: list[str] = []
    for index, char in enumerate(text):
        released += buffer.feed(char, start + index * gap)
    return released


def test_fast_burst_with_enter_is_a_scan() -> None:
    buffer = ScanBuffer()
    assert type_burst(buffer, "AQ1.abc.def", 10.0, 0.003) == []
    text, released = buffer.enter(10.0 + 11 * 0.003)
    assert (text, released) == ("AQ1.abc.def", [])


def test_slow_typing_is_released_as_key_presses() -> None:
    buffer = ScanBuffer()
    released = type_burst(buffer, "12l", 0.0, 0.3)
    assert released == ["1", "2"]
    assert buffer.due(0.9)
    assert buffer.flush() == ["l"]


def test_short_fast_burst_is_not_a_scan() -> None:
    buffer = ScanBuffer()
    type_burst(buffer, "12", 0.0, 0.01)
    text, released = buffer.enter(0.03)
    assert text is None and released == ["1", "2"]


def test_enter_long_after_the_burst_is_not_a_scan() -> None:
    buffer = ScanBuffer()
    type_burst(buffer, "ABCDEFGH", 0.0, 0.002)
    text, released = buffer.enter(1.0)
    assert text is None and released == list("ABCDEFGH")


def test_huge_burst_is_cut_off() -> None:
    buffer = ScanBuffer()
    type_burst(buffer, "X" * (MAX_SCAN_LENGTH + 500), 0.0, 0.0001)
    text, _ = buffer.enter(0.2)
    assert text is not None and len(text) == MAX_SCAN_LENGTH


@given(st.lists(st.tuples(st.characters(), st.floats(0, 1))), st.floats(0, 1))
def test_no_key_is_ever_lost_or_duplicated(keys, enter_gap) -> None:
    buffer = ScanBuffer()
    now, seen = 0.0, []
    for char, gap in keys:
        now += gap
        seen += buffer.feed(char, now)
    text, released = buffer.enter(now + enter_gap)
    seen += released + (list(text) if text else [])
    assert seen == [char for char, _ in keys]  # in order, none lost, none twice
