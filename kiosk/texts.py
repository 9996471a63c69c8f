"""Every sentence the kiosk shows or prints, in Bahasa Indonesia and English.

Kept in one table so translators and reviewers see all of it at once, and
so a test can prove no key exists in one language only.
"""

from __future__ import annotations

from datetime import date, datetime

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

TEXTS: dict[str, tuple[str, str]] = {
    "home.title": ("Ambil Nomor Antrian", "Take a Queue Number"),
    "home.walkin": ("Tekan tombol HIJAU untuk antrian umum",
                    "Press the GREEN button for a walk-in number"),
    "home.priority": ("Tekan tombol BIRU untuk prioritas:\nlansia, balita, disabilitas, ibu hamil",
                      "Press the BLUE button for priority:\nelderly, infants, disabled, pregnant"),
    "home.quota": ("Sisa kuota hari ini: {left}/{cap}", "Numbers left today: {left}/{cap}"),
    "home.no_cap": ("Antrian umum tanpa batas kuota", "Walk-in numbers are not capped"),
    "home.walkin_closed_today": ("Hari ini hanya layanan prioritas",
                                 "Today: priority applicants only"),
    "home.language": ("English: tekan L", "Bahasa Indonesia: press L"),
    "home.sim_keys": ("Simulasi: 1 = tombol umum, 2 = tombol prioritas, K = kertas habis/ada",
                      "Simulation: 1 = walk-in button, 2 = priority button, K = paper out/in"),
    "home.sim_lamp": ("Lampu printer (simulasi): {state}", "Printer lamp (simulation): {state}"),
    "lamp.off": ("mati", "off"),
    "lamp.on": ("MENYALA", "ON"),
    "lamp.blinking": ("BERKEDIP", "BLINKING"),
    "home.printer_warning": ("Kertas tiket hampir habis. Petugas telah diberi tahu.",
                             "Ticket paper is running low. Staff have been told."),
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
    "quota.title": ("Kuota Hari Ini Sudah Habis", "Today's Quota Is Used Up"),
    "quota.body": ("Semua {cap} nomor antrian umum hari ini sudah diberikan.",
                   "All {cap} walk-in numbers for today have been given out."),
    "quota.next": ("Kantor buka lagi: {when}", "The office opens again: {when}"),
    "quota.online": ("Anda juga dapat mendaftar online melalui aplikasi M-Paspor.",
                     "You can also book online with the M-Paspor app."),
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
    "clock.title": ("Menunggu Jam Sistem", "Waiting for the Clock"),
    "clock.body": ("Jam kios tidak dapat dipercaya. Nomor tidak diberikan.\nHubungi petugas.",
                   "The kiosk clock cannot be trusted. No number was issued.\nPlease ask staff."),
    "error.title": ("Mohon Maaf, Terjadi Gangguan", "Sorry, Something Went Wrong"),
    "error.body": ("Nomor tidak dapat diberikan. Silakan hubungi petugas.",
                   "No number could be given. Please ask a member of staff."),
    "back_home": ("Kembali ke layar utama dalam {seconds} detik",
                  "Back to the start screen in {seconds} seconds"),
    "pin.title": ("PIN Petugas", "Staff PIN"),
    "pin.prompt": ("Masukkan PIN petugas untuk keluar, Esc untuk batal",
                   "Enter the staff PIN to leave, Esc to cancel"),
    "pin.wrong": ("PIN salah", "Wrong PIN"),
    "pin.locked": ("Terlalu banyak PIN salah. Coba lagi dalam satu menit.",
                   "Too many wrong PINs. Try again in a minute."),
    "slip.printed_at": ("Dicetak", "Printed"),
    "slip.ahead": ("Menunggu sebelum Anda: {ahead}", "Waiting before you: {ahead}"),
    "slip.instruction": ("Tunggu nomor Anda dipanggil.", "Wait for your number to be called."),
    "slip.keep": ("Simpan tiket ini sampai selesai.", "Keep this ticket until you are done."),
}


def t(key: str, language: str, **values: object) -> str:
    indonesian, english = TEXTS[key]
    text = english if language == "en" else indonesian
    return text.format(**values) if values else text


def format_date(day: date, language: str) -> str:
    weekday, month = DAYS[language][day.weekday()], MONTHS[language][day.month - 1]
    return f"{weekday}, {day.day} {month} {day.year}"


def format_moment(moment: datetime, language: str) -> str:
    """'Kamis, 26 November 2026 pukul 08:00 WITA' in the moment's own zone."""
    zone = ZONE_ABBREVIATIONS.get(str(moment.tzinfo), moment.strftime("%Z"))
    joiner = "at" if language == "en" else "pukul"
    return f"{format_date(moment.date(), language)} {joiner} {moment:%H:%M} {zone}"
