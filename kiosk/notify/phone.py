"""Indonesian mobile numbers: what an applicant types ("0812 3456 7890", "62812...",
"+62812...") as E.164 ("+6281234567890"), and the masked form shown or logged.

A mobile number's national part starts with 8 and an operator digit (81x Telkomsel
and Indosat, 82x/85x Telkomsel, 83x Axis, 87x XL, 88x Smartfren, 89x Three: never
80, 84 or 86) and has 9 to 12 digits; landlines (021..., 0361...) cannot receive
these messages and are refused with a sentence saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTRY = "62"
MIN_NATIONAL, MAX_NATIONAL = 9, 12  # digits after +62: 8xx + 6..9 more
OPERATOR_DIGITS = "1235789"  # the digit after the 8
MAX_TYPED = 15  # "+62" and 12 digits, or "0" and 12 digits, with room for a slip
_SEPARATORS = re.compile(r"[\s\-.()/]")


@dataclass(frozen=True)
class PhoneInvalid:
    reason: str  # empty | not_digits | not_mobile | too_short | too_long


def normalize_phone(text: str) -> str | PhoneInvalid:
    """E.164 ("+6281234567890") or why the text is not an Indonesian mobile number."""
    cleaned = _SEPARATORS.sub("", text or "")
    if not cleaned:
        return PhoneInvalid("empty")
    if cleaned.startswith("+"):
        if not cleaned[1:].startswith(COUNTRY):
            return PhoneInvalid("not_mobile")  # another country's number
        national = cleaned[1 + len(COUNTRY):]
    elif cleaned.startswith(COUNTRY):
        national = cleaned[len(COUNTRY):]
    elif cleaned.startswith("0"):
        national = cleaned[1:]
    else:
        national = cleaned
    if not national.isascii() or not national.isdigit():
        return PhoneInvalid("not_digits")
    if not national.startswith("8") or len(national) < 2 or national[1] not in OPERATOR_DIGITS:
        return PhoneInvalid("not_mobile")
    if len(national) < MIN_NATIONAL:
        return PhoneInvalid("too_short")
    if len(national) > MAX_NATIONAL:
        return PhoneInvalid("too_long")
    return f"+{COUNTRY}{national}"


def mask_phone(e164: str) -> str:
    """"+6281234567890" -> "+62812****7890": enough for its owner to recognise it."""
    if len(e164) < 10:
        return "****"
    return f"{e164[:6]}****{e164[-4:]}"


def masked_typing(typed: str) -> str:
    """What the keypad shows while typing: the first four and the last four characters
    typed, the middle as ``*`` (the lobby can see the screen)."""
    if len(typed) <= 8:
        return typed[:4] + "*" * max(0, len(typed) - 4) if len(typed) > 4 else typed
    return typed[:4] + "*" * (len(typed) - 8) + typed[-4:]
