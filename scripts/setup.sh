#!/usr/bin/env bash
# Set up Krātuve in ./.venv on a Debian machine (Python 3.11).
#   scripts/setup.sh          the package and its runtime dependencies
#   scripts/setup.sh --dev    also the test tools
# System packages are installed with apt-get when missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    *) echo "usage: scripts/setup.sh [--dev]" >&2; exit 2 ;;
  esac
done

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Runtime tools: Tesseract OCR with Latvian and English models (scanned pages), poppler-utils
# (pdftotext/pdftoppm, used by tests and for checks), DejaVu fonts (test PDFs are drawn with them),
# Pango (WeasyPrint draws the PDF report with it).
SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-lav tesseract-ocr-eng poppler-utils fonts-dejavu-core
  libpango-1.0-0 libpangoft2-1.0-0)
# Test tools: Redis (the production broker, run for real by the tests), PostgreSQL (the several-machine
# service store, run for real by the tests), Chromium and its driver (browser tests), docker-compose 1.29
# (validates deploy/compose.yaml without an engine).
if [ "$dev" -eq 1 ]; then
  SYSTEM_PACKAGES+=(redis-server postgresql chromium chromium-driver docker-compose)
fi
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi

PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  apt_install python3 python3-venv python3-dev
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else 1)'; then
  echo "Krātuve needs Python 3.11 or 3.12; $PY is $("$PY" --version 2>&1)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi

.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" -eq 1 ]; then
  .venv/bin/python -m pip install -q -e ".[dev]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "Krātuve is installed in .venv (run .venv/bin/kratuve --help)"
