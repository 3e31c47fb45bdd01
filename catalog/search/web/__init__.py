"""The web side of search: the search page, the search API and the wizard's suggestions."""
