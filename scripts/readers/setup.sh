#!/usr/bin/env bash
# Installs what scripts/readers/ needs, idempotently: the Python readers (pip), the
# JavaScript readers (npm ci here), Debian's libical-dev and a C compiler (apt), and the
# C reader compiled into scripts/readers/build/ (gitignored). Safe to run again: each step
# is skipped when its result is already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quiet=${QUIET:-}
say() { [[ -n $quiet ]] || echo "setup: $*" >&2; }

# Python: icalendar, recurring-ical-events, vobject, khal, python-dateutil, PyYAML
py=${PYTHON:-python3}
# Pinned: the reader bugs compare.py proves are those of these versions (a newer reader that
# fixed one fails its proof, which compare.py reports).
pins=(icalendar==7.3.2 recurring-ical-events==3.8.2 x-wr-timezone==2.0.1 vobject==0.9.9 khal==0.14.1
      python-dateutil==2.9.0.post0 pyyaml==6.0.3)
if ! "$py" -m pip install --quiet --disable-pip-version-check --dry-run "${pins[@]}" 2>/dev/null | grep -q "Would install" \
   && command -v khal >/dev/null; then
    :
else
    say "pip install ${pins[*]}"
    "$py" -m pip install --quiet --disable-pip-version-check "${pins[@]}" 2>&1 | grep -v "running pip as the 'root' user" || true
fi
if ! "$py" -c 'import tomllib' 2>/dev/null && ! "$py" -c 'import tomli' 2>/dev/null; then
    "$py" -m pip install --quiet --disable-pip-version-check tomli
fi

# C: libical-dev, pkg-config and a compiler from Debian
need_apt=()
dpkg -s libical-dev >/dev/null 2>&1 || need_apt+=(libical-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v cc >/dev/null || need_apt+=(gcc libc6-dev)
if ((${#need_apt[@]})); then
    say "apt-get install ${need_apt[*]}"
    sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
mkdir -p "$here/build"
bin="$here/build/read_libical"
if [[ ! -x $bin || $here/read_libical.c -nt $bin ]]; then
    say "cc read_libical.c -> build/read_libical"
    # shellcheck disable=SC2046
    cc -O2 -Wall -Wextra -o "$bin" "$here/read_libical.c" $(pkg-config --cflags --libs libical)
fi

# JavaScript: ical.js and node-ical, as package-lock.json pins them
if ! command -v node >/dev/null; then
    say "apt-get install nodejs npm"
    sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi
stamp="$here/node_modules/.package-lock.json"
if [[ ! -f $stamp || $here/package-lock.json -nt $stamp ]]; then
    say "npm ci"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
say "ready"
