#!/usr/bin/env bash
# Create the peers' virtual environments (bench/.venvs/{ydata,deepchecks,cleanlab}) from the pinned
# requirements-<peer>.txt beside this script. Idempotent: a venv that exists, imports its tool and has the
# pinned version is left alone; a broken or outdated one is rebuilt. Never touches the main interpreter.
#
#   bash bench/peers/setup.sh [ydata] [deepchecks] [cleanlab]     # default: all three
#
# Environment: PYTHON (default python3.11), BENCH_VENVS (default bench/.venvs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENVS="${BENCH_VENVS:-$(cd "$HERE/.." && pwd)/.venvs}"
PYTHON="${PYTHON:-python3.11}"
PEERS=("$@")
[ ${#PEERS[@]} -eq 0 ] && PEERS=(ydata deepchecks cleanlab)

# venv -> "distribution|import module|python statement that must succeed"
spec() {
  case "$1" in
    ydata) echo "ydata-profiling|ydata_profiling|from ydata_profiling import ProfileReport" ;;
    deepchecks) echo "deepchecks|deepchecks|from deepchecks.tabular.suites import data_integrity; from deepchecks.tabular import Dataset" ;;
    cleanlab) echo "cleanlab|cleanlab|from cleanlab import Datalab" ;;
    *) echo "unknown peer venv: $1 (ydata, deepchecks, cleanlab)" >&2; return 1 ;;
  esac
}

healthy() {  # venv dir, distribution, statement, pinned version
  local py="$1/bin/python"
  [ -x "$py" ] || return 1
  PYTHONPATH= "$py" - "$2" "$4" <<EOF >/dev/null 2>&1
import sys, warnings
warnings.filterwarnings("ignore")
from importlib.metadata import version
$3
sys.exit(0 if version(sys.argv[1]) == sys.argv[2] else 1)
EOF
}

mkdir -p "$VENVS"
for name in "${PEERS[@]}"; do
  IFS='|' read -r dist module stmt <<<"$(spec "$name")"
  req="$HERE/requirements-$name.txt"
  pinned="$(grep -i "^${dist}==" "$req" | head -n1 | cut -d= -f3)"
  dir="$VENVS/$name"
  if healthy "$dir" "$dist" "$stmt" "$pinned"; then
    echo "[$name] ok: $dist $pinned in $dir (skipped)"
    continue
  fi
  echo "[$name] creating $dir ($dist $pinned) ..."
  start=$(date +%s)
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  PYTHONPATH= "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  if ! healthy "$dir" "$dist" "$stmt" "$pinned"; then
    echo "[$name] FAILED: $dist does not import after installing $req" >&2
    exit 1
  fi
  echo "[$name] done in $(( $(date +%s) - start )) s"
done
