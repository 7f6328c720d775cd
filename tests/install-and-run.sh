#!/usr/bin/env bash
# Install everything DeskChat's tests need on Debian/Ubuntu (system packages and Python packages in .venv),
# then run the whole suite headless: lint, types, unit, integration and window tests.
#   bash tests/install-and-run.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # Qt's offscreen and xcb platforms, fonts for painting text (and emoji), Xvfb for screenshots, libpulse0 for
    # QtMultimedia (the notification sound: without it PySide6.QtMultimedia does not load), ffmpeg (neonize uses it for
    # audio and video); Dovecot (IMAP, LMTP) for the e-mail tests (started by the fixtures on loopback ports, never as
    # a system service) and isync for its benchmark; PostgreSQL for the CRM reference server's tests (a cluster in a
    # temporary folder, started by the fixtures as the postgres user, never as a system service).
    $SUDO apt-get install -y -qq --no-install-recommends \
        python3 python3-venv python3-pip \
        libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
        libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
        libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-image0 libx11-xcb1 \
        libpulse0 fonts-dejavu-core fonts-noto-color-emoji ffmpeg xvfb xauth \
        dovecot-imapd dovecot-lmtpd isync postgresql >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check deskchat tests
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
