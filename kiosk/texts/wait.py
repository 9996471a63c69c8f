"""The estimated wait in words: 'Perkiraan tunggu: 20-30 menit'.

The minutes are already rounded for people (kiosk/queue/wait_estimate.py, ``ticket_wait``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import t

if TYPE_CHECKING:
    from kiosk.ports import TicketWait


def wait_line(wait: TicketWait, language: str) -> str:
    """'Perkiraan tunggu: 20-30 menit', '... < 5 menit' or '... belum dapat diperkirakan'."""
    if wait.minutes is None:
        return t("wait.unknown", language)
    low, high = wait.minutes
    if low == 0:
        return t("wait.under", language, high=high)
    return t("wait.range", language, low=low, high=high)
