"""What protocol version 2 checks inside event payloads: the stage changes of multi-stage
visits (``sent``) and the stage a ``called`` event names. Version 1 keeps kinds opaque.

The hub stores payloads as they come; checking the kinds the office reports rely on
means a kiosk bug is refused at the door (the batch stays in the kiosk's outbox with
the reason) instead of turning into a report row nobody can read.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.config.model import MAX_STAGE_CHARS  # config refuses longer stage names too

_LABEL = re.compile(r"^[A-Z][0-9]{3,6}$")  # A012, or A1000 past 999 numbers a day


def _stage(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_STAGE_CHARS:
        return (f"'{name}' must be a stage name, 1 to {MAX_STAGE_CHARS} characters"
                f" (got {_shown(value)})")
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else text[:47] + "..."


def _sent(payload: dict[str, Any]) -> str | None:
    counter = payload.get("counter")
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        return f"'counter' must be a counter number, 1 or more (got {_shown(counter)})"
    label = payload.get("label")
    if not isinstance(label, str) or not _LABEL.fullmatch(label):
        return f"'label' must be a ticket label like A012 (got {_shown(label)})"
    return _stage(payload, "from") or _stage(payload, "to")


def _called(payload: dict[str, Any]) -> str | None:
    if payload.get("stage") is None:  # a one-stage visit names no stage
        return None
    return _stage(payload, "stage")


_CHECKS = {"sent": _sent, "called": _called}


def payload_problem(kind: str, payload: dict[str, Any], version: int) -> str | None:
    """Why this payload breaks the protocol ``version`` (None when it is fine)."""
    if version < 2 or (check := _CHECKS.get(kind)) is None:
        return None
    problem = check(payload)
    return None if problem is None else f"'{kind}' payload: {problem}"
