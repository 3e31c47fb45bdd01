"""Deterministic synthetic forum corpus and query mix for the search benchmark."""

import datetime
import itertools
import random

from catalog.search.engine.schema import Document

# Word lists, many to a line: ruff format would give each word a line of its own.
# fmt: off
COMMON = [
    "account", "activate", "admin", "api", "app", "billing", "browser", "cancel", "card",
    "certificate", "charge", "checkout", "cloud", "configure", "connect", "connection", "crash",
    "customer", "dashboard", "data", "database", "delete", "deploy", "domain", "download", "email",
    "error", "export", "failed", "feature", "field", "file", "install", "integration", "invoice",
    "issue", "jira", "key", "license", "limit", "login", "marketplace", "migrate", "migration",
    "missing", "network", "notification", "option", "page", "password", "payment", "permission",
    "plan", "plugin", "project", "refund", "release", "renew", "report", "request", "role",
    "server", "service", "setting", "setup", "space", "subscription", "support", "sync", "team",
    "ticket", "timeout", "token", "trial", "update", "upgrade", "upload", "user", "version",
    "webhook", "workflow",
]
STOP = [
    "the", "a", "to", "is", "and", "of", "in", "it", "for", "on", "that", "this", "with", "you",
    "not", "be", "are", "can", "when", "if",
]
SYLLABLES = [
    "ba", "be", "bi", "bo", "bu", "ca", "co", "cu", "da", "de", "di", "do", "fa", "fe", "fi", "fo",
    "ga", "ge", "go", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo",
    "mu", "na", "ne", "ni", "no", "nu", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa",
    "se", "si", "so", "su", "ta", "te", "ti", "to", "tu", "va", "ve", "vi", "vo", "za", "ze", "zo",
    "tion", "ment", "ing", "er", "al", "ous",
]
# fmt: on


def _vocabulary(rng, size):
    """Return ``size`` distinct words: real support words first, then made-up ones."""
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf_weights(n, s=1.07):
    """Return cumulative Zipf weights for ranks 1..n."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


class Corpus:
    """A seeded generator of forum posts and a fixed query mix over them."""

    def __init__(self, posts, seed=20250101, vocabulary=40000, apps=300):
        self.posts = posts
        self.seed = seed
        rng = random.Random(seed)
        self.words = _vocabulary(rng, vocabulary)
        self.cum = _zipf_weights(len(self.words))
        self.apps = [f"app-{w}" for w in rng.sample(self.words[200:5000], apps)]
        self.app_cum = _zipf_weights(apps, 0.9)
        self.sections = ["general", "billing", "installation", "announcements", "ideas"]

    def _text(self, rng, count):
        """Return ``count`` Zipf-distributed words with stop words mixed in."""
        words = rng.choices(self.words, cum_weights=self.cum, k=count)
        for i in range(0, count, 3):
            words[i] = rng.choice(STOP)
        return " ".join(words)

    def documents(self):
        """Yield the corpus as search Documents, identical for the same seed."""
        rng = random.Random(self.seed + 1)
        start = datetime.datetime(2020, 1, 1)
        for n in range(self.posts):
            kind = rng.choices(("thread", "reply", "article"), (30, 64, 6))[0]
            app = rng.choices(self.apps, cum_weights=self.app_cum)[0] if rng.random() < 0.8 else ""
            yield Document(
                id=f"{kind}:{n}",
                type=kind,
                title=self._text(rng, 8).capitalize(),
                body=self._text(rng, rng.randint(100, 200)),
                section=app or rng.choice(self.sections),
                app=app,
                visibility=rng.choices(("public", "customers", "staff"), (88, 9, 3))[0],
                accepted=rng.random() < 0.12,
                created=start + datetime.timedelta(seconds=rng.randrange(150_000_000)),
            )

    def queries(self, count=200):
        """Return ``count`` (kind, query, app) triples: five kinds in equal parts."""
        rng = random.Random(self.seed + 2)

        def pick():
            return rng.choices(self.words, cum_weights=self.cum)[0]

        def long_word():
            return next(w for w in iter(pick, None) if len(w) >= 5)

        out = []
        for i in range(count):
            kind = ("term", "two_terms", "phrase", "prefix", "term_app")[i % 5]
            if kind == "term":
                out.append((kind, pick(), ""))
            elif kind == "two_terms":
                out.append((kind, f"{pick()} {pick()}", ""))
            elif kind == "phrase":
                out.append((kind, f'"{pick()} {pick()}"', ""))
            elif kind == "prefix":
                out.append((kind, long_word()[:4] + "*", ""))
            else:
                app = rng.choices(self.apps, cum_weights=self.app_cum)[0]
                out.append((kind, pick(), app))
        return out
