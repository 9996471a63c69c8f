"""Staff PIN hashing: the config holds only a salted scrypt hash, never the PIN."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
DEMO_PIN = "1234"  # simulation only; a real office config may not use it


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return ``scrypt$N$r$p$salt$hash`` for the config's ``[staff] pin_hash``."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("A staff PIN is 4 to 12 digits.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def is_pin_hash(stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(p.isdigit() for p in parts[1:4]):
        return False
    try:
        return len(base64.b64decode(parts[4], validate=True)) >= 8 and len(
            base64.b64decode(parts[5], validate=True)) >= 16
    except ValueError:
        return False


class PinGuard:
    """Checks PINs and locks out guessing: five wrong tries lock it for a minute.

    ``stored`` is the office PIN (staff id ``petugas``); ``members`` maps a
    staff id to that person's own PIN hash, so staff actions can be logged
    with who did them. Every hash is tried, so a miss costs the same for all.
    """

    OFFICE_ID = "petugas"

    def __init__(self, stored: str, max_tries: int = 5, lockout_s: float = 60.0,
                 clock=None, members: dict[str, str] | None = None) -> None:
        import time

        self.stored, self.max_tries, self.lockout_s = stored, max_tries, lockout_s
        self.hashes = {**(members or {}), self.OFFICE_ID: stored}
        self.clock = clock or time.monotonic
        self.failures = 0
        self.locked_until = 0.0

    @property
    def locked(self) -> bool:
        return self.clock() < self.locked_until

    def identify(self, pin: str) -> str | None:
        """The staff id the PIN belongs to, or None (wrong, or locked out)."""
        if self.locked:
            return None
        matches = [who for who, stored in self.hashes.items() if verify_pin(pin, stored)]
        if matches:
            self.failures = 0
            return matches[0]
        self.failures += 1
        if self.failures >= self.max_tries:
            self.locked_until = self.clock() + self.lockout_s
            self.failures = 0
        return None

    def check(self, pin: str) -> bool:
        return self.identify(pin) is not None
