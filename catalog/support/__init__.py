"""Pure support-domain logic: business-time arithmetic and request routing."""
