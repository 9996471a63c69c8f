"""ESC/POS ticket printers over USB, serial, TCP or a device file.

python-escpos talks to the device; this module adds what a lobby kiosk needs
on top: lazy opening (the kiosk starts with the printer unplugged), one write
per ticket, bounded status queries, plain-language errors for staff, and
reopening after any failure because printers get re-plugged and rebooted.

The drivers (python-escpos with PIL, qrcode, barcode and yaml; pyusb; pyserial)
take 0.1-0.3 s to import, so they load on first use, not when this module is
imported: the kiosk draws its home screen first and calls ``load_drivers()``
right after (docs/design.md, "Start-up"), and a press in between just imports
them in the issuing thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.sim_printer import SimulationPrinter
from hardware.ticket_layout import render_ticket
from kiosk.config import PrinterConfig
from kiosk.ports import PaperStatus, PrinterError, TicketContent, TicketPrinter

if TYPE_CHECKING:
    from escpos.escpos import Escpos
    from escpos.printer import Dummy, Network, Serial, Usb

STATUS_REQUEST = b"\x10\x04\x04"  # DLE EOT 4: real-time paper roll sensor status
DEFAULT_USB_TIMEOUT_MS = 2000  # libusb's default 0 means "wait forever"


@cache
def driver_errors() -> tuple[type[BaseException], ...]:
    """What a driver raises for a device problem (imports the drivers)."""
    import usb.core
    from escpos import exceptions as escpos_errors

    return (
        escpos_errors.Error,
        OSError,  # includes socket timeouts, usb.core.USBError and serial.SerialException
        usb.core.NoBackendError,  # libusb missing: a ValueError, not a USBError
        AssertionError,  # python-escpos asserts the device is not None before each write
        ValueError,  # settings pyserial/pyusb reject
    )


def load_drivers() -> None:
    """Import the printer drivers now (after the first frame), not on the first ticket."""
    import escpos.printer  # noqa: F401

    driver_errors()


def __getattr__(name: str) -> object:
    """``DRIVER_ERRORS`` as before, computed on first access (PEP 562)."""
    if name == "DRIVER_ERRORS":
        return driver_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_paper_status(reply: bytes) -> PaperStatus:
    """Interpret the reply to DLE EOT 4; anything that is not a status byte is UNKNOWN."""
    if not reply:
        return PaperStatus.UNKNOWN
    byte = reply[-1]  # the newest byte, should stale ones precede it
    if byte & 0x93 != 0x12:  # fixed bits: 1 and 4 set, 0 and 7 clear
        return PaperStatus.UNKNOWN
    if byte & 0x60:
        return PaperStatus.OUT
    if byte & 0x0C:
        return PaperStatus.LOW
    return PaperStatus.OK


def describe(device: Escpos) -> str:
    """Where the printer is, in the words staff see in error messages."""
    from escpos.printer import File, Network, Serial, Usb

    if isinstance(device, Usb):
        vendor, product = device.usb_args.get("idVendor", 0), device.usb_args.get("idProduct", 0)
        return f"USB {vendor:04x}:{product:04x}"
    if isinstance(device, Network):
        return f"network {device.host}:{device.port}"
    if isinstance(device, Serial):
        return f"serial {device.devfile}"
    if isinstance(device, File):
        return f"file {device.devfile}"
    return type(device).__name__


def write_timeout_s(device: Escpos) -> float | None:
    from escpos.printer import Network, Serial, Usb

    if isinstance(device, Usb):
        return device.timeout / 1000
    if isinstance(device, Network | Serial):
        return float(device.timeout)
    return None


def explain(exc: BaseException, where: str, timeout_s: float | None) -> str:
    """Turn a driver exception into one sentence staff can act on."""
    import serial
    import usb.core
    from escpos import exceptions as escpos_errors

    within = f" within {timeout_s:.1f} s" if timeout_s else ""
    if isinstance(exc, TimeoutError | usb.core.USBTimeoutError | serial.SerialTimeoutException):
        return f"printer did not accept data{within} ({where})"
    if isinstance(exc, usb.core.NoBackendError):
        return f"printer not connected ({where}): no USB driver (libusb) installed"
    if isinstance(exc, escpos_errors.DeviceNotFoundError):
        if where.startswith("network"):
            reason = exc.msg.strip().splitlines()[-1] if exc.msg.strip() else "no answer"
            return f"printer not reachable ({where}): {reason}"
        return f"printer not connected ({where}): check its cable and power"
    if isinstance(exc, AssertionError):
        return f"printer not connected ({where})"
    if isinstance(exc, ConnectionError):
        return f"connection to the printer was lost ({where}); the ticket may be incomplete"
    if isinstance(exc, usb.core.USBError) and exc.errno == 19:  # ENODEV
        return f"printer was unplugged ({where})"
    if isinstance(exc, OSError):
        return f"printer error ({where}): {exc.strerror or exc}"
    return f"printer error ({where}): {exc}"


def _drain_socket(sock: socket.socket) -> None:
    """Discard late replies; raise ConnectionResetError if the printer hung up."""
    saved = sock.gettimeout()
    sock.setblocking(False)
    try:
        while True:
            try:
                data = sock.recv(256)
            except BlockingIOError:
                return
            if not data:
                raise ConnectionResetError("the printer closed the connection")
    finally:
        sock.settimeout(saved)


def _query_network(device: Network, timeout_s: float) -> bytes:
    sock = device.device
    saved = sock.gettimeout()
    deadline = time.monotonic() + timeout_s
    try:
        _drain_socket(sock)
        sock.settimeout(timeout_s)
        sock.sendall(STATUS_REQUEST)
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        reply = sock.recv(16)
        if not reply:
            raise ConnectionResetError("the printer closed the connection")
        return reply
    finally:
        sock.settimeout(saved)


def _query_serial(device: Serial, timeout_s: float) -> bytes:
    port = device.device
    saved = port.timeout, port.write_timeout
    try:
        port.reset_input_buffer()
        port.timeout, port.write_timeout = timeout_s, timeout_s
        port.write(STATUS_REQUEST)
        return port.read(1)  # read(16) would wait out the timeout for 15 more bytes
    finally:
        port.timeout, port.write_timeout = saved


def _query_usb(device: Usb, timeout_s: float) -> bytes:
    deadline = time.monotonic() + timeout_s
    handle = device.device
    handle.write(device.out_ep, STATUS_REQUEST, max(1, int(timeout_s * 1000)))
    remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
    return bytes(handle.read(device.in_ep, 16, remaining_ms))


def _quietly_close(device: Escpos) -> None:
    with contextlib.suppress(Exception):  # closing a broken device must never raise
        device.close()


class EscposTicketPrinter:
    """A TicketPrinter over any python-escpos device, opened on first use."""

    def __init__(
        self, open_device: Callable[[], Escpos], paper_width_mm: int, status_timeout_s: float
    ) -> None:
        self.open_device = open_device  # builds an unopened device; called again after failures
        self.paper_width_mm = paper_width_mm
        self.status_timeout_s = status_timeout_s
        self._device: Escpos | None = None
        self._where = "printer"
        self._lock = threading.Lock()
        self._layout: Dummy | None = None

    def _connected(
        self, connect_within: float | None = None, unopened: Escpos | None = None
    ) -> Escpos:
        from escpos.printer import Network, Serial

        if self._device is not None:
            if not isinstance(self._device, Network):
                return self._device
            try:
                _drain_socket(self._device.device)  # printers close idle connections
                return self._device
            except OSError:
                self._drop()
        device = unopened if unopened is not None else self.open_device()
        self._where = describe(device)
        try:
            if isinstance(device, Network) and connect_within is not None:
                full = device.timeout
                device.timeout = min(full, connect_within)
                try:
                    device.open()
                finally:
                    device.timeout = full
                device.device.settimeout(full)
            else:
                device.open()
            if isinstance(device, Serial):
                device.device.write_timeout = device.timeout  # never block on a stalled port
        except BaseException:
            _quietly_close(device)
            raise
        self._device = device
        return device

    def _drop(self) -> None:
        if self._device is not None:
            _quietly_close(self._device)
        self._device = None

    def print_ticket(self, ticket: TicketContent) -> None:
        """Send the whole ticket in one write, so a retry never follows half a ticket."""
        from escpos import exceptions as escpos_errors
        from escpos.printer import Dummy, Network

        with self._lock:
            if self._layout is None:  # one buffer for every ticket: a press waits for this
                self._layout = Dummy()
            self._layout.clear()
            try:
                render_ticket(self._layout, ticket, self.paper_width_mm)
            except (escpos_errors.Error, ValueError) as exc:
                raise PrinterError(f"could not lay out the ticket: {exc}") from exc
            device: Escpos | None = None
            try:
                device = self._connected()
                device._raw(self._layout.output)
                if isinstance(device, Network):
                    self._confirm_delivery(device)
            except driver_errors() as exc:
                timeout = write_timeout_s(device) if device is not None else None
                self._drop()
                raise PrinterError(explain(exc, self._where, timeout)) from exc

    def _confirm_delivery(self, device: Network) -> None:
        """TCP accepts bytes into a buffer even when the printer is gone; a status
        round trip turns a reset connection into an error instead of a lost ticket."""
        with contextlib.suppress(TimeoutError):  # silent printers: the data still went out
            _query_network(device, self.status_timeout_s)

    def paper_status(self) -> PaperStatus:
        deadline = time.monotonic() + self.status_timeout_s
        if not self._lock.acquire(timeout=self.status_timeout_s):
            return PaperStatus.UNKNOWN  # a ticket is printing; do not wait for it
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return PaperStatus.UNKNOWN
            return parse_paper_status(self._query(remaining))
        except TimeoutError:
            return PaperStatus.UNKNOWN  # silent printer: keep the connection
        except driver_errors() + (RuntimeError,):
            self._drop()
            return PaperStatus.UNKNOWN
        finally:
            self._lock.release()

    def _query(self, timeout_s: float) -> bytes:
        import usb.core
        from escpos.printer import Network, Serial, Usb

        unopened = self.open_device() if self._device is None else None
        if not isinstance(self._device or unopened, Network | Serial | Usb):
            return b""  # write-only devices (files, /dev/usb/lp0) cannot report paper
        device = self._connected(connect_within=timeout_s, unopened=unopened)
        if isinstance(device, Network):
            return _query_network(device, timeout_s)
        if isinstance(device, Serial):
            return _query_serial(device, timeout_s)
        try:
            return _query_usb(device, timeout_s)
        except usb.core.USBTimeoutError as exc:
            raise TimeoutError(str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            self._drop()


def _device_class(name: str) -> type[Escpos]:
    """A python-escpos device class, imported when the first device is built."""
    import escpos.printer

    return getattr(escpos.printer, name)


def make_printer(config: PrinterConfig) -> TicketPrinter:
    """Build the configured printer without touching the device yet."""
    params = config.params
    width = config.paper_width_mm
    if config.backend == "simulation":
        return SimulationPrinter(Path(params.get("output", "var/tickets.bin")), width)
    factories: dict[str, Callable[[], Escpos]] = {
        "usb": lambda: _device_class("Usb")(
            idVendor=params["vendor_id"],
            idProduct=params["product_id"],
            timeout=int(params.get("timeout_ms") or DEFAULT_USB_TIMEOUT_MS),
            in_ep=params.get("in_ep", 0x82),
            out_ep=params.get("out_ep", 0x01),
        ),
        "serial": lambda: _device_class("Serial")(
            devfile=params["device"],
            baudrate=params.get("baudrate", 19200),
            timeout=params.get("timeout_s", 2.0),
        ),
        "network": lambda: _device_class("Network")(
            host=params["host"], port=params.get("port", 9100), timeout=params.get("timeout_s", 3.0)
        ),
        "file": lambda: _device_class("File")(devfile=params["path"]),
    }
    if config.backend not in factories:
        raise ValueError(f"unknown printer backend {config.backend!r}")
    return EscposTicketPrinter(factories[config.backend], width, config.status_timeout_s)
