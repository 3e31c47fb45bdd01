"""Customer organisations: members, invitations, join requests, subscriptions and named contacts."""
