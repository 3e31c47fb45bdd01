"""The figures of ``load.py``: per-kind latency and throughput of each phase, and the targets.

Targets (issue 14, this 2-core machine): the mixed phase's throughput at least half of the
browse-only phase's in the same run; every kind's p99 ≤ 1 s; post p50 ≤ 150 ms; no lost write;
no 5xx; no catalog code path above 30 % of the workers' busy samples (with ``--profile``); a
post searchable within 2 s of its acknowledgement (the freshness probe, ``load_freshness``).
"""

from collections import Counter
from collections import defaultdict

MIX_RATIO_TARGET = 0.5
P99_TARGET_MS = 1000.0
POST_P50_TARGET_MS = 150.0
HOT_PATH_TARGET = 0.30
FRESH_TARGET_S = 2.0


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000
        if ordered
        else float("nan")
    )


def summarise(results: list[dict], seconds: float) -> dict:
    """Throughput and p50/p99 per label, and the outcomes that were not 2xx/3xx."""
    latencies, outcomes = defaultdict(list), Counter()
    for result in results:
        for label, status, elapsed in result["requests"]:
            latencies[label].append(elapsed)
            if not isinstance(status, int) or status >= 400:
                outcomes[f"{label}: {status}"] += 1
    kinds = {
        label: {
            "requests": len(v),
            "rps": len(v) / seconds,
            "p50_ms": percentile(v, 0.5),
            "p99_ms": percentile(v, 0.99),
        }
        for label, v in sorted(latencies.items())
    }
    total = sum(k["requests"] for k in kinds.values())
    return {
        "seconds": seconds,
        "requests": total,
        "rps": total / seconds,
        "kinds": kinds,
        "errors": dict(outcomes),
        "server_errors": sum(
            n for key, n in outcomes.items() if key.split(": ")[1].startswith("5")
        ),
        "connection_errors": sum(n for key, n in outcomes.items() if "connection error" in key),
    }


def phase_table(name: str, summary: dict, cpu: dict, results: list[dict]) -> None:
    """Print one phase: requests, req/s, p50 and p99 per kind, and the servers' CPU use."""
    print(f"\n{name} phase, {summary['seconds']:.0f} s")
    print(f"{'kind':<14} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, k in summary["kinds"].items():
        print(
            f"{label:<14} {k['requests']:8d} {k['rps']:8.1f} {k['p50_ms']:8.1f} {k['p99_ms']:8.1f}"
        )
    print(f"{'all':<14} {summary['requests']:8d} {summary['rps']:8.1f}")
    logins = [e for result in results for _, _, e in result["setup"]]
    print(
        f"Before the clock (log-in page and login of each process, not counted above): "
        f"{len(logins)} requests, p50 {percentile(logins, 0.5):.0f} ms, "
        f"max {percentile(logins, 1.0):.0f} ms"
    )
    busy = ", ".join(f"{who} {share * 100:.0f} %" for who, share in cpu.items())
    print(f"CPU used (of one core): {busy}")
    print(f"Not 2xx/3xx: {summary['errors'] or 'none'}")


def print_freshness(fresh: dict) -> None:
    """The probe's delays from an acknowledged post to the first search that finds it."""
    delays, indexed = fresh["delays"], fresh["indexed"]
    figures = (
        f"p50 {percentile(delays, 0.5) / 1000:.2f} s, max {max(delays):.2f} s "
        f"(in the index, opened afresh: p50 {percentile(indexed, 0.5) / 1000:.2f} s, "
        f"max {max(indexed):.2f} s)"
        if delays
        else "no post measured"
    )
    print(
        f"Searchable after a post (freshness probe, {len(delays)} posts): {figures}; "
        f"not found within 15 s: {fresh['not_found']}"
        f"{'; probe error: ' + fresh['error'] if fresh['error'] else ''}"
    )


def targets(
    browse: dict, mixed: dict, lost: list, profile: dict | None, fresh: dict
) -> list[tuple]:
    """(what, figure, target, met) for every target of the issue."""
    ratio = mixed["rps"] / browse["rps"] if browse["rps"] else 0.0
    rows = [
        (
            "mixed / browse-only throughput",
            f"{ratio * 100:.0f} % ({mixed['rps']:.1f} / {browse['rps']:.1f} req/s)",
            f"≥ {MIX_RATIO_TARGET * 100:.0f} %",
            ratio >= MIX_RATIO_TARGET,
        )
    ]
    for phase, summary in (("browse-only", browse), ("mixed", mixed)):
        for label, k in summary["kinds"].items():
            rows.append(
                (
                    f"{phase} {label} p99",
                    f"{k['p99_ms']:.0f} ms",
                    f"≤ {P99_TARGET_MS:.0f} ms",
                    k["p99_ms"] <= P99_TARGET_MS,
                )
            )
    post = mixed["kinds"].get("post", {}).get("p50_ms", float("nan"))
    rows.append(
        ("post p50", f"{post:.0f} ms", f"≤ {POST_P50_TARGET_MS:.0f} ms", post <= POST_P50_TARGET_MS)
    )
    slowest = max(fresh["delays"], default=float("nan"))
    rows.append(
        (
            "post searchable (probe, slowest)",
            f"{slowest:.2f} s of {len(fresh['delays'])}, {fresh['not_found']} not found",
            f"≤ {FRESH_TARGET_S:.0f} s",
            slowest <= FRESH_TARGET_S and not fresh["not_found"],
        )
    )
    rows.append(("lost writes", str(len(lost)), "0", not lost))
    errors = browse["server_errors"] + mixed["server_errors"]
    rows.append(("5xx answers (both phases)", str(errors), "0", errors == 0))
    if profile and profile["own_catalog"]:
        frame, share = profile["own_catalog"][0]
        rows.append(
            (
                "hottest catalog code path",
                f"{share * 100:.0f} % {frame}",
                f"≤ {HOT_PATH_TARGET * 100:.0f} %",
                share <= HOT_PATH_TARGET,
            )
        )
    return rows


def print_targets(rows: list[tuple]) -> None:
    """Print the targets beside the figures."""
    print("\nTargets")
    for what, figure, target, met in rows:
        print(f"  {'met ' if met else 'MISS'}  {what:<32} {figure:<44} target {target}")


def print_writes(writes: list[dict], unknown: list[dict], lost: list[dict], killed) -> None:
    """The acknowledged writes, the unknown ones, the killed worker; shout about lost writes."""
    print(
        f"\nWrites acknowledged: {dict(Counter(w['kind'] for w in writes))}; "
        f"outcome unknown (connection error): {len(unknown)}"
    )
    if killed:
        print(
            f"Killed worker {killed['pid']} at {killed['at_second']} s; "
            f"workers before {killed['workers_before']}, 3 s after {killed['workers_after']}"
        )
    if lost:
        print(f"!!! LOST WRITES: {len(lost)} !!! {lost[:10]}")
    else:
        print(
            "Lost writes: 0 (every acknowledged write is in the database, every post in the index)"
        )
