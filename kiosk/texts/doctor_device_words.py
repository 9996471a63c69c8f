"""`kiosk doctor`'s checks of the attached devices: ticket printer, camera,
buttons and lamp (GPIO), spoken calls (hardware/probes.py; merged into
``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
                            "lampu {led} bisa dipakai.{more}",
                            "gpiozero mock pins (simulation): buttons {walkin} and {priority}, "
                            "lamp {led} can be used.{more}"),
    "doctor.gpio.ok": ("{factory}: pin tombol {walkin} dan {priority} serta lampu {led} bisa "
                       "dipakai.{more}",
                       "{factory}: button pins {walkin} and {priority} and lamp pin {led} can "
                       "be used.{more}"),
    "doctor.gpio.more_buttons": (" Tombol lain juga bisa dipakai: {buttons}.",
                                 " Other buttons can be used too: {buttons}."),
    "doctor.gpio.reserved_pin": ("{setting} = {pin}: GPIO {pin} milik EEPROM identitas HAT "
                                 "(ID_SD/ID_SC), bukan pin tombol/lampu biasa (BCM 2-27).",
                                 "{setting} = {pin}: GPIO {pin} belongs to the HAT identification "
                                 "EEPROM (ID_SD/ID_SC), not an ordinary button/lamp pin "
                                 "(BCM 2-27)."),
    "doctor.gpio.reserved_pin.fix": ("Pindahkan kabelnya ke pin BCM 2-27 yang belum dipakai dan "
                                     "ubah {setting} di config.",
                                     "Move the wire to a free BCM pin 2-27 and change {setting} in "
                                     "the config."),
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
}
