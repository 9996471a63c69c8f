"""Staff PIN hashing and the guard against guessing.

The config holds only a salted scrypt hash, never the PIN; the hash records the
PIN's length, so a real office's config can insist on 6 digits or more. Wrong
tries lock the PIN prompt, longer after each lockout, and the guard's state lives
in the store (``PinMemory``), so a restart forgives nothing.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.clock import utc_now

_N, _R, _P = 2**14, 8, 1
DEMO_PIN = "1234"  # simulation only; a real office config may not use it
log = logging.getLogger(__name__)
MIN_DIGITS, MAX_DIGITS = 4, 12  # what a hash can be made of (`kiosk pin-hash`)
REAL_OFFICE_MIN_DIGITS = 6  # a real office: 10^6 PINs, ~3,400 days of 5 tries per lockout
LOCKOUT_S = 60.0  # the first lockout; each next one doubles ...
MAX_LOCKOUT_S = 3600.0  # ... up to an hour


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return ``scrypt$N$r$p$salt$hash$digits`` for the config's ``[staff] pin_hash``.

    The last field is the PIN's length: the config check needs it (a hash cannot
    tell), and the prompt's dots show it to anyone watching anyway.
    """
    if not pin.isascii() or not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise ValueError(f"A staff PIN is {MIN_DIGITS} to {MAX_DIGITS} digits.")
    import hashlib  # here: loading the config needs no hashlib (~3 ms of `kiosk issue`)
    import secrets

    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}${len(pin)}"


def verify_pin(pin: str, stored: str) -> bool:
    import hashlib
    import hmac

    try:
        _, n, r, p, salt, digest = stored.split("$")[:6]
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def pin_digits(stored: str) -> int | None:
    """The PIN length a hash records (None: made before hashes recorded it)."""
    parts = stored.split("$")
    return int(parts[6]) if len(parts) == 7 and parts[6].isdigit() else None


def is_pin_hash(stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) not in (6, 7) or parts[0] != "scrypt" or not all(
            p.isdigit() for p in parts[1:4]):
        return False
    if len(parts) == 7 and not (parts[6].isdigit() and MIN_DIGITS <= int(parts[6]) <= MAX_DIGITS):
        return False
    try:
        return len(base64.b64decode(parts[4], validate=True)) >= 8 and len(
            base64.b64decode(parts[5], validate=True)) >= 16
    except ValueError:
        return False


@dataclass(frozen=True)
class PinState:
    """What the guard must not forget on a restart."""

    failures: int = 0  # wrong tries since the last lockout or right PIN
    lockouts: int = 0  # lockouts since the last right PIN: the next one lasts 2**lockouts min
    locked_until: datetime | None = None


class PinMemory(Protocol):
    """Where the guard keeps its state (kiosk/staff/pin_memory.py: the store)."""

    def load(self) -> PinState: ...

    def save(self, state: PinState) -> None: ...

    def locked_out(self, state: PinState, seconds: float, now: datetime) -> None:
        """Save ``state`` and record the lockout (an event the day report shows)."""


class PinGuard:
    """Checks PINs and locks out guessing: five wrong tries lock the prompt for a minute,
    the next lockout for two, then four, ... up to an hour, until a right PIN.

    ``stored`` is the office PIN (staff id ``petugas``); ``members`` maps a
    staff id to that person's own PIN hash, so staff actions can be logged
    with who did them. Every hash is tried, so a miss costs the same for all.
    ``clock`` is the wall clock (a lockout outlives a restart); ``memory`` keeps
    the state, read at the first try.
    """

    OFFICE_ID = "petugas"

    def __init__(self, stored: str, max_tries: int = 5, lockout_s: float = LOCKOUT_S,
                 clock: Callable[[], datetime] | None = None,
                 members: dict[str, str] | None = None, memory: PinMemory | None = None,
                 max_lockout_s: float = MAX_LOCKOUT_S) -> None:
        self.stored, self.max_tries, self.lockout_s = stored, max_tries, lockout_s
        self.max_lockout_s = max_lockout_s
        self.hashes = {**(members or {}), self.OFFICE_ID: stored}
        self.clock = clock or utc_now
        self.memory = memory
        self._state: PinState | None = None if memory is not None else PinState()

    @property
    def state(self) -> PinState:
        if self._state is None:
            assert self.memory is not None
            try:
                self._state = self.memory.load()
            except Exception:  # noqa: BLE001 - a broken store must not break the prompt
                log.exception("could not read the PIN guard's state; counting from here")
                self._state = PinState()
        return self._state

    @property
    def locked(self) -> bool:
        until = self.state.locked_until
        return until is not None and self.clock() < until

    def seconds_left(self) -> float:
        """How long the prompt stays locked (0: it is not)."""
        until = self.state.locked_until
        return 0.0 if until is None else max((until - self.clock()).total_seconds(), 0.0)

    def next_lockout_s(self) -> float:
        return min(self.lockout_s * 2 ** min(self.state.lockouts, 30), self.max_lockout_s)

    def identify(self, pin: str) -> str | None:
        """The staff id the PIN belongs to, or None (wrong, or locked out)."""
        if self.locked:
            return None
        state = self.state
        matches = [who for who, stored in self.hashes.items() if verify_pin(pin, stored)]
        if matches:
            if state != PinState():
                self._keep(PinState())
            return matches[0]
        failures = state.failures + 1
        if failures < self.max_tries:
            self._keep(replace(state, failures=failures))
            return None
        now, seconds = self.clock(), self.next_lockout_s()
        locked = PinState(0, state.lockouts + 1, now + timedelta(seconds=seconds))
        self._state = locked
        if self.memory is not None:
            self._remember(lambda: self.memory.locked_out(locked, seconds, now))
        return None

    def _keep(self, state: PinState) -> None:
        self._state = state
        if self.memory is not None:
            self._remember(lambda: self.memory.save(state))

    @staticmethod
    def _remember(write: Callable[[], None]) -> None:
        """The lockout holds in memory even if the store cannot keep it (logged)."""
        try:
            write()
        except Exception:  # noqa: BLE001 - the prompt must answer; the log says why
            log.exception("could not keep the PIN guard's state in the store")

    def check(self, pin: str) -> bool:
        return self.identify(pin) is not None
