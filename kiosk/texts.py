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
    "keypad.title": ("Ketik kode pemesanan Anda", "Type your booking code"),
    "keypad.ok": ("OK", "OK"),
    "keypad.cancel": ("Batal", "Cancel"),
    "home.checkin": ("Pemesan online: tunjukkan kode QR ke kamera,\n"
                     "atau tekan B untuk mengetik kode pemesanan",
                     "Online bookers: show your QR code to the camera,\n"
                     "or press B to type your booking code"),
    "home.camera_lost": ("Kamera tidak tersedia: ketik kode pemesanan (tekan B)",
                         "Camera not available: type your booking code (press B)"),
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
    # Online booking check-in (kiosk/checkin.py). {slot} is "09:00-10:00 WITA".
    "checkin.title": ("Lapor Kedatangan Pemesanan Online", "Online Booking Check-in"),
    "checkin.prompt": ("Pindai kode QR pemesanan Anda atau ketik kode pemesanan",
                       "Scan your booking QR code or type your booking code"),
    "checkin.done": ("Kedatangan Anda tercatat. Satu tiket untuk setiap pemohon:",
                     "You are checked in. One ticket for each applicant:"),
    "checkin.applicant": ("{nickname}: nomor {label}", "{nickname}: number {label}"),
    "checkin.wrong_day.title": ("Bukan Hari Pemesanan Anda", "Not Your Booking Day"),
    "checkin.wrong_day.body": ("Pemesanan ini untuk {date}, jadwal {slot}.\n"
                               "Silakan datang pada hari tersebut, atau hubungi petugas.",
                               "This booking is for {date}, slot {slot}.\n"
                               "Please come on that day, or ask a member of staff."),
    "checkin.wrong_office.title": ("Kantor Imigrasi Lain", "A Different Immigration Office"),
    "checkin.wrong_office.body": ("Pemesanan ini untuk kantor imigrasi {office}, bukan kantor"
                                  " ini.\nSilakan datang ke kantor tersebut atau hubungi"
                                  " petugas.",
                                  "This booking is for immigration office {office}, not this"
                                  " one.\nPlease go to that office or ask a member of staff."),
    "checkin.too_early.title": ("Belum Waktunya Lapor", "Too Early to Check In"),
    "checkin.too_early.body": ("Jadwal Anda {slot}.\nLapor kedatangan dapat dilakukan mulai"
                               " pukul {opens}.",
                               "Your slot is {slot}.\nYou can check in from {opens}."),
    "checkin.too_late.title": ("Waktu Lapor Sudah Lewat", "Check-in Time Has Passed"),
    "checkin.too_late.body": ("Jadwal Anda {slot}; lapor kedatangan ditutup pukul {closes}.\n"
                              "Silakan hubungi petugas, atau pesan jadwal baru di aplikasi"
                              " M-Paspor.",
                              "Your slot was {slot}; check-in closed at {closes}.\n"
                              "Please ask a member of staff, or book a new slot in the"
                              " M-Paspor app."),
    "checkin.already_checked_in.title": ("Sudah Lapor Kedatangan", "Already Checked In"),
    "checkin.already_checked_in.body": ("Pemesanan ini sudah lapor kedatangan pada {when}.\n"
                                        "Nomor antrian: {labels}. Tiket hilang? Petugas dapat"
                                        " mencetak ulang.",
                                        "This booking was checked in on {when}.\n"
                                        "Queue numbers: {labels}. Lost a ticket? Staff can"
                                        " print it again."),
    "checkin.cancelled.title": ("Pemesanan Dibatalkan", "Booking Cancelled"),
    "checkin.cancelled.body": ("Pemesanan ini sudah dibatalkan. Silakan hubungi petugas.",
                               "This booking has been cancelled. Please ask a member of staff."),
    "checkin.unknown_code.title": ("Kode Tidak Ditemukan", "Code Not Found"),
    "checkin.unknown_code.body": ("Kode pemesanan ini tidak ada di daftar kantor hari ini.\n"
                                  "Periksa kode Anda, pindai kode QR-nya, atau hubungi petugas.",
                                  "This booking code is not in today's list for this office.\n"
                                  "Check the code, scan its QR code, or ask a member of staff."),
    "checkin.bad_signature.title": ("Kode QR Tidak Sah", "QR Code Not Valid"),
    "checkin.bad_signature.body": ("Kode QR ini tidak dapat dipastikan keasliannya.\n"
                                   "Silakan hubungi petugas dengan bukti pemesanan Anda.",
                                   "This QR code could not be verified as genuine.\n"
                                   "Please see a member of staff with your booking."),
    "checkin.unknown_key.title": ("Kode QR Belum Dikenal", "QR Code Not Recognised Yet"),
    "checkin.unknown_key.body": ("Kios ini belum dapat memeriksa kode QR jenis ini.\n"
                                 "Silakan ketik kode pemesanan Anda, atau hubungi petugas.",
                                 "This kiosk cannot check this kind of QR code yet.\n"
                                 "Please type your booking code, or ask a member of staff."),
    "checkin.malformed.title": ("Kode Tidak Terbaca", "Code Not Readable"),
    "checkin.malformed.body": ("Ini bukan kode pemesanan yang dikenal.\n"
                               "Pindai ulang kode QR dari aplikasi atau e-mail, atau ketik"
                               " kode pemesanan.",
                               "This is not a booking code we know.\n"
                               "Scan the QR code from the app or e-mail again, or type the"
                               " booking code."),
    "checkin.closed.title": ("Layanan Online Sedang Tutup", "Online Check-in Is Closed"),
    "checkin.closed.body": ("Lapor kedatangan pemesanan online buka lagi: {when}",
                            "Online booking check-in opens again: {when}"),
    "checkin.cap.title": ("Antrian Online Penuh", "Online Queue Is Full"),
    "checkin.cap.body": ("Nomor antrian online hari ini sudah habis. Silakan hubungi petugas.",
                         "Today's online queue numbers are used up. Please ask a member of"
                         " staff."),
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
