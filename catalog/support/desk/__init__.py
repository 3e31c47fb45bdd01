"""The desk: each role's queue and the ticket page (replies, status, classification, quotes)."""
