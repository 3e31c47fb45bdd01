"""The knowledge forum: sections, threads, replies, helpful votes and curated articles."""
