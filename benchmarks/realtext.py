"""Known-item evaluation sets built from real text on this machine, text we did not write.

Two loaders, each returning a ``KnownItemSet`` (documents, queries, and what was dropped):

- ``stdlib_set()``: the running interpreter's standard library (``sysconfig`` "stdlib"), read
  with ``ast`` (nothing is imported): modules, classes, functions and methods whose docstring
  has at least ``MIN_BODY`` characters. Title = the qualified name (``json.dumps``), body = the
  whole docstring. ``test``/``tests``/``idle_test`` folders and ``site-packages`` are left out.
- ``debian_set()``: the packages apt knows, read with benchmarks/debian_catalog.py's reader
  (``apt-cache dumpavail`` + the ``Translation-en`` lists). Title = the package name, body =
  the synopsis and the long description.

The query of a document is its first docstring line (or its synopsis) as lower-case words, with
the words of the document's own name removed (``JSONDecoder`` → json, decoder; snake and camel
parts and runs of them; the dotted parts of a qualified name; ``python3-xml`` → python, 3, xml;
``libfoo`` also removes ``foo``). A query with fewer than ``MIN_CONTENT_WORDS`` words that are
not stop words is skipped; a query text shared by several documents of the whole population is
ambiguous and dropped for all of them (``KnownItemSet.dropped`` says how many). Nothing is
hand-picked: "transitional package" and "debug symbols" style synopses go by these two rules.
Sampling is deterministic (``seed``): ``targets`` documents with a query, then other documents
up to ``size`` (defaults: 600 targets in 4,000 stdlib documents — the whole library has about
4,400 of this size — and in 5,000 Debian packages). Each query belongs to the **dev** half
(tuning) or the **test** half (reporting): the targets ordered by the SHA-1 of their key, first
half dev. Titles keep to import-posts' limits (5–200 characters; shorter names are left out,
counted) and bodies are cut at 20,000 characters (counted). Man pages are never used (kept
for an independent check).
"""

import ast
import hashlib
import random
import re
import sys
import sysconfig
import warnings
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MIN_BODY = 80
MIN_CONTENT_WORDS = 3
TITLE_MIN, TITLE_MAX, BODY_MAX = 5, 200, 20_000
SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
_STOP_TEXT = """a an and are as at be been but by can could do does for from has have if in
    into is it
    its may might must no not of on or other over shall should so such than that the their then
    there these this those to too under up use used uses using was we were what when where which
    while who whom why will with would you your"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")  # keeps "system's" one word
NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


class DataUnavailable(RuntimeError):
    """The text a loader reads is not on this machine (the message says how to get it)."""


@dataclass(frozen=True)
class Document:
    """One document of a set: a unique key, the title and the body to index."""

    key: str
    title: str
    body: str


@dataclass(frozen=True)
class Query:
    """A known-item query: its text, the key of the one right document, and its half."""

    text: str
    key: str
    half: str  # "dev" (for tuning) or "test" (for reporting)


@dataclass
class KnownItemSet:
    """Documents (sorted by key), queries (dev then test) and counts of what was left out."""

    name: str
    documents: list[Document]
    queries: list[Query]
    dropped: Counter = field(default_factory=Counter)

    def half(self, which: str) -> list[Query]:
        """The queries of the "dev" or the "test" half."""
        return [q for q in self.queries if q.half == which]


def name_words(name: str) -> set[str]:
    """The lower-case words of a name: dotted, snake, kebab and camel parts, digits apart;
    runs of camel parts (``IPv6Network`` → ipv6, network …); a ``lib`` prefix also yields the
    rest (``libxml2`` → libxml, xml, 2)."""
    words = set()
    for part in re.split(r"[^A-Za-z0-9]+", name):
        pieces = [piece.lower() for piece in NAME_PART.findall(part)]
        for start in range(len(pieces)):  # runs of pieces too: IPv6Network → ipv6
            for end in range(start + 1, len(pieces) + 1):
                words.add("".join(pieces[start:end]))
        low = part.lower()
        words.add(low)
        letters = re.sub(r"\d+", " ", low).split()
        words.update(letters)
        if low.startswith("lib") and len(low) > 3:
            words.update(w for w in re.sub(r"\d+", " ", low[3:]).split())
    words.discard("")
    return words


def make_query(line: str, name: str) -> str | None:
    """``line`` as lower-case words without ``name``'s words, or None when fewer than
    ``MIN_CONTENT_WORDS`` content (non-stop) words remain."""
    drop = name_words(name)
    words = [w for w in (m.lower() for m in WORD.findall(line)) if w not in drop]
    content = [w for w in words if w not in STOP_WORDS and len(w) > 1]
    return " ".join(words) if len(content) >= MIN_CONTENT_WORDS else None


def build_set(name: str, candidates, size: int, targets: int, seed: int) -> KnownItemSet:
    """Sample a set from ``candidates`` — (Document, first line, name) triples — as the
    module docstring describes."""
    dropped: Counter = Counter()
    docs: dict[str, tuple[Document, str, str]] = {}
    for doc, line, own_name in candidates:
        if not TITLE_MIN <= len(doc.title) <= TITLE_MAX:
            dropped["title outside 5-200 characters"] += 1
        elif doc.key in docs:
            dropped["second definition of the same name"] += 1
        else:
            if len(doc.body) > BODY_MAX:
                dropped["body cut at 20,000 characters (kept)"] += 1
                doc = Document(doc.key, doc.title, doc.body[: BODY_MAX - 1] + "…")
            docs[doc.key] = (doc, line, own_name)
    queries = {key: make_query(line, own) for key, (_, line, own) in docs.items()}
    dropped["query with fewer than 3 content words"] = sum(q is None for q in queries.values())
    uses = Counter(q for q in queries.values() if q)
    ambiguous = [key for key, q in queries.items() if q and uses[q] > 1]
    dropped["ambiguous query (same text for several documents)"] = len(ambiguous)
    dropped["ambiguous query texts"] = sum(1 for n in uses.values() if n > 1)
    rng = random.Random(seed)
    askable = sorted(key for key, q in queries.items() if q and uses[q] == 1)
    if len(askable) < targets or len(docs) < size:
        raise DataUnavailable(
            f"{name}: only {len(docs)} documents and {len(askable)} queries "
            f"(asked for {size} and {targets})"
        )
    chosen = rng.sample(askable, targets)
    chosen_set = set(chosen)
    rest = sorted(key for key in docs if key not in chosen_set)
    corpus = sorted(chosen + rng.sample(rest, size - targets))
    order = sorted(chosen, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    halves = {key: ("dev" if i < len(order) // 2 else "test") for i, key in enumerate(order)}
    query_list = [Query(queries[key], key, halves[key]) for key in order]
    return KnownItemSet(name, [docs[key][0] for key in corpus], query_list, dropped)


def _module_name(path: Path, root: Path) -> str:
    """``json/decoder.py`` → ``json.decoder``; ``json/__init__.py`` → ``json``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _definitions(node, prefix: str):
    """(qualified name, docstring) of the module-level and class-level definitions."""
    for child in node.body:
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            qualified = f"{prefix}.{child.name}"
            yield qualified, ast.get_docstring(child)
            if isinstance(child, ast.ClassDef):
                yield from _definitions(child, qualified)


def stdlib_candidates(root: Path | None = None):
    """(Document, first docstring line, qualified name) of every documented stdlib object."""
    root = Path(root or sysconfig.get_paths()["stdlib"])
    files = sorted(
        p for p in root.rglob("*.py") if not SKIPPED_DIRS & set(p.relative_to(root).parts[:-1])
    )
    if not files:
        raise DataUnavailable(f"no Python source files under {root}")
    for path in files:
        module = _module_name(path, root)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError):
            continue
        found = [(module, ast.get_docstring(tree))] + list(_definitions(tree, module))
        for qualified, docstring in found:
            text = (docstring or "").strip()
            if len(text) >= MIN_BODY:
                doc = Document(qualified, qualified, text)
                yield doc, text.splitlines()[0], qualified


def debian_candidates():
    """(Document, synopsis, package name) of every package with a long description."""
    import debian_catalog

    try:
        stanzas = list(debian_catalog.parse_stanzas(debian_catalog.run("apt-cache", "dumpavail")))
        descriptions = debian_catalog.long_descriptions()
    except (OSError, SystemExit) as error:
        raise DataUnavailable(f"cannot read apt's lists: {error}") from None
    if not stanzas:
        raise DataUnavailable("apt's package lists are empty: run `apt-get update` as root")
    if not descriptions:
        raise DataUnavailable(
            "no Translation-en lists (long descriptions): run "
            "`apt-get update -o Acquire::Languages=en` as root"
        )
    records, _, _ = debian_catalog.app_records(stanzas, descriptions)
    for record in records:
        if len(record["description"]) + len(record["summary"]) >= MIN_BODY:
            body = f"{record['summary']}\n\n{record['description']}"
            doc = Document(record["name"], record["name"], body)
            yield doc, record["summary"], record["name"]


def stdlib_set(size: int = 4000, targets: int = 600, seed: int = 14) -> KnownItemSet:
    """The standard library's docstrings as a known-item set (see the module docstring)."""
    return build_set("stdlib", stdlib_candidates(), size, targets, seed)


def debian_set(size: int = 5000, targets: int = 600, seed: int = 14) -> KnownItemSet:
    """Debian's package descriptions as a known-item set (see the module docstring)."""
    return build_set("debian", debian_candidates(), size, targets, seed)


LOADERS = {"stdlib": stdlib_set, "debian": debian_set}


if __name__ == "__main__":
    for loader in LOADERS.values():
        loaded = loader()
        print(f"{loaded.name}: {len(loaded.documents)} documents, {len(loaded.queries)} queries")
        for what, count in sorted(loaded.dropped.items()):
            print(f"  {count} × {what}")
        for query in loaded.queries[:5]:
            print(f"  [{query.half}] {query.text!r} → {query.key}")
