"""Telling a USB barcode scanner from a person at a keyboard.

Scanners "type" a whole code in a few milliseconds and end it with Enter; a
person types far slower. Keys are held for a moment: a fast burst ending in
Enter is a scan, anything else is handed back as ordinary key presses, so a
scanned "1" never presses the walk-in button.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_GAP_S = 0.05  # scanners: 1-10 ms per character; people: 100 ms and more
MIN_SCAN_LENGTH = 4
MAX_SCAN_LENGTH = 1024  # longer bursts are cut off: nothing valid is that long


@dataclass
class ScanBuffer:
    max_gap_s: float = MAX_GAP_S
    held: list[str] = field(default_factory=list)
    last_at: float | None = None
    overflow: bool = False

    def feed(self, char: str, now: float) -> list[str]:
        """Hold a printable character; returns keys released as ordinary presses."""
        released: list[str] = []
        if self.last_at is not None and now - self.last_at > self.max_gap_s:
            released = self.flush()
        if len(self.held) < MAX_SCAN_LENGTH:
            self.held.append(char)
        else:
            self.overflow = True
        self.last_at = now
        return released

    def enter(self, now: float) -> tuple[str | None, list[str]]:
        """Enter pressed: (scanned text, None) for a burst, else (None, keys to release)."""
        fast = self.last_at is not None and now - self.last_at <= self.max_gap_s
        if fast and len(self.held) >= MIN_SCAN_LENGTH:
            text = "".join(self.held)
            self.held, self.last_at, self.overflow = [], None, False
            return text, []
        return None, self.flush()

    def due(self, now: float) -> bool:
        """True when held keys have waited long enough to be ordinary presses."""
        return bool(self.held) and self.last_at is not None and now - self.last_at > self.max_gap_s

    def flush(self) -> list[str]:
        released, self.held, self.last_at, self.overflow = self.held, [], None, False
        return released
