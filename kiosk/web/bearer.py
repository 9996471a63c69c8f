"""Bearer tokens, one way for both servers (the LAN API and the hub).

A token is random, so a plain SHA-256 is enough to store it: configs and the
hub's table keep only ``sha256$<hex>``. ``Authorization: Bearer <token>`` is
read the same way everywhere, and a refusal always says which scheme to use
(``WWW-Authenticate``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from starlette.responses import Response

TOKEN_SCHEME = "sha256$"
K = TypeVar("K")


def hash_token(token: str) -> str:
    """The stored form of a token: ``sha256$<hex>``."""
    return TOKEN_SCHEME + hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random token (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for anything else.

    The scheme is case-insensitive (RFC 9110); the token must not be empty.
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def match_token(token: str, hashes: Mapping[K, str]) -> K | None:
    """Whose stored hash ``token`` matches, in the same time whichever it is (or none)."""
    presented = hash_token(token)
    found = None
    for owner, expected in hashes.items():  # no early exit: same time for all
        if hmac.compare_digest(presented, expected.lower()):
            found = owner
    return found


def challenge(realm: str | None = None) -> dict[str, str]:
    """The header that goes with every 401."""
    return {"WWW-Authenticate": f'Bearer realm="{realm}"' if realm else "Bearer"}


def unauthorized(body: Any, realm: str | None = None,
                 response_class: type[Response] | None = None) -> Response:
    """A 401 reply with ``body`` as JSON, naming the scheme (``WWW-Authenticate``)."""
    if response_class is None:
        from starlette.responses import JSONResponse as response_class
    return response_class(body, 401, headers=challenge(realm))
