"""Which kind of screen is showing, for the app's input rules, and loading screens early.

While staff hold the kiosk, lobby input waits; while an applicant types on a keypad, their
digits are not a scanner burst. The first frame needs only the home screen: the other
screens, and the domain modules they use, are imported on first use, or by
load_screens() in `kiosk run`'s start-up thread (docs/design.md, "Start-up");
tests/test_startup_imports.py keeps it so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.pin import PinScreen

if TYPE_CHECKING:
    from textual.screen import Screen

def load_screens() -> None:
    """Import every screen now, off the UI thread, so the first press does not wait."""
    import screens.checkin
    import screens.clock_confirm
    import screens.nik_entry
    import screens.notice
    import screens.notify_offer
    import screens.staff
    import screens.ticket  # noqa: F401


def staff_screen(screen: Screen) -> bool:
    """While staff have the kiosk (PIN, menu, clock confirmation), lobby input waits."""
    from screens.clock_confirm import ClockConfirmScreen
    from screens.staff import StaffScreen

    return isinstance(screen, PinScreen | StaffScreen | ClockConfirmScreen)


def applicant_entry_screen(screen: Screen) -> bool:
    """NIK, priority reason or a phone number (for messages) being typed: scans wait too."""
    from screens.nik_entry import NikEntryScreen, PriorityReasonScreen
    from screens.notify_offer import PhoneEntryScreen

    return isinstance(screen, NikEntryScreen | PriorityReasonScreen | PhoneEntryScreen)


def typing_screen(screen: Screen) -> bool:
    """Applicants typing on the kiosk's keypads: their digits are not a scanner burst."""
    from screens.checkin import KeypadScreen

    return isinstance(screen, KeypadScreen) or applicant_entry_screen(screen)
