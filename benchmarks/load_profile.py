"""``load.py --profile``: sample the gunicorn workers with py-spy and name the hot code paths.

py-spy (``pip install py-spy``, in the ``test`` extra) attaches to each worker by pid for the
mixed phase (``record --nonblocking --format raw``: the worker is never paused, so the sampling
does not add to its latency; it needs permission to ptrace the workers, which root or the same
user with ``kernel.yama.ptrace_scope`` 0 has). Idle samples (a worker waiting for a request)
are left out, so shares are of the workers' busy time.

Two views, each as a share of the busy samples of both workers together:

* **own**: for catalog code, the *deepest catalog frame* of each sample — the catalog function
  on whose behalf the work below it (Whoosh, SQLAlchemy, Jinja) ran; this is the figure the
  "no catalog code path above 30 %" target reads. For all code, the innermost frame.
* **total**: every function on the stack, once per sample.
"""

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from catalog_bench import ROOT

RATE = 50  # samples per second per worker: enough for shares, cheap on a 2-core machine


def py_spy() -> str:
    """The py-spy executable (beside this Python, or on PATH)."""
    found = shutil.which(
        "py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    if not found:
        raise SystemExit("--profile needs py-spy: pip install py-spy (or pip install -e '.[test]')")
    return found


def start(
    pids: list[int], seconds: float, folder: Path
) -> list[tuple[int, subprocess.Popen, Path]]:
    """Start one py-spy per pid for ``seconds``; return (pid, process, raw output file)."""
    spy, spies = py_spy(), []
    for pid in pids:
        out = folder / f"profile-{pid}.txt"
        log = (folder / f"profile-{pid}.log").open("w")
        with log:
            proc = subprocess.Popen(
                [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                 "--rate", str(RATE), "--format", "raw", "--full-filenames", "--nolineno",
                 "--nonblocking", "--output", str(out)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        spies.append((pid, proc, out))
    return spies


def _frame(text: str) -> str:
    """``func (/path/file.py)`` → ``catalog/x.py::func`` (library paths from the package)."""
    func, _, path = text.rpartition(" (")
    path = path.rstrip(")")
    root = f"{ROOT}{os.sep}"
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif path.startswith(root):
        path = path[len(root) :]
    elif "/lib/python" in path:
        path = "stdlib/" + path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return f"{path}::{func}"


def collect(spies) -> tuple[Counter, dict[int, int]]:
    """Wait for every py-spy; return (stack → samples, samples per pid)."""
    stacks, per_pid = Counter(), {}
    for pid, proc, out in spies:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
        per_pid[pid] = 0
        if not out.exists():
            continue
        for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[tuple(_frame(f) for f in stack.split(";"))] += int(count)
                per_pid[pid] += int(count)
    return stacks, per_pid


def is_catalog(frame: str) -> bool:
    """Whether a frame is our own code."""
    return frame.startswith("catalog/")


EVERYWHERE = 0.9  # total-time lists leave out frames on this share of stacks (gunicorn, Flask)


def summarise(stacks: Counter, top: int = 8) -> dict:
    """The top paths by own and by total share, catalog frames and all frames apart.

    The total-time lists leave out the frames on at least ``EVERYWHERE`` of the samples: the
    worker loop and the request dispatch are on every stack and say nothing.
    """
    samples = sum(stacks.values()) or 1
    own, own_catalog, total = Counter(), Counter(), Counter()
    for stack, count in stacks.items():
        own[stack[-1]] += count
        ours = [f for f in stack if is_catalog(f)]
        if ours:
            own_catalog[ours[-1]] += count
        for frame in set(stack):
            total[frame] += count

    def shares(counter, keep=lambda f: True):
        return [(f, n / samples) for f, n in counter.most_common() if keep(f)][:top]

    return {
        "samples": sum(stacks.values()),
        "own_catalog": shares(own_catalog),
        "own_all": shares(own),
        "total_catalog": shares(total, lambda f: is_catalog(f) and total[f] < EVERYWHERE * samples),
        "total_all": shares(total, lambda f: not is_catalog(f) and total[f] < EVERYWHERE * samples),
    }


def report(profile: dict, per_pid: dict[int, int]) -> None:
    """Print the four lists as percentages of the workers' busy samples."""
    print(
        f"\nProfile of the mixed phase: {profile['samples']} busy samples at {RATE}/s "
        f"({', '.join(f'worker {p}: {n}' for p, n in per_pid.items())})"
    )
    titles = {
        "own_catalog": "catalog code paths, own time (deepest catalog frame, libraries below it)",
        "total_catalog": "catalog functions, total time (on the stack; those on ≥ 90 % left out)",
        "own_all": "all code, own time (innermost frame)",
        "total_all": "other code, total time (those on ≥ 90 % of stacks left out)",
    }  # fmt: skip
    for key, title in titles.items():
        print(f"  {title}:")
        for frame, share in profile[key]:
            print(f"    {share * 100:5.1f} %  {frame}")
