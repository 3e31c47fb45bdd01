"""Demo data for load-demo."""
