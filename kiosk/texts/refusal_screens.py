"""The screens that say why a press gave no number: today's quota used up, no
numbers at this kiosk yet, office or lane closed, printer problem, error
(merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "quota.title": ("Kuota Hari Ini Sudah Habis", "Today's Quota Is Used Up"),
    "quota.body": ("Semua {cap} nomor antrian umum hari ini sudah diberikan.",
                   "All {cap} walk-in numbers for today have been given out."),
    # A service's own quota, when the office has several (issue 13).
    "quota.service.title": ("Kuota {service} Hari Ini Sudah Habis",
                            "Today's Quota for {service} Is Used Up"),
    "quota.service.body": ("Semua {cap} nomor {service} hari ini sudah diberikan.",
                           "All {cap} {service} numbers for today have been given out."),
    "quota.next": ("Kantor buka lagi: {when}", "The office opens again: {when}"),
    "quota.online": ("Anda juga dapat mendaftar online melalui aplikasi M-Paspor.",
                     "You can also book online with the M-Paspor app."),
    "no_numbers.title": ("Nomor Belum Tersedia di Kios Ini", "No Numbers at This Kiosk Yet"),
    "no_numbers.body": ("Kios ini sedang mengambil nomor antrian dari server kantor.\n"
                        "Kuota hari ini belum tentu habis.",
                        "This kiosk is getting queue numbers from the office server.\n"
                        "Today's quota may not be used up."),
    "no_numbers.retry": ("Silakan coba lagi sebentar, gunakan kios lain, atau tanyakan petugas.",
                         "Please try again in a moment, use another kiosk, or ask staff."),
    "closed.title": ("Kantor Sedang Tutup", "The Office Is Closed"),
    "closed.lane": ("Layanan ini tidak tersedia saat ini.", "This service is not available now."),
    "closed.next": ("Buka lagi: {when}", "Opens again: {when}"),
    "closed.unknown": ("Jadwal buka berikutnya belum ditetapkan. Hubungi petugas.",
                       "The next opening is not scheduled yet. Please ask staff."),
    "printer.title": ("Printer Tiket Bermasalah", "Ticket Printer Problem"),
    "printer.paper_out": ("Kertas tiket habis. Petugas sedang diberi tahu.\n"
                          "Mohon tunggu sebentar atau hubungi petugas.",
                          "The ticket paper has run out. Staff are being told.\n"
                          "Please wait a moment or ask a member of staff."),
    "error.title": ("Mohon Maaf, Terjadi Gangguan", "Sorry, Something Went Wrong"),
    "error.body": ("Nomor tidak dapat diberikan. Silakan hubungi petugas.",
                   "No number could be given. Please ask a member of staff."),
}
