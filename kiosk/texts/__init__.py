"""Every sentence the kiosk shows or prints, in Bahasa Indonesia and English.

Kept in one table so translators and reviewers see all of it at once, and
so a test can prove no key exists in one language only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    # `kiosk run` draws the home screen before the store is open (docs/design.md, "Start-up").
    "home.starting": ("Menyiapkan kiosk…", "Getting the kiosk ready…"),
    "home.start_failed": ("Kios tidak dapat dimulai: {reason}. Silakan hubungi petugas.",
                          "The kiosk could not start: {reason}. Please ask a member of staff."),
    "start_failed.body": ("Kios tidak dapat dimulai: {reason}",
                          "The kiosk could not start: {reason}"),
    "start_failed.help": ("Nomor belum dapat diberikan. Silakan hubungi petugas.\n"
                          "Petugas: jalankan `kiosk doctor`, lalu mulai ulang kios.",
                          "No numbers can be given yet. Please ask a member of staff.\n"
                          "Staff: run `kiosk doctor`, then restart the kiosk."),
    "home.language": ("English: tekan L", "Bahasa Indonesia: press L"),
    "home.sim_keys": ("Simulasi: 1 = tombol umum, 2 = tombol prioritas, K = kertas habis/ada, "
                      "N / R = loket 1 panggil / panggil ulang",
                      "Simulation: 1 = walk-in button, 2 = priority button, K = paper out/in, "
                      "N / R = counter 1 next / recall"),
    "home.sim_display": ("Papan nomor (simulasi): {state}",
                         "Now-serving display (simulation): {state}"),
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
    "clock.title": ("Menunggu Jam Sistem", "Waiting for the Clock"),
    "home.clock_wait": ("Menunggu jam sistem: nomor belum dapat diberikan.\n"
                        "Petugas: konfirmasi jam lewat menu petugas (PIN).",
                        "Waiting for the clock: no numbers can be given yet.\n"
                        "Staff: confirm the time in the staff menu (PIN)."),
    # Staff confirm the clock (screens/clock_confirm.py, kiosk/queue/clock_trust.py).
    "clock_confirm.title": ("Konfirmasi Jam Kios", "Confirm the Kiosk Clock"),
    "clock_confirm.question": ("Apakah tanggal dan jam ini benar?",
                               "Are this date and time right?"),
    "clock_confirm.yes": ("Ya, benar", "Yes, right"),
    "clock_confirm.no": ("Tidak", "No"),
    "clock_confirm.close": ("Tutup", "Close"),
    "clock_confirm.keys": ("Tekan Y untuk Ya, N untuk Tidak, Esc untuk batal",
                           "Press Y for yes, N for no, Esc to cancel"),
    "clock_confirm.ntp": ("Jam sudah disetel otomatis lewat jaringan (NTP).",
                          "The clock is set automatically over the network (NTP)."),
    "clock_confirm.continuous": ("Jam berjalan normal sejak terakhir disetel lewat jaringan.",
                                 "The clock has run normally since the network last set it."),
    "clock_confirm.confirmed": ("Jam sudah dikonfirmasi petugas sejak kios dinyalakan.",
                                "Staff confirmed the clock since the kiosk was switched on."),
    "clock_confirm.not_synced": ("Jam belum disetel lewat jaringan (NTP) sejak kios dinyalakan.",
                                 "The network (NTP) has not set the clock since the kiosk was"
                                 " switched on."),
    "clock_confirm.behind": ("Jam kios lebih awal dari waktu yang sudah tercatat: {newest}.",
                             "The kiosk clock is earlier than a time already recorded:"
                             " {newest}."),
    "clock_confirm.jumped": ("Jam kios berubah mendadak sejak terakhir dipercaya.",
                             "The kiosk clock jumped since it was last trusted."),
    "clock_confirm.how": ("Jangan pilih Ya jika tanggal atau jam salah. Cara membetulkan:\n"
                          "1. Sambungkan kios ke jaringan/internet, tunggu beberapa menit:\n"
                          "   jam disetel otomatis dan kios memberi nomor lagi sendiri.\n"
                          "2. Atau setel jam sendiri (jam setempat) di terminal:\n"
                          "   sudo timedatectl set-ntp false\n"
                          "   sudo timedatectl set-time '2026-11-25 07:30:00'\n"
                          "   sudo timedatectl set-ntp true\n"
                          "   lalu buka layar ini lagi dan pilih Ya.",
                          "Do not choose Yes if the date or time is wrong. To fix it:\n"
                          "1. Connect the kiosk to the network/internet and wait a few\n"
                          "   minutes: the clock sets itself and the kiosk issues again.\n"
                          "2. Or set the clock yourself (local time) in a terminal:\n"
                          "   sudo timedatectl set-ntp false\n"
                          "   sudo timedatectl set-time '2026-11-25 07:30:00'\n"
                          "   sudo timedatectl set-ntp true\n"
                          "   then open this screen again and choose Yes."),
    "clock_confirm.failed": ("Konfirmasi tidak tersimpan: {error}",
                             "The confirmation was not saved: {error}"),
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
    # Estimated wait (kiosk/texts/wait.py): on the ticket and on screen. Minutes in 5-min steps.
    "wait.range": ("Perkiraan tunggu: {low}-{high} menit",
                   "Estimated wait: about {low}-{high} min"),
    "wait.under": ("Perkiraan tunggu: < {high} menit", "Estimated wait: under {high} min"),
    "wait.unknown": ("Perkiraan tunggu: belum dapat diperkirakan",
                     "Estimated wait: cannot estimate yet"),
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
    # Spoken prompts (kiosk/texts/prompts.py): short, for espeak-ng. {number} is already in words
    # ("A nol dua belas" / "A, zero one two"), never digits, so the voice reads it right.
    "prompt.issued": ("Nomor antrian Anda {number}. Silakan ambil tiket dan tunggu panggilan.",
                      "Your queue number is {number}. Please take your ticket and wait to be"
                      " called."),
    "prompt.issued_unprinted": ("Nomor antrian Anda {number}. Tiket tidak tercetak, nomor Anda"
                                " tetap berlaku. Silakan foto layar atau hubungi petugas.",
                                "Your queue number is {number}. The ticket could not be"
                                " printed, your number is still valid. Please photograph the"
                                " screen or ask a member of staff."),
    "prompt.checked_in": ("Kedatangan Anda tercatat. Nomor antrian {numbers}. Silakan ambil"
                          " tiket dan tunggu panggilan.",
                          "You are checked in. Queue number {numbers}. Please take your ticket"
                          " and wait to be called."),
    "prompt.checked_in_unprinted": ("Kedatangan Anda tercatat. Nomor antrian {numbers}. Tiket"
                                    " tidak tercetak, silakan hubungi petugas.",
                                    "You are checked in. Queue number {numbers}. The ticket"
                                    " could not be printed, please ask a member of staff."),
    "prompt.and": ("dan", "and"),
    "prompt.scan_failed": ("Kode tidak terbaca. Silakan coba lagi.",
                           "The code could not be read. Please try again."),
    "prompt.refused.cap": ("Maaf, kuota antrian hari ini sudah habis.",
                           "Sorry, today's queue numbers are used up."),
    "prompt.refused.no_numbers": ("Maaf, kios ini belum mendapat nomor. Silakan coba lagi "
                                  "sebentar atau tanyakan petugas.",
                                  "Sorry, this kiosk has no numbers yet. Please try again in a "
                                  "moment or ask staff."),
    "prompt.refused.closed": ("Maaf, layanan sedang tutup.", "Sorry, the service is closed."),
    "prompt.refused.paper_out": ("Maaf, printer tiket bermasalah. Silakan hubungi petugas.",
                                 "Sorry, the ticket printer has a problem. Please ask a member"
                                 " of staff."),
    "prompt.refused.paused": ("Maaf, pengambilan nomor sedang dihentikan sementara.",
                              "Sorry, numbers are paused for a moment."),
    "prompt.refused.clock": ("Maaf, kios menunggu jam sistem. Silakan tunggu sebentar.",
                             "Sorry, the kiosk is waiting for its clock. Please wait a moment."),
    "prompt.refused.error": ("Maaf, terjadi gangguan. Silakan hubungi petugas.",
                             "Sorry, something went wrong. Please ask a member of staff."),
    "prompt.refused.other": ("Maaf, nomor tidak dapat diberikan. Silakan baca layar.",
                             "Sorry, no number could be given. Please read the screen."),
    "prompt.checkin_refused": ("{title}. Silakan baca layar.", "{title}. Please read the screen."),
    # Staff menu, System tab: the screen theme (screens/staff.py, screens/themes.py).
    "staff.theme": ("Kontras tinggi: nyala/mati", "High contrast: on/off"),
    "staff.theme.high_contrast": ("Tampilan kontras tinggi menyala.",
                                  "High-contrast screen is on."),
    "staff.theme.standard": ("Tampilan biasa.", "Standard screen."),
    # Daily report for the office head (kiosk/reports/day.py, `kiosk report`).
    "report.title": ("Laporan Antrian", "Queue Report"),
    "report.period": ("{first} s.d. {last}", "{first} to {last}"),
    "report.generated": ("Dibuat {when}", "Generated {when}"),
    "report.no_data": ("Tidak ada data antrian pada periode ini.",
                       "No queue data in this period."),
    "report.whole_period": ("Seluruh periode", "Whole period"),
    "report.summary": ("Ringkasan", "Summary"),
    "report.lanes": ("Per jalur antrian", "Per lane"),
    "report.days": ("Per hari", "Per day"),
    "report.counters": ("Per loket", "Per counter"),
    "report.checkins": ("Lapor kedatangan pemesanan online", "Online booking check-ins"),
    "report.hourly": ("Per jam", "Per hour"),
    "report.waits": ("Sebaran waktu tunggu", "Wait time distribution"),
    "report.chart.hourly": ("Nomor diambil, dipanggil dan ditolak per jam",
                            "Numbers issued, called and turned away per hour"),
    "report.chart.waits": ("Sebaran waktu tunggu (menit, dari ambil nomor sampai dipanggil)",
                           "Wait distribution (minutes, from taking a number to the call)"),
    "report.chart.days": ("Nomor diambil, dilayani dan ditolak per hari",
                          "Numbers issued, served and turned away per day"),
    "report.col.day": ("Tanggal", "Date"),
    "report.col.lane": ("Jalur", "Lane"),
    "report.col.all_lanes": ("Semua jalur", "All lanes"),
    "report.col.issued": ("Diambil", "Issued"),
    "report.col.called": ("Dipanggil", "Called"),
    "report.col.served": ("Dilayani", "Served"),
    "report.col.no_show": ("Tidak hadir", "No-show"),
    "report.col.unfinished": ("Belum selesai", "Unfinished"),
    "report.col.turned_away": ("Ditolak (kuota habis)", "Turned away (quota used up)"),
    "report.col.cap": ("Kuota", "Cap"),
    "report.col.cap_out": ("Kuota habis pukul", "Quota ran out at"),
    "report.col.cap_days": ("Hari kuota habis", "Days quota ran out"),
    "report.col.wait_median": ("Tunggu median (menit)", "Wait median (min)"),
    "report.col.wait_p90": ("Tunggu P90 (menit)", "Wait P90 (min)"),
    "report.col.service_median": ("Layanan median (menit)", "Service median (min)"),
    "report.col.service_p90": ("Layanan P90 (menit)", "Service P90 (min)"),
    "report.col.counter": ("Loket", "Counter"),
    "report.col.calls": ("Panggilan", "Calls"),
    "report.col.recalls": ("Panggil ulang", "Recalls"),
    "report.col.hours": ("Jam aktif", "Hours active"),
    "report.col.per_hour": ("Dilayani per jam", "Served per hour"),
    "report.col.outcome": ("Hasil", "Outcome"),
    "report.col.attempts": ("Percobaan", "Attempts"),
    "report.col.bookings": ("Pemesanan", "Bookings"),
    "report.col.applicants": ("Nomor diberikan", "Numbers given"),
    "report.col.hour": ("Jam", "Hour"),
    "report.col.minutes": ("Menit", "Minutes"),
    "report.col.count": ("Jumlah", "Count"),
    "report.note": ("Tunggu: dari ambil nomor sampai panggilan pertama. Layanan: dari panggilan"
                    " sampai selesai. P90: 9 dari 10 pemohon tidak lebih lama dari angka ini."
                    " Ditolak: orang yang datang setelah kuota habis (permintaan yang tidak"
                    " terlayani).",
                    "Wait: from taking a number to the first call. Service: from the call to"
                    " done. P90: 9 in 10 applicants took no longer than this. Turned away:"
                    " people who came after the quota ran out (demand the office could not"
                    " meet)."),
    "report.outcome.valid": ("Berhasil lapor", "Checked in"),
    "report.outcome.wrong_day": ("Bukan harinya", "Wrong day"),
    "report.outcome.too_early": ("Terlalu awal", "Too early"),
    "report.outcome.too_late": ("Terlambat", "Too late"),
    "report.outcome.already_checked_in": ("Sudah lapor", "Already checked in"),
    "report.outcome.cancelled": ("Dibatalkan", "Cancelled"),
    "report.outcome.unknown_code": ("Kode tidak dikenal", "Unknown code"),
    "report.outcome.bad_signature": ("Tanda tangan QR tidak sah", "Bad QR signature"),
    "report.outcome.unknown_key": ("Kunci QR tidak dikenal", "Unknown QR key"),
    "report.outcome.wrong_office": ("Kantor lain", "Other office"),
    "report.outcome.closed": ("Layanan tutup", "Closed"),
    "report.outcome.cap": ("Kuota online habis", "Online quota used up"),
    "report.outcome.paper_out": ("Kertas habis", "Paper out"),
    "report.outcome.clock": ("Jam kios salah", "Kiosk clock wrong"),
    # kiosk report: refused presses, priority reasons, staff actions (kiosk/reports/html.py).
    "report.refusals": ("Tombol ditekan tanpa mendapat nomor", "Presses that got no number"),
    "report.priority": ("Nomor prioritas per alasan", "Priority numbers by reason"),
    "report.staff": ("Tindakan petugas", "Staff actions"),
    "report.col.reason": ("Alasan", "Reason"),
    "report.col.presses": ("Tekan ditolak", "Refused presses"),
    "report.col.bursts": ("Rentetan", "Bursts"),
    "report.col.checked_by": ("Diperiksa", "Checked"),
    "report.col.tickets": ("Nomor", "Numbers"),
    "report.col.refused_all": ("Ditolak (semua alasan)", "Refused (all reasons)"),
    "report.col.time": ("Pukul", "Time"),
    "report.col.by": ("Oleh", "By"),
    "report.col.action": ("Tindakan", "Action"),
    "report.col.detail": ("Rincian", "Details"),
    "report.col.pauses": ("Jeda pengambilan nomor", "Issuing pauses"),
    "report.col.paused_minutes": ("Menit dijeda", "Minutes paused"),
    "report.refusal.cap": ("Kuota habis", "Quota used up"),
    "report.refusal.paper_out": ("Kertas habis", "Paper out"),
    "report.refusal.nik_limit": ("NIK sudah memegang nomor hari ini",
                                 "NIK already holds a number today"),
    "report.refusal.walkin_burst": ("Batas nomor per menit", "Per-minute limit"),
    "report.refusal.paused": ("Pengambilan nomor dijeda petugas", "Issuing paused by staff"),
    "report.refusal.closed": ("Di luar jam layanan", "Outside opening hours"),
    "report.refusal.no_numbers": ("Kios belum mendapat nomor dari hub",
                                  "Kiosk had no numbers from the hub yet"),
    "report.refusal.all": ("Semua alasan", "All reasons"),
    "report.refusals_note": (
        "Tidak tercatat sehingga tidak terhitung: tombol ditekan saat jam kios diragukan."
        " NIK yang salah ketik dihitung tersendiri (Salah ketik NIK), tanpa NIK-nya.",
        "Not recorded, so not counted: presses while the kiosk clock was in doubt."
        " Mistyped NIKs are counted on their own (NIK typing mistakes), without the NIK."),
    # NIKs the keypad refused (kiosk/reports/html.py): shown only when there were any.
    "report.nik_mistakes": ("Salah ketik NIK", "NIK typing mistakes"),
    "report.nik_mistakes_note": (
        "Setiap kali NIK yang diketik ditolak di layar dan pemohon diminta mengetik ulang,"
        " menurut masalahnya. NIK-nya sendiri tidak disimpan.",
        "Each time a typed NIK was refused on the screen and the applicant asked to retype"
        " it, by problem. The NIK itself is not kept."),
    "report.col.problem": ("Masalah", "Problem"),
    "report.col.mistakes": ("Salah ketik", "Mistakes"),
    "report.nik_problem.empty": ("Belum diisi", "Nothing typed"),
    "report.nik_problem.not_digits": ("Bukan angka", "Not digits"),
    "report.nik_problem.length": ("Bukan 16 digit", "Not 16 digits"),
    "report.nik_problem.province": ("Kode provinsi salah", "No such province code"),
    "report.nik_problem.regency": ("Kode kabupaten/kota 00", "Regency code 00"),
    "report.nik_problem.district": ("Kode kecamatan 00", "District code 00"),
    "report.nik_problem.birth_date": ("Tanggal lahir salah", "Not a real birth date"),
    "report.nik_problem.serial": ("Nomor urut 0000", "Serial number 0000"),
    "report.nik_problem.other": ("Lainnya", "Other"),
    "report.nik_problem.all": ("Semua masalah", "All problems"),
    "report.priority.lansia": ("Lansia", "Elderly"),
    "report.priority.balita": ("Membawa balita", "With a small child"),
    "report.priority.disabilitas": ("Disabilitas", "Disability"),
    "report.priority.ibu_hamil": ("Ibu hamil", "Pregnant"),
    "report.priority.unrecorded": ("Tanpa alasan tercatat (tanpa NIK)",
                                   "No reason recorded (no NIK entry)"),
    "report.check.nik": ("Dari NIK (usia 60+)", "By NIK (age 60+)"),
    "report.check.counter": ("Di loket", "At the counter"),
    "report.action.pause": ("Jeda pengambilan nomor", "Issuing paused"),
    "report.action.resume": ("Pengambilan nomor dilanjutkan", "Issuing resumed"),
    "report.action.cap_changed": ("Kuota hari ini diubah", "Today's cap changed"),
    "report.action.clock_confirmed": ("Jam kios dikonfirmasi", "Kiosk clock confirmed"),
    "report.action.reprint": ("Cetak ulang", "Reprint"),
    "report.action.restart": ("Mulai ulang", "Restart"),
    "report.action.shutdown": ("Matikan", "Shut down"),
    "report.action.exit": ("Keluar aplikasi", "Exit the app"),
    "report.detail.paused": ("{minutes} menit", "{minutes} min"),
    "report.detail.open": ("{minutes} menit, tidak dilanjutkan hari itu",
                           "{minutes} min, not resumed that day"),
    "report.detail.carried": ("dijeda sejak hari sebelumnya; {minutes} menit hari ini",
                              "paused since an earlier day; {minutes} min that day"),
    "report.detail.cap": ("Jalur {lane}: {old} -> {new}", "Lane {lane}: {old} -> {new}"),
    "report.detail.no_cap": ("tanpa kuota", "no cap"),
    "report.detail.clock_was": ("sebelumnya {when}", "was {when}"),
    "report.staff_note": (
        "Menit dijeda: dalam jam buka. Jeda yang belum dilanjutkan dihitung sampai jam tutup"
        " (atau sampai laporan dibuat).",
        "Minutes paused: within opening hours. A pause not resumed counts until closing time"
        " (or until the report was made)."),
    # Hub leases only (kiosk/reports/html.py): shown only when there is something to show.
    "report.conflicts": ("Peringatan: nomor yang mungkin ada di dua tiket",
                         "Warning: numbers that may be on two tickets"),
    "report.conflicts_note": (
        "Nomor ini dicetak kios yang nomornya sudah dilepas petugas di hub sebelum tiketnya"
        " terkirim, jadi dua pemohon mungkin memegang nomor yang sama: panggil keduanya;"
        " lihat docs/operation.md 'A kiosk died holding numbers'.",
        "These numbers were printed by a kiosk whose numbers staff had released at the hub"
        " before the ticket reached it, so two applicants may hold the same number: call"
        " both; see docs/operation.md 'A kiosk died holding numbers'."),
    "report.col.kiosk": ("Kios", "Kiosk"),
    "report.col.number": ("Nomor", "Number"),
    "report.col.printed_at": ("Dicetak pukul", "Printed at"),
    "report.col.recorded_at": ("Tercatat pukul", "Recorded at"),
    "report.no_numbers_note": (
        "Kios belum mendapat nomor dari hub: kios itu belum terhubung ke hub atau terputus,"
        " bukan kuota habis; pemohon diminta mencoba lagi atau memakai kios lain.",
        "Kiosk had no numbers from the hub yet: that kiosk had not reached the hub or was"
        " cut off, not a used-up quota; the applicant was asked to try again or use another"
        " kiosk."),
    # NIK (16-digit national ID number) checks, kiosk/privacy/nik.py: one text per reason.
    "nik.prompt": ("Ketik 16 digit NIK Anda (nomor di KTP atau KK)",
                   "Type your 16-digit NIK (the number on your KTP or family card)"),
    "nik.empty": ("NIK belum diisi.", "No NIK was entered."),
    "nik.not_digits": ("NIK hanya berisi angka 0-9.", "A NIK has digits 0-9 only."),
    "nik.length": ("NIK harus 16 digit; yang diketik {length} digit.",
                   "A NIK has 16 digits; {length} were typed."),
    "nik.province": ("Dua digit pertama NIK bukan kode provinsi. Periksa kembali NIK Anda.",
                     "The first two digits are not a province code. Please check your NIK."),
    "nik.regency": ("Digit 3-4 NIK (kode kabupaten/kota) tidak boleh 00. Periksa kembali.",
                    "Digits 3-4 (the regency/city code) cannot be 00. Please check your NIK."),
    "nik.district": ("Digit 5-6 NIK (kode kecamatan) tidak boleh 00. Periksa kembali.",
                     "Digits 5-6 (the district code) cannot be 00. Please check your NIK."),
    "nik.birth_date": ("Digit 7-12 NIK bukan tanggal lahir yang benar. Periksa kembali.",
                       "Digits 7-12 are not a real date of birth. Please check your NIK."),
    "nik.serial": ("Empat digit terakhir NIK tidak boleh 0000. Periksa kembali.",
                   "The last four digits cannot be 0000. Please check your NIK."),
    # Walk-in numbers one person cannot hoard (kiosk/queue/walkin_guard.py, screens/nik_entry.py).
    "walkin.nik.title": ("Masukkan NIK Anda", "Enter Your NIK"),
    "walkin.nik.why": ("Satu nomor per orang per hari. NIK tidak disimpan, hanya kode acaknya.",
                       "One number per person per day. Your NIK is not stored, only a "
                       "scrambled code of it."),
    "walkin.nik.count": ("{typed} dari 16 digit", "{typed} of 16 digits"),
    "walkin.nik.keys": ("Ketik angka, Enter = OK, Esc = batal",
                        "Type the digits, Enter = OK, Esc = cancel"),
    "walkin.nik.back": ("Hapus", "Delete"),
    "walkin.nik.ok": ("OK", "OK"),
    "walkin.nik.cancel": ("Batal", "Cancel"),
    "walkin.limit.title": ("Anda Sudah Mendapat Nomor Hari Ini",
                           "You Already Have a Number Today"),
    "walkin.limit.body": ("Anda sudah mengambil nomor {label} hari ini pukul {time}.",
                          "You already took number {label} today at {time}."),
    "walkin.limit.keep": ("Satu orang satu nomor per hari. Tiket hilang? Silakan hubungi petugas.",
                          "One number per person per day. Lost your ticket? Please ask staff."),
    "walkin.burst.title": ("Mohon Tunggu Sebentar", "Please Wait a Moment"),
    "walkin.burst.body": ("Terlalu banyak nomor diambil dalam satu menit terakhir.",
                          "Too many numbers were taken in the last minute."),
    "walkin.burst.retry": ("Silakan coba lagi sebentar lagi, atau minta bantuan petugas.",
                           "Please try again in a moment, or ask a member of staff."),
    "walkin.nik_invalid.title": ("NIK Tidak Dapat Diterima", "The NIK Was Not Accepted"),
    "walkin.nik_invalid.retry": ("Silakan tekan tombol lagi dan ketik NIK dari KTP Anda.",
                                 "Please press the button again and type the NIK on your KTP."),
    "walkin.nik_required.title": ("NIK Diperlukan", "Your NIK Is Needed"),
    "walkin.nik_required.body": ("Nomor diberikan setelah NIK diketik di layar. "
                                 "Silakan minta bantuan petugas.",
                                 "A number is given once your NIK is typed on the screen. "
                                 "Please ask a member of staff."),
    "priority.choose.title": ("Pilih Alasan Prioritas", "Choose Your Priority Reason"),
    "priority.choose.hint": ("Petugas akan memeriksa di loket.",
                             "Staff will check this at the counter."),
    "priority.choose.keys": ("Tekan 1, 2 atau 3; Esc = batal", "Press 1, 2 or 3; Esc = cancel"),
    "priority.lansia.granted": ("Menurut tanggal lahir di NIK, Anda mendapat prioritas lansia.",
                                "By the birth date in your NIK, you get elderly priority."),
    "priority.not_lansia": ("Menurut NIK, usia Anda di bawah 60 tahun: prioritas lansia "
                            "tidak dapat diberikan.",
                            "Your NIK shows an age under 60: elderly priority cannot be "
                            "given."),
    "priority.reason.lansia": ("Lansia (60 tahun ke atas)", "Elderly (60 or over)"),
    "priority.reason.balita": ("Membawa balita", "With an infant or toddler"),
    "priority.reason.disabilitas": ("Penyandang disabilitas", "Person with a disability"),
    "priority.reason.ibu_hamil": ("Ibu hamil", "Pregnant"),
    "priority.ok": ("OK", "OK"),
    "priority.cancel": ("Batal", "Cancel"),
    "priority.ticket.reason": ("Prioritas: {reason}", "Priority: {reason}"),
    "priority.ticket.lansia": ("Usia sesuai NIK", "Age checked by NIK"),
    "priority.ticket.check": ("Petugas akan memeriksa di loket", "Staff will check at the counter"),
    "priority.refused.title": ("Alasan Prioritas Diperlukan", "A Priority Reason Is Needed"),
    "priority.refused.body": ("Pilih alasan prioritas: balita, disabilitas atau ibu hamil.",
                              "Choose a priority reason: infant, disability or pregnancy."),
    "priority.refused.retry": ("Bukan prioritas? Silakan ambil nomor antrian umum (tombol HIJAU).",
                               "Not priority? Please take a walk-in number (GREEN button)."),
    # `kiosk doctor` (kiosk/doctor/, hardware/probes.py): what was checked, what was
    # found, and the fix, for office IT staff.
    "doctor.heading": ("Pemeriksaan kios `kiosk doctor`: {office} ({path})",
                       "Kiosk check-up `kiosk doctor`: {office} ({path})"),
    "doctor.status.pass": ("LULUS", "PASS"),
    "doctor.status.warn": ("PERINGATAN", "WARN"),
    "doctor.status.fail": ("GAGAL", "FAIL"),
    "doctor.status.skip": ("DILEWATI", "SKIP"),
    "doctor.fix_label": ("Perbaikan", "Fix"),
    "doctor.summary": ("Hasil: {passed} lulus, {warned} peringatan, {failed} gagal, "
                       "{skipped} dilewati.",
                       "Result: {passed} passed, {warned} warnings, {failed} failed, "
                       "{skipped} skipped."),
    "doctor.verdict.ok": ("Tidak ada yang GAGAL (kode keluar 0).",
                          "Nothing FAILED (exit code 0)."),
    "doctor.verdict.fail": ("Ada yang GAGAL (kode keluar 1): perbaiki sesuai petunjuk di atas, "
                            "lalu jalankan `kiosk doctor` lagi.",
                            "Something FAILED (exit code 1): fix it as shown above, then run "
                            "`kiosk doctor` again."),
    "doctor.duration": ("{hours} jam {minutes} menit", "{hours} h {minutes} min"),
    "doctor.timeout": ("Pemeriksaan tidak selesai dalam {seconds} detik.",
                       "The check did not finish within {seconds} s."),
    "doctor.timeout.fix": ("Perangkatnya tidak menjawab: periksa kabel, daya dan jaringannya, "
                           "lalu ulangi.",
                           "The device does not answer: check its cable, power and network, "
                           "then try again."),
    "doctor.crashed": ("Pemeriksaan berhenti karena kesalahan tak terduga: {detail}",
                       "The check stopped with an unexpected error: {detail}"),
    "doctor.crashed.fix": ("Kirim keluaran `kiosk doctor --json` ke tim TI.",
                           "Send the output of `kiosk doctor --json` to the IT team."),
    "doctor.needs_config": ("Tidak diperiksa karena konfigurasi belum benar.",
                            "Not checked because the configuration is wrong."),
    "doctor.needs_config.fix": ("Perbaiki konfigurasi dulu (lihat pemeriksaan Konfigurasi).",
                                "Fix the configuration first (see the Configuration check)."),
    "doctor.config.title": ("Konfigurasi", "Configuration"),
    "doctor.config.ok": ("{path} benar: kantor {office}, perangkat {device}.",
                         "{path} is valid: office {office}, device {device}."),
    "doctor.config.ok_sim": ("{path} benar: kantor {office}, perangkat {device} (simulasi).",
                             "{path} is valid: office {office}, device {device} (simulation)."),
    "doctor.config.bad": ("Konfigurasi salah, kios tidak akan mulai: {detail}",
                          "Bad configuration, the kiosk will not start: {detail}"),
    "doctor.config.bad.fix": ("Perbaiki kunci yang disebut pada file itu (lihat "
                              "docs/configuration.md), lalu periksa dengan `kiosk check-config`.",
                              "Fix the key named in that file (see docs/configuration.md), "
                              "then check with `kiosk check-config`."),
    "doctor.database.title": ("Basis data antrian", "Queue database"),
    "doctor.database.ok": ("{path}: utuh (integrity_check ok), skema versi {version}.",
                           "{path}: intact (integrity_check ok), schema version {version}."),
    "doctor.database.missing": ("{path} belum ada: kios belum pernah berjalan dengan "
                                "konfigurasi ini.",
                                "{path} does not exist yet: the kiosk has not run with this "
                                "configuration."),
    "doctor.database.missing.fix": ("Jalankan kios sekali, ia membuatnya sendiri. Jika seharusnya "
                                    "sudah ada, periksa kunci `database` di konfigurasi.",
                                    "Start the kiosk once; it creates it. If it should exist, "
                                    "check the `database` key in the configuration."),
    "doctor.database.corrupt": ("{path} RUSAK: {detail}", "{path} is DAMAGED: {detail}"),
    "doctor.database.corrupt.fix": ("Hentikan kios (sudo systemctl stop kiosk), pulihkan cadangan "
                                    "terakhir dengan `kiosk restore FILE` (docs/install.md), "
                                    "lalu jalankan kios lagi.",
                                    "Stop the kiosk (sudo systemctl stop kiosk), restore the "
                                    "latest backup with `kiosk restore FILE` (docs/install.md), "
                                    "then start the kiosk again."),
    "doctor.database.unreadable": ("{path} tidak bisa dibuka: {detail}",
                                   "{path} cannot be opened: {detail}"),
    "doctor.database.unreadable.fix": ("Periksa izin file dan foldernya (pemilik: pengguna "
                                       "kiosk); jalankan doctor sebagai pengguna kiosk atau root.",
                                       "Check the permissions of the file and its folder (owner: "
                                       "the kiosk user); run doctor as the kiosk user or root."),
    "doctor.database.older": ("{path}: utuh, skema versi {version} (versi ini memakai "
                              "{expected}).",
                              "{path}: intact, schema version {version} (this version uses "
                              "{expected})."),
    "doctor.database.older.fix": ("Kios memperbarui skema sendiri saat mulai: "
                                  "sudo systemctl restart kiosk.",
                                  "The kiosk updates the schema itself when it starts: "
                                  "sudo systemctl restart kiosk."),
    "doctor.database.newer": ("{path} dibuat oleh versi kios yang lebih baru (skema {version}, "
                              "versi ini mengenal sampai {expected}).",
                              "{path} was made by a newer kiosk version (schema {version}, this "
                              "version knows up to {expected})."),
    "doctor.database.newer.fix": ("Pasang lagi versi yang lebih baru (jalankan install.sh-nya); "
                                  "versi lama tidak boleh memakai basis data ini.",
                                  "Install the newer version again (run its install.sh); an "
                                  "older version must not use this database."),
    "doctor.disk.title": ("Ruang disk", "Disk space"),
    "doctor.disk.ok": ("{free} kosong di {path} ({percent}% terpakai).",
                       "{free} free on {path} ({percent}% used)."),
    "doctor.disk.low": ("Hanya {free} kosong di {path} (peringatan di bawah {limit}).",
                        "Only {free} free on {path} (warning below {limit})."),
    "doctor.disk.full": ("Disk hampir penuh: {free} kosong di {path}; tiket baru bisa gagal "
                         "disimpan.",
                         "The disk is nearly full: {free} free on {path}; new tickets may fail "
                         "to be saved."),
    "doctor.disk.error": ("Ruang disk di {path} tidak bisa dibaca: {detail}",
                          "Free space on {path} cannot be read: {detail}"),
    "doctor.disk.fix": ("Kosongkan ruang: hapus cadangan lama di folder backups, kecilkan jurnal "
                        "(sudo journalctl --vacuum-size=100M), atau pakai kartu SD yang lebih "
                        "besar.",
                        "Free some space: delete old backups in the backups folder, shrink the "
                        "journal (sudo journalctl --vacuum-size=100M), or use a larger SD "
                        "card."),
    "doctor.printer.title": ("Printer tiket", "Ticket printer"),
    "doctor.printer.sim_ok": ("Printer simulasi: tiket ditulis ke {path}; kertas ada.",
                              "Simulation printer: tickets are written to {path}; paper in."),
    "doctor.printer.sim_unwritable": ("Printer simulasi tidak bisa menulis ke {path}.",
                                      "The simulation printer cannot write to {path}."),
    "doctor.printer.sim_unwritable.fix": ("Periksa izin folder itu atau ubah [printer.simulation] "
                                          "output.",
                                          "Check that folder's permissions or change "
                                          "[printer.simulation] output."),
    "doctor.printer.ok": ("{where} menjawab; kertas ada.", "{where} answers; paper in."),
    "doctor.printer.low": ("{where} menjawab; kertas hampir habis.",
                           "{where} answers; the paper is nearly used up."),
    "doctor.printer.low.fix": ("Siapkan gulungan kertas baru di dekat kios.",
                               "Keep a new paper roll ready next to the kiosk."),
    "doctor.printer.out": ("{where} menjawab, tetapi kertas HABIS: kios tidak memberi nomor.",
                           "{where} answers, but the paper is OUT: the kiosk gives no numbers."),
    "doctor.printer.out.fix": ("Buka tutup printer dan pasang gulungan kertas baru (sisi "
                               "mengilap menghadap kepala cetak), lalu tutup.",
                               "Open the printer lid, put in a new roll (shiny side towards the "
                               "print head) and close it."),
    "doctor.printer.silent": ("{where} terjangkau, tetapi tidak melaporkan kertas dalam "
                              "{seconds} detik.",
                              "{where} is reachable but did not report its paper within "
                              "{seconds} s."),
    "doctor.printer.silent.fix": ("Banyak printer murah tidak pernah menjawab, dan kios tetap "
                                  "mencetak. Jika printer ini biasanya menjawab, matikan lalu "
                                  "nyalakan printer.",
                                  "Many cheap printers never answer, and the kiosk prints anyway. "
                                  "If this printer usually answers, switch it off and on."),
    "doctor.printer.write_only": ("{where} siap ditulis (sambungan ini tidak bisa melaporkan "
                                  "kertas).",
                                  "{where} is ready for writing (this connection cannot report "
                                  "paper)."),
    "doctor.printer.file_missing": ("{where} tidak ada atau tidak bisa ditulis.",
                                    "{where} does not exist or cannot be written."),
    "doctor.printer.file_missing.fix": ("Sambungkan dan nyalakan printer; periksa path di "
                                        "[printer.file] dan bahwa pengguna kiosk ada di grup lp.",
                                        "Connect and switch on the printer; check the path in "
                                        "[printer.file] and that the kiosk user is in group lp."),
    "doctor.printer.unreachable": ("Printer tidak terjangkau: {detail}",
                                   "The printer cannot be reached: {detail}"),
    "doctor.printer.unreachable.fix": ("Periksa daya, kabel atau jaringan printer, dan [printer] "
                                       "di konfigurasi (alamat dan port, atau vendor_id/"
                                       "product_id: `lsusb` menampilkannya).",
                                       "Check the printer's power, cable or network, and "
                                       "[printer] in the configuration (address and port, or "
                                       "vendor_id/product_id: `lsusb` shows them)."),
    "doctor.printer.busy": ("{where} sedang dipakai program lain: {detail}",
                            "{where} is in use by another program: {detail}"),
    "doctor.printer.busy.fix": ("Biasanya kios yang sedang berjalan: itu normal. Untuk menguji "
                                "printer saja: sudo systemctl stop kiosk; kiosk doctor --only "
                                "printer; sudo systemctl start kiosk.",
                                "Usually the running kiosk: that is normal. To test the printer "
                                "alone: sudo systemctl stop kiosk; kiosk doctor --only printer; "
                                "sudo systemctl start kiosk."),
    "doctor.camera.title": ("Kamera (QR pemesanan)", "Camera (booking QR codes)"),
    "doctor.camera.none": ("Tidak ada kamera di konfigurasi ([camera] source kosong).",
                           "No camera configured ([camera] source is empty)."),
    "doctor.camera.none.fix": ("Tidak perlu tindakan: pemesan mengetik kodenya. Untuk memakai "
                               "kamera, isi [camera] source.",
                               "Nothing to do: bookers type their code. To use a camera, set "
                               "[camera] source."),
    "doctor.camera.ok": ("{source} memberi gambar {width}x{height}.",
                         "{source} delivered a {width}x{height} frame."),
    "doctor.camera.sim_missing": ("Folder kamera simulasi {source} belum ada; kios membuatnya "
                                  "saat mulai.",
                                  "The simulated camera folder {source} does not exist yet; the "
                                  "kiosk creates it when it starts."),
    "doctor.camera.sim_missing.fix": ("Tidak perlu tindakan, atau buat sendiri: mkdir -p {source}",
                                      "Nothing to do, or create it: mkdir -p {source}"),
    "doctor.camera.bad_source": ("Sumber kamera {source} tidak bisa dipakai: {detail}",
                                 "Camera source {source} cannot be used: {detail}"),
    "doctor.camera.bad_source.fix": ("Isi [camera] source dengan \"0\", \"/dev/video0\", folder "
                                     "gambar atau file video yang ada, atau \"\" tanpa kamera.",
                                     "Set [camera] source to \"0\", \"/dev/video0\", an existing "
                                     "folder of images or video file, or \"\" for no camera."),
    "doctor.camera.no_frame": ("{source} tidak memberi gambar dalam {seconds} detik.",
                               "{source} delivered no frame within {seconds} s."),
    "doctor.camera.no_frame.fix": ("Periksa kabel USB kamera (`ls /dev/video*`) dan bahwa "
                                   "pengguna kiosk ada di grup video. Jika kios sedang berjalan, "
                                   "ia memakai kamera: hentikan dulu untuk menguji.",
                                   "Check the camera's USB cable (`ls /dev/video*`) and that the "
                                   "kiosk user is in group video. A running kiosk holds the "
                                   "camera: stop it first to test."),
    "doctor.camera.busy": ("{source} tidak memberi gambar karena kios yang berjalan memakainya.",
                           "{source} gave no frame because the running kiosk is using it."),
    "doctor.camera.busy.fix": ("Normal saat kios berjalan. Untuk menguji kamera: sudo systemctl "
                               "stop kiosk; kiosk doctor --only camera; sudo systemctl start "
                               "kiosk.",
                               "Normal while the kiosk runs. To test the camera: sudo systemctl "
                               "stop kiosk; kiosk doctor --only camera; sudo systemctl start "
                               "kiosk."),
    "doctor.gpio.title": ("Tombol dan lampu (GPIO)", "Buttons and lamp (GPIO)"),
    "doctor.gpio.mock_ok": ("Pin tiruan gpiozero (simulasi): tombol {walkin} dan {priority}, "
                            "lampu {led} bisa dipakai.",
                            "gpiozero mock pins (simulation): buttons {walkin} and {priority}, "
                            "lamp {led} can be used."),
    "doctor.gpio.ok": ("{factory}: pin tombol {walkin} dan {priority} serta lampu {led} bisa "
                       "dipakai.",
                       "{factory}: button pins {walkin} and {priority} and lamp pin {led} can "
                       "be used."),
    "doctor.gpio.not_pi": ("Bukan Raspberry Pi: pin_factory \"auto\" memakai pin tiruan, tombol "
                           "fisik tidak berfungsi.",
                           "Not a Raspberry Pi: pin_factory \"auto\" uses mock pins, the physical "
                           "buttons do nothing."),
    "doctor.gpio.not_pi.fix": ("Jalankan kios di Raspberry Pi, atau tulis simulation = true "
                               "untuk demo.",
                               "Run the kiosk on a Raspberry Pi, or set simulation = true for a "
                               "demo."),
    "doctor.gpio.factory_failed": ("Pustaka GPIO tidak bisa dimuat: {detail}",
                                   "The GPIO library could not load: {detail}"),
    "doctor.gpio.factory_failed.fix": ("Di Raspberry Pi OS: sudo apt install python3-lgpio (venv "
                                       "dengan --system-site-packages, seperti install.sh), atau "
                                       "perbaiki [gpio] pin_factory.",
                                       "On Raspberry Pi OS: sudo apt install python3-lgpio (venv "
                                       "with --system-site-packages, as install.sh makes it), or "
                                       "fix [gpio] pin_factory."),
    "doctor.gpio.busy": ("Pin {pin} sedang dipakai, biasanya oleh kios yang berjalan: {detail}",
                         "Pin {pin} is in use, usually by the running kiosk: {detail}"),
    "doctor.gpio.busy.fix": ("Normal saat kios berjalan. Untuk menguji pin: sudo systemctl stop "
                             "kiosk; kiosk doctor --only gpio; sudo systemctl start kiosk.",
                             "Normal while the kiosk runs. To test the pins: sudo systemctl stop "
                             "kiosk; kiosk doctor --only gpio; sudo systemctl start kiosk."),
    "doctor.gpio.pin_failed": ("Pin {pin} tidak bisa dipakai: {detail}",
                               "Pin {pin} cannot be used: {detail}"),
    "doctor.gpio.pin_failed.fix": ("Periksa nomor BCM di [gpio] dan bahwa pengguna kiosk ada di "
                                   "grup gpio.",
                                   "Check the BCM numbers in [gpio] and that the kiosk user is in "
                                   "group gpio."),
    "doctor.sound.title": ("Suara panggilan (espeak-ng)", "Spoken calls (espeak-ng)"),
    "doctor.sound.off": ("Suara panggilan dimatikan ([calling] speech = false).",
                         "Spoken calls are switched off ([calling] speech = false)."),
    "doctor.sound.ok": ("espeak-ng terpasang; suara \"{voice}\" ({name}) dapat berbicara.",
                        "espeak-ng is installed; voice \"{voice}\" ({name}) can speak."),
    "doctor.sound.missing": ("espeak-ng tidak terpasang: panggilan tidak terdengar.",
                             "espeak-ng is not installed: calls are not heard."),
    "doctor.sound.missing.fix": ("sudo apt install espeak-ng", "sudo apt install espeak-ng"),
    "doctor.sound.no_voice": ("Suara \"{voice}\" tidak ada di espeak-ng.",
                              "espeak-ng has no voice \"{voice}\"."),
    "doctor.sound.no_voice.fix": ("Pilih suara dari `espeak-ng --voices` (misalnya \"id\" atau "
                                  "\"en\") untuk [calling] {setting}.",
                                  "Pick a voice from `espeak-ng --voices` (for example \"id\" "
                                  "or \"en\") for [calling] {setting}."),
    "doctor.sound.failed": ("espeak-ng tidak bisa berbicara: {detail}",
                            "espeak-ng cannot speak: {detail}"),
    "doctor.sound.failed.fix": ("Pasang ulang: sudo apt install --reinstall espeak-ng "
                                "espeak-ng-data.",
                                "Reinstall it: sudo apt install --reinstall espeak-ng "
                                "espeak-ng-data."),
    "doctor.clock.title": ("Jam sistem", "System clock"),
    "doctor.clock.no_record": ("belum ada", "none yet"),
    "doctor.clock.ok_ntp": ("{now}: disetel lewat jaringan (NTP); waktu terbaru tercatat: "
                            "{newest}.",
                            "{now}: set over the network (NTP); newest recorded time: "
                            "{newest}."),
    "doctor.clock.ok_continuous": ("{now}: berjalan normal sejak terakhir disetel NTP; waktu "
                                   "terbaru tercatat: {newest}.",
                                   "{now}: running normally since NTP last set it; newest "
                                   "recorded time: {newest}."),
    "doctor.clock.ok_confirmed": ("{now}: dikonfirmasi petugas pada boot ini; waktu terbaru "
                                  "tercatat: {newest}.",
                                  "{now}: confirmed by staff this boot; newest recorded time: "
                                  "{newest}."),
    "doctor.clock.ok_sim": ("{now}: tidak di belakang waktu terbaru tercatat ({newest}); "
                            "simulasi tidak menunggu NTP.",
                            "{now}: not behind the newest recorded time ({newest}); simulation "
                            "does not wait for NTP."),
    "doctor.clock.behind": ("Jam {now} tertinggal {behind} dari waktu terbaru yang tercatat "
                            "({newest}): kios tidak memberi nomor.",
                            "The clock {now} is {behind} behind the newest recorded time "
                            "({newest}): the kiosk gives no numbers."),
    "doctor.clock.behind.fix": ("Sambungkan jaringan agar NTP menyetel jam (periksa: "
                                "timedatectl), atau setel jam: sudo date -s \"YYYY-MM-DD "
                                "HH:MM\". Jika jam memang benar, petugas mengonfirmasinya di "
                                "menu petugas.",
                                "Connect the network so NTP sets the clock (check: timedatectl), "
                                "or set it: sudo date -s \"YYYY-MM-DD HH:MM\". If the clock is "
                                "right, staff confirm it in the staff menu."),
    "doctor.clock.not_synced": ("{now}: belum disetel NTP dan belum dikonfirmasi petugas: kios "
                                "menunggu jam dan tidak memberi nomor.",
                                "{now}: not set by NTP and not confirmed by staff: the kiosk "
                                "waits for the clock and gives no numbers."),
    "doctor.clock.jumped": ("{now}: jam diubah sejak terakhir dipercaya: kios tidak memberi "
                            "nomor.",
                            "{now}: the clock was changed since it was last trusted: the kiosk "
                            "gives no numbers."),
    "doctor.clock.untrusted.fix": ("Periksa jaringan dan `timedatectl timesync-status`; atau "
                                   "petugas mencocokkan tanggal dan jam lalu mengonfirmasinya di "
                                   "menu petugas (PIN).",
                                   "Check the network and `timedatectl timesync-status`; or staff "
                                   "check the date and time and confirm them in the staff menu "
                                   "(PIN)."),
    "doctor.lan_api.title": ("API LAN (loket dan papan)", "LAN API (counters and board)"),
    "doctor.lan_api.ok": ("{url} menjawab (kantor {office}).", "{url} answers (office {office})."),
    "doctor.lan_api.not_running": ("Tidak ada yang mendengarkan di {url}: kios tampaknya tidak "
                                   "berjalan.",
                                   "Nothing listens on {url}: the kiosk does not seem to run."),
    "doctor.lan_api.not_running.fix": ("Tidak perlu tindakan jika kios memang dimatikan; jika "
                                       "tidak: sudo systemctl start kiosk.",
                                       "Nothing to do if the kiosk is meant to be off; otherwise: "
                                       "sudo systemctl start kiosk."),
    "doctor.lan_api.down": ("{url} tidak menjawab: {detail}", "{url} does not answer: {detail}"),
    "doctor.lan_api.down.fix": ("Periksa [lan_api] listen dan log kios: journalctl -u kiosk -b.",
                                "Check [lan_api] listen and the kiosk's log: "
                                "journalctl -u kiosk -b."),
    "doctor.lan_api.other": ("Port {url} dipakai program lain (jawaban: {detail}).",
                             "Port {url} is used by another program (answer: {detail})."),
    "doctor.lan_api.other.fix": ("Hentikan program itu atau pilih port lain di [lan_api] listen "
                                 "(dan di setiap loket).",
                                 "Stop that program or choose another port in [lan_api] listen "
                                 "(and at every counter)."),
    "doctor.lan_api.other_office": ("{url} adalah kios kantor {office}, bukan {expected}.",
                                    "{url} is the kiosk of office {office}, not {expected}."),
    "doctor.lan_api.other_office.fix": ("Dua konfigurasi berbeda memakai port yang sama: periksa "
                                        "[lan_api] listen dan [office] code.",
                                        "Two different configurations use the same port: check "
                                        "[lan_api] listen and [office] code."),
    "doctor.hub.title": ("Server pusat (hub)", "Central server (hub)"),
    "doctor.hub.not_configured": ("Sinkronisasi tidak dikonfigurasi (tidak ada [sync] hub_url).",
                                  "Sync is not configured (no [sync] hub_url)."),
    "doctor.hub.not_configured.fix": ("Tidak perlu tindakan jika kios bekerja sendiri; untuk "
                                      "sinkron isi [sync] hub_url dan token.",
                                      "Nothing to do for a stand-alone kiosk; to sync, set "
                                      "[sync] hub_url and token."),
    "doctor.hub.ok": ("{url} menjawab dan menerima token kios.",
                      "{url} answers and accepts the kiosk's token."),
    "doctor.hub.no_token": ("[sync] hub_url diisi ({url}) tetapi token kosong.",
                            "[sync] hub_url is set ({url}) but the token is empty."),
    "doctor.hub.no_token.fix": ("Minta token untuk kios ini dari admin hub dan isi [sync] token.",
                                "Ask the hub admin for this kiosk's token and set [sync] token."),
    "doctor.hub.refused": ("{url} MENOLAK token kios (HTTP {code}).",
                           "{url} REFUSED the kiosk's token (HTTP {code})."),
    "doctor.hub.refused.fix": ("Token salah, dicabut atau untuk kantor lain: minta token baru "
                               "dari admin hub dan isi [sync] token.",
                               "The token is wrong, revoked or for another office: ask the hub "
                               "admin for a new one and set [sync] token."),
    "doctor.hub.unreachable": ("{url} tidak terjangkau ({detail}). Kios tetap memberi nomor; "
                               "data menunggu untuk dikirim.",
                               "{url} cannot be reached ({detail}). The kiosk keeps giving "
                               "numbers; its data waits to be sent."),
    "doctor.hub.unreachable.fix": ("Periksa jaringan dan internet kantor, dan [sync] hub_url.",
                                   "Check the office network and internet, and [sync] hub_url."),
    "doctor.hub.error": ("{url} menjawab HTTP {code}.", "{url} answered HTTP {code}."),
    "doctor.hub.error.fix": ("Hub sedang bermasalah: hubungi admin hub. Kios tetap bekerja "
                             "tanpa hub.",
                             "The hub has a problem: contact the hub admin. The kiosk keeps "
                             "working without it."),
    "doctor.services.title": ("Layanan systemd", "systemd services"),
    "doctor.services.no_systemd": ("systemd tidak berjalan di sini (bukan instalasi Pi): "
                                   "layanan tidak diperiksa.",
                                   "systemd does not run here (not a Pi installation): services "
                                   "not checked."),
    "doctor.services.unknown": ("systemctl tidak memberi jawaban.",
                                "systemctl gave no answer."),
    "doctor.services.unknown.fix": ("Coba: systemctl status kiosk", "Try: systemctl status kiosk"),
    "doctor.services.ok": ("{states}.", "{states}."),
    "doctor.services.down": ("Tidak ada layar kios yang berjalan: {states}.",
                             "No kiosk screen is running: {states}."),
    "doctor.services.down.fix": ("sudo systemctl start kiosk; sebab berhentinya: "
                                 "journalctl -u kiosk -b.",
                                 "sudo systemctl start kiosk; why it stopped: "
                                 "journalctl -u kiosk -b."),
    "doctor.services.no_backup": ("Cadangan harian tidak terjadwal: {states}.",
                                  "The daily backup is not scheduled: {states}."),
    "doctor.services.no_backup.fix": ("sudo systemctl enable --now kiosk-backup.timer",
                                      "sudo systemctl enable --now kiosk-backup.timer"),
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


def _merge_screen_texts() -> None:
    """The staff and home screens' tables live in their own modules so each screen's texts
    stay readable."""
    from kiosk.texts.home import HOME_TEXTS
    from kiosk.texts.staff import STAFF_TEXTS

    for table in (STAFF_TEXTS, HOME_TEXTS):
        clash = TEXTS.keys() & table.keys()
        if clash:
            raise RuntimeError(f"text keys defined twice: {sorted(clash)}")
        TEXTS.update(table)


_merge_screen_texts()
