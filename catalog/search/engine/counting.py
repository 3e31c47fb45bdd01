"""Facet counts (by app, section and type) for a page of search results.

Counting every match is a full pass over the matches: seconds for a common word at 100k posts.
So counts are exact only when the query matches at most FACET_EXACT_LIMIT documents the caller
may see (counted without scoring, and only up to that limit); broader searches count the best
FACET_SAMPLE matches, read from the columns (no stored fields), and the page says so.
"""

from whoosh import sorting

FACETS = ("app", "section", "type")
FACET_EXACT_LIMIT = 300
FACET_SAMPLE = 100


def too_broad(searcher, query, hidden) -> bool:
    """Whether exact counts would cost a pass over too many matches the caller may see."""
    return visible_count(searcher, query, hidden, FACET_EXACT_LIMIT + 1) > FACET_EXACT_LIMIT


def visible_count(searcher, query, hidden, cap) -> int:
    """How many documents outside ``hidden`` match ``query``, counted (not scored) up to ``cap``.

    Not Whoosh's ``estimate_size``: it counts documents the caller may not see, so comparing
    the totals of two searches would tell a visitor how many hidden documents hold a word.
    """
    hidden = hidden or ()
    count = 0
    for docnum in query.matcher(searcher).all_ids():
        if docnum not in hidden:
            count += 1
            if count >= cap:
                break
    return count


def grouped_by() -> dict:
    """Whoosh ``groupedby`` facets that count every match."""
    return {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}


def exact_counts(results) -> dict:
    """{facet: {slug: count}} over every match, by count, without the empty slug."""
    counts = {}
    for name in FACETS:
        pairs = ((column_text(key), n) for key, n in results.groups(name).items())
        counts[name] = _ordered((k, n) for k, n in pairs if k)
    return counts


def sampled_counts(results) -> dict:
    """{facet: {slug: count}} among the best FACET_SAMPLE matches."""
    reader = results.searcher.reader()
    columns = {name: reader.column_reader(name) for name in FACETS}
    counts = {name: {} for name in FACETS}
    for _, docnum in results.top_n[:FACET_SAMPLE]:
        for name, column in columns.items():
            key = column_text(column[docnum])
            if key:
                counts[name][key] = counts[name].get(key, 0) + 1
    return {name: _ordered(c.items()) for name, c in counts.items()}


def _ordered(pairs) -> dict:
    """Counts sorted by count (highest first), then by slug."""
    return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def column_text(value) -> str:
    """A column value as text."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")
