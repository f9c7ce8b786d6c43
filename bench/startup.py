"""Start-up time of the command line's light commands against the imports any CSV tool pays (issue 20, lead 4).

    python bench/startup.py [--runs 15] [--importtime 15]

Each command runs in a fresh interpreter, the commands interleaved round by round so a load that comes and goes
(a CI run on the same machine) falls on all of them alike. Prints best and median wall and CPU seconds per command and
the ratio of each dataaudit command to the reference `python -c "import pandas, pyarrow.csv"` (goal for `rules`:
<= 1.15x), then the modules `python -X importtime -c "import dataaudit.cli"` spends the most cumulative time in.
The commands run as `python -m dataaudit ...`, the interpreter that runs this script, so the venv's console
script and this checkout's package are the same code.

Bytecode: an installed package runs from cached bytecode (pip compiles it; an editable checkout writes it on first
import), so by default every command runs with a bytecode cache of its own (PYTHONPYCACHEPREFIX, a temporary
directory filled by the warm-up round; the checkout is left clean) even where PYTHONDONTWRITEBYTECODE is set.
``--no-bytecode-cache`` times the other case: every module compiled from source on every run (dataaudit's own
~50 modules cost ~0.1 s that way). Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "reference": [sys.executable, "-c", "import pandas, pyarrow.csv"],
    "rules": [sys.executable, "-m", "dataaudit", "rules"],
    "explain DA201": [sys.executable, "-m", "dataaudit", "explain", "DA201"],
    "--version": [sys.executable, "-m", "dataaudit", "--version"],
    "import dataaudit": [sys.executable, "-c", "import dataaudit"],
}


ENV = dict(os.environ)


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _once(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; the CPU time (user + system) moves less with the machine's other load."""
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - start, _cpu() - cpu


def timings(runs: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of every command, `runs` rounds, one run of each command per round (after one warm-up
    round)."""
    for argv in COMMANDS.values():
        _once(argv)
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            seconds[name].append(_once(argv))
    return seconds


def import_top(count: int, module: str = "dataaudit.cli") -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the `count` slowest imports under `python -X importtime`."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True, env=ENV)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        rows.append((int(cumulative), int(own), name))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", type=int, default=15, metavar="N", help="show the N slowest imports")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile every module from source on every run (as PYTHONDONTWRITEBYTECODE=1 does)")
    args = parser.parse_args()
    cache = tempfile.TemporaryDirectory(prefix="startup-pycache-")
    if args.no_bytecode_cache:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        ENV.pop("PYTHONPYCACHEPREFIX", None)
    else:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = cache.name
    seconds = timings(args.runs)
    print(f"{args.runs} runs, interleaved; bytecode {'compiled every run' if args.no_bytecode_cache else 'cached'}; "
          f"ratios to the reference")
    print(f"{'command':<18}{'wall best':>10}{'median':>8}{'×best':>7}{'×median':>8}"
          f"{'CPU best':>10}{'median':>8}{'×best':>7}{'×median':>8}")
    reference = seconds["reference"]
    for name, values in seconds.items():
        row = f"{name:<18}"
        for kind in (0, 1):
            mine, ref = [v[kind] for v in values], [v[kind] for v in reference]
            row += (f"{min(mine):>10.3f}{statistics.median(mine):>8.3f}{min(mine) / min(ref):>7.2f}"
                    f"{statistics.median(mine) / statistics.median(ref):>8.2f}")
        print(row)
    print(f"\npython -X importtime -c 'import dataaudit.cli': top {args.importtime} by cumulative time")
    print(f"{'cumulative ms':>14}{'self ms':>9}  module")
    for cumulative, own, name in import_top(args.importtime):
        print(f"{cumulative / 1000:>14.1f}{own / 1000:>9.1f}  {name}")
    cache.cleanup()


if __name__ == "__main__":
    main()
