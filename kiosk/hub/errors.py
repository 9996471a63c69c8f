"""HubError: a request the hub refuses, with the HTTP status and code the app answers."""

from __future__ import annotations


class HubError(Exception):
    """A request the hub refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
