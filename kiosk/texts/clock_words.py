"""Waiting for a trusted clock, and the staff's clock confirmation screen
(screens/clock_confirm.py; merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "clock.title": ("Menunggu Jam Sistem", "Waiting for the Clock"),
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
}
