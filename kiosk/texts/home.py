"""The home screen: its title, buttons, simulation lines and start-up failure, its lane
states and the "lane not served" sentences (merged into ``kiosk.texts.TEXTS``),
Indonesian first."""

from __future__ import annotations

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
    "home.clock_wait": ("Menunggu jam sistem: nomor belum dapat diberikan.\n"
                        "Petugas: konfirmasi jam lewat menu petugas (PIN).",
                        "Waiting for the clock: no numbers can be given yet.\n"
                        "Staff: confirm the time in the staff menu (PIN)."),
    "home.checkin": ("Pemesan online: tunjukkan kode QR ke kamera,\n"
                     "atau tekan B untuk mengetik kode pemesanan",
                     "Online bookers: show your QR code to the camera,\n"
                     "or press B to type your booking code"),
    "home.camera_lost": ("Kamera tidak tersedia: ketik kode pemesanan (tekan B)",
                         "Camera not available: type your booking code (press B)"),
    "back_home": ("Kembali ke layar utama dalam {seconds} detik",
                  "Back to the start screen in {seconds} seconds"),
    # kiosk/queue/lane_rules.py: a lane the day's [hours] entry leaves out, from the schedule.
    "lane_rule.day_one": ("Hari {day} hanya untuk {served}", "On {day}s only {served} is served"),
    "lane_rule.day_many": ("Hari {day} hanya untuk {served}",
                           "On {day}s only {served} are served"),
    "lane_rule.and": ("dan", "and"),
    "lane_rule.next": ("{lane} dilayani lagi: {when}", "{lane} is served again from {when}"),
    "lane_rule.unknown": ("Jadwal {lane} berikutnya belum ditetapkan. Hubungi petugas.",
                          "The next {lane} opening is not scheduled yet. Please ask staff."),
    "prompt.refused.not_served_today": ("Maaf, layanan ini tidak dibuka hari ini. "
                                       "Silakan baca layar.",
                                       "Sorry, this service is not offered today. "
                                       "Please read the screen."),
    "report.refusal.not_served_today": ("Layanan tidak dibuka hari itu (layanan lain buka)",
                                       "Lane not served that day (other lanes open)"),
    # screens/home.py: why a lane gives no number now, before anyone presses.
    "home.lane.quota": ("{lane}: kuota hari ini sudah habis ({cap} nomor)",
                        "{lane}: today's quota is used up ({cap} numbers)"),
    "home.lane.paused": ("{lane}: pengambilan nomor dihentikan sementara",
                         "{lane}: numbers are paused for a moment"),
    "home.lane.paper_out": ("{lane}: kertas tiket habis, nomor belum dapat diberikan",
                            "{lane}: ticket paper is out, no numbers for now"),
    "home.paper_out": ("Kertas tiket habis. Petugas sedang diberi tahu; mohon tunggu sebentar.",
                       "The ticket paper has run out. Staff are being told; please wait a "
                       "moment."),
    # screens/chooser.py: the home screen with more than two services (issue 13).
    "home.choose": ("Pilih layanan: sentuh pilihan Anda atau tekan angkanya",
                    "Choose a service: touch it or press its number"),
    "home.sim_keys_chooser": ("Simulasi: 1-9 = pilih layanan, K = kertas habis/ada, "
                              "N / R = loket 1 panggil / panggil ulang",
                              "Simulation: 1-9 = choose a service, K = paper out/in, "
                              "N / R = counter 1 next / recall"),
    "chooser.open": ("Sentuh atau tekan {number}", "Touch or press {number}"),
    "chooser.open_left": ("Sentuh atau tekan {number} - sisa {left}/{cap}",
                          "Touch or press {number} - {left}/{cap} left"),
    "chooser.quota": ("Kuota hari ini habis ({cap} nomor)",
                      "Today's quota is used up ({cap} numbers)"),
    "chooser.next": ("Tutup sekarang; dilayani lagi: {when}",
                     "Closed now; served again from {when}"),
    "chooser.paused": ("Dihentikan sementara", "Paused for a moment"),
    "chooser.paper_out": ("Kertas tiket habis", "Ticket paper is out"),
}
