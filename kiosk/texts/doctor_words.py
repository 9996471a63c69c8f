"""`kiosk doctor`'s report frame and its checks of the kiosk itself: configuration,
database, disk, clock, LAN API, hub and services (merged into
``kiosk.texts.TEXTS``), Indonesian first. The devices' checks are in
kiosk/texts/doctor_device_words.py."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
    "doctor.hub.push_problems": ("{url} menjawab, tetapi tidak menyimpan {count} kejadian dari "
                                 "kios ini (terakhir: {status} {event}: {reason}).",
                                 "{url} answers, but did not store {count} event(s) of this "
                                 "kiosk (last: {status} {event}: {reason})."),
    "doctor.hub.push_problems.fix": ("Kirim `kiosk sync status` dan log kios ke admin hub; lihat "
                                     "docs/troubleshooting.md (\"hub refused\").",
                                     "Send `kiosk sync status` and the kiosk's log to the hub "
                                     "admin; see docs/troubleshooting.md (\"hub refused\")."),
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
