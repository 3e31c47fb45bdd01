"""'Did you mean': a corrected query built only from words documents the caller may see contain.

Spelling runs on the unstemmed ``words`` field (spelling on stems suggests "subscript"), and only
when a search found little. Its cost grows with the number and the length of the unknown words
(Whoosh walks the word list with a Levenshtein automaton per word and distance: 230-330 ms for a
query of four or five misspelt words, 860 ms for five 20-40 letter nonsense words, on 23,000
words), so it is bounded: at most MAX_CORRECTED unknown words are corrected (the rest are kept
as typed), words longer than MAX_WORD_CHARS are never corrected (no one mistypes a 25-letter
word into a real one), the first PREFIX letters are taken as typed (the automaton then walks a
small part of the list), distance 2 is tried only from TWO_EDITS_FROM letters, and at most
MAX_CANDIDATES candidates per word are checked against what the caller may see. With these
bounds the same queries cost 90-115 ms and the nonsense one 1 ms.
"""

from whoosh import query as wq

from catalog.search.engine.query import plain_query
from catalog.search.engine.schema import TEXT_ANALYZER

MAX_CORRECTED = 3
MAX_WORD_CHARS = 20
TWO_EDITS_FROM = 5
MAX_CANDIDATES = 10
PREFIX = 2


def did_you_mean(entry, words, hidden):
    """Return a corrected query built only from words visible docs contain, or None."""
    reader = entry.searcher.reader()
    corrected, changed, tries = [], False, 0
    for word in words:
        low = word.lower()
        # A word in the dictionary is not corrected (not even if only staff use it).
        if (
            not 4 <= len(low) <= MAX_WORD_CHARS
            or low.isdigit()
            or ("words", low) in reader
            or tries >= MAX_CORRECTED
        ):
            corrected.append(low)
            continue
        tries += 1
        best = _best_correction(entry, reader, low, hidden)
        changed = changed or best is not None
        corrected.append(best or low)
    if not changed or not _visible_count(entry, corrected, hidden):
        return None
    return " ".join(corrected)


def _best_correction(entry, reader, word, hidden):
    """Return the closest, most common visible correction of ``word``, or None."""
    for distance in (1, 2) if len(word) >= TWO_EDITS_FROM else (1,):
        candidates = set(reader.terms_within("words", word, distance, prefix=PREFIX)) - {word}
        ranked = sorted(candidates, key=lambda c: (-_doc_frequency(reader, c), c))
        for candidate in ranked[:MAX_CANDIDATES]:
            if _visible_count(entry, [candidate], hidden):
                return candidate
    return None


def _doc_frequency(reader, word):
    """Return how many documents' bodies contain the stem of ``word``."""
    stems = [t.text for t in TEXT_ANALYZER(word)]
    return reader.doc_frequency("body", stems[0]) if stems else 0


def _visible_count(entry, words, hidden):
    """Return 1 if a document the caller may see matches all ``words``, else 0."""
    query = plain_query(words)
    if query is wq.NullQuery:
        return 0
    return 1 if not entry.searcher.search(query, limit=1, mask=hidden).is_empty() else 0
