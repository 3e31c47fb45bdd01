"""Issue 14 security review: what the new search code let an outsider or a customer do.

Each test shows one finding; the fix is in the commit that added the test.
"""

import datetime
import json
import os
import re
import subprocess
import time
from pathlib import Path

from catalog.search.engine import Document
from catalog.search.engine import apply
from catalog.search.engine import rebuild
from catalog.search.engine import search
from catalog.search.engine import suggest
from catalog.search.engine.phrases import offsets_hold
from catalog.search.indexing import heartbeat

BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
ROOT = Path(__file__).resolve().parent.parent


class Counted(int):
    """A word position that counts the arithmetic and comparisons made with it."""

    ops = 0

    def _count(name):
        def op(self, other):
            Counted.ops += 1
            return getattr(int(self), name)(other)

        return op

    __sub__ = _count("__sub__")
    __rsub__ = _count("__rsub__")
    __add__ = _count("__add__")
    __radd__ = _count("__radd__")
    __lt__ = _count("__lt__")
    __le__ = _count("__le__")
    __gt__ = _count("__gt__")
    __ge__ = _count("__ge__")
    __eq__ = _count("__eq__")
    __hash__ = int.__hash__


def test_a_sloppy_phrase_of_a_repeated_word_costs_linear_work_not_quadratic():
    # A customer can post a 20,000-character reply of one word (~6,600 positions) and then
    # search '"zz zz zz …"~9': every pair of positions was compared, 30 s of CPU per request.
    words, count = 8, 6000
    positions = [[Counted(p) for p in range(count)] for _ in range(words)]
    Counted.ops = 0
    assert offsets_hold(positions, list(range(words)), slop=3)
    assert Counted.ops < 40 * count * words, Counted.ops  # was ~count² / 2 per word
    assert not offsets_hold([[0, 10], [4, 20]], [0, 1], slop=3)
    assert offsets_hold([[0, 10], [4, 12]], [0, 1], slop=3)
    assert not offsets_hold([[5], [3, 5]], [0, 1], slop=3), "in order only"


def test_a_sloppy_phrase_still_finds_what_it_should(tmp_path):
    docs = [
        Document(
            id="thread:1",
            type="thread",
            title="Spam",
            body="zz " * 6600,
            section="general",
            created=BASE,
        ),
        Document(
            id="thread:2",
            type="thread",
            title="Refund",
            body="refund is not a request",
            section="general",
            created=BASE,
        ),
    ]
    rebuild(str(tmp_path), docs, procs=1)
    found = search(str(tmp_path), '"' + " ".join(["zz"] * 32) + '"~9', ("public",))
    assert [hit.id for hit in found.hits] == ["thread:1"]
    assert search(str(tmp_path), '"refund request"~3', ("public",)).total == 0
    assert search(str(tmp_path), '"refund request"~4', ("public",)).total == 1


def _answer(doc_id, title, visibility="public"):
    """An answer (article, or solved thread) for the answers index."""
    kind = doc_id.split(":")[0]
    extra = {"visibility": visibility} if kind == "article" else {"accepted": True}
    return Document(
        id=doc_id, type=kind, title=title, body=title, section="general", created=BASE, **extra
    )


def test_words_only_hidden_documents_have_never_crowd_out_a_visitors_completions(tmp_path):
    # Completion took the commonest words of *every* answer: staff-only titles used the three
    # slots, so an anonymous "quar" found nothing, and which public word survived told a planted
    # probe whether a staff-only title has a word with that prefix.
    docs = [_answer("thread:1", "Quarantine digest never arrives")]
    secret = ("quark reactor", "quarry access", "quartz codes")
    docs += [
        _answer(f"article:{n}", secret[n % 3], "staff" if n % 2 else "customers")
        for n in range(2, 14)
    ]
    rebuild(str(tmp_path), docs, procs=1)
    found = suggest(str(tmp_path), "quar", "", ("public",), partial="quar")
    assert [hit.id for hit in found] == ["thread:1"]
    staff = suggest(str(tmp_path), "quar", "", ("public", "customers", "staff"), partial="quar")
    assert "thread:1" not in [hit.id for hit in staff], "staff's own words still complete first"
    assert suggest(str(tmp_path), "quar", "", (), partial="quar") == []
    # An edited staff article leaves its old copy deleted, not merged away: still not counted.
    apply(str(tmp_path), upserts=[doc for doc in docs if doc.type == "article"])
    found = suggest(str(tmp_path), "quar", "", ("public",), partial="quar")
    assert [hit.id for hit in found] == ["thread:1"]


def test_a_word_only_hidden_answers_have_does_not_change_a_visitors_suggestions(tmp_path):
    # The draft's five rarest words are searched. A word only a staff article has was rare
    # too: it took a slot and pushed out a public word, so whether the last public answer
    # was still suggested told whether some staff-only answer has that word.
    public = ["amberly", "bristow", "cinder", "dorset", "elmwood"]
    docs = [_answer(f"thread:{n}", f"{word} question") for n, word in enumerate(public, 1)]
    docs.append(_answer("article:9", "aardvarkian codes", "staff"))
    rebuild(str(tmp_path), docs, procs=1)

    def ids(secret):
        draft = " ".join([secret] + public)
        return sorted(hit.id for hit in suggest(str(tmp_path), "", draft, ("public",)))

    assert ids("aardvarkian") == ids("aardvarkish") == [f"thread:{n}" for n in range(1, 6)]


def _run_local_url(urls):
    """The search-as-you-type script's own ``localUrl`` run by Node on ``urls``."""
    script = (ROOT / "static" / "js" / "search-as-you-type.js").read_text(encoding="utf-8")
    source = re.search(r"^  function localUrl\(url\).*$", script, re.M)  # one line
    program = f"{source.group(0)}\nconsole.log(JSON.stringify({json.dumps(urls)}.map(localUrl)));"
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_suggestion_links_are_paths_on_this_site_only():
    # Browsers read "/\\host" and "/<tab>/host" as "//host": the old check ("/" not followed by
    # "/") let both through, so a suggestion's url could send the visitor to another site.
    hostile = ["/\\evil.example/x", "/\t/evil.example", "/\n/evil.example", "//evil.example"]
    hostile += ["https://evil.example/", "javascript:alert(1)", " /forum/t/1", 7]
    assert _run_local_url(hostile) == [None] * len(hostile)
    fine = ["/forum/t/1", "/forum/a/3", "/apps/jira-sync", "/forum/p/9#post-9"]
    assert _run_local_url(fine) == fine


def test_a_heartbeat_from_the_future_does_not_leave_posts_unindexed(tmp_path):
    # A heartbeat touched before the clock was set back (or copied from a machine ahead of this
    # one) stayed "fresh" until the clock caught up: every request left its post to an indexer
    # that was not running, for as long as the clock was off.
    folder = str(tmp_path)
    heartbeat.touch(folder)
    path = os.path.join(folder, heartbeat.HEARTBEAT_FILE)
    ahead = time.time() + 3600
    os.utime(path, (ahead, ahead))
    assert not heartbeat.indexer_running(folder, fresh=3.0)
    heartbeat.touch(folder)
    assert heartbeat.indexer_running(folder, fresh=3.0)
