"""The public marketplace: apps, vendors, categories and each app's support offer."""
