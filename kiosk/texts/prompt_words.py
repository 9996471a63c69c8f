"""The sentences the kiosk says aloud after a press or a scan, worded by
kiosk/texts/prompts.py (merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
}
