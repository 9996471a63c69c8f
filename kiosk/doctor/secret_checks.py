"""The doctor's check of the kiosk's secrets: the NIK key, the hub and gateway tokens
kept out of the config file in a real office, and neither the config nor a secret file
readable by more than the service (kiosk/config/secrets.py says where secrets may live)."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.config.secrets import SERVICE_GROUP, too_wide
from kiosk.doctor.runner import CheckResult, result


def inline_secrets(config: Config) -> list[str]:
    """The config keys holding a secret value in the config file itself."""
    found = []
    if config.checkin.nik_salt and config.checkin.nik_salt_file is None:
        found.append("checkin.nik_salt")
    if config.sync.token and config.sync.token_file is None:
        found.append("sync.token")
    if config.notify.token and config.notify.token_file is None:
        found.append("notify.token")
    return found


def secrets_check(config: Config) -> CheckResult:
    """Warns, most urgent first: a secret in the config of a real office, a secret file
    others can read, a config others can read (it holds the staff PIN's hash too)."""
    inline = inline_secrets(config)
    if inline and not config.simulation:
        return result("secrets", "warn", "doctor.secrets.in_config",
                      "doctor.secrets.in_config.fix", keys=", ".join(inline),
                      path=str(config.path))
    files = [path for path in (config.checkin.nik_salt_file, config.sync.token_file,
                               config.notify.token_file) if path]
    for path in files:
        if (mode := too_wide(path)) is not None:
            return result("secrets", "warn", "doctor.secrets.file_open",
                          "doctor.secrets.file_open.fix", path=str(path), mode=mode)
    if not config.simulation and (mode := too_wide(config.path, SERVICE_GROUP)) is not None:
        return result("secrets", "warn", "doctor.secrets.config_open",
                      "doctor.secrets.config_open.fix", path=str(config.path), mode=mode,
                      group=SERVICE_GROUP)
    if config.simulation and inline:
        return result("secrets", "pass", "doctor.secrets.simulation", keys=", ".join(inline))
    return result("secrets", "pass", "doctor.secrets.ok", files=len(files))
