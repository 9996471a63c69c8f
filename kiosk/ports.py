"""The narrow interfaces hardware adapters implement for the domain.

The domain decides *what* a ticket says and *when* a printer may be used;
adapters in ``hardware/`` decide how bytes reach a device. Keeping this
boundary small is what lets the same issuing code run on a Pi, in
simulation and in tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime


class PaperStatus(enum.Enum):
    OK = "ok"
    LOW = "low"  # near-end sensor: keep printing, warn staff
    OUT = "out"
    UNKNOWN = "unknown"  # the printer did not answer in time or cannot report


class PrinterError(Exception):
    """Printing failed; the message is shown to staff, never to applicants."""


@dataclass(frozen=True)
class TicketWait:
    """The estimated wait as printed: whole minutes already rounded for people."""

    minutes: tuple[int, int] | None  # (low, high); None: cannot estimate yet (no counter open)
    from_today: bool = False  # False: the usual pace (DOMAIN.md), too few services today


@dataclass(frozen=True)
class TicketContent:
    """Everything printed on one ticket, already in the applicant's language."""

    office_name: str
    office_address: str
    lane_name: str
    label: str  # "A012"
    issued_at: datetime  # office-local
    ahead: int | None  # None: could not be read; the line is left off
    language: str
    ticket_id: str
    print_qr: bool = True
    wait: TicketWait | None = None  # None: no estimate line (it could not be worked out)
    # Lane P with NIK entry (kiosk/queue/walkin_guard.py): "lansia" (from the NIK's birth date),
    # "balita", "disabilitas" or "ibu_hamil" (staff check at the counter); None: no line.
    priority_reason: str | None = None
    # [tracking] (kiosk/tracking/links.py): the QR opens this page instead of holding the id,
    # and the short code under it can be typed on the page.
    track_url: str | None = None
    track_code: str | None = None


class TicketPrinter(Protocol):
    def paper_status(self) -> PaperStatus:
        """Ask the printer, within its own timeout; UNKNOWN when it does not say."""
        ...

    def print_ticket(self, ticket: TicketContent) -> None:
        """Print one ticket or raise PrinterError."""
        ...

    def close(self) -> None: ...


class StatusLamp(Protocol):
    """A lamp staff can see from across the lobby (paper out / printer fault)."""

    def set_fault(self, on: bool, blinking: bool = False) -> None: ...


class Simulation(Protocol):
    """Laptop stand-ins for the lobby hardware, driven from the keyboard.

    Key presses go through the same gpiozero button code as on a Pi (mock
    pins), so a demo exercises the real path, not a shortcut.
    """

    def press(self, lane: str) -> None: ...

    def toggle_paper(self) -> bool:
        """Flip the simulated paper roll; returns True when paper is now out."""
        ...

    def ticket_preview(self) -> str | None: ...

    def lamp_state(self) -> str:
        """"off", "on" or "blinking": the paper/fault LED as drawn on screen."""
        ...

    def display_state(self) -> str | None:
        """The "now serving" display as drawn on screen ("A012 3"); None without one."""
        ...

    def press_counter(self, counter: int, action: str) -> bool:
        """Press a counter's mock "next"/"recall" button; False if it has none."""
        ...

    def counter_outcome(self, counter: int, action: str) -> str | None:
        """Why that button's last press did nothing ("nobody_waiting", "no_current",
        "ignored", "failed"); None when it called or recalled someone."""
        ...

    def watch_display(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` (from another thread) when the display shows a new call."""
        ...
