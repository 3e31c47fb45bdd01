"""The request wizard and routing: from a draft request to a routed ticket, link or forum thread."""
