"""Walk-in numbers one person cannot hoard: the NIK keypad, why a NIK was refused,
the per-person and per-minute limits (merged into ``kiosk.texts.TEXTS``),
Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
}
