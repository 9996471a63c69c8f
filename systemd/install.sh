#!/usr/bin/env bash
# Install, update or remove antrian-kiosk on Raspberry Pi OS Bookworm (64-bit).
#
#   sudo systemd/install.sh                  install, or update to this copy of the code
#   sudo systemd/install.sh --display tty    kiosk on the text console (fallback)
#   sudo systemd/install.sh --display board  this Pi shows the lobby board instead
#   sudo systemd/install.sh --display survey this Pi is the satisfaction survey station
#   sudo systemd/install.sh --uninstall      remove it; keeps the data and the config
#   systemd/install.sh --root DIR --no-venv  build the file tree under DIR (tests)
#
# Running it twice changes nothing. An update backs the store up first, checks
# the new version against the config and a copy of the store, and only then
# switches /opt/antrian-kiosk/current to it; if anything fails the old version
# keeps running. docs/install.md explains every step for office staff.
set -euo pipefail
umask 022

SERVICE_USER=kiosk
WANTED_GROUPS=(gpio lp dialout video audio)
# cage + foot show the kiosk full-screen; libpam-systemd gives them a seat.
DEB_PACKAGES=(python3-venv python3-lgpio libusb-1.0-0 libzbar0 espeak-ng cage foot
              fonts-dejavu-core libpam-systemd sqlite3 polkitd)
UNITS=(kiosk.service kiosk-tty.service kiosk-board.service kiosk-survey.service
       kiosk-backup.service kiosk-backup.timer kiosk-hub.service)
DISPLAY_UNITS=(kiosk.service kiosk-tty.service kiosk-board.service kiosk-survey.service)
KEEP_PRE_UPDATE_BACKUPS=5
# Debian's own Python: its dist-packages hold python3-lgpio for gpiozero.
SYSTEM_PYTHON=/usr/bin/python3

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=/
ACTION=install
DISPLAY_MODE=""
BUILD_VENV=1
WORK=""

say() { printf '   %s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() {
    printf '\nSTOPPED: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($# > 0)); do
    case $1 in
        --root)
            [[ $# -ge 2 ]] || die "--root needs a folder"
            ROOT=$2
            shift 2
            ;;
        --root=*) ROOT=${1#--root=}; shift ;;
        --display)
            [[ $# -ge 2 ]] || die "--display needs cage, tty, board or survey"
            DISPLAY_MODE=$2
            shift 2
            ;;
        --display=*) DISPLAY_MODE=${1#--display=}; shift ;;
        --uninstall) ACTION=uninstall; shift ;;
        --no-venv) BUILD_VENV=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

case $DISPLAY_MODE in
    "" | cage | tty | board | survey) ;;
    *) die "--display must be cage, tty, board or survey, not '$DISPLAY_MODE'" ;;
esac

if [[ $ROOT != /* ]]; then
    die "--root needs an absolute path, not '$ROOT'"
fi
ROOT=${ROOT%/}
[[ -n $ROOT ]] || ROOT=/

live() { [[ $ROOT == / ]]; }
systemd_running() { live && [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; }
in_root() {
    if live; then printf '%s' "$1"; else printf '%s%s' "$ROOT" "$1"; fi
}

APP=$(in_root /opt/antrian-kiosk)
ETC=$(in_root /etc/antrian-kiosk)
DATA=$(in_root /var/lib/antrian-kiosk)
UNIT_DIR=$(in_root /etc/systemd/system)
UDEV_RULE=$(in_root /etc/udev/rules.d/60-antrian-kiosk-printer.rules)
PAM_FILE=$(in_root /etc/pam.d/antrian-kiosk)
POLKIT_RULE=$(in_root /etc/polkit-1/rules.d/50-antrian-kiosk.rules)
CONFIG=$ETC/kiosk.toml

cleanup() {
    if [[ -n $WORK && -d $WORK ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers

# install_file SOURCE DEST MODE: copy only when the content differs.
# Returns 0 when it changed something, 1 when DEST was already right.
install_file() {
    local source=$1 dest=$2 mode=$3
    if [[ -f $dest ]] && cmp -s "$source" "$dest"; then
        if [[ $(stat -c '%a' "$dest") != "${mode#0}" ]]; then
            chmod "$mode" "$dest"
            say "fixed the permissions of $dest"
            return 0
        fi
        say "unchanged: $dest"
        return 1
    fi
    mkdir -p "$(dirname "$dest")"
    install -m "$mode" "$source" "$dest"
    say "installed $dest"
    return 0
}

# ensure_dir DIR MODE OWNER
ensure_dir() {
    local dir=$1 mode=$2 owner=$3
    if [[ -d $dir ]]; then
        say "exists: $dir"
    else
        mkdir -p "$dir"
        say "created $dir"
    fi
    if [[ $(stat -c '%a' "$dir") != "${mode#0}" ]]; then
        chmod "$mode" "$dir"
        say "set permissions $mode on $dir"
    fi
    if live && [[ $(stat -c '%U:%G' "$dir") != "$owner" ]]; then
        chown "$owner" "$dir"
        say "gave $dir to $owner"
    fi
}

# Run a command as the service user on a real install (files it creates stay
# the kiosk's), as ourselves in a staging root.
as_kiosk() {
    if live; then runuser -u "$SERVICE_USER" -- "$@"; else "$@"; fi
}

# The files that make up a release: the repository minus git, venvs,
# run-time data and caches. The release id hashes exactly these.
list_source_files() {
    (cd "$SRC" && find . \
        \( -path ./.git -o -path ./.venv -o -path ./var -o -path ./build -o -path ./dist \
           -o -name __pycache__ -o -name '*.egg-info' -o -name .pytest_cache \
           -o -name .ruff_cache -o -name .hypothesis -o -name '.install-complete' \) -prune \
        -o -type f -print0 | LC_ALL=C sort -z)
}

release_id() {
    local version digest
    version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$SRC/pyproject.toml" | head -n 1)
    digest=$(list_source_files | (cd "$SRC" && xargs -0 sha256sum) | sha256sum | cut -c1-12)
    printf '%s-%s' "${version:-0}" "$digest"
}

# The Python that runs the new release's code for the checks.
check_python() {
    if [[ -x $REL/.venv/bin/python ]]; then
        printf '%s' "$REL/.venv/bin/python"
    else
        printf '%s' "${KIOSK_PYTHON:-$SYSTEM_PYTHON}"
    fi
}

run_new() {
    local python
    python=$(check_python)
    (cd "$REL" && env -u KIOSK_CONFIG PYTHONPATH="$REL" "$python" "$@")
}

# Where the config keeps the store, mapped into the staging root.
store_path() {
    local db
    if ! db=$(run_new -c 'import sys
from kiosk.config import load_config
print(load_config(sys.argv[1]).database)' "$CONFIG" 2>/dev/null); then
        db=/var/lib/antrian-kiosk/kiosk.db
    fi
    if ! live && [[ $db != "$ROOT"/* ]]; then db=$ROOT$db; fi
    printf '%s' "$db"
}

# ---------------------------------------------------------------- install steps

install_packages() {
    step "Debian packages"
    if ! live; then
        say "skipped: installing into the staging folder $ROOT"
        return
    fi
    if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
        say "this system has no apt-get: install these by hand: ${DEB_PACKAGES[*]}"
        return
    fi
    local missing=() p
    for p in "${DEB_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        say "all present: ${DEB_PACKAGES[*]}"
        return
    fi
    say "updating the package lists"
    apt-get update -qq
    local available=()
    for p in "${missing[@]}"; do
        if apt-cache show "$p" >/dev/null 2>&1; then
            available+=("$p")
        else
            say "not available on this system (not a Raspberry Pi?), skipped: $p"
        fi
    done
    if ((${#available[@]} > 0)); then
        say "installing: ${available[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${available[@]}"
    fi
}

setup_user() {
    step "System user '$SERVICE_USER'"
    if ! live; then
        say "skipped: installing into the staging folder $ROOT"
        return
    fi
    local g
    for g in "${WANTED_GROUPS[@]}"; do
        if ! getent group "$g" >/dev/null; then
            say "this system has no group '$g': creating it"
            groupadd --system "$g"
        fi
    done
    if id -u "$SERVICE_USER" >/dev/null 2>&1; then
        say "user $SERVICE_USER exists"
    else
        say "creating user $SERVICE_USER (no password, cannot log in, home /var/lib/antrian-kiosk)"
        useradd --system --user-group --home-dir /var/lib/antrian-kiosk --no-create-home \
            --shell /usr/sbin/nologin --comment "antrian-kiosk" "$SERVICE_USER"
    fi
    local member
    member=" $(id -nG "$SERVICE_USER") "
    for g in "${WANTED_GROUPS[@]}"; do
        if [[ $member != *" $g "* ]]; then
            say "adding $SERVICE_USER to group $g"
            usermod -aG "$g" "$SERVICE_USER"
        fi
    done
    say "groups: $(id -nG "$SERVICE_USER")"
}

setup_dirs() {
    step "Folders"
    ensure_dir "$APP/releases" 0755 root:root
    ensure_dir "$ETC" 0755 root:root
    # Secrets the config names by *_file keys; the units' LoadCredential= loads this
    # folder (it must exist, or they would not start) and only root reads it.
    ensure_dir "$ETC/credentials" 0700 root:root
    ensure_dir "$DATA" 0750 "$SERVICE_USER:$SERVICE_USER"
    ensure_dir "$DATA/backups" 0750 "$SERVICE_USER:$SERVICE_USER"
    if live; then
        # After an uninstall and reinstall the user may have a new id.
        local strays
        strays=$(find "$DATA" ! -user "$SERVICE_USER" -print | wc -l)
        if ((strays > 0)); then
            chown -R "$SERVICE_USER:$SERVICE_USER" "$DATA"
            say "gave $strays file(s) in $DATA back to $SERVICE_USER"
        fi
    else
        say "staging folder: owners are not changed"
    fi
}

install_config() {
    step "Configuration"
    if [[ -e $CONFIG ]]; then
        say "kept your $CONFIG (the installer never overwrites it)"
        if live && [[ $(stat -c '%G' "$CONFIG") != "$SERVICE_USER" ]]; then
            chgrp "$SERVICE_USER" "$CONFIG"
            say "let group $SERVICE_USER read it again"
        fi
        return
    fi
    install -m 0640 "$SRC/config/example-pi.toml" "$CONFIG"
    if live; then chgrp "$SERVICE_USER" "$CONFIG"; fi
    say "created $CONFIG from config/example-pi.toml"
    say "EDIT IT before the kiosk can start: office, printer, staff PIN (docs/install.md)"
}

install_release() {
    step "Application code (version $RID)"
    if [[ -f $REL/.install-complete ]]; then
        say "already installed in $REL"
        return
    fi
    if [[ -e $REL ]]; then
        say "removing an unfinished copy left by an interrupted run"
        rm -rf "$REL"
    fi
    say "copying the app from $SRC to $REL"
    mkdir -p "$REL"
    list_source_files | (cd "$SRC" && tar --null -T - -cf -) | tar -C "$REL" --no-same-owner -xf -
    if ((BUILD_VENV)); then
        say "creating the Python environment $REL/.venv"
        say "(with the system's packages, so gpiozero finds python3-lgpio)"
        "$SYSTEM_PYTHON" -m venv --system-site-packages "$REL/.venv"
        say "installing the locked Python packages and the app (needs the internet, or PIP_FIND_LINKS)"
        "$REL/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --require-hashes -r "$REL/requirements.lock"
        "$REL/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --no-deps --no-build-isolation "$REL"
    else
        say "skipped the Python environment (--no-venv)"
    fi
    printf '%s\n' "$RID" >"$REL/.install-complete"
}

# backup_store DB: an online copy of the live store before anything changes.
backup_store() {
    local db=$1 dest
    dest="$DATA/backups/pre-update-$(date +%Y%m%dT%H%M%S)-to-$RID.db"
    say "backing up the store $db to $dest"
    as_kiosk "$SYSTEM_PYTHON" -c 'import sqlite3, sys
source = sqlite3.connect(sys.argv[1])
target = sqlite3.connect(sys.argv[2])
source.backup(target)
target.execute("PRAGMA journal_mode = DELETE")
ok = target.execute("PRAGMA integrity_check").fetchone()[0]
target.close()
source.close()
sys.exit(0 if ok == "ok" else "the backup failed its integrity check: " + ok)' "$db" "$dest"
    BACKUP_FILE=$dest
    local old
    while IFS= read -r old; do
        rm -f "$old"
        say "removed an older pre-update backup: $old"
    done < <(find "$DATA/backups" -maxdepth 1 -name 'pre-update-*.db' -print | LC_ALL=C sort \
             | head -n "-$KEEP_PRE_UPDATE_BACKUPS")
}

# check_release: the new code accepts the config and migrates a copy of the store.
check_release() {
    local out db
    say "checking $CONFIG with the new version"
    if ! out=$(run_new -m kiosk.cli --config "$CONFIG" check-config 2>&1); then
        CHECK_PROBLEM="the configuration is not accepted: $out"
        return 1
    fi
    say "configuration OK"
    db=$(store_path)
    if [[ -z $BACKUP_FILE ]]; then
        say "no store yet at $db: nothing to migrate"
        return 0
    fi
    WORK=$(mktemp -d)
    cp "$BACKUP_FILE" "$WORK/kiosk.db"
    say "migrating a copy of the store with the new version (a dry run; the store is untouched)"
    if ! out=$(run_new -c 'import sys
from kiosk.ops.backup import migrate_copy
print(migrate_copy(sys.argv[1]))' "$WORK/kiosk.db" 2>&1); then
        CHECK_PROBLEM="the new version could not migrate a copy of the store: ${out##*$'\n'}"
        return 1
    fi
    say "the copy migrated to schema version ${out##*$'\n'} and passed its integrity check"
    return 0
}

switch_to() {
    local target=$1
    ln -sfn "$target" "$APP/current.new"
    mv -T "$APP/current.new" "$APP/current"
    say "$APP/current now points to $target"
}

write_generated() {
    # write_generated DEST MODE: stdin becomes DEST when it differs.
    local dest=$1 mode=$2 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    local rc=0
    install_file "$tmp" "$dest" "$mode" || rc=$?
    rm -f "$tmp"
    return "$rc"
}

install_system_files() {
    step "Service files, printer permissions, screen session"
    UNITS_CHANGED=0
    UDEV_CHANGED=0
    local unit
    for unit in "${UNITS[@]}"; do
        if install_file "$SRC/systemd/$unit" "$UNIT_DIR/$unit" 0644; then UNITS_CHANGED=1; fi
    done
    if write_generated "$UDEV_RULE" 0644 <<'EOF'; then UDEV_CHANGED=1; fi
# antrian-kiosk: the kiosk user (group lp) may use the USB ticket printer.
# Written by systemd/install.sh; re-run it after editing, or add your printer's
# ids (`lsusb`) in a rule file of your own.
# Any USB device with a printer-class interface (class 07):
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ENV{ID_USB_INTERFACES}=="*:0701??:*", MODE="0660", GROUP="lp"
# Common ESC/POS thermal printers that report a vendor-specific class instead:
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="0416", ATTRS{idProduct}=="5011", MODE="0660", GROUP="lp"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="5720", MODE="0660", GROUP="lp"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="0fe6", ATTRS{idProduct}=="811e", MODE="0660", GROUP="lp"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="1fc9", ATTRS{idProduct}=="2016", MODE="0660", GROUP="lp"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="28e9", ATTRS{idProduct}=="0289", MODE="0660", GROUP="lp"
# Epson TM series (vendor 04b8, product ids 0e..):
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="04b8", ATTRS{idProduct}=="0e*", MODE="0660", GROUP="lp"
# The kernel's own printer device (/dev/usb/lp0) when python-escpos is not detaching it:
SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", MODE="0660", GROUP="lp"
EOF
    write_generated "$PAM_FILE" 0644 <<'EOF' || true
# antrian-kiosk: PAM for the screen services (PAMName=antrian-kiosk). It opens
# a logind session on tty1, which gives cage the display, keyboard and touch
# screen. The services never ask for a password. Written by systemd/install.sh.
account  required  pam_unix.so
session  required  pam_unix.so
session  required  pam_systemd.so
EOF
    write_generated "$POLKIT_RULE" 0644 <<'EOF' || true
// antrian-kiosk: the staff menu's "shut the kiosk down safely" runs
// `systemctl poweroff` as the kiosk user after closing the store. Only that
// user, only power-off and reboot. Written by systemd/install.sh.
polkit.addRule(function (action, subject) {
    if (subject.user == "kiosk" &&
        (action.id == "org.freedesktop.login1.power-off" ||
         action.id == "org.freedesktop.login1.power-off-multiple-sessions" ||
         action.id == "org.freedesktop.login1.reboot" ||
         action.id == "org.freedesktop.login1.reboot-multiple-sessions")) {
        return polkit.Result.YES;
    }
});
EOF
    if ((UDEV_CHANGED)) && live && command -v udevadm >/dev/null && [[ -d /run/udev ]]; then
        say "reloading the udev rules (a plugged-in printer gets the new permissions)"
        udevadm control --reload-rules
        udevadm trigger --subsystem-match=usb --action=change
    fi
}

choose_display() {
    if [[ -n $DISPLAY_MODE ]]; then
        return
    fi
    DISPLAY_MODE="cage"
    if live && command -v systemctl >/dev/null; then
        if systemctl is-enabled --quiet kiosk-tty.service 2>/dev/null; then
            DISPLAY_MODE="tty"
        elif systemctl is-enabled --quiet kiosk-board.service 2>/dev/null; then
            DISPLAY_MODE="board"
        elif systemctl is-enabled --quiet kiosk-survey.service 2>/dev/null; then
            DISPLAY_MODE="survey"
        fi
    fi
}

display_unit() {
    case $DISPLAY_MODE in
        tty) printf 'kiosk-tty.service' ;;
        board) printf 'kiosk-board.service' ;;
        survey) printf 'kiosk-survey.service' ;;
        *) printf 'kiosk.service' ;;
    esac
}

enable_units() {
    step "Services"
    local wanted unit
    wanted=$(display_unit)
    if ! live || ! command -v systemctl >/dev/null; then
        say "skipped (staging folder or no systemctl): would enable $wanted and kiosk-backup.timer"
        return
    fi
    if ((UNITS_CHANGED)) && systemd_running; then
        say "telling systemd about the changed service files"
        systemctl daemon-reload
    fi
    for unit in "${DISPLAY_UNITS[@]}"; do
        if [[ $unit != "$wanted" ]] && systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            say "disabling $unit (the screen shows $wanted now)"
            systemctl disable --quiet "$unit"
        fi
    done
    for unit in "$wanted" kiosk-backup.timer; do
        if systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            say "already enabled at boot: $unit"
        else
            say "enabling at boot: $unit"
            systemctl enable --quiet "$unit"
        fi
    done
    if systemd_running && ! systemctl is-active --quiet kiosk-backup.timer; then
        say "starting the daily backup timer"
        systemctl start kiosk-backup.timer
    fi
}

# restart_after_switch OLD_TARGET: start the new version; go back if it fails.
restart_after_switch() {
    local old=$1 unit
    unit=$(display_unit)
    if ! systemd_running; then
        say "systemd is not running here: the new version starts at the next boot"
        return 0
    fi
    if ! systemctl is-active --quiet "$unit"; then
        say "$unit is not running: start it with  sudo systemctl start ${unit%.service}"
        say "(or reboot)"
        return 0
    fi
    say "restarting $unit with the new version"
    if systemctl restart "$unit"; then
        say "$unit is running the new version"
        return 0
    fi
    say "the new version did not start: going back to $old"
    switch_to "$old"
    systemctl restart "$unit" || true
    die "the update failed at start-up and was undone; the old version is running again.
See why with:  journalctl -u ${unit%.service} -n 50"
}

prune_releases() {
    local keep_current keep_previous dir name
    keep_current=$(readlink "$APP/current" 2>/dev/null || true)
    keep_previous=$(readlink "$APP/previous" 2>/dev/null || true)
    for dir in "$APP"/releases/*/; do
        [[ -d $dir ]] || continue
        name=releases/$(basename "$dir")
        if [[ $name != "$keep_current" && $name != "$keep_previous" ]]; then
            rm -rf "$dir"
            say "removed an old version: $dir"
        fi
    done
}

main_install() {
    if live && ((EUID != 0)); then
        die "run it as root:  sudo systemd/install.sh"
    fi
    mkdir -p "$ROOT"
    printf 'Installing antrian-kiosk from %s into %s\n' "$SRC" "$ROOT"
    if [[ ! -x $SYSTEM_PYTHON ]]; then
        die "$SYSTEM_PYTHON is missing: install Debian's python3 first (sudo apt install python3)"
    fi
    install_packages
    setup_user
    setup_dirs
    install_config

    RID=$(release_id)
    REL=$APP/releases/$RID
    local new_target=releases/$RID old_target
    old_target=$(readlink "$APP/current" 2>/dev/null || true)
    install_release
    choose_display

    step "Switching to version $RID"
    BACKUP_FILE=""
    CHECK_PROBLEM=""
    local switched=0 config_ok=1
    if [[ $old_target == "$new_target" ]]; then
        say "this version is already the one in use: nothing to switch"
        if ! run_new -m kiosk.cli --config "$CONFIG" check-config >/dev/null 2>&1; then
            config_ok=0
            say "but $CONFIG is not accepted yet; check it with:"
            say "  /opt/antrian-kiosk/current/.venv/bin/kiosk --config /etc/antrian-kiosk/kiosk.toml check-config"
        fi
    else
        local db
        db=$(store_path)
        if [[ -f $db ]]; then
            backup_store "$db"
        fi
        if check_release; then
            say "all checks passed"
        elif [[ -z $old_target ]]; then
            config_ok=0
            say "first install: ${CHECK_PROBLEM}"
            say "installing anyway (there is no older version to keep); the kiosk will not"
            say "start until the configuration is fixed"
        else
            rm -rf "$REL"
            die "the update to $RID was NOT made: ${CHECK_PROBLEM}
The old version ($old_target) keeps running and the store was not changed.
Store backup taken before the check: ${BACKUP_FILE:-none (no store yet)}"
        fi
        if [[ -n $old_target ]]; then
            ln -sfn "$old_target" "$APP/previous"
            say "kept the old version as $APP/previous (to go back by hand)"
        fi
        switch_to "$new_target"
        switched=1
    fi

    install_system_files
    enable_units
    if ((switched)) && [[ -n $old_target ]] && ((config_ok)); then
        restart_after_switch "$old_target"
    fi
    step "Tidying up"
    prune_releases
    say "done"

    step "Summary"
    say "app:     $APP/current -> $(readlink "$APP/current")"
    say "config:  $CONFIG"
    say "data:    $DATA (store, backups in $DATA/backups)"
    say "screen:  $(display_unit)   logs: journalctl -u $(display_unit | sed 's/\.service$//')"
    if ((!config_ok)); then
        say "NEXT: edit $CONFIG, then reboot (or: sudo systemctl start $(display_unit))"
    elif [[ -z $old_target ]]; then
        say "NEXT: reboot to start the kiosk (or: sudo systemctl start $(display_unit))"
    fi
}

main_uninstall() {
    if live && ((EUID != 0)); then
        die "run it as root:  sudo systemd/install.sh --uninstall"
    fi
    printf 'Removing antrian-kiosk from %s (the data and the config stay)\n' "$ROOT"
    step "Services"
    local unit
    if live && command -v systemctl >/dev/null; then
        for unit in "${UNITS[@]}"; do
            if [[ -f $UNIT_DIR/$unit ]]; then
                say "stopping and disabling $unit"
                if systemd_running; then
                    systemctl disable --now --quiet "$unit" || true
                else
                    systemctl disable --quiet "$unit" || true
                fi
            fi
        done
    else
        say "skipped stopping services (staging folder or no systemctl)"
    fi
    step "Files"
    for unit in "${UNITS[@]}"; do
        if [[ -e $UNIT_DIR/$unit ]]; then
            rm -f "$UNIT_DIR/$unit"
            say "removed $UNIT_DIR/$unit"
        fi
    done
    local file
    for file in "$UDEV_RULE" "$PAM_FILE" "$POLKIT_RULE"; do
        if [[ -e $file ]]; then
            rm -f "$file"
            say "removed $file"
        fi
    done
    if [[ -e $APP ]]; then
        rm -rf "$APP"
        say "removed the app: $APP"
    else
        say "the app is not installed in $APP"
    fi
    if systemd_running; then
        systemctl daemon-reload
        say "told systemd the services are gone"
    fi
    step "User"
    if ! live; then
        say "skipped: staging folder"
    elif id -u "$SERVICE_USER" >/dev/null 2>&1; then
        userdel "$SERVICE_USER"
        say "removed user $SERVICE_USER (its files in /var/lib/antrian-kiosk stay)"
    else
        say "no user $SERVICE_USER"
    fi
    step "Kept"
    say "$DATA: the queue store and its backups"
    say "$ETC: your configuration"
    say "Installing again later picks both up. To delete them for good:"
    say "  sudo rm -r $DATA $ETC"
}

if [[ $ACTION == uninstall ]]; then
    main_uninstall
else
    main_install
fi
