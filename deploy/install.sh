#!/bin/bash
# Install the Sciatica Kiosk on this machine, or upgrade it in place: run as root from a checkout,
#
#   sudo deploy/install.sh
#
# on a clean Debian 12 or Raspberry Pi OS (bookworm) machine with a screen. It installs the Debian
# packages, creates the users and the data directory, installs the app into /opt/sciatica-kiosk, the
# systemd units (server, read-aloud warm-up, screen, opening hours, nightly backup, watchdog, HTTPS
# renewal), Chromium's kiosk policy and nginx for the front desk, starts everything at boot, and asks
# for the first staff account. Run it again to upgrade: data, staff accounts and every file in
# /etc/sciatica-kiosk are kept, and the server applies database migrations as it starts.
#
# Options:
#   --no-packages   don't run apt-get (the packages are already there)
#   --no-start      install and enable, but don't (re)start anything or ask for a staff account
#   --root DIR      install into DIR instead of / (for tests; implies --no-packages --no-start). The
#                   virtualenv built there only works at that path.
set -euo pipefail
umask 022

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY_SRC=$SOURCE_DIR/deploy
ROOT=
PACKAGES=1
START=1

APP_DIR=/opt/sciatica-kiosk
CONFIG_DIR=/etc/sciatica-kiosk
UNIT_DIR=/etc/systemd/system
SERVER_USER=kiosk
HEALTH_URL=http://127.0.0.1:8080/health

# chromium, cage and xwayland show the kiosk (Debian's cage 0.1.4 refuses to start without Xwayland,
# and does not pull it in); the fonts draw every language; espeak-ng, sox and lame read aloud; gettext
# checks catalogs; nodejs/npm install htmx; nginx and openssl give the front desk HTTPS; curl is the
# watchdog's health check; rsync installs the app; alsa-utils lists sound outputs.
APT_PACKAGES=(cage xwayland fonts-noto-core fonts-noto-cjk espeak-ng sox libsox-fmt-mp3 lame gettext
    python3-venv nodejs npm nginx openssl curl rsync alsa-utils)
UNITS_TO_ENABLE=(sciatica-kiosk.service sciatica-kiosk-warm.service sciatica-kiosk-screen.service
    sciatica-kiosk-screen-power.timer sciatica-kiosk-backup.timer sciatica-kiosk-health.timer
    sciatica-kiosk-tls-renew.timer)
# The policy this project's README used to install by hand; replaced by sciatica-kiosk.json.
OLD_POLICY_SHA256=e492f6e8f6f4f750895e97df5f608acab366fae7566c10759b612becbd4e8e79

step() {
    printf '\n==> %s\n' "$*"
}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
    exit "${1:-0}"
}

while (($#)); do
    case $1 in
        --no-packages) PACKAGES=0; shift ;;
        --no-start) START=0; shift ;;
        --root) ROOT=$(realpath -m "${2:?--root needs a directory}"); PACKAGES=0; START=0; shift 2 ;;
        -h|--help) usage ;;
        *) echo "unknown option: $1" >&2; usage 2 ;;
    esac
done

[[ $EUID -eq 0 ]] || die "run me as root: sudo $0"
[[ -f $SOURCE_DIR/pyproject.toml && -d $DEPLOY_SRC/systemd ]] || die "run me from a checkout of the kiosk"
[[ $SOURCE_DIR != "$APP_DIR" ]] || die "run me from a checkout of the kiosk, not from the installed copy in $APP_DIR"

# systemctl and the systemd tools take --root; everything else gets the prefix on its paths.
SYSTEMD_ROOT=()
[[ -n $ROOT ]] && SYSTEMD_ROOT=("--root=$ROOT")

install_packages() {
    step "Debian packages"
    local browser=chromium
    apt-get update -q
    # Raspberry Pi OS shipped its own build as chromium-browser before it took Debian's name.
    if ! apt-cache show --no-all-versions chromium >/dev/null 2>&1; then
        browser=chromium-browser
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
        "$browser" "${APT_PACKAGES[@]}"
}

install_users_and_directories() {
    step "Users ($SERVER_USER, kiosk-screen) and data directories"
    install -D -m 644 "$DEPLOY_SRC/sysusers.d/sciatica-kiosk.conf" "$ROOT/etc/sysusers.d/sciatica-kiosk.conf"
    install -D -m 644 "$DEPLOY_SRC/tmpfiles.d/sciatica-kiosk.conf" "$ROOT/etc/tmpfiles.d/sciatica-kiosk.conf"
    # Both tools create only what is missing and correct owners and modes, so a second run changes
    # nothing, and data from an older version becomes owner-only.
    systemd-sysusers "${SYSTEMD_ROOT[@]}" "$ROOT/etc/sysusers.d/sciatica-kiosk.conf"
    systemd-tmpfiles "${SYSTEMD_ROOT[@]}" --create "$ROOT/etc/tmpfiles.d/sciatica-kiosk.conf"
}

install_app() {
    step "The app, into $APP_DIR"
    mkdir -p "$ROOT$APP_DIR"
    # The checkout's own .gitignore keeps build output out (and, on the receiving side, keeps the
    # virtualenv, node_modules and compiled catalogs from being deleted). Unchanged files are not
    # touched, so a second run leaves every file as it was.
    rsync -rlt --delete --checksum \
        --filter=':- .gitignore' --exclude=/.git --exclude=/tests/ --exclude=/bench/ --exclude=/docs/ \
        --exclude=/.ci/ --exclude=/Makefile \
        "$SOURCE_DIR/" "$ROOT$APP_DIR/" >/dev/null
    # Root's, readable by all, writable by nobody else: the server can't change its own code.
    chown -R root:root "$ROOT$APP_DIR"
    chmod -R u=rwX,go=rX "$ROOT$APP_DIR"

    local venv=$ROOT$APP_DIR/.venv stamp
    stamp=$( (python3 --version; sha256sum "$ROOT$APP_DIR/pyproject.toml" | cut -d' ' -f1) | sha256sum | cut -d' ' -f1)
    if [[ $(cat "$venv/.sciatica-kiosk-stamp" 2>/dev/null) != "$stamp" ]]; then
        # A new Python (a Debian upgrade) needs a new virtualenv; a new pyproject.toml only new packages.
        if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, sys.argv[1].split("."))))' \
            "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" 2>/dev/null; then
            rm -rf "$venv"
            python3 -m venv "$venv"
        fi
        "$venv/bin/pip" install --quiet --disable-pip-version-check -e "$ROOT$APP_DIR"
        echo "$stamp" >"$venv/.sciatica-kiosk-stamp"
    else
        echo "Python packages are up to date."
    fi

    stamp=$(sha256sum "$ROOT$APP_DIR/package-lock.json" | cut -d' ' -f1)
    if [[ $(cat "$ROOT$APP_DIR/node_modules/.sciatica-kiosk-stamp" 2>/dev/null) != "$stamp" ]]; then
        # Only what the kiosk serves (htmx); axe-core and other test tools are devDependencies.
        (cd "$ROOT$APP_DIR" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
        echo "$stamp" >"$ROOT$APP_DIR/node_modules/.sciatica-kiosk-stamp"
    else
        echo "npm packages are up to date."
    fi

    # The repository's catalogs, compiled here because the server may not write to $APP_DIR. A scratch
    # data directory keeps this from creating a session key or a database anywhere real.
    local scratch
    scratch=$(mktemp -d)
    KIOSK_DATA_DIR=$scratch "$venv/bin/kiosk" translate compile >/dev/null
    rm -rf "$scratch"
    # Byte-compiled once here, so a Raspberry Pi doesn't compile the app in memory at every start.
    "$venv/bin/python" -m compileall -q "$ROOT$APP_DIR/kiosk" >/dev/null
}

install_config() {
    step "Settings in $CONFIG_DIR (existing files are kept)"
    mkdir -p "$ROOT$CONFIG_DIR"
    local name
    for name in opening-hours screen.conf backup.conf server.env; do
        if [[ ! -e $ROOT$CONFIG_DIR/$name ]]; then
            install -m 644 "$DEPLOY_SRC/config/$name" "$ROOT$CONFIG_DIR/$name"
            echo "created $CONFIG_DIR/$name"
        fi
    done
}

install_units() {
    step "systemd units"
    mkdir -p "$ROOT$UNIT_DIR"
    install -m 644 "$DEPLOY_SRC"/systemd/sciatica-kiosk* "$ROOT$UNIT_DIR/"
    mkdir -p "$ROOT/usr/local/sbin"
    ln -sfn "$APP_DIR/deploy/bin/sciatica-kiosk" "$ROOT/usr/local/sbin/sciatica-kiosk"
}

install_chromium_policy() {
    step "Chromium's kiosk policy"
    local dir
    for dir in /etc/chromium /etc/chromium-browser; do
        # /etc/chromium always; the other only where Raspberry Pi's chromium-browser reads it.
        [[ $dir == /etc/chromium || -d $ROOT$dir ]] || continue
        install -D -m 644 "$DEPLOY_SRC/chromium/kiosk-policy.json" "$ROOT$dir/policies/managed/sciatica-kiosk.json"
        local old=$ROOT$dir/policies/managed/kiosk.json
        if [[ -f $old && $(sha256sum "$old" | cut -d' ' -f1) == "$OLD_POLICY_SHA256" ]]; then
            rm "$old"
            echo "removed the old policy $dir/policies/managed/kiosk.json"
        fi
    done
}

install_tls_and_nginx() {
    step "HTTPS for the front desk (nginx, the kiosk's own certificate authority)"
    "$ROOT$APP_DIR/deploy/bin/kiosk-tls" --dir "$ROOT$CONFIG_DIR/tls" --front-desk-dir "$ROOT$CONFIG_DIR/front-desk" setup
    install -D -m 644 "$DEPLOY_SRC/nginx/sciatica-kiosk.conf" "$ROOT/etc/nginx/sites-available/sciatica-kiosk"
    mkdir -p "$ROOT/etc/nginx/sites-enabled"
    ln -sfn ../sites-available/sciatica-kiosk "$ROOT/etc/nginx/sites-enabled/sciatica-kiosk"
    # Debian's welcome site claims port 80 as the default server too; ours replaces it.
    if [[ -L $ROOT/etc/nginx/sites-enabled/default ]]; then
        rm "$ROOT/etc/nginx/sites-enabled/default"
        echo "disabled nginx's default site"
    fi
    if [[ -z $ROOT ]]; then
        nginx -t -q
    fi
}

enable_units() {
    step "Start at boot"
    [[ -z $ROOT ]] && systemctl daemon-reload
    systemctl "${SYSTEMD_ROOT[@]}" enable --quiet "${UNITS_TO_ENABLE[@]}"
    if [[ -z $ROOT ]] && systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
        echo "NOTE: a desktop (display-manager.service) also starts at boot and may take the screen."
        echo "      On a kiosk, turn it off with: sudo systemctl disable display-manager.service"
    fi
}

wait_for_server() {
    local second
    for second in $(seq 120); do
        if curl --silent --fail --max-time 2 --output /dev/null "$HEALTH_URL"; then
            echo "The server answers (after ${second} s)."
            return 0
        fi
        sleep 1
    done
    die "the server did not answer $HEALTH_URL in two minutes; see: journalctl -u sciatica-kiosk"
}

start_everything() {
    step "Starting (the server applies any database migration as it starts)"
    systemctl restart sciatica-kiosk.service
    wait_for_server
    systemctl restart nginx.service
    # The screen waits for the server itself; --no-block so that a machine without a display can finish.
    systemctl restart --no-block sciatica-kiosk-screen.service
    systemctl restart sciatica-kiosk-screen-power.timer sciatica-kiosk-backup.timer \
        sciatica-kiosk-health.timer sciatica-kiosk-tls-renew.timer
    systemctl start --no-block sciatica-kiosk-warm.service
}

first_staff_account() {
    step "Staff accounts"
    local accounts
    accounts=$(/usr/local/sbin/sciatica-kiosk staff list)
    if [[ -n $accounts ]]; then
        echo "Staff accounts: $(cut -f1 <<<"$accounts" | paste -sd' ')"
        return 0
    fi
    if [[ ! -t 0 ]]; then
        echo "There is no staff account yet. Create the first one with:"
        echo "  sudo sciatica-kiosk staff add NAME --role front_desk --role translator"
        return 0
    fi
    local name roles=(--role front_desk) answer
    while [[ -z ${name:-} ]]; do
        read -rp "Name of the first staff account (for example: maria): " name
    done
    read -rp "May $name also edit the translations? [y/N] " answer
    [[ $answer == [yY]* ]] && roles+=(--role translator)
    /usr/local/sbin/sciatica-kiosk staff add "$name" "${roles[@]}"
}

summary() {
    step "Done"
    if ((START)); then
        echo "The kiosk screen shows http://127.0.0.1:8080/ and comes back by itself after a power cut."
        echo "Front desk: open http://$(hostname -s).local/front-desk/ on the front desk PC and follow README.txt."
        echo "Opening hours: $CONFIG_DIR/opening-hours. Status: sudo sciatica-kiosk status"
    else
        echo "Installed into ${ROOT:-/} without starting anything."
    fi
}

((PACKAGES)) && install_packages
install_users_and_directories
install_app
install_config
install_units
install_chromium_policy
install_tls_and_nginx
enable_units
if ((START)); then
    start_everything
    first_staff_account
fi
summary
