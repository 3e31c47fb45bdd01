"""Import, throughput and freshness benchmark of the Marketplace Support Catalog.

Measured, all on one fresh SQLite database in a temp dir:

1. ``flask import-apps`` of N generated apps (JSON Lines, fixed seed): wall-clock time.
2. Requests/s and p99 latency under gunicorn (2 sync workers, 127.0.0.1) of a trivial endpoint,
   the catalog page, a filtered catalog page and an app page; then, on a second server with the
   fragment cache off (``CATALOG_FRAGMENT_CACHE_SIZE=0``), the trivial endpoint and both catalog
   pages again. Load comes from wrk, or from a clearly labelled built-in generator without it.
3. Freshness: an ORM write through the app (its before_flush hook bumps the catalog version)
   must show on the very next request, including the cached catalog page.

Why the baseline: absolute req/s depend on the machine, so each page is also given as a ratio of
a trivial endpoint of the same app measured the same way in the same run. That endpoint is a
static file served by Flask (``/static/css/site.css``): same workers, WSGI stack, routing and
after_request headers, but no database and no template. Target: catalog page >= 20 %.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "/static/css/site.css"
FILTERED = "/apps?channel=isv&channel=professional&sort=updated&page=3"
CATEGORIES = [
    "Mail & messaging",
    "Security",
    "Backup & recovery",
    "Monitoring",
    "Web hosting",
    "Databases",
    "DNS & networking",
    "E-commerce",
    "Developer tools",
    "Collaboration",
    "Analytics",
    "Migration",
]
# Word lists, many to a line: ruff format would give each word a line of its own.
# fmt: off
PARTS = [
    "mail", "shield", "backup", "vault", "sync", "guard", "pulse", "relay", "forge", "stack",
    "panel", "metric", "sentry", "beacon", "harbor", "nimbus", "quartz", "atlas", "vector",
    "ledger", "orbit", "cipher",
]
# fmt: on
VERBS = ["Filters", "Backs up", "Monitors", "Encrypts", "Synchronises", "Migrates", "Audits"]
THINGS = [
    "mailboxes",
    "databases",
    "web sites",
    "DNS zones",
    "user accounts",
    "log files",
    "TLS certificates",
    "shop orders",
    "shared calendars",
    "virtual machines",
]
TAILS = [
    "with a dashboard your support team already understands",
    "across the whole cluster",
    "on a schedule you choose, with reports by e-mail",
    "without downtime or manual steps",
]
SENTENCES = [
    "{n} installs in a few minutes from the extension catalog and needs no extra services.",
    "Settings live in one screen, and sensible defaults cover most hosting plans.",
    "Every action is written to an audit log that administrators can export as CSV.",
    "Large installations use the command-line interface to script bulk changes.",
    "{n} keeps working when the network is slow and catches up once it returns.",
    "Resellers can brand the customer-facing pages with their own logo and colours.",
]
WEEK = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def make_support(rng: random.Random, slug: str, name: str, vendor: str) -> dict:
    """A random support block: each channel offered independently."""
    support = {}
    if rng.random() < 0.6:
        support["forum_url"] = f"https://forum.example.org/c/{slug}"
    if rng.random() < 0.35:
        support["dedicated_forum"] = True
    if rng.random() < 0.5:
        support["isv"] = {
            "contact_url": f"https://{vendor}.example/support",
            "languages": ["English"],
            "contact_email": f"support@{vendor}.example",
            "conditions": "A current licence.",
            "scope": f"Installation, configuration and defects of {name}.",
            "hours": {"timezone": rng.choice(["Europe/Prague", "Asia/Tokyo"]), "windows": WEEK},
            "first_response_minutes": {"1": 240, "2": 480, "3": 1440},
        }
    if rng.random() < 0.55:
        consulting = rng.random() < 0.4
        support["operator"] = {
            "professional": rng.random() < 0.6,
            "consulting": consulting,
            "knowledge": rng.choice(["limited", "working", "expert"]),
            "stability": rng.choice(["new", "mixed", "stable"]),
            "agreement": "informal",
            "justification": "Decided from our experience running it on our own servers.",
            **({"rate_min": 90, "rate_max": 220} if consulting else {}),
        }
    return support


def make_record(rng: random.Random, i: int, vendors: list[dict]) -> dict:
    """One app record in the import format (docs/import-apps.md), ~1 KB of Markdown."""
    edition, vendor = rng.choice([" Pro", " Lite", ""]), rng.choice(vendors)
    base = f"{rng.choice(PARTS).title()}{rng.choice(PARTS).title()}{edition}"
    slug = f"{re.sub(r'[^a-z0-9]+', '-', base.lower())}-{i}"
    name = f"{base} {i}"  # app names are unique in the marketplace
    picked = [s.format(n=name) for s in rng.sample(SENTENCES, 5)]
    features = "".join(f"- {sentence}\n" for sentence in picked[1:])
    return {
        "slug": slug,
        "name": name,
        "vendor": vendor,
        "category": rng.choice(CATEGORIES),
        "summary": f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(TAILS)}. {picked[0]}",
        "description": f"## What it does\n\n{' '.join(picked)}\n\n## Features\n\n{features}\n"
        "## Requirements\n\nPHP 8.1 or later. See the **release notes**.\n",
        "version": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "homepage": f"https://{vendor['slug']}.example/{slug}",
        "updated": f"20{rng.randint(23, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "published": rng.random() > 0.02,
        "support": make_support(rng, slug, name, vendor["slug"]),
    }


def write_apps(path: Path, count: int) -> list[dict]:
    """Write ``count`` apps (seed 42, up to 300 vendors, 12 categories) as JSON Lines."""
    rng = random.Random(42)
    vendors = [
        {"name": f"{rng.choice(PARTS).title()} Software {v}", "slug": f"vendor-{v}"}
        for v in range(max(1, min(300, count // 60)))
    ]
    records = [make_record(rng, i, vendors) for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def flask(env: dict, *args: str) -> str:
    """Run ``flask --app catalog ARGS``; stop with its output on failure, else return stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "catalog", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"flask {args[0]} failed:\n{done.stdout}{done.stderr[-3000:]}")
    return done.stdout.strip()


def get(port: int, path: str) -> tuple[int, str]:
    """GET a path from the local server; return (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@contextlib.contextmanager
def serving(env: dict, log: Path):
    """Run gunicorn with the project's gunicorn.conf.py, 2 sync workers, on a free 127.0.0.1
    port; always stop it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("a") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "catalog:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if get(port, TRIVIAL)[0] == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not start; see {log}")
        yield port
    except BaseException:  # failure, SystemExit or interrupt: show the log
        print(f"--- end of {log} ---\n{log.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        proc.terminate()  # SIGTERM: the master stops its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_wrk(port: int, path: str, duration: int, connections: int) -> dict:
    """Load one URL with wrk; parse Requests/sec, the 99 % latency and the error counts."""
    cmd = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        f"http://127.0.0.1:{port}{path}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    value, unit = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    errors = re.findall(r"(?:Non-2xx or 3xx responses:|connect|read|write|timeout) (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit],
        "errors": sum(map(int, errors)),
    }


def run_python(port: int, path: str, duration: int, connections: int) -> dict:
    """Built-in fallback: ``connections`` threads issuing GETs for ``duration`` seconds."""
    latencies, failures, start = [], [], time.monotonic()

    def worker():
        while time.monotonic() < start + duration:
            began = time.perf_counter()
            with contextlib.suppress(OSError):
                if get(port, path)[0] == 200:
                    latencies.append(time.perf_counter() - began)  # list.append is atomic
                    continue
            failures.append(path)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p99 = sorted(latencies)[int(0.99 * (len(latencies) - 1))] * 1000 if latencies else float("nan")
    return {
        "rps": len(latencies) / (time.monotonic() - start),
        "p99_ms": p99,
        "errors": len(failures),
    }


def measure(port: int, cases: list[tuple[str, str]], args, load) -> dict:
    """Check that each (label, path) answers 200 (warming up the workers), then load it."""
    results = {}
    for label, path in cases:
        for _ in range(10):
            if (status := get(port, path)[0]) != 200:
                raise SystemExit(f"{path} answered {status}")
        r = results[label] = {"url": path, **load(port, path, args.duration, args.connections)}
        print(f"  {label:<20} {r['rps']:9.1f} req/s  p99 {r['p99_ms']:8.1f} ms", flush=True)
    return results


RENAME = """import sys
from sqlalchemy import select
from catalog import create_app
from catalog.extensions import db
from catalog.marketplace.models import App
with create_app().app_context():
    db.session.scalar(select(App).where(App.slug == sys.argv[1])).name = sys.argv[2]
    db.session.commit()
"""


def freshness(port: int, env: dict) -> dict:
    """Rename the first app of the (cached) /apps page through the ORM; check what follows."""
    page = get(port, "/apps")[1]
    slug = re.search(r'class="app-row__name"><a href="/apps/([^"]+)"', page).group(1)
    name = f"0 Freshness probe {random.randrange(10**6)}"
    search = "/apps?q=" + name.replace(" ", "+")
    for _ in range(4):  # put the old "no apps match" and page 1 in both workers' caches
        get(port, search)
        get(port, "/apps")
    subprocess.run([sys.executable, "-c", RENAME, slug, name], cwd=ROOT, env=env, check=True)
    row, heading = f'<a href="/apps/{slug}">{name}</a>', f"<h1>{name}</h1>"  # not the echoed q
    checks = {
        path: marker in get(port, path)[1]
        for path, marker in ((search, row), (f"/apps/{slug}", heading), ("/apps", row))
    }
    checks["/apps (2nd request, may reach the other worker)"] = row in get(port, "/apps")[1]
    return {"slug": slug, "new_name": name, "checks": checks, "passed": all(checks.values())}


def report(results: dict, fresh: dict, tool: str, args) -> None:
    """Print the table (ratios against the trivial endpoint of the same server) and checks."""
    print(
        f"\nLoad: {tool}; {args.connections} connections, {args.duration} s per URL; "
        f"trivial baseline = {TRIVIAL}"
    )
    print(f"{'page':<20} {'req/s':>9} {'p99 ms':>8} {'vs trivial':>10} {'errors':>6}  url")
    for label, r in results.items():
        baseline = results["trivial, cache off" if "cache off" in label else "trivial"]
        r["ratio"] = r["rps"] / baseline["rps"]
        print(
            f"{label:<20} {r['rps']:9.1f} {r['p99_ms']:8.1f} {r['ratio']:10.1%} "
            f"{r['errors']:6d}  {r['url']}"
        )
    met = "MET" if results["catalog"]["ratio"] >= 0.2 else "NOT MET"
    print(f"Catalog page target (>= 20 % of the trivial endpoint): {met}")
    for path, ok in fresh["checks"].items():
        print(f"Freshness {'PASS' if ok else 'FAIL'}: {path}")


def main() -> None:
    """Generate and import the apps, load both servers, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=20000, help="apps to generate")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks run on kill
    load, tool = run_wrk, "wrk"
    if not shutil.which("wrk"):
        load, tool = run_python, "BUILT-IN Python generator (threads + http.client), not wrk"
        print(
            "wrk not found; install it with: apt-get update && apt-get install -y wrk\n"
            "Falling back to the BUILT-IN Python load generator; figures are not comparable."
        )
    tmp = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    env = {
        **os.environ,
        "CATALOG_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'catalog.sqlite'}",
        "CATALOG_SECRET_KEY": "benchmark-only",
        "CATALOG_SEARCH_INDEX_DIR": str(tmp / "index"),
    }
    try:
        records = write_apps(tmp / "apps.jsonl", args.apps)
        flask(env, "init-db")
        began = time.perf_counter()
        print(flask(env, "import-apps", str(tmp / "apps.jsonl")))
        import_s = time.perf_counter() - began
        print(f"Import took {import_s:.1f} s (wall clock, interpreter start included)", flush=True)
        slug = next(r["slug"] for r in records if r["published"] and "isv" in r["support"])
        cases = [
            ("trivial", TRIVIAL),
            ("catalog", "/apps"),
            ("filtered", FILTERED),
            ("app", f"/apps/{slug}"),
        ]
        with serving(env, tmp / "gunicorn.log") as port:
            results = measure(port, cases, args, load)
            fresh = freshness(port, env)
        off = [(f"{label}, cache off", path) for label, path in cases[:3]]
        with serving({**env, "CATALOG_FRAGMENT_CACHE_SIZE": "0"}, tmp / "gunicorn.log") as port:
            results.update(measure(port, off, args, load))
        report(results, fresh, tool, args)
        if args.out:
            args.out.write_text(
                json.dumps(
                    {
                        "apps": args.apps,
                        "import_seconds": import_s,
                        "load_generator": tool,
                        "baseline": TRIVIAL,
                        "duration": args.duration,
                        "connections": args.connections,
                        "results": results,
                        "freshness": fresh,
                    },
                    indent=2,
                )
            )
        if not fresh["passed"]:
            raise SystemExit(1)
    finally:
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
