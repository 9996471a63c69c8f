"""The doctor's words about the kiosk's secrets (kiosk/doctor/secret_checks.py):
(Bahasa Indonesia, English) for each key."""

TEXTS: dict[str, tuple[str, str]] = {
    "doctor.secrets.title": ("Rahasia (kunci NIK, token hub)", "Secrets (NIK key, hub token)"),
    "doctor.secrets.ok": ("Rahasia tidak ada di file konfigurasi; {files} file rahasia hanya "
                          "bisa dibaca layanan.",
                          "No secret in the config file; {files} secret file(s) readable only "
                          "by the service."),
    "doctor.secrets.simulation": ("Simulasi: {keys} ada di file konfigurasi (boleh untuk "
                                  "demo, tidak untuk kantor sungguhan).",
                                  "Simulation: {keys} in the config file (fine for a demo, "
                                  "not for a real office)."),
    "doctor.secrets.in_config": ("Rahasia tersimpan di file konfigurasi {path}: {keys}. Siapa "
                                 "pun yang membaca konfigurasi atau cadangannya bisa menebak "
                                 "NIK yang tersimpan.",
                                 "Secrets are kept in the config file {path}: {keys}. Anyone "
                                 "who reads the config or its backups can brute-force the "
                                 "stored NIKs."),
    "doctor.secrets.in_config.fix": (
        "Pindahkan tiap rahasia ke file di /etc/antrian-kiosk/credentials/ (mode 0600, milik "
        "root), misalnya nik_salt, lalu ganti `nik_salt = \"...\"` dengan `nik_salt_file = "
        "\"/etc/antrian-kiosk/credentials/nik_salt\"` (dan `token_file` untuk token); "
        "systemd memberikannya ke layanan lewat LoadCredential (docs/install.md).",
        "Move each secret into a file in /etc/antrian-kiosk/credentials/ (mode 0600, owner "
        "root), e.g. nik_salt, and replace `nik_salt = \"...\"` with `nik_salt_file = "
        "\"/etc/antrian-kiosk/credentials/nik_salt\"` (and `token_file` for the token); "
        "systemd hands it to the service through LoadCredential (docs/install.md)."),
    "doctor.secrets.file_open": ("File rahasia {path} bisa dibaca grup atau pengguna lain "
                                 "(mode {mode}).",
                                 "The secret file {path} can be read by its group or other "
                                 "users (mode {mode})."),
    "doctor.secrets.file_open.fix": ("Jalankan `sudo chmod 600 {path}` (pemiliknya root; "
                                     "layanan menerima salinannya lewat LoadCredential).",
                                     "Run `sudo chmod 600 {path}` (owner root; the service "
                                     "gets its copy through LoadCredential)."),
    "doctor.secrets.config_open": ("File konfigurasi {path} bisa dibaca pengguna lain (mode "
                                   "{mode}); isinya termasuk hash PIN petugas.",
                                   "The config file {path} can be read by other users (mode "
                                   "{mode}); it holds the staff PIN's hash too."),
    "doctor.secrets.config_open.fix": ("Jalankan `sudo chown root:{group} {path}` dan `sudo "
                                       "chmod 640 {path}`.",
                                       "Run `sudo chown root:{group} {path}` and `sudo chmod "
                                       "640 {path}`."),
}
