#!/usr/bin/env bash
# Prepare this machine for the browser (Solara dashboard) end-to-end tests, offline.
#   * Debian's chromium (+ CJK fonts) -- `playwright install` cannot download browsers here;
#     the tests start /usr/bin/chromium through Playwright's executable_path.
#   * Solara's front-end assets, packed from the npm registry into dashboards/.assets_cache
#     (see dashboards/OFFLINE.md); the server reads them via SOLARA_ASSETS_PROXY_CACHE_DIR.
# Idempotent; runs as root, non-interactive (CI=true, no stdin). Needs the project venv
# (with solara installed) to exist first: PYTHON=/path/to/python overrides .venv/bin/python.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
export DEBIAN_FRONTEND=noninteractive

log() { echo "[setup_browser] $*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# --- 1. system packages (apt), only what is missing -------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq </dev/null
    as_root apt-get install -y -qq "${missing[@]}" </dev/null
else
    log "chromium, fonts-noto-cjk and npm already installed"
fi
log "chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?') at /usr/bin/chromium"

# --- 2. python side: playwright (python package) must be importable -----------------
if [ ! -x "$PYTHON" ]; then
    log "ERROR: $PYTHON not found; create the venv and install the project first"
    exit 1
fi
"$PYTHON" -c "import solara, playwright.sync_api" </dev/null || {
    log "ERROR: solara/playwright not importable by $PYTHON; install the project's dependencies first"
    exit 1
}

# --- 3. offline Solara assets from the npm registry ----------------------------------
"$PYTHON" "$ROOT/dashboards/prepare_assets.py" </dev/null
log "done. Serve dashboards with: SOLARA_ASSETS_PROXY_CACHE_DIR=$ROOT/dashboards/.assets_cache SOLARA_ASSETS_PROXY=true"
