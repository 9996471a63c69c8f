"""The office head's queue report, `kiosk report` (kiosk/reports/; merged into
``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Daily report for the office head (kiosk/reports/, `kiosk report`).
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
}
