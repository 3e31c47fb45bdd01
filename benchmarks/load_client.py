"""The load generator of ``load.py``: logged-in customers browsing, searching, posting, filing.

Each load process is one customer with its own cookies and keep-alive connection, reading CSRF
tokens from the forms and following no redirect by itself. In the ``mixed`` phase it chooses at
random by ``ACTIONS``; in the ``browse`` phase (the baseline) it only browses. Every acknowledged
write carries a unique marker word and is recorded for the lost-write check.
"""

import http.client
import multiprocessing
import os
import random
import re
import signal
import subprocess
import time
import urllib.parse
import uuid
from pathlib import Path

import load_profile
from load_dataset import PASSWORD
from load_dataset import WORDS
from load_dataset import sentence
from load_servers import cpu_seconds
from load_servers import workers_of
from load_text import search_query

TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
STATE_RE = re.compile(r'name="state" value="([^"]+)"')
ACTIONS = {"browse": 45, "search": 25, "post": 20, "ticket": 10}
PHASES = {"browse": {"browse": 1}, "mixed": ACTIONS}
STARTUP = 8.0  # seconds the load processes get to start and log in before a phase begins


class Browser:
    """One customer: a cookie jar and a keep-alive connection; redirects are not followed."""

    def __init__(self, port: int):
        self.port, self.conn, self.cookies = port, None, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """Send one request; return (status, Location, body). Connection errors propagate."""
        headers = (
            {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if self.cookies
            else {}
        )
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, response.headers.get("Location", ""), text


def wizard_form(html: str, step: str, data: dict) -> dict:
    """The form of a wizard step: its CSRF token and signed state from the page, and the answers."""
    return {
        "csrf_token": TOKEN_RE.search(html).group(1),
        "state": STATE_RE.search(html).group(1),
        "step": step,
        **data,
    }


class Run:
    """One process's share of the load: its requests (label, status, seconds) and its writes."""

    def __init__(
        self,
        port: int,
        facts: dict,
        number: int,
        window: tuple[float, float],
        run_id: str,
        phase: str,
    ):
        self.browser, self.facts = Browser(port), facts
        self.start_at, self.deadline = window
        self.actions = PHASES[phase]
        self.rng, self.run_id, self.number, self.seq = random.Random(number), run_id, number, 0
        self.requests, self.writes, self.unknown = [], [], []
        self.threads: list[int] = []
        self.texts = facts.get("texts")  # real text to draw from; None: synthetic words

    def call(self, label: str, method: str, path: str, form: dict | None = None):
        """Time and record one request: (status, location, body), or None on a connection error."""
        began = time.perf_counter()
        try:
            status, location, body = self.browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.requests.append(
                (label, f"connection error ({type(error).__name__})", time.perf_counter() - began)
            )
            return None
        self.requests.append((label, status, time.perf_counter() - began))
        return status, location, body

    def page(self, path: str) -> str | None:
        """GET a page as browsing; its body if it answered 200."""
        answer = self.call("browse", "GET", path)
        return answer[2] if answer and answer[0] == 200 else None

    def marker(self) -> str:
        """A unique word for one write, found by search afterwards."""
        self.seq += 1
        return f"lw{self.run_id}p{self.number}n{self.seq}"

    def login(self) -> None:
        """Log in through the form with its CSRF token."""
        token = TOKEN_RE.search(self.page("/account/login") or "").group(1)
        answer = self.call(
            "login",
            "POST",
            "/account/login",
            {"csrf_token": token, "email": f"load{self.number}@example.com", "password": PASSWORD},
        )
        if not answer or answer[0] != 302:
            raise SystemExit(f"login of load{self.number} failed: {answer and answer[0]}")

    def browse(self) -> None:
        """A catalog page with filters, an app page, a thread or a section."""
        f, rng = self.facts, self.rng
        choice = rng.randrange(6)
        if choice == 0:
            self.page(f"/apps?category={rng.choice(f['categories'])}&page={rng.randint(1, 5)}")
        elif choice == 1:
            channel = rng.choice(["isv", "professional", "consulting"])
            self.page(f"/apps?channel={channel}&sort=updated&page={rng.randint(1, 20)}")
        elif choice == 2:
            self.page(f"/apps?q={rng.choice(WORDS)}")
        elif choice == 3:
            self.page(f"/apps/{rng.choice(f['apps'])}")
        elif choice == 4:
            self.page(f"/forum/t/{rng.randint(1, f['max_thread'])}")
        else:
            self.page(f"/forum/s/{rng.choice(f['sections'])}")

    def search(self) -> None:
        """The search page or the search API, sometimes with a filter or a prefix."""
        if self.texts:
            q = search_query(self.rng, self.rng.choice(self.texts["queries"]))
        else:
            q = " ".join(self.rng.sample(WORDS, self.rng.randint(1, 2)))
            if self.rng.random() < 0.2:
                q += (
                    " type:thread" if self.rng.random() < 0.5 else f" {self.rng.choice(WORDS)[:5]}*"
                )
        quoted = urllib.parse.quote_plus(q)
        if self.rng.random() < 0.5:
            self.call("search", "GET", f"/search?q={quoted}")
        else:
            self.call("search-api", "GET", f"/api/v1/search?q={quoted}")

    def written(self, kind: str, marker: str, answer, pattern: str) -> None:
        """Record an acknowledged write (its id from the redirect) and follow the redirect."""
        if answer is None:
            self.unknown.append({"kind": kind, "marker": marker})
            return
        status, location, _ = answer
        found = re.search(pattern, location) if status in (302, 303) else None
        if found is None:
            return
        self.writes.append({"kind": kind, "marker": marker, "id": found.group(1)})
        self.page(
            urllib.parse.urlsplit(location)._replace(fragment="", scheme="", netloc="").geturl()
        )

    def post(self) -> None:
        """Start a thread (from the new-thread form) or reply (from the thread page)."""
        marker = self.marker()
        if self.texts:
            title, text = self.rng.choice(self.texts["posts"])
        else:
            title, text = f"Load test question {self.seq}", sentence(self.rng, 20)
        if self.rng.random() < 0.4 or not self.threads:
            slug = self.rng.choice(self.facts["sections"])
            html = self.page(f"/forum/s/{slug}/new")
            if html:
                answer = self.call(
                    "post",
                    "POST",
                    f"/forum/s/{slug}/new",
                    {
                        "csrf_token": TOKEN_RE.search(html).group(1),
                        "title": title,
                        "body": f"{text} {marker}",
                    },
                )
                self.written("thread", marker, answer, r"/forum/t/(\d+)$")
                if self.writes and self.writes[-1]["marker"] == marker:
                    self.threads.append(int(self.writes[-1]["id"]))
            return
        mine = self.rng.random() < 0.5
        thread = (
            self.rng.choice(self.threads) if mine else self.rng.randint(1, self.facts["max_thread"])
        )
        html = self.page(f"/forum/t/{thread}")
        if html:
            answer = self.call(
                "post",
                "POST",
                f"/forum/t/{thread}/reply",
                {"csrf_token": TOKEN_RE.search(html).group(1), "body": f"{text} {marker}"},
            )
            self.written("reply", marker, answer, r"#post-(\d+)$")

    def ticket(self) -> None:
        """File a ticket through every step of the request wizard, as a browser does."""
        marker = self.marker()
        answer = self.call(
            "ticket-step", "GET", f"/support/new?app={self.rng.choice(self.facts['pro_apps'])}"
        )
        if self.texts:
            title, text = self.rng.choice(self.texts["drafts"])
            describe = {"title": f"{title} {marker}", "text": text}
        else:
            describe = {"title": f"Load test ticket {marker}", "text": sentence(self.rng, 30)}
        steps = [
            ("describe", describe),
            (
                "classify",
                {
                    "severity": str(self.rng.randint(1, 3)),
                    "kind": self.rng.choice(["incident", "question"]),
                },
            ),
            ("deflect", {}),
        ]
        for step, data in steps:
            if not answer or answer[0] != 200:
                return
            html = answer[2]
            answer = self.call("ticket-step", "POST", "/support/new", wizard_form(html, step, data))
        if not answer or answer[0] != 200:
            return
        answer = self.call(
            "ticket-submit", "POST", "/support/new", wizard_form(answer[2], "review", {})
        )
        self.written("ticket", marker, answer, r"/support/tickets/([A-Z]+-\d+)$")

    def loop(self) -> dict:
        """Log in, wait for the phase to start, then act until the deadline."""
        self.login()
        setup, self.requests = self.requests, []  # six logins at once are not the phase's load
        time.sleep(max(0.0, self.start_at - time.time()))
        actions, weights = list(self.actions), list(self.actions.values())
        while time.time() < self.deadline:
            getattr(self, self.rng.choices(actions, weights)[0])()
        return {
            "requests": self.requests,
            "setup": setup,
            "writes": self.writes,
            "unknown": self.unknown,
        }


def load_process(
    port: int, facts: dict, number: int, window: tuple[float, float], run_id: str, phase: str
) -> dict:
    """Entry point of one load process."""
    return Run(port, facts, number, window, run_id, phase).loop()


def _kill_one_worker(master: int, began: float, duration: float) -> dict | None:
    """Half-way through, kill -9 one gunicorn worker; return what happened."""
    time.sleep(max(0.0, began + duration / 2 - time.time()))
    workers = workers_of(master)
    if not workers:
        return None
    victim = random.choice(workers)
    os.kill(victim, signal.SIGKILL)
    killed = {"pid": victim, "at_second": round(time.time() - began, 1), "workers_before": workers}
    print(f"  kill -9 worker {victim} at {killed['at_second']} s", flush=True)
    time.sleep(3)
    killed["workers_after"] = workers_of(master)
    return killed


def drive(
    port: int,
    master: subprocess.Popen,
    indexer: subprocess.Popen,
    facts: dict,
    args,
    phase: str,
    profile_dir: Path | None = None,
    probe=None,
) -> dict:
    """One phase: the load processes for ``args.duration`` s; its results and the servers' CPU.

    In the mixed phase, ``--kill-worker`` kills one worker half-way, ``profile_dir`` samples
    both workers with py-spy, and ``probe`` (a ``load_freshness.Probe``, a thread) runs beside
    the load processes as one more customer.
    """

    run_id = uuid.uuid4().hex[:6]
    workers = workers_of(master.pid)
    pids = {**dict.fromkeys(workers, "worker"), indexer.pid: "indexer"}
    began = time.time() + STARTUP  # the processes start and log in before the phase begins
    window = (began, began + args.duration)
    killed, spies = None, []
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        jobs = [(port, facts, n, window, run_id, phase) for n in range(args.processes)]
        pending = pool.starmap_async(load_process, jobs)
        if probe:
            probe.start()
        time.sleep(max(0.0, began - time.time()))
        cpu_before = {pid: cpu_seconds(pid) for pid in pids}
        if profile_dir:
            spies = load_profile.start(workers, args.duration, profile_dir)
        if args.kill_worker and phase == "mixed":
            killed = _kill_one_worker(master.pid, began, args.duration)
        results = pending.get(timeout=STARTUP + args.duration + 120)
    seconds = time.time() - began
    cpu = {}
    for pid, role in pids.items():
        after = cpu_seconds(pid)
        if after is not None and cpu_before[pid] is not None:
            cpu[f"{role} {pid}"] = (after - cpu_before[pid]) / seconds
    if probe:
        probe.join(timeout=30)
    stacks, per_pid = load_profile.collect(spies) if spies else (None, None)
    return {
        "results": results,
        "seconds": seconds,
        "killed": killed,
        "cpu": cpu,
        "stacks": stacks,
        "samples_per_pid": per_pid,
        "freshness": probe.outcome() if probe else None,
    }
