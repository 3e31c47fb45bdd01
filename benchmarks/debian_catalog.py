"""Real data for ``import-apps``: the Debian packages apt knows, as a JSON Lines app catalog.

    .venv/bin/python benchmarks/debian_catalog.py OUT.jsonl [--limit N] [--sample] [--import]

1. Reads ``apt-cache dumpavail`` (one stanza per package apt can install) and, for the long
   descriptions, apt's ``Translation-en`` lists: Debian's ``Packages`` lists carry only the
   one-line synopsis plus a ``Description-md5`` that keys the long text in ``Translation-en``.
   Those lists are downloaded only when apt's ``Acquire::Languages`` allows English; Debian's
   container images turn that off. Without them the apps get no description and the script
   says how to fetch them (``apt-get update -o Acquire::Languages=en``). If dumpavail yields
   nothing at all, apt's lists are empty and the script says to run ``apt-get update``.
2. Writes one app per package in the format of docs/import-apps.md:

   ============  ============================================================================
   slug          the package name, lower-cased (Debian names are lower case already)
   name          the package name
   vendor        the maintainer's name (``Debian GCC Maintainers``); its slug is made from the
                 name (or from the address when the name has no Latin letters), with ``-2`` …
                 when two different maintainers would get the same slug
   category      the archive section (``devel``, ``contrib/net``)
   summary       the synopsis (first line of ``Description``)
   description   the long description as Markdown: the first space of each line removed, ``.``
                 lines become blank lines (paragraph breaks); indented lines stay indented,
                 which Markdown shows as list items or text
   version       the package version
   homepage      ``Homepage``, when it is an http(s) address the import accepts
   ============  ============================================================================

   The format's limits are kept so every record is valid: the vendor and category names are
   cut at 120 characters, the summary at 300, the description at 20,000 and the version at 40
   (a cut ends with "…"), each cut is counted and reported. A homepage that is not an
   http(s) address or is longer than 300 characters cannot be cut into a correct one: it is
   left out, and counted. A package whose name is not a valid slug (see ``slug_problem`` in
   catalog/marketplace/records.py; none in Debian bookworm) is skipped, counted and reported
   with the reason, as is a second stanza for the same name. Nothing is dropped silently.
3. ``--import`` then times the real command on a fresh SQLite database in a temp dir,
   ``flask --app catalog import-apps OUT.jsonl`` as a subprocess with
   ``CATALOG_SQLALCHEMY_DATABASE_URI`` and ``CATALOG_SEARCH_INDEX_DIR`` pointing there, and prints
   its wall time and what it imported; exit status 1 if it refused anything.

The stanzas are parsed here (``parse_stanzas``, a dozen lines) rather than with python-debian's
``deb822``: apt's output is plain deb822 (``Field: value`` with indented continuation lines,
blank lines between stanzas, no PGP armour), and a benchmark should not add a dependency the
catalog does not need. ``email.parser`` would fold the continuation lines together and lose the
line structure the description needs.

``--limit N`` (default 20,000) takes the first N packages by name. ``--sample`` takes N spread
over the whole archive instead: the packages named by ``--include a,b,…`` first, then at least
a sixth of them with ``+`` and a sixth with ``.`` in the name. tests/data/debian_sample.jsonl is

    benchmarks/debian_catalog.py tests/data/debian_sample.jsonl --sample --limit 300 \
        --include g++,aclock.app,python3.11,libstdc++6,libdb5.3++
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email.utils import parseaddr
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.marketplace.identifiers import SLUG_MAX  # noqa: E402
from catalog.marketplace.identifiers import slug_problem  # noqa: E402
from catalog.marketplace.identifiers import slugify  # noqa: E402
from catalog.marketplace.records import is_web_address  # noqa: E402

# The limits of docs/import-apps.md.
NAME_LIMIT = 120
SUMMARY_LIMIT = 300
DESCRIPTION_LIMIT = 20_000
VERSION_LIMIT = 40
URL_LIMIT = 300


def parse_stanzas(text: str):
    """Yield each deb822 stanza of ``text`` as {field: value}; continuation lines are kept
    with their leading space, joined to the first line by newlines."""
    fields: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, last = {}, None
        elif line[0] in " \t":
            if last is not None:
                fields[last] += "\n" + line
        elif ":" in line:
            last, _, value = line.partition(":")
            fields[last] = value.strip()
    if fields:
        yield fields


def run(*command: str) -> str:
    """Run an apt command; its standard output as text (UTF-8, bad bytes replaced)."""
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8", errors="replace")


def long_descriptions() -> dict[str, str]:
    """{Description-md5: long description} from apt's Translation-en lists (may be empty)."""
    files = run(
        "apt-get",
        "indextargets",
        "-o",
        "Acquire::Languages=en",
        "--format",
        "$(FILENAME)",
        "Identifier: Translations",
        "Language: en",
    ).split()
    found = {}
    for name in files:
        if not Path(name).exists():
            continue
        for stanza in parse_stanzas(run("/usr/lib/apt/apt-helper", "cat-file", name)):
            md5, text = stanza.get("Description-md5"), stanza.get("Description-en")
            if md5 and text:
                found.setdefault(md5, text)
    return found


def cut(text: str, limit: int, what: str, notes: list[str]) -> str:
    """``text`` within ``limit`` characters, ending with "…" when cut (noted in ``notes``)."""
    if len(text) <= limit:
        return text
    notes.append(f"cut at the documented limit: {what} ({limit})")
    return text[: limit - 1].rstrip() + "…"


def markdown(long_text: str) -> str:
    """A Debian long description (the lines after the synopsis) as Markdown."""
    lines = []
    for line in long_text.splitlines():
        line = line[1:] if line[:1] in (" ", "\t") else line
        lines.append("" if line.strip() == "." else line.rstrip())
    return "\n".join(lines).strip("\n")


class Vendors:
    """Maintainer → vendor name and a slug no other maintainer gets."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict] = {}
        self.taken: set[str] = set()

    def __call__(self, maintainer: str, notes: list[str]) -> dict:
        name, address = parseaddr(maintainer)
        name = " ".join((name or address or maintainer or "Unknown maintainer").split())
        name = cut(name, NAME_LIMIT, "vendor name", notes)
        if name not in self.by_key:
            base = slugify(name)
            if base == "item" and address:
                base = slugify(address)
            base = base[: SLUG_MAX - 4].strip("-")
            slug, n = base, 2
            while slug in self.taken:
                slug, n = f"{base}-{n}", n + 1
            self.taken.add(slug)
            self.by_key[name] = {"name": name, "slug": slug}
        return self.by_key[name]


def app_records(stanzas, descriptions: dict[str, str]):
    """Import records from dumpavail stanzas; the packages skipped, with why; and per slug,
    what of its record was cut or left out."""
    skipped, notes_by_slug = [], {}
    vendors, seen, records = Vendors(), set(), []
    for stanza in stanzas:
        package = stanza.get("Package", "")
        slug = package.lower()
        problem = slug_problem(slug)
        if problem:
            skipped.append((package, f"not a valid slug: it {problem}"))
            continue
        if slug in seen:
            skipped.append((package, "a second stanza for the same name (the first is kept)"))
            continue
        seen.add(slug)
        notes = notes_by_slug[slug] = []
        synopsis, _, rest = stanza.get("Description", "").partition("\n")
        if not rest.strip():
            rest = descriptions.get(stanza.get("Description-md5", ""), "").partition("\n")[2]
            if not rest.strip():
                notes.append("left out: description (none in apt's lists)")
        record = {
            "slug": slug,
            "name": cut(package, NAME_LIMIT, "name", notes),
            "vendor": vendors(stanza.get("Maintainer", ""), notes),
            "category": cut(stanza.get("Section") or "unknown", NAME_LIMIT, "category", notes),
            "summary": cut(synopsis.strip(), SUMMARY_LIMIT, "summary", notes),
            "description": cut(markdown(rest), DESCRIPTION_LIMIT, "description", notes),
            "version": cut(stanza.get("Version", ""), VERSION_LIMIT, "version", notes),
        }
        if not stanza.get("Section"):
            notes.append("left out: section (category 'unknown' used)")
        homepage = stanza.get("Homepage", "")
        if homepage and len(homepage) <= URL_LIMIT and is_web_address(homepage):
            record["homepage"] = homepage
        elif homepage:
            notes.append("left out: homepage (not an http(s) address of at most 300 characters)")
        records.append(record)
    return records, skipped, notes_by_slug


def choose(
    records: list[dict], limit: int, sample: bool, include: tuple[str, ...] = ()
) -> list[dict]:
    """The first ``limit`` records by slug, or (``sample``) ``limit`` spread over all of them:
    the ``include``d ones, then at least a sixth with "+" and a sixth with "." in the slug."""
    records = sorted(records, key=lambda r: r["slug"])
    if not sample or limit >= len(records):
        return records[:limit]
    chosen = {r["slug"]: r for r in records if r["slug"] in include}
    missing = set(include) - set(chosen)
    if missing:
        raise SystemExit(f"--include: no such package: {', '.join(sorted(missing))}")
    for mark in ("+", "."):
        having = [r for r in records if mark in r["slug"]]
        want = min(len(having), limit // 6)
        for i in range(want):
            record = having[i * len(having) // want]
            chosen[record["slug"]] = record
    rest = [r for r in records if r["slug"] not in chosen]
    want = limit - len(chosen)
    for i in range(want):
        record = rest[i * len(rest) // want]
        chosen[record["slug"]] = record
    return sorted(chosen.values(), key=lambda r: r["slug"])


def time_import(path: Path, expected: int, keep: bool) -> int:
    """Run ``flask --app catalog import-apps PATH`` on a fresh SQLite database; print the time."""
    tmp = Path(tempfile.mkdtemp(prefix="debian-import-"))
    env = {
        **os.environ,
        "CATALOG_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'catalog.sqlite'}",
        "CATALOG_SEARCH_INDEX_DIR": str(tmp / "index"),
        "CATALOG_SECRET_KEY": "benchmark-only",
    }
    command = [sys.executable, "-m", "flask", "--app", "catalog", "import-apps", str(path)]
    print(f"$ flask --app catalog import-apps {path}   (database: {tmp / 'catalog.sqlite'})")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    out = done.stdout.strip()
    print(out)
    if done.returncode:
        problems = [line for line in done.stderr.splitlines() if line.startswith("  ")]
        print(done.stderr[-3000:], file=sys.stderr)
        print(f"import-apps FAILED (exit {done.returncode}); {len(problems)} problem line(s).")
        return 1
    match = re.search(r"Imported (\d+) apps", out)
    imported = int(match.group(1)) if match else -1
    print(f"wall time: {seconds:.2f} s for {imported} apps ({expected} in the file, 0 refused)")
    if keep:
        print(f"kept: {tmp}")
    else:
        for item in sorted(tmp.rglob("*"), reverse=True):
            item.rmdir() if item.is_dir() else item.unlink()
        tmp.rmdir()
    return 0 if imported == expected else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the JSON Lines file to write")
    parser.add_argument("--limit", type=int, default=20_000, help="packages (default 20000)")
    parser.add_argument("--sample", action="store_true", help="spread over the archive")
    parser.add_argument(
        "--include", default="", help="with --sample: packages to take first (a,b,…)"
    )
    parser.add_argument("--import", dest="run_import", action="store_true", help="time it")
    parser.add_argument("--keep", action="store_true", help="keep the import's temp dir")
    args = parser.parse_args()

    stanzas = list(parse_stanzas(run("apt-cache", "dumpavail")))
    if not stanzas:
        print(
            "apt-cache dumpavail printed no packages: apt's package lists are empty.\n"
            "Run `apt-get update` (as root) once, then run this again.",
            file=sys.stderr,
        )
        return 1
    descriptions = long_descriptions()
    if not descriptions:
        print(
            "Note: no Translation-en lists, so the apps get no long descriptions. To fetch them:"
            " apt-get update -o Acquire::Languages=en",
            file=sys.stderr,
        )
    records, skipped, notes_by_slug = app_records(stanzas, descriptions)
    include = tuple(name.strip().lower() for name in args.include.split(",") if name.strip())
    chosen = choose(records, args.limit, args.sample, include)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in chosen:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    print(f"dumpavail: {len(stanzas)} packages; {len(descriptions)} long descriptions found")
    print(f"valid records: {len(records)}; written: {len(chosen)} to {args.out}")
    print(f"skipped (of all {len(stanzas)}): {len(skipped)}")
    for reason, count in Counter(reason for _, reason in skipped).most_common():
        examples = [name for name, why in skipped if why == reason][:5]
        print(f"  {count} × {reason}: {', '.join(examples)}")
    written = {r["slug"] for r in chosen}
    notes = Counter(note for slug in written for note in notes_by_slug[slug])
    print(f"in the {len(chosen)} written, fields changed to fit the format: {sum(notes.values())}")
    for note, count in sorted(notes.items()):
        examples = [slug for slug in sorted(written) if note in notes_by_slug[slug]][:3]
        print(f"  {count} × {note}: e.g. {', '.join(examples)}")
    print(
        "in the file: "
        f"{sum('+' in s for s in written)} ids with '+', {sum('.' in s for s in written)} with '.'"
    )
    if args.run_import:
        return time_import(args.out, len(chosen), args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
