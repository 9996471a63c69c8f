"""The offices' NIK keys at rest on the hub: sealed under the hub's own key.

The hub hashes the NIKs of imported bookings with each office's key
(``[checkin] nik_salt`` on its kiosks), so it must know the keys; the hub's
database must not, or a copy of it (a backup, a PostgreSQL dump, a leaked
replica) would hold both the NIK hashes and the key to brute-force them
(docs/design.md, "Secrets"). Each key is stored AES-256-GCM sealed under the
hub key, a file only the hub service reads (``--key-file``,
``$KIOSK_HUB_KEY_FILE``, or systemd's credential ``hub_key``), with the office
code bound in so a sealed key cannot be moved to another office's row.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from kiosk.config.secrets import (
    CREDENTIAL_PREFIXES,
    CREDENTIALS_ENV,
    SecretFileError,
    read_secret,
)
from kiosk.hub.errors import HubError

SEALED_PREFIX = "v1:"
KEY_FILE_ENV = "KIOSK_HUB_KEY_FILE"
CREDENTIAL_NAME = "hub_key"
MIN_KEY_HEX = 64  # 32 random bytes: `openssl rand -hex 32`
_NONCE_BYTES = 12


def hub_key_path(cli_value: str | None) -> Path | None:
    """--key-file wins, then $KIOSK_HUB_KEY_FILE, then systemd's credential; None: no key."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    folder = os.environ.get(CREDENTIALS_ENV)
    for prefix in CREDENTIAL_PREFIXES if folder else ():
        # kiosk-hub.service loads the credentials folder as "hub": hub_hub_key.
        if (Path(folder) / f"{prefix}{CREDENTIAL_NAME}").is_file():
            return Path(folder) / f"{prefix}{CREDENTIAL_NAME}"
    return None


def load_hub_key(path: Path) -> bytes:
    """The hub key from its file: at least 64 hex digits; raises SecretFileError."""
    text = read_secret(path)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise SecretFileError(f"{path}: expected hex digits (`openssl rand -hex 32`)") from None
    if len(text) < MIN_KEY_HEX:
        raise SecretFileError(f"{path}: expected at least {MIN_KEY_HEX} hex digits "
                              "(`openssl rand -hex 32`)")
    return key


class SaltBox:
    """Seals and opens office NIK keys with the hub key (None: the hub has no key)."""

    def __init__(self, hub_key: bytes | None) -> None:
        # Derived, so the raw file content is never itself the AES key of anything else.
        self._key = (hashlib.sha256(b"antrian-hub-salt-box:" + hub_key).digest()
                     if hub_key else None)

    @property
    def ready(self) -> bool:
        return self._key is not None

    def seal(self, office: str, salt: bytes) -> str:
        if self._key is None:
            raise HubError(400, "no_hub_key", "this hub has no key to keep NIK salts with: "
                           "start it with --key-file (a file holding `openssl rand -hex 32`, "
                           f"readable only by the hub) or set ${KEY_FILE_ENV}")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self._key).encrypt(nonce, salt, office.encode("ascii"))
        return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, office: str, stored: str) -> bytes:
        """The office's key from its column; a plain hex value is a store from before
        sealing (``HubStore`` seals those once it has a key)."""
        if not stored:
            return b""
        if not stored.startswith(SEALED_PREFIX):
            return bytes.fromhex(stored)
        if self._key is None:
            raise HubError(409, "no_hub_key", f"office {office}'s NIK salt is sealed and this "
                           "hub was started without its key (--key-file or "
                           f"${KEY_FILE_ENV})")
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.b64decode(stored[len(SEALED_PREFIX):])
        try:
            return AESGCM(self._key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:],
                                             office.encode("ascii"))
        except InvalidTag:
            raise HubError(409, "wrong_hub_key", f"office {office}'s NIK salt was sealed with "
                           "another hub key than this one") from None
