"""Messages the kiosk app gets from other threads: lane buttons, scans, start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from kiosk.checkin.service import CheckinService
    from kiosk.ports import Simulation
    from kiosk.queue.issuing import IssuingService
    from kiosk.staff.desk import StaffDesk


class LaneButtonPressed(Message):
    """A physical (or simulated) lane button was pressed; posted from gpiozero's thread."""

    def __init__(self, lane: str) -> None:
        super().__init__()
        self.lane = lane


class CodeScanned(Message):
    """A booking code or QR payload from the camera or a USB scanner."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class HeldKeysDue(Message):
    """Posted by the hold timer, so it queues behind keys that arrived before it fired."""


class CameraStatus(Message):
    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state  # "camera_lost" | "camera_ok"


class ScannerReady(Message):
    """The camera scanner, built after the first frame; posted from the start-up thread."""

    def __init__(self, scanner: Any) -> None:
        super().__init__()
        self.scanner = scanner


class ApplianceReady(Message):
    """`kiosk run`: the store, services and lane buttons, built after the first frame."""

    def __init__(self, service: IssuingService, checkin: CheckinService | None,
                 simulation: Simulation | None, desk: StaffDesk | None) -> None:
        super().__init__()
        self.service, self.checkin, self.simulation, self.desk = (
            service, checkin, simulation, desk)


class StartFailed(Message):
    """`kiosk run`: the store or the devices could not be built; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
