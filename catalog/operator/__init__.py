"""The operator console: operator channels, vendors and members, categories, publishing."""
