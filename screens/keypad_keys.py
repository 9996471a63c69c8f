"""What a key on a real keyboard means on the kiosk's on-screen keypads (NIK, phone):
the same actions as their touch keys, so either way goes through one ``_act``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual import events

NAMED = {"backspace": "back", "delete": "back", "enter": "ok", "escape": "cancel"}


def keypad_action(event: events.Key, characters: Mapping[str, str] | None = None
                  ) -> str | None:
    """A digit, "back", "ok", "cancel", an action for one of ``characters`` (e.g.
    ``{"+": "plus"}``), or None for a key the keypad ignores."""
    if event.character and event.character.isdigit() and event.character.isascii():
        return event.character
    if characters and event.character in characters:
        return characters[event.character]
    return NAMED.get(event.key)
