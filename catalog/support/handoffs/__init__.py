"""Hand-offs: a request moving between channels under one reference."""
