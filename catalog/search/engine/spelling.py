"""'Did you mean': a corrected query built only from words documents the caller may see contain.

Spelling runs on the unstemmed ``words`` field (spelling on stems suggests "subscript"), and only
when a search found little: it costs 100-240 ms at 100k documents.
"""

from whoosh import query as wq

from catalog.search.engine.query import plain_query
from catalog.search.engine.schema import TEXT_ANALYZER


def did_you_mean(entry, words, allow):
    """Return a corrected query built only from words visible docs contain, or None."""
    reader = entry.searcher.reader()
    corrected, changed = [], False
    for word in words:
        low = word.lower()
        # A word in the dictionary is not corrected (not even if only staff use it).
        if len(low) < 4 or low.isdigit() or ("words", low) in reader:
            corrected.append(low)
            continue
        best = _best_correction(entry, reader, low, allow)
        changed = changed or best is not None
        corrected.append(best or low)
    if not changed or not _visible_count(entry, corrected, allow):
        return None
    return " ".join(corrected)


def _best_correction(entry, reader, word, allow):
    """Return the closest, most common visible correction of ``word``, or None."""
    for distance in (1, 2):
        candidates = set(reader.terms_within("words", word, distance, prefix=1)) - {word}
        ranked = sorted(candidates, key=lambda c: (-_doc_frequency(reader, c), c))
        for candidate in ranked[:10]:
            if _visible_count(entry, [candidate], allow):
                return candidate
    return None


def _doc_frequency(reader, word):
    """Return how many documents' bodies contain the stem of ``word``."""
    stems = [t.text for t in TEXT_ANALYZER(word)]
    return reader.doc_frequency("body", stems[0]) if stems else 0


def _visible_count(entry, words, allow):
    """Return 1 if a document the caller may see matches all ``words``, else 0."""
    query = plain_query(words)
    if query is wq.NullQuery:
        return 0
    return 1 if not entry.searcher.search(query, limit=1, filter=allow).is_empty() else 0
