"""The tracking link of a ticket: a token derived from the ticket id with the office's key.

Never the ticket number (anyone could count those) and not the ticket id itself
(the id goes to the hub and into logs): HMAC-SHA256 of the id under a key
derived from the office's NIK salt, which the hub holds for the same office, so
the kiosk and the hub compute the same token without ever sending it. Ten
characters of Crockford base32 are 50 bits: guessing one of a day's few hundred
live links takes about 2^41 tries, against a page that answers a few hundred a
second. The same ten characters are printed under the QR code as a short code
("K7QD2-M9FXA") for a phone that cannot scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
TOKEN_CHARS = 10
_DOMAIN = b"antrian-kiosk tracking link v1"


def tracking_key(nik_salt: bytes) -> bytes | None:
    """The office's tracking key (None without a salt: no links then)."""
    if len(nik_salt) < 16:
        return None
    import hashlib  # here: an office without links (each `kiosk issue`) never loads hashlib
    import hmac

    return hmac.new(nik_salt, _DOMAIN, hashlib.sha256).digest()


def track_token(key: bytes, ticket_id: str) -> str:
    import hashlib
    import hmac

    digest = int.from_bytes(hmac.new(key, ticket_id.encode(), hashlib.sha256).digest()[:8])
    return "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(TOKEN_CHARS))


def short_code(token: str) -> str:
    """"K7QD2M9FXA" -> "K7QD2-M9FXA": what is printed and typed."""
    return f"{token[:5]}-{token[5:]}"


def normalize_token(text: str) -> str | None:
    """A typed or linked code as a token ("k7qd2-m9fxa", "K7QD2M9FXA"); None if it cannot be
    one. Crockford's reading: O is 0, I and L are 1."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != TOKEN_CHARS or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def track_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/t/{token}"


def link_maker(base_url: str, nik_salt: bytes) -> Callable[[str], tuple[str, str]] | None:
    """ticket id -> (page address, short code), for the ticket's QR; None: no links."""
    if not base_url:
        return None
    key = tracking_key(nik_salt)
    if key is None:
        return None

    def make(ticket_id: str) -> tuple[str, str]:
        token = track_token(key, ticket_id)
        return track_url(base_url, token), short_code(token)

    return make
