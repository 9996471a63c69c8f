"""Secrets kept in files only the service can read, instead of in the config file.

The config is read by staff, copied into support tickets and backed up; the NIK
key, the hub token and the hub's own key are not. A ``*_file`` key in the config
names the file (for example ``nik_salt_file = "/etc/antrian-kiosk/credentials/nik_salt"``,
mode 0600, owner root). Under systemd, ``LoadCredential=kiosk:/etc/antrian-kiosk/credentials``
hands the service a private copy in ``$CREDENTIALS_DIRECTORY`` (as ``kiosk_nik_salt``)
that only the service user can read: ``secret_source`` reads that copy when it exists,
and the named file otherwise (an admin's ``sudo kiosk doctor``, ``kiosk check-config``).

Everything that reads a secret file goes through here (config, hub CLI), and the
doctor judges their permissions with ``too_wide``.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

__all__ = ["CREDENTIALS_ENV", "CREDENTIAL_PREFIXES", "MAX_SECRET_BYTES", "SERVICE_GROUP",
           "SecretFileError", "read_secret", "secret_source", "too_wide"]

CREDENTIALS_ENV = "CREDENTIALS_DIRECTORY"
# systemd names a credential loaded from a directory "<ID>_<file name>"; the units use
# the IDs "kiosk" and "hub" (systemd/kiosk.service, systemd/kiosk-hub.service).
CREDENTIAL_PREFIXES = ("", "kiosk_", "hub_")
MAX_SECRET_BYTES = 4096  # a key or a token, never a whole file by mistake
SERVICE_GROUP = "kiosk"  # install.sh: the config is root:kiosk 0640, read by the service


class SecretFileError(Exception):
    """A secret file that cannot be used: says which file and why, in one line."""


def secret_source(path: Path) -> Path:
    """The file to read for ``path``: systemd's private copy when the service has one."""
    folder = os.environ.get(CREDENTIALS_ENV)
    if folder:
        for prefix in CREDENTIAL_PREFIXES:
            copy = Path(folder) / f"{prefix}{path.name}"
            if copy.is_file():
                return copy
    return path


def read_secret(path: Path) -> str:
    """The secret in ``path`` (or systemd's copy of it) without surrounding whitespace."""
    source = secret_source(path)
    try:
        data = source.read_bytes()[:MAX_SECRET_BYTES + 1]
    except FileNotFoundError:
        raise SecretFileError(f"{source} does not exist") from None
    except PermissionError:
        raise SecretFileError(f"{source} cannot be read by this user (uid {os.getuid()}): "
                              "run as the service (its $CREDENTIALS_DIRECTORY) or as root"
                              ) from None
    except OSError as exc:
        raise SecretFileError(f"{source}: {exc.strerror or exc}") from None
    if len(data) > MAX_SECRET_BYTES:
        raise SecretFileError(f"{source} is larger than {MAX_SECRET_BYTES} bytes: not a key")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SecretFileError(f"{source} is not text (hex or a token on one line)") from None
    if not text:
        raise SecretFileError(f"{source} is empty")
    return text


def too_wide(path: Path, allowed_group: str | None = None) -> str | None:
    """The file's mode ("0644") when others, or a group other than ``allowed_group``, may
    read it; None when only its owner (and that group) can, or it cannot be examined."""
    try:
        info = path.stat()
    except OSError:
        return None
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o007:
        return f"{mode:04o}"
    if mode & 0o070 and (allowed_group is None or _group_name(info.st_gid) != allowed_group):
        return f"{mode:04o}"
    return None


def _group_name(gid: int) -> str | None:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return None
