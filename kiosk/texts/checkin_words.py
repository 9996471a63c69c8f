"""Online booking check-in: the booking-code keypad and every check-in outcome
(kiosk/checkin/service.py; merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "keypad.title": ("Ketik kode pemesanan Anda", "Type your booking code"),
    "keypad.ok": ("OK", "OK"),
    "keypad.cancel": ("Batal", "Cancel"),
    # Online booking check-in (kiosk/checkin/service.py). {slot} is "09:00-10:00 WITA".
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
