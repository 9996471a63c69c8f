"""Priority numbers: choosing a reason, the NIK age check and the reason on the
ticket (merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
}
