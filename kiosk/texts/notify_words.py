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
