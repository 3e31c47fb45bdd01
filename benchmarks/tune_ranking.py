"""Tune the search ranking's settings on the **dev** halves of the real-text sets, in process.

    nice -n 10 .venv/bin/python benchmarks/tune_ranking.py --workdir DIR [--sets stdlib,debian]
        [--passes 2] [--out FILE]

Each set of benchmarks/realtext.py is imported and indexed exactly as benchmarks/search_quality.py
does it (its ``build``; a ``--workdir`` that search_quality.py already filled is reused). Then,
starting from the settings in ``catalog/search/engine/ranking.py``, it walks the grid below one
setting at a time (coordinate ascent, ``--passes`` rounds): for each value it replaces
``ranking.SETTINGS``, reopens the cached searcher (the weighting is chosen when a searcher
opens) and runs every **dev** query through ``catalog.search.engine.search`` (no facets, no
highlights: they do not change the order). A value is kept when it raises the mean of the sets'
dev MRR@10. Every point tried is printed with both sets' figures. The test halves are never read
here; report them with search_quality.py.
"""

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import quality_baselines as base  # noqa: E402
import realtext  # noqa: E402
import search_quality  # noqa: E402

from catalog.search import engine  # noqa: E402
from catalog.search.engine import ranking  # noqa: E402
from catalog.search.engine import searcher  # noqa: E402

GRID = {
    "coordination": [0.0, 1.0, 2.0, 3.0, 5.0],
    "coordinate_by_idf": [True, False],
    "k1": [0.6, 0.9, 1.2, 1.6, 2.0],
    "b": [0.4, 0.6, 0.75, 0.9],
    "title_b": [0.0, 0.4, 0.75],
    "title_weight": [0.5, 1.0, 1.5, 2.0, 3.0],
    "phrase_boost": [0.0, 0.25, 0.5, 1.0, 2.0],
    "phrase_slop": [1, 2, 3, 5],
}


def dev_set(name, args, work: Path):
    """(index folder, [(query text, known title)]) of one set's dev half."""
    loaded = realtext.LOADERS[name](targets=args.targets, seed=args.seed)
    work.mkdir(parents=True, exist_ok=True)
    titles = search_quality.build(loaded, work, search_quality.environment(work), False)
    keys = {doc.key: doc.title for doc in loaded.documents}
    queries = [(q.text, keys[q.key]) for q in loaded.half("dev")]
    return str(work / "index"), titles, queries


def mrr(folder, titles, queries, settings) -> float:
    """Dev MRR@10 of ``settings`` on one set."""
    ranking.SETTINGS = settings
    searcher._local.__dict__.pop("cache", None)  # reopen: the weighting is set at open
    ranks = []
    for text, title in queries:
        hits = engine.search(folder, text, ("public",), per_page=10, facets=False, highlight=False)
        ranks.append(base.rank_of([titles.get(h.id, h.id) for h in hits.hits], title))
    return base.scores(ranks)["mrr10"]


def parse_point(text: str) -> dict:
    """'k1=1.6,coordinate_by_idf=false' → {"k1": 1.6, "coordinate_by_idf": False}."""
    changes = {}
    for item in filter(None, text.split(",")):
        name, value = (part.strip() for part in item.split("=", 1))
        kind = type(getattr(ranking.SETTINGS, name))
        changes[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    return changes


def main() -> int:
    """Coordinate ascent over GRID (or only the --try points); print every point; write --out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="stdlib,debian")
    parser.add_argument("--targets", type=int, default=600)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--try",
        dest="points",
        action="append",
        default=[],
        help="only score these settings, e.g. 'coordination=3,phrase_boost=0' (repeatable)",
    )
    args = parser.parse_args()
    sets = {name: dev_set(name, args, args.workdir / name) for name in args.sets.split(",")}
    tried = {}

    def evaluate(settings):
        key = json.dumps(dataclasses.asdict(settings), sort_keys=True)
        if key not in tried:
            began = time.perf_counter()
            figures = {name: mrr(*data, settings) for name, data in sets.items()}
            figures["mean"] = sum(figures.values()) / len(sets)
            tried[key] = figures
            shown = " ".join(f"{n} {v:.3f}" for n, v in figures.items())
            print(f"{shown}  ({time.perf_counter() - began:.0f} s)  {settings}", flush=True)
        return tried[key]["mean"]

    best = ranking.SETTINGS
    best_score = evaluate(best)
    if args.points:
        for point in args.points:
            evaluate(dataclasses.replace(best, **parse_point(point)))
        return 0
    for _ in range(args.passes):
        for name, values in GRID.items():
            for value in values:
                candidate = dataclasses.replace(best, **{name: value})
                score = evaluate(candidate)
                if score > best_score + 1e-9:
                    best, best_score = candidate, score
    print(f"\nbest (dev mean MRR@10 {best_score:.3f}): {best}")
    if args.out:
        rows = [{"settings": json.loads(k), **v} for k, v in tried.items()]
        args.out.write_text(json.dumps({"best": dataclasses.asdict(best), "tried": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
