"""Phone numbers sealed so that a copied store does not reveal them (UU 27/2022).

AES-256-GCM under a key derived from the office's key material in the config
([checkin] nik_salt), never stored in the database: a copy of ``kiosk.db`` (a
backup, a support bundle) holds only ciphertext and the masked form. The ticket
id is the associated data, so a sealed number cannot be moved to another ticket.
The key derivation and the domain string live here only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_DOMAIN = b"antrian-kiosk notify phone v1"
NONCE_BYTES = 12


class PhoneSeal:
    """Seal and open phone numbers with the office's notification key."""

    def __init__(self, nik_salt: bytes) -> None:
        if len(nik_salt) < 16:
            raise ValueError("[checkin] nik_salt (16+ bytes) is needed to seal phone numbers")
        self._aead = AESGCM(hmac.new(nik_salt, _DOMAIN, hashlib.sha256).digest())

    def seal(self, phone: str, ticket_id: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, phone.encode(), ticket_id.encode())
        return base64.b64encode(nonce + sealed).decode()

    def open(self, sealed: str, ticket_id: str) -> str | None:
        """The number, or None when it cannot be opened (another office's key, tampering)."""
        try:
            raw = base64.b64decode(sealed)
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                      ticket_id.encode()).decode()
        except (InvalidTag, ValueError):
            return None
