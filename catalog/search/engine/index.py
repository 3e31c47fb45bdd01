"""Creating, rebuilding and updating the on-disk index.

Layout of the configured folder (``search_index/`` by default)::

    search_index/
        current -> build-20250101T120000-1234   (relative symlink)
        build-20250101T120000-1234/              (a complete Whoosh index, and
                                                  the small "answers" index beside it)

Readers always go through ``current``.  :func:`rebuild` writes a complete new
index into a fresh ``build-*`` sibling and then replaces the symlink with an
atomic ``rename``; readers notice on their next refresh.  The previous build is
kept (a reader may still have it open) and older ones are removed.

Writes go through :func:`apply` only: it is idempotent by document id (upserts
use ``update_document``, deletes ``delete_by_term``), waits for the write lock
up to ``timeout`` seconds and then raises :class:`IndexBusy` instead of losing
the batch (never an ``AsyncWriter``).  A caller that rebuilds while an indexer
keeps applying should re-apply the outbox rows written since the rebuild
started; :func:`apply` is idempotent, so re-applying is always safe.

Each build also holds the *answers* index (Whoosh ``indexname="answers"``):
only articles and solved threads, the documents deflection may suggest.
:func:`apply` and :func:`rebuild` keep it in step (an upsert of a document
that is no answer any more deletes it there).  A build made before it existed
has none: :func:`health` says so, and suggestions stay empty until a rebuild.
"""

import datetime
import gc
import os
import shutil
import time
import warnings
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from catalog.search.engine.errors import IndexBusy
from catalog.search.engine.errors import SearchUnavailable
from catalog.search.engine.schema import build_answers_schema
from catalog.search.engine.schema import build_schema
from catalog.search.engine.schema import is_answer
from catalog.search.engine.schema import to_answer_fields
from catalog.search.engine.schema import to_fields

CURRENT = "current"
ANSWERS = "answers"
BUILD_PREFIX = "build-"
WRITE_TIMEOUT = 10.0
# Per build process. Whoosh estimates ~170 bytes a posting (more than it uses): at 256 MB each
# process spilled its postings to disk in runs and merged them back (a quarter of a 100k-post
# rebuild); at 2048 a 100k-post rebuild keeps one run in memory, ~730 MB resident per process.
BUILD_MEMORY_MB = 2048
BUILD_BATCH = 500


@dataclass(frozen=True)
class Health:
    """Whether the index can serve searches; ``state`` is ok, missing or damaged."""

    state: str
    doc_count: int = 0
    detail: str = ""
    path: str = ""
    answers: bool = False

    @property
    def ok(self):
        """True when searches can be served."""
        return self.state == "ok"


def current_path(folder):
    """Return the real path of the current build, or raise SearchUnavailable."""
    link = os.path.join(folder, CURRENT)
    path = os.path.realpath(link)
    if not os.path.islink(link) or not os.path.isdir(path):
        raise SearchUnavailable(f"no search index at {link}")
    return path


def open_index(folder):
    """Open the current index, or raise SearchUnavailable if missing or damaged."""
    path = current_path(folder)
    ix, error = _open_dir(path)
    if ix is None:
        raise SearchUnavailable(f"search index at {path} is damaged: {error}")
    return ix


def open_answers(path):
    """Open the answers index of the build at ``path``; None if the build predates it."""
    storage = FileStorage(path, supports_mmap=False)
    if not storage.index_exists(ANSWERS):
        return None
    return storage.open_index(ANSWERS)


def _open_dir(path):
    """Return ``(index, None)`` or ``(None, reason)`` if Whoosh cannot read it."""
    # Whoosh leaves a damaged TOC file open; let it be closed without a ResourceWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            # Without mmap: the same speed here, but a worker holding the 100k
            # index stays ~70 MB resident instead of ~500 MB.
            ix = FileStorage(path, supports_mmap=False).open_index()
            with ix.reader() as reader:
                reader.doc_count()
            return ix, None
        except Exception as exc:  # Whoosh raises many kinds on a broken index.
            error = repr(exc)
        gc.collect()
    return None, error


def health(folder):
    """Tell whether the index is ok, missing or damaged (never raises)."""
    try:
        path = current_path(folder)
    except SearchUnavailable as exc:
        return Health("missing", detail=str(exc))
    ix, error = _open_dir(path)
    if ix is None:
        return Health("damaged", detail=error, path=path)
    answers = FileStorage(path, supports_mmap=False).index_exists(ANSWERS)
    return Health("ok", doc_count=ix.doc_count(), path=path, answers=answers)


def create(folder):
    """Create an empty index if there is none yet; return the current build path."""
    try:
        return current_path(folder)
    except SearchUnavailable:
        path = _new_build_dir(folder)
        whoosh_index.create_in(path, build_schema())
        whoosh_index.create_in(path, build_answers_schema(), indexname=ANSWERS)
        _swap_in(folder, path)
        return path


def rebuild(folder, documents, total=None, progress=None, procs=None):
    """Build a complete index of ``documents`` in a new folder and swap it in.

    ``documents`` is any iterable of :class:`~catalog.search.engine.schema.Document`;
    ``progress(done, total)`` is called every few hundred documents.  With
    ``procs`` > 1 (default: the number of CPUs) the analysis runs in
    subprocesses that each write their own segment.  Returns the number of
    documents indexed.
    """
    procs = procs or os.cpu_count() or 1
    path = _new_build_dir(folder)
    try:
        ix = whoosh_index.create_in(path, build_schema())
        answers = whoosh_index.create_in(path, build_answers_schema(), indexname=ANSWERS)
        count = _write_all(ix, answers, documents, total, progress, procs)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _swap_in(folder, path)
    _remove_old_builds(folder, keep={path, _previous_build(folder, path)})
    return count


def apply(folder, upserts=(), deletes=(), timeout=WRITE_TIMEOUT):
    """Apply a batch of upserted Documents and deleted ids; idempotent by id.

    Raises IndexBusy if the write lock is not free within ``timeout`` seconds
    (nothing is written then), SearchUnavailable if there is no usable index.
    Returns the number of operations applied.
    """
    upserts, deletes = list(upserts), list(deletes)
    if not upserts and not deletes:
        return 0
    deadline = time.monotonic() + timeout
    while True:
        path = current_path(folder)
        writer = _writer(open_index(folder), max(0.0, deadline - time.monotonic()))
        if current_path(folder) == path:
            break
        writer.cancel()  # A rebuild was swapped in while we waited: write there.
    writers = [writer]
    try:
        answers = open_answers(path)
        if answers is not None:
            writers.append(_writer(answers, max(0.0, deadline - time.monotonic())))
        _write_batch(writers, upserts, deletes)
    except BaseException:
        for each in writers:
            each.cancel()
        raise
    for each in writers:  # a failure between the two commits is mended by re-applying
        each.commit()
    return len(upserts) + len(deletes)


def _write_batch(writers, upserts, deletes):
    """Write a batch to the main writer and, if there is one, the answers writer."""
    main, answers = writers[0], (writers[1] if len(writers) > 1 else None)
    for doc_id in deletes:
        main.delete_by_term("id", doc_id)
        if answers is not None:
            answers.delete_by_term("id", doc_id)
    for doc in upserts:
        main.update_document(**to_fields(doc))
        if answers is None:
            continue
        if is_answer(doc):
            answers.update_document(**to_answer_fields(doc))
        else:
            answers.delete_by_term("id", doc.id)


def _writer(ix, timeout):
    """Return a SegmentWriter, waiting up to ``timeout`` seconds for the lock."""
    try:
        return ix.writer(timeout=timeout, delay=0.05)
    except LockError as exc:
        raise IndexBusy(f"search index write lock still held after {timeout:.1f}s") from exc


def _write_all(ix, answers_ix, documents, total, progress, procs):
    """Add every document to ``ix`` (one multi-process writer) and answers to ``answers_ix``."""
    if procs > 1:
        writer = ix.writer(
            procs=procs, multisegment=True, batchsize=BUILD_BATCH, limitmb=BUILD_MEMORY_MB
        )
    else:
        writer = ix.writer(limitmb=BUILD_MEMORY_MB)
    answers = answers_ix.writer(limitmb=BUILD_MEMORY_MB)
    count = 0
    seen_words = set()
    try:
        for doc in documents:
            writer.add_document(**to_fields(doc, seen_words))
            if is_answer(doc):
                answers.add_document(**to_answer_fields(doc))
            count += 1
            if progress is not None and count % BUILD_BATCH == 0:
                progress(count, total)
    except BaseException:
        writer.cancel()
        answers.cancel()
        raise
    writer.commit()
    answers.commit()
    if progress is not None:
        progress(count, total)
    return count


def _new_build_dir(folder):
    """Create and return a fresh, uniquely named build directory in ``folder``."""
    os.makedirs(folder, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = os.path.join(folder, f"{BUILD_PREFIX}{stamp}-{os.getpid()}")
    os.makedirs(path)
    return os.path.realpath(path)


def _swap_in(folder, path):
    """Point ``folder/current`` at ``path`` atomically (symlink + rename)."""
    tmp = os.path.join(folder, f".{CURRENT}.{os.getpid()}")
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(os.path.basename(path), tmp)
    os.replace(tmp, os.path.join(folder, CURRENT))


def _previous_build(folder, new_path):
    """Return the newest build other than ``new_path`` (kept for open readers)."""
    builds = sorted(_builds(folder))
    older = [b for b in builds if b != new_path]
    return older[-1] if older else None


def _builds(folder):
    """Yield the real paths of all build directories in ``folder``."""
    for name in os.listdir(folder):
        if name.startswith(BUILD_PREFIX):
            yield os.path.realpath(os.path.join(folder, name))


def _remove_old_builds(folder, keep):
    """Delete build directories not in ``keep``."""
    for path in _builds(folder):
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)
