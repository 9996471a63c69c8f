"""Globally unique, time-ordered ids for tickets and events.

Ids are made on the kiosk with no network, so they carry the device id and a
UUIDv7-style value (48-bit milliseconds + random bits): unique across
kiosks, and sortable by creation time when the hub merges them.
"""

from __future__ import annotations

import threading
from random import SystemRandom

from kiosk.clock import unix_time

_lock = threading.Lock()
# What secrets.randbits is, without importing secrets (hmac, hashlib) on every `kiosk issue`.
_RANDOM = SystemRandom()
_last = 0


def time_ordered_hex() -> str:
    """32 hex digits, strictly increasing within this process even in the same millisecond."""
    global _last
    with _lock:
        value = (int(unix_time() * 1000) << 80) | _RANDOM.getrandbits(80)
        if value <= _last:
            value = _last + 1
        _last = value
    return f"{value:032x}"


def new_id(device_id: str) -> str:
    return f"{device_id}-{time_ordered_hex()}"
