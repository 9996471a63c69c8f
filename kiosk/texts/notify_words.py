"""Opt-in messages (kiosk/notify/): the offer on the ticket screen, the consent screen
(UU 27/2022), the phone keypad and its refusals, and the messages themselves
(merged into ``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "notify.offer": ("Ingin pesan saat giliran Anda dekat? Sentuh di sini atau tekan 0",
                     "Want a message when your turn is near? Touch here or press 0"),
    "notify.consent.title": ("Pesan Saat Giliran Anda Dekat",
                             "A Message When Your Turn Is Near"),
    "notify.consent.what": (
        "Kami mengirim paling banyak dua pesan ke nomor HP Anda: saat {near} orang lagi "
        "sebelum Anda, dan saat Anda dipanggil (dengan nomor loket). Isinya hanya nomor "
        "antrian dan loket, tanpa nama.",
        "We send at most two messages to your phone: when {near} people are before you, "
        "and when you are called (with the counter). They hold only the queue number and "
        "the counter, no name."),
    "notify.consent.keep": (
        "Nomor HP Anda disimpan terkunci (terenkripsi), hanya untuk pesan ini, dan dihapus "
        "pada akhir hari layanan ini. Tidak dibagikan dan tidak untuk promosi (UU 27/2022 "
        "tentang Pelindungan Data Pribadi).",
        "Your phone number is stored encrypted, used only for these messages and erased at "
        "the end of today's office day. It is not shared and never used for advertising "
        "(Law 27/2022 on personal data protection)."),
    "notify.consent.optional": ("Tidak wajib: tanpa pesan pun nomor Anda tetap dipanggil.",
                                "Optional: without it you are still called as usual."),
    "notify.consent.agree": ("Setuju (Enter)", "I agree (Enter)"),
    "notify.consent.skip": ("Lewati (Esc)", "Skip (Esc)"),
    "notify.phone.title": ("Nomor HP Anda", "Your Mobile Number"),
    "notify.phone.prompt": ("Ketik nomor HP (08..., 62... atau +62...)",
                            "Type your mobile number (08..., 62... or +62...)"),
    "notify.phone.ok": ("OK", "OK"),
    "notify.phone.back": ("Hapus", "Delete"),
    "notify.phone.cancel": ("Batal", "Cancel"),
    "notify.phone.empty": ("Nomor HP belum diisi.", "No number was entered."),
    "notify.phone.not_digits": ("Nomor HP hanya berisi angka.", "A phone number has digits only."),
    "notify.phone.not_mobile": ("Bukan nomor HP Indonesia: harus diawali 08 atau +628.",
                                "Not an Indonesian mobile number: it starts with 08 or +628."),
    "notify.phone.too_short": ("Nomor HP terlalu pendek. Periksa kembali.",
                               "The number is too short. Please check it."),
    "notify.phone.too_long": ("Nomor HP terlalu panjang. Periksa kembali.",
                              "The number is too long. Please check it."),
    "notify.done.title": ("Pesan Akan Dikirim", "Messages Will Be Sent"),
    "notify.done.body": ("Ke {phone} untuk nomor {labels}.", "To {phone} for number {labels}."),
    "notify.done.erase": ("Nomor HP dihapus pada akhir hari ini.",
                          "The number is erased at the end of today."),
    "notify.failed": ("Maaf, pendaftaran pesan gagal. Nomor antrian Anda tetap berlaku.",
                      "Sorry, the message sign-up failed. Your queue number is still valid."),
    "staff.notify": ("Pesan HP: {opted_in} mendaftar hari ini; antrean kirim {pending} "
                     "menunggu, {sent} terkirim, {failed} gagal, {stale} kedaluwarsa",
                     "Phone messages: {opted_in} opted in today; outbox {pending} pending, "
                     "{sent} sent, {failed} failed, {stale} stale"),
    # The day report (kiosk/reports/message_figures.py).
    "report.messages": ("Pesan HP (notifikasi)", "Phone messages (notifications)"),
    "report.col.messages": ("Pesan", "Messages"),
    "report.message.opted_in": ("Pemohon mendaftar", "Applicants opted in"),
    "report.message.sent": ("Terkirim", "Sent"),
    "report.message.failed": ("Gagal (ditolak gateway)", "Failed (refused by the gateway)"),
    "report.message.stale": ("Kedaluwarsa (tidak dikirim)", "Stale (dropped, not sent)"),
    "report.message.pending": ("Belum terkirim", "Not sent yet"),
    # `kiosk doctor` (kiosk/doctor/notify_checks.py); never the token itself.
    "doctor.notify.title": ("Pesan HP (notifikasi)", "Phone messages (notifications)"),
    "doctor.notify.off": ("Pesan HP tidak diaktifkan ([notify] enabled = false).",
                          "Phone messages are off ([notify] enabled = false)."),
    "doctor.notify.off.fix": ("Tidak perlu tindakan; cara mengaktifkan: docs/operation.md.",
                              "Nothing to do; how to turn them on: docs/operation.md."),
    "doctor.notify.ok": ("Gateway {gateway} di {url} terjangkau (token diisi: {token}).",
                         "The {gateway} gateway at {url} is reachable (token set: {token})."),
    "doctor.notify.bad_url": ("Alamat gateway {gateway} tidak benar: {url}",
                              "The {gateway} gateway's address is not valid: {url}"),
    "doctor.notify.bad_url.fix": ("Perbaiki [notify] url (atau api_base) di konfigurasi.",
                                  "Fix [notify] url (or api_base) in the config."),
    "doctor.notify.no_token": ("Gateway {gateway} tanpa token ([notify] token kosong).",
                               "The {gateway} gateway has no token ([notify] token is empty)."),
    "doctor.notify.no_token.fix": ("Isi [notify] token dengan token akses dari Meta.",
                                   "Set [notify] token to the access token from Meta."),
    "doctor.notify.plain_http": ("Gateway {gateway} di {url} memakai http tanpa enkripsi: nomor "
                                 "HP dan token terkirim terbuka.",
                                 "The {gateway} gateway at {url} uses plain http: numbers and "
                                 "the token travel unencrypted."),
    "doctor.notify.plain_http.fix": ("Pakai alamat https:// dari penyedia gateway.",
                                     "Use the provider's https:// address."),
    "doctor.notify.unreachable": ("Gateway {gateway} di {url} tidak terjangkau ({detail}). "
                                  "Pesan menunggu di antrean kirim.",
                                  "The {gateway} gateway at {url} cannot be reached ({detail}). "
                                  "Messages wait in the outbox."),
    "doctor.notify.unreachable.fix": ("Periksa internet kantor dan [notify] url.",
                                      "Check the office's internet and [notify] url."),
    "doctor.notify.stuck": ("{count} pesan hari ini ditolak atau gagal berulang kali di "
                            "gateway {gateway}.",
                            "{count} of today's messages were refused or failed repeatedly at "
                            "the {gateway} gateway."),
    "doctor.notify.stuck.fix": ("Lihat alasannya di log kios (journalctl -u kiosk | "
                                "grep notify); token atau saldo gateway mungkin habis.",
                                "See why in the kiosk's log (journalctl -u kiosk | "
                                "grep notify); the token or the gateway's credit may have run "
                                "out."),
    # The messages (both languages in one message: a phone has no language switch).
    "notify.msg.near": ("Antrian {label}: {before} orang lagi sebelum Anda. Silakan kembali "
                        "ke ruang tunggu.",
                        "Queue {label}: {before} people before you. Please come back to the "
                        "waiting room."),
    "notify.msg.turn": ("Antrian {label}: GILIRAN ANDA. Silakan ke {counter}.",
                        "Queue {label}: YOUR TURN. Please go to {counter}."),
    "notify.msg.turn_stage": ("Antrian {label}: GILIRAN ANDA ({stage}). Silakan ke {counter}.",
                              "Queue {label}: YOUR TURN ({stage}). Please go to {counter}."),
}
