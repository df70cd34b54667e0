#!/usr/bin/env bash
# Install the Debian packages chacra needs, and only those that are missing.
#
#   scripts/system-deps.sh             GDAL, SpatiaLite, PROJ, gettext, Node.js/npm, python3-venv
#   scripts/system-deps.sh --browser   ... plus what the tests need: Chromium and fonts for
#                                      Playwright, Redis for the Celery worker test
#   scripts/system-deps.sh --postgis   ... plus PostgreSQL with PostGIS 3
#   scripts/system-deps.sh --bench     ... plus wrk, the load generator of `chacra bench load`
#
# Silent and exit 0 when nothing is missing. Installs as root, or through `sudo -n` when that works
# without a password; otherwise prints the exact `sudo apt-get install ...` to run and exits 1.
set -euo pipefail

browser=0
postgis=0
bench=0
for arg in "$@"; do
    case "$arg" in
        --browser) browser=1 ;;
        --postgis) postgis=1 ;;
        --bench) bench=1 ;;
        -h | --help)
            sed -n '2,11s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        *)
            echo "system-deps.sh: unknown option '$arg' (accepted: --browser, --postgis, --bench)" >&2
            exit 2
            ;;
    esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps.sh: dpkg-query not found; this script knows Debian's packages only." >&2
    echo "Install by hand: GDAL (gdal-bin), SpatiaLite's mod_spatialite, PROJ, binutils, gettext," >&2
    echo "Node.js with npm, a Python 3.11+ whose sqlite3 can load extensions" \
        "(and Chromium / PostGIS 3 if needed)." >&2
    exit 1
fi

installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

# GeoDjango needs GDAL and PROJ (libgdal via gdal-bin; libproj-dev brings the unversioned libproj.so
# that ctypes finds), binutils (ctypes.util.find_library uses objdump), SpatiaLite for the embedded
# database, gettext for compilemessages.
wanted=(gdal-bin libsqlite3-mod-spatialite binutils libproj-dev gettext)
# `make venv` builds .venv from Debian's /usr/bin/python3, whose venv needs python3-venv (ensurepip).
# Checked with dpkg rather than `python3 -m venv --help`, which succeeds even without it.
wanted+=(python3-venv)
# Node.js may come from elsewhere (nodesource bundles npm); only fall back to Debian's when npm is absent.
command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
if ((browser)); then
    # The Celery test starts its own private redis-server on a free port.
    wanted+=(chromium fonts-dejavu-core redis-server)
fi
if ((bench)); then
    wanted+=(wrk)
fi
if ((postgis)); then
    # Use the PostgreSQL major already set up (/etc/postgresql/<major>), else the distribution's default.
    pg_major="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$pg_major" ]]; then
        pg_major="$(apt-cache depends postgresql 2>/dev/null |
            sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1 || true)"
        pg_major="${pg_major:-15}"
        wanted+=(postgresql)
    fi
    wanted+=("postgresql-${pg_major}-postgis-3")
fi

missing=()
for pkg in "${wanted[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "chacra needs these Debian packages, which are not installed: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install ${missing[*]}" >&2
    echo "then run make again." >&2
    exit 1
fi

echo "system-deps.sh: installing ${missing[*]}" >&2
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends)
apt_update() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >&2; }

# Refresh the package lists only when there are none, or when installing from the old ones fails.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt_update
fi
if ! "${apt[@]}" install "${missing[@]}" >&2; then
    echo "system-deps.sh: install failed; refreshing package lists and retrying" >&2
    apt_update
    "${apt[@]}" install "${missing[@]}" >&2
fi

still_missing=()
for pkg in "${missing[@]}"; do
    installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
    echo "system-deps.sh: still not installed after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
