"""Marketplace Support Catalog."""
