"""Customers' requests for a support plan, and the staff's decisions on them."""
