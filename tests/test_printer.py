"""Ticket printing: the bytes a printer gets, and how each backend fails.

Faults are produced with real sockets and pseudo-terminals rather than mocks,
so a passing test means the kiosk really survives a printer that is
unplugged, silent or rebooted in the middle of a ticket.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from escpos.printer import Dummy, Usb

from hardware.printers import STATUS_REQUEST, EscposTicketPrinter, make_printer
from hardware.sim_printer import SimulationPrinter
from hardware.ticket_layout import PAPER_DOTS, label_width, render_preview, render_ticket
from kiosk.config import PrinterConfig
from kiosk.ports import PaperStatus, PrinterError, TicketContent
from tests.conftest import wait_until as shared_wait_until
from tests.tcp_printer import STATUS_LOW, STATUS_OK, STATUS_OUT, FakeNetworkPrinter, free_port

TICKET_ID = "DPS-K01-019a2b3c4d5e6f708192a3b4c5d6e7f8"
QR_STORE = b"\x1d(k"  # GS ( k: native 2D code
RASTER_IMAGE = b"\x1dv0"  # GS v 0: bitmap
GRAPHICS = b"\x1d(L"  # GS ( L: bitmap, newer printers
FULL_CUT = b"\x1dV\x00"



def ticket(language: str = "id", office: str = "Kantor Imigrasi Kelas I TPI Denpasar",
           print_qr: bool = True, label: str = "A012") -> TicketContent:
    return TicketContent(
        office_name=office,
        office_address="Jl. Panglima Besar Sudirman, Denpasar",
        lane_name="Antrian Umum" if language == "id" else "Walk-in",
        label=label,
        issued_at=datetime(2026, 11, 26, 8, 5, tzinfo=ZoneInfo("Asia/Makassar")),
        ahead=7,
        language=language,
        ticket_id=TICKET_ID,
        print_qr=print_qr,
    )


def ticket_bytes(content: TicketContent, width: int = 80) -> bytes:
    buffer = Dummy()
    render_ticket(buffer, content, width)
    return buffer.output


def printer_config(backend: str, status_timeout_s: float = 0.5, width: int = 80,
                   **params: object) -> PrinterConfig:
    return PrinterConfig(backend, width, True, status_timeout_s, dict(params))


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    return shared_wait_until(condition, timeout)


# --- layout -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [58, 80])
def test_ticket_carries_office_lane_label_qr_and_cut(width: int) -> None:
    data = ticket_bytes(ticket(), width)
    assert b"Kantor Imigrasi" in data
    assert b"Antrian Umum" in data
    assert b"A012" in data
    assert QR_STORE in data and b"1P0" + TICKET_ID.encode() in data
    assert RASTER_IMAGE not in data and GRAPHICS not in data
    assert data.endswith(FULL_CUT)


@pytest.mark.parametrize(("width", "size_byte"), [(58, 0x57), (80, 0x77)])
def test_queue_number_is_printed_in_the_largest_size_that_fits(width: int, size_byte: int) -> None:
    data = ticket_bytes(ticket(), width)
    big = b"\x1d!" + bytes([size_byte])  # GS ! : width 6 or 8, height 8
    assert data.index(big) < data.index(b"A012") < data.index(b"\x1d!\x00")
    magnification = (size_byte >> 4) + 1
    assert 12 * magnification * 4 <= PAPER_DOTS[width]


def test_longer_labels_shrink_to_stay_on_one_line() -> None:
    for width in (58, 80):
        for label in ("A012", "A1234", "PR1234"):
            assert 12 * label_width(label, width) * len(label) <= PAPER_DOTS[width]


def test_office_name_wraps_at_words_on_narrow_paper() -> None:
    name = "Kantor Imigrasi Kelas I Khusus TPI Ngurah Rai"
    narrow = ticket_bytes(ticket(office=name), 58)
    assert b"Kantor Imigrasi Kelas I Khusus\nTPI Ngurah Rai\n" in narrow
    assert (name + "\n").encode() in ticket_bytes(ticket(office=name), 80)


def test_ticket_speaks_the_applicants_language() -> None:
    indonesian, english = ticket_bytes(ticket("id")), ticket_bytes(ticket("en"))
    assert b"Kamis, 26 November 2026" in indonesian and b"Simpan tiket ini" in indonesian
    assert b"Thursday, 26 November 2026" in english and b"Keep this ticket" in english
    assert b"08:05 WITA" in indonesian and b"Waiting before you: 7" in english


def test_qr_can_be_switched_off_and_accents_stay_printable() -> None:
    data = ticket_bytes(ticket(print_qr=False, office="Kantor Imigrasi – Bandara Ngurah Raí"))
    assert QR_STORE not in data
    assert b"Kantor Imigrasi - Bandara Ngurah Rai" in data


@pytest.mark.parametrize("width", [58, 80])
def test_preview_shows_the_same_ticket_within_the_paper_width(width: int) -> None:
    preview = render_preview(ticket("en"), width)
    assert "A 0 1 2" in preview and "Kantor Imigrasi" in preview and "Walk-in" in preview
    assert "Keep this ticket" in preview
    assert max(len(line) for line in preview.splitlines()) <= {58: 32, 80: 48}[width]


# --- network ------------------------------------------------------------------------------


@pytest.fixture
def fake_printer():
    fake = FakeNetworkPrinter()
    yield fake
    fake.stop()


def network_printer(port: int, status_timeout_s: float = 5.0,
                    timeout_s: float = 2.0) -> EscposTicketPrinter:
    config = printer_config("network", status_timeout_s, host="127.0.0.1", port=port,
                            timeout_s=timeout_s)
    printer = make_printer(config)
    assert isinstance(printer, EscposTicketPrinter)
    return printer


def test_network_ticket_arrives_intact(fake_printer: FakeNetworkPrinter) -> None:
    printer = network_printer(fake_printer.port)
    printer.print_ticket(ticket())
    expected = ticket_bytes(ticket()) + STATUS_REQUEST  # delivery check follows the ticket
    assert wait_until(lambda: [bytes(s) for s in fake_printer.sessions] == [expected])
    printer.close()


@pytest.mark.parametrize(("reply", "status"), [
    (STATUS_OK, PaperStatus.OK), (STATUS_LOW, PaperStatus.LOW), (STATUS_OUT, PaperStatus.OUT),
    (b"\x00", PaperStatus.UNKNOWN),  # not a status byte: do not claim paper is fine
])
def test_network_paper_status_is_read_from_the_printer(
    fake_printer: FakeNetworkPrinter, reply: bytes, status: PaperStatus
) -> None:
    fake_printer.status = reply
    printer = network_printer(fake_printer.port)
    assert printer.paper_status() is status
    printer.close()


def test_silent_network_printer_reports_unknown_without_hanging(
    fake_printer: FakeNetworkPrinter,
) -> None:
    fake_printer.status = None
    # A socket timeout far above the status timeout: waiting on it would count as hanging.
    printer = network_printer(fake_printer.port, status_timeout_s=0.3, timeout_s=20.0)
    started = time.monotonic()
    assert printer.paper_status() is PaperStatus.UNKNOWN
    assert time.monotonic() - started < 5
    printer.print_ticket(ticket())  # a printer without status support still prints
    assert wait_until(lambda: len(fake_printer.sessions[0]) > len(ticket_bytes(ticket())))
    printer.close()


def test_a_late_status_answer_is_not_mistaken_for_the_next_one(
    fake_printer: FakeNetworkPrinter,
) -> None:
    fake_printer.status, fake_printer.reply_delay = STATUS_OUT, 1.5
    printer = network_printer(fake_printer.port, status_timeout_s=0.2)
    assert printer.paper_status() is PaperStatus.UNKNOWN
    sock = printer._device.device  # the stale "paper out" byte must be waiting in the socket
    assert wait_until(lambda: bool(select.select([sock], [], [], 0)[0]))
    fake_printer.status, fake_printer.reply_delay = STATUS_OK, 0.0
    printer.status_timeout_s = 5.0  # the fresh answer only has to come, not come fast
    assert printer.paper_status() is PaperStatus.OK
    printer.close()


def test_nothing_listening_gives_a_clear_error_and_unknown_status() -> None:
    port = free_port()
    printer = network_printer(port)
    with pytest.raises(PrinterError, match=rf"not reachable \(network 127\.0\.0\.1:{port}\)"):
        printer.print_ticket(ticket())
    assert printer.paper_status() is PaperStatus.UNKNOWN


def test_connection_reset_mid_ticket_fails_then_the_next_ticket_reconnects(
    fake_printer: FakeNetworkPrinter,
) -> None:
    fake_printer.reset_after = 50
    printer = network_printer(fake_printer.port)
    with pytest.raises(PrinterError, match="connection to the printer was lost"):
        printer.print_ticket(ticket())
    fake_printer.reset_after = None  # the printer is back
    printer.print_ticket(ticket())
    assert len(fake_printer.sessions) == 2
    assert wait_until(lambda: fake_printer.sessions[1].startswith(ticket_bytes(ticket())))
    printer.close()


def test_printer_that_closed_an_idle_connection_still_gets_the_next_ticket(
    fake_printer: FakeNetworkPrinter,
) -> None:
    printer = network_printer(fake_printer.port)
    printer.print_ticket(ticket())
    fake_printer.hang_up()
    time.sleep(0.05)
    printer.print_ticket(ticket("en"))
    assert wait_until(lambda: fake_printer.sessions[-1].startswith(ticket_bytes(ticket("en"))))
    printer.close()


# --- USB ----------------------------------------------------------------------------------


def test_usb_printer_is_built_with_a_timeout_and_not_opened() -> None:
    config = printer_config("usb", vendor_id=0x0416, product_id=0x5011, timeout_ms=1500,
                            in_ep=0x81, out_ep=0x03)
    printer = make_printer(config)
    assert isinstance(printer, EscposTicketPrinter)
    device = printer.open_device()
    assert isinstance(device, Usb)
    assert device.timeout == 1500 and (device.in_ep, device.out_ep) == (0x81, 0x03)
    assert device._device is False  # nothing touched the bus yet
    zero = make_printer(printer_config("usb", vendor_id=0x0416, product_id=0x5011, timeout_ms=0))
    assert zero.open_device().timeout > 0  # libusb's 0 would mean "wait forever"


def test_unplugged_usb_printer_raises_quickly() -> None:
    printer = make_printer(printer_config("usb", vendor_id=0xFFFE, product_id=0xFFFD,
                                          timeout_ms=1000))
    started = time.monotonic()
    with pytest.raises(PrinterError, match=r"printer not connected \(USB fffe:fffd\)"):
        printer.print_ticket(ticket())
    assert printer.paper_status() is PaperStatus.UNKNOWN
    assert time.monotonic() - started < 5


# --- serial -------------------------------------------------------------------------------


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def read_available(fd: int, want: int, timeout: float = 10.0) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < want and select.select([fd], [], [], max(0, deadline - time.monotonic()))[0]:
        data += os.read(fd, 4096)
    return data


def test_serial_ticket_arrives_and_silence_means_unknown(pty_pair: tuple[int, str]) -> None:
    master, device = pty_pair
    # A port timeout far above the status timeout: waiting on it would count as hanging.
    printer = make_printer(printer_config("serial", 0.3, width=58, device=device,
                                          baudrate=19200, timeout_s=20.0))
    printer.print_ticket(ticket())
    expected = ticket_bytes(ticket(), 58)
    assert read_available(master, len(expected)) == expected
    started = time.monotonic()
    assert printer.paper_status() is PaperStatus.UNKNOWN
    assert time.monotonic() - started < 5
    assert read_available(master, len(STATUS_REQUEST)) == STATUS_REQUEST
    printer.close()


def test_serial_printer_answering_paper_out(pty_pair: tuple[int, str]) -> None:
    master, device = pty_pair

    def answer() -> None:
        if read_available(master, len(STATUS_REQUEST)).endswith(STATUS_REQUEST):
            os.write(master, STATUS_OUT)

    printer = make_printer(printer_config("serial", 5.0, device=device, timeout_s=5.0))
    responder = threading.Thread(target=answer)
    responder.start()
    assert printer.paper_status() is PaperStatus.OUT
    responder.join()
    printer.close()


# --- file ---------------------------------------------------------------------------------


def test_file_backend_writes_the_ticket_bytes(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = make_printer(printer_config("file", path=str(target)))
    printer.print_ticket(ticket())
    printer.print_ticket(ticket("en"))
    assert target.read_bytes() == ticket_bytes(ticket()) + ticket_bytes(ticket("en"))
    assert printer.paper_status() is PaperStatus.UNKNOWN  # a file cannot report paper
    printer.close()


def test_file_backend_in_a_missing_folder_is_a_printer_error(tmp_path: Path) -> None:
    printer = make_printer(printer_config("file", path=str(tmp_path / "no" / "lp0")))
    with pytest.raises(PrinterError, match="printer not connected"):
        printer.print_ticket(ticket())


# --- simulation ---------------------------------------------------------------------------


def test_simulation_appends_tickets_and_keeps_a_preview(tmp_path: Path) -> None:
    output = tmp_path / "var" / "tickets.bin"
    printer = make_printer(printer_config("simulation", output=str(output)))
    assert isinstance(printer, SimulationPrinter)
    printer.print_ticket(ticket())
    printer.print_ticket(ticket("en", label="A013"))
    assert output.read_bytes() == ticket_bytes(ticket()) + ticket_bytes(ticket("en", label="A013"))
    assert printer.printed_count == 2
    assert printer.last_preview is not None
    assert "A 0 1 3" in printer.last_preview and "Kantor Imigrasi" in printer.last_preview
    assert printer.paper_status() is PaperStatus.OK


def test_simulated_paper_out_refuses_to_print(tmp_path: Path) -> None:
    output = tmp_path / "tickets.bin"
    printer = SimulationPrinter(output, 58)
    printer.paper_out = True
    assert printer.paper_status() is PaperStatus.OUT
    with pytest.raises(PrinterError, match="out of paper"):
        printer.print_ticket(ticket())
    assert not output.exists() and printer.printed_count == 0
    printer.paper_out = False
    printer.print_ticket(ticket())
    assert output.read_bytes() == ticket_bytes(ticket(), 58)
