"""Plans and subscriptions: what a customer's organisation is entitled to, and its monthly quota."""
