"""Tracking pages relayed through the hub (protocol 2): the kiosk sends the states of
its tickets' pages, the hub answers phones on the internet from them.

``POST /sync/v1/tracking`` {"protocol": 2, "device_id", "states": {token: state}}:
only the pages that changed since the last round. A state is exactly what the
kiosk's own page shows (kiosk/tracking/state.py): label, service and stage
names, status, counter, people before, wait range, the numbers being served,
the day and when the link expires. Nothing else may be in it, and nothing
personal is: the hub checks every key, every type and every length, and refuses
the whole request with the reason otherwise (it is resent next round).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.sync.protocol import ProtocolError, _need, check_version

PATH = "/tracking"
MAX_STATES = 1000  # per request; a kiosk with more changes sends several
MIN_VERSION = 2
TOKEN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{10}$")  # kiosk/tracking/links.py's alphabet
_LABEL = re.compile(r"^[A-Z][0-9]{1,6}$")
_SHORT = 80  # names, stages, counter names
STATUSES = ("waiting", "called", "served", "no_show")
_KEYS = {"state", "office", "label", "lane", "service", "stage", "stage_name", "status",
         "counter", "counter_name", "before", "wait", "serving", "day", "expires_at",
         "updated_at"}


@dataclass(frozen=True)
class TrackingPush:
    version: int
    device_id: str
    states: dict[str, dict[str, Any]]


def push_json(device_id: str, states: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"protocol": MIN_VERSION, "device_id": device_id, "states": states}


def _text(value: Any, name: str, limit: int = _SHORT, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (not value and not empty):
        raise ProtocolError(f"'{name}' must be text of at most {limit} characters")
    return value


def _names(value: Any, name: str) -> None:
    if not isinstance(value, dict) or set(value) != {"id", "en"}:
        raise ProtocolError(f"'{name}' must be {{\"id\": ..., \"en\": ...}}")
    _text(value["id"], f"{name}.id")
    _text(value["en"], f"{name}.en")


def _count(value: Any, name: str, nullable: bool = True) -> None:
    if value is None and nullable:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ProtocolError(f"'{name}' must be a whole number from 0 to 100000")


def _moment(value: Any, name: str) -> None:
    try:
        if datetime.fromisoformat(_text(value, name, 40)).tzinfo is None:
            raise ValueError
    except ValueError:
        raise ProtocolError(f"'{name}' must be an ISO 8601 time with a zone") from None


def check_state(state: Any) -> dict[str, Any]:
    """One page's state, checked key by key (the hub stores only what passes)."""
    if not isinstance(state, dict) or set(state) != _KEYS or state.get("state") != "ticket":
        raise ProtocolError(f"a state has exactly the keys {sorted(_KEYS)}")
    if not _LABEL.match(_text(state["label"], "label", 7)):
        raise ProtocolError("'label' must be a ticket label such as A012")
    _text(state["office"], "office", 120)
    _text(state["lane"], "lane", 1)
    _names(state["service"], "service")
    if state["stage"] is not None:
        _text(state["stage"], "stage", 40)
        _names(state["stage_name"], "stage_name")
    elif state["stage_name"] is not None:
        raise ProtocolError("'stage_name' without a 'stage'")
    if state["status"] not in STATUSES:
        raise ProtocolError(f"'status' must be one of {STATUSES}")
    _count(state["counter"], "counter")
    if state["counter_name"] is not None:
        _text(state["counter_name"], "counter_name")
    _count(state["before"], "before")
    wait = state["wait"]
    if wait is not None and (not isinstance(wait, list) or len(wait) != 2):
        raise ProtocolError("'wait' must be null or [low, high] minutes")
    for minutes in wait or ():
        _count(minutes, "wait", nullable=False)
    serving = state["serving"]
    if not isinstance(serving, list) or len(serving) > 60:
        raise ProtocolError("'serving' must be a list of at most 60 counters")
    for item in serving:
        if not isinstance(item, dict) or set(item) != {"label", "counter", "counter_name"}:
            raise ProtocolError("'serving' items are {label, counter, counter_name}")
        if not _LABEL.match(_text(item["label"], "serving.label", 7)):
            raise ProtocolError("'serving.label' must be a ticket label")
        _count(item["counter"], "serving.counter", nullable=False)
        _text(item["counter_name"], "serving.counter_name")
    _text(state["day"], "day", 10)
    _moment(state["expires_at"], "expires_at")
    _moment(state["updated_at"], "updated_at")
    return state


def parse_push(data: Any, accepted: tuple[int, ...]) -> TrackingPush:
    version = check_version(data, accepted)
    if version < MIN_VERSION:
        raise ProtocolError(f"tracking pages need protocol {MIN_VERSION} or newer")
    device = _need(data, "device_id", str, "a device id")
    states = _need(data, "states", dict, "an object of tracking states by token")
    if len(states) > MAX_STATES:
        raise ProtocolError(f"at most {MAX_STATES} states per request, got {len(states)}")
    checked = {}
    for token, state in states.items():
        if not TOKEN.match(token):
            raise ProtocolError("a tracking token is 10 characters of its alphabet")
        try:
            checked[token] = check_state(state)
        except ProtocolError as exc:
            raise ProtocolError(f"states[{token}]: {exc}") from None
    return TrackingPush(version, device, checked)
