"""The text of ``load.py``'s forum: real Debian package descriptions (the default), or synthetic.

``--text synthetic`` is the text load.py always had: sentences drawn from ``load_dataset.WORDS``,
31 support words, so every query word occurs in most documents and every search scores most of
the corpus — a worst case no forum looks like. ``--text debian`` reads the packages apt knows
with ``realtext.debian_candidates`` (the reader of the search-quality sets, itself built on
``debian_catalog``) and keeps those with a title of 5–200 characters and a long description;
shuffled with a fixed seed, they are dealt out without overlap:

- **articles**: the first ``--articles`` packages whose description has at least
  ``ARTICLE_MIN`` characters (title = synopsis, body = long description);
- **held out**: the next ``HELD_OUT``, the text of the posts written during the load (never in
  the dataset);
- **opening posts**: the next one per thread (title = synopsis, body = long description);
- **replies**: the long descriptions of the packages left, three per thread in turn, used again
  from the start when there are fewer than the replies (at 100,000 posts: 75,000 replies from
  about 34,000 packages; ``Corpus.summary`` says how many times each was used).

Searches and request drafts during the load are built from the synopses of the packages in the
dataset with the package's name words removed (``realtext.make_query``): a search takes the
query's first 1–8 words; a draft is that query as the title and the description's first
paragraph, without the name words, as the text (``Corpus.client_texts``).
"""

import random
from dataclasses import dataclass

import realtext

HELD_OUT = 2000
ARTICLE_MIN = 600
QUERY_POOL = 2000
DRAFT_POOL = 1000
DRAFT_WORDS = 60
TITLE_MAX = 200
BODY_MAX = 19_000  # a post's body may hold 20,000 characters; room for the marker word
SEED = 7


@dataclass(frozen=True)
class Package:
    """One package's text: its name, synopsis and long description."""

    name: str
    synopsis: str
    description: str


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a space and ended by "…" when too long."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def packages() -> list[Package]:
    """Every package with a usable title and a long description, by name; a clear exit if
    apt's lists (or their English descriptions) are missing."""
    try:
        found = [
            Package(doc.key, synopsis, doc.body.partition("\n\n")[2].strip())
            for doc, synopsis, _ in realtext.debian_candidates()
        ]
    except realtext.DataUnavailable as error:
        raise SystemExit(
            f"--text debian: {error}.\nUse `--text synthetic`, or run "
            "`apt-get update -o Acquire::Languages=en` (as root) to fetch the descriptions."
        ) from None
    return sorted(
        (p for p in found if len(p.synopsis) >= 5 and len(p.description) >= 40),
        key=lambda p: p.name,
    )


class Corpus:
    """The Debian texts of one run, dealt out as the module docstring says."""

    def __init__(self, found: list[Package], threads: int, articles: int):
        rest = list(found)
        random.Random(SEED).shuffle(rest)
        chosen = [p for p in rest if len(p.description) >= ARTICLE_MIN][:articles]
        taken = {p.name for p in chosen}
        rest = [p for p in rest if p.name not in taken]
        if len(rest) < HELD_OUT + threads + 1:
            raise SystemExit(
                f"--text debian: {len(found)} packages are too few for {threads} threads, "
                f"{articles} articles and {HELD_OUT} held-out texts; use fewer --posts"
            )
        self.articles = chosen
        self.held_out = rest[:HELD_OUT]
        self.openers = rest[HELD_OUT : HELD_OUT + threads]
        self.repliers = rest[HELD_OUT + threads :]
        self.replies = 3 * threads

    def thread(self, n: int) -> tuple[str, str, list[str]]:
        """Thread ``n``'s title, opening body and three reply bodies."""
        opener = self.openers[n]
        replies = [self.repliers[(3 * n + i) % len(self.repliers)] for i in range(3)]
        return (
            cut(opener.synopsis, TITLE_MAX),
            cut(opener.description, BODY_MAX),
            [cut(p.description, BODY_MAX) for p in replies],
        )

    def article(self, n: int) -> tuple[str, str]:
        """Article ``n``'s title and body."""
        package = self.articles[n]
        return cut(package.synopsis, TITLE_MAX), package.description

    def summary(self) -> str:
        """One line on what the dataset is made of, reuse included."""
        used = min(self.replies, len(self.repliers))
        most = -(-self.replies // len(self.repliers))
        return (
            f"{len(self.openers)} threads opened by as many packages, {self.replies} replies "
            f"from {used} other packages (each used at most {most} ×), "
            f"{len(self.articles)} articles, {len(self.held_out)} held out for the load's posts"
        )

    def client_texts(self) -> dict:
        """What the load processes draw from: held-out posts, search queries and drafts."""
        rng = random.Random(SEED)
        in_dataset = self.openers + self.articles
        asked = [(p, realtext.make_query(p.synopsis, p.name)) for p in in_dataset]
        asked = [(p, q) for p, q in asked if q]
        queries = [q for _, q in rng.sample(asked, min(QUERY_POOL, len(asked)))]
        drafts = [
            (cut(q, 150), draft_text(p)) for p, q in rng.sample(asked, min(DRAFT_POOL, len(asked)))
        ]
        posts = [(cut(p.synopsis, 150), p.description[:BODY_MAX]) for p in self.held_out]
        return {"queries": queries, "drafts": drafts, "posts": posts}


def draft_text(package: Package) -> str:
    """The description's first paragraph without the package's name words, at most
    ``DRAFT_WORDS`` words."""
    drop = realtext.name_words(package.name)
    paragraph = package.description.split("\n\n")[0]
    words = [w for w in paragraph.split() if w.lower().strip(".,;:()") not in drop]
    return " ".join(words[:DRAFT_WORDS])


def search_query(rng: random.Random, query: str) -> str:
    """A search as a user types it: the first 1–8 words of ``query`` without stop words at
    either end; a tenth with ``type:thread``, in a tenth one of its words of 5+ letters (if any)
    cut to a prefix of 4+ letters, ``word*``."""
    words = query.split()[: rng.randint(1, 8)]
    while len(words) > 1 and words[-1] in realtext.STOP_WORDS:
        words.pop()
    while len(words) > 1 and words[0] in realtext.STOP_WORDS:
        words.pop(0)
    extra = rng.random()
    if extra < 0.1:
        words.append("type:thread")
    elif extra < 0.2:
        long = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
        if long:
            i = rng.choice(long)
            words[i] = words[i][: rng.randint(4, len(words[i]) - 1)] + "*"
    return " ".join(words)
