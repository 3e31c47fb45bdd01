"""Tickets and their lifecycle: references, snapshots, service-level clocks, writes and quotes."""
