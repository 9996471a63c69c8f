"""Request bodies and numbers from the network, read with limits before anything is built.

``json.loads`` recurses once per bracket: 100,000 of them raise RecursionError
deep inside it (a 500), and a 4 MiB body of brackets costs memory before any
check runs. So a body is read with a byte cap (also without Content-Length,
chunked), decoded as strict UTF-8, scanned once for bracket depth and string
length (a regex over the text: no objects are built), and only then parsed,
refusing NaN, infinities (``1e999``) and integers beyond 2**53. Every refusal
is a ``BodyRefused`` with an HTTP status (400 or 413), a short code and a reason
the caller logs and sends; each server words it in its own error format.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.requests import Request

MAX_DEPTH = 16  # the deepest real message (a push: body, events, event, payload, list) is 5
MAX_STRING_CHARS = 4096  # as sent, escapes included; no protocol field is near it
MAX_INT = 2**53  # JSON's interoperable range; every stored count and sequence fits in it
_DIGITS = re.compile(r"[0-9]{1,18}")
# One token per string (closed or not: an unclosed one runs to the end, once) or bracket.
# The unrolled, possessive string pattern never backtracks, so the scan is linear.
_TOKENS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|[\[\]{}]', re.DOTALL)
# Strings and everything but brackets, in long runs (few matches, so fast in C): what
# is left are the brackets outside strings, when no quote in the text is escaped.
_NOISE = re.compile(r'(?:"[^"]*+"?|[^\[\]{}"]++)++')
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


@lru_cache(maxsize=8)
def _long_run(max_string: int) -> re.Pattern[str]:
    """A quote followed by more than ``max_string`` characters that are not quotes."""
    return re.compile(f'"[^"]{{{max_string + 1}}}')


class BodyRefused(ValueError):
    """A body (or number) the server will not read: ``status`` 400 or 413, ``code``, ``reason``."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


def whole_number(text: str | None, name: str = "the number") -> int | None:
    """A decimal whole number of at most 18 ASCII digits; None for None.

    ``str.isdigit`` accepts '²' and int() of 5,000 digits raises: both were 500s.
    """
    if text is None:
        return None
    if not _DIGITS.fullmatch(text):
        raise BodyRefused(400, "bad_number", f"{name} must be a whole number (0-9, at most 18)")
    return int(text)


async def read_capped(request: Request, max_bytes: int) -> bytes:
    """The body, at most ``max_bytes`` (413 beyond, as soon as it is known)."""
    too_large = BodyRefused(413, "too_large", f"a request body is at most {max_bytes} bytes")
    declared = whole_number(request.headers.get("content-length"), "Content-Length")
    if declared is not None and declared > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def check_json_text(text: str, max_depth: int = MAX_DEPTH,
                    max_string: int = MAX_STRING_CHARS) -> None:
    """Refuse nesting deeper than ``max_depth`` and strings longer than ``max_string``.

    Only brackets outside strings count; an unbalanced or unclosed text passes
    here and is refused by the parser. Without an escaped quote (nearly every
    real body) every quote delimits a string, so two regular expressions in C
    decide (no run of ``max_string`` characters after a quote; then the depth of
    the brackets left once strings and the rest are cut out); the token scan
    below handles the general case and says where.
    """
    if '\\"' not in text and _long_run(max_string).search(text) is None:
        brackets = _NOISE.sub("", text)
        if not brackets:
            return
        # A run of openers is too deep at once (the scan says where); else the depth.
        if "[" * (max_depth + 1) not in brackets.replace("{", "[") and max(
                accumulate(map(_STEP.__getitem__, brackets))) <= max_depth:
            return
    _scan(text, max_depth, max_string)


def _scan(text: str, max_depth: int, max_string: int) -> None:
    """The general scan, one token per string or bracket; raises with the offset."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            if len(token) - 2 > max_string:
                raise BodyRefused(400, "too_long", f"a string is longer than {max_string}"
                                  f" characters (at offset {match.start()})")
        elif first in "[{":
            depth += 1
            if depth > max_depth:
                raise BodyRefused(400, "too_deep", f"JSON nested deeper than {max_depth}"
                                  f" levels (at offset {match.start()})")
        else:
            depth -= 1


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _bounded(text: str) -> int:
    if len(text.lstrip("-")) > 16 or abs(value := int(text)) > MAX_INT:
        raise ValueError(f"whole number out of range (at most 2**53): {text[:20]}")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH,
          max_string: int = MAX_STRING_CHARS) -> Any:
    """Parse a JSON body within the limits above; ``BodyRefused`` (400) says why not."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyRefused(400, "bad_json", f"the body is not UTF-8 (byte {exc.start})"
                              ) from None
    else:
        text = raw
    check_json_text(text, max_depth, max_string)
    try:
        return json.loads(text, parse_float=_finite, parse_int=_bounded,
                          parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BodyRefused(400, "bad_json", f"the body is not JSON ({exc.msg} at offset"
                          f" {exc.pos})") from None
    except (ValueError, RecursionError) as exc:  # the number checks above; depth is scanned
        raise BodyRefused(400, "bad_json", f"the body is not usable JSON ({exc})") from None
