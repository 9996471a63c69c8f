"""The number an applicant gets: the ticket screen, the printed slip and the estimated
wait (merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "ticket.your_number": ("Nomor antrian Anda", "Your queue number"),
    "ticket.ahead": ("{ahead} orang menunggu sebelum Anda",
                     "{ahead} people are waiting before you"),
    "ticket.ahead_none": ("Tidak ada yang menunggu sebelum Anda", "Nobody is waiting before you"),
    "ticket.take": ("Silakan ambil tiket Anda", "Please take your ticket"),
    "ticket.instruction": ("Silakan duduk dan tunggu nomor Anda dipanggil.",
                           "Please take a seat and wait for your number to be called."),
    "ticket.not_printed": ("Tiket tidak dapat dicetak. Nomor Anda TETAP BERLAKU.\n"
                           "Silakan foto layar ini atau hubungi petugas.",
                           "The ticket could not be printed. Your number IS STILL VALID.\n"
                           "Please photograph this screen or ask a member of staff."),
    "slip.printed_at": ("Dicetak", "Printed"),
    "slip.ahead": ("Menunggu sebelum Anda: {ahead}", "Waiting before you: {ahead}"),
    "slip.instruction": ("Tunggu nomor Anda dipanggil.", "Wait for your number to be called."),
    "slip.keep": ("Simpan tiket ini sampai selesai.", "Keep this ticket until you are done."),
    "slip.track": ("Pindai QR untuk memantau antrian di ponsel (Wi-Fi kantor).",
                   "Scan the QR to follow your number on your phone (office Wi-Fi)."),
    "slip.track_code": ("Kode pantau: {code}", "Tracking code: {code}"),
    # Estimated wait (kiosk/texts/wait.py): on the ticket and on screen. Minutes in 5-min steps.
    "wait.range": ("Perkiraan tunggu: {low}-{high} menit",
                   "Estimated wait: about {low}-{high} min"),
    "wait.under": ("Perkiraan tunggu: < {high} menit", "Estimated wait: under {high} min"),
    "wait.unknown": ("Perkiraan tunggu: belum dapat diperkirakan",
                     "Estimated wait: cannot estimate yet"),
}
