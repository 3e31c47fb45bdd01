"""The factors behind the operator's decision to support an app, and their levels."""

KNOWLEDGE_LEVELS = {
    "unknown": "Not assessed",
    "limited": "Limited: we know the software superficially",
    "working": "Working: our engineers use and support it regularly",
    "expert": "Expert: we know the software in depth, down to its code",
}
STABILITY_LEVELS = {
    "unknown": "Not assessed",
    "new": "New: too little history to judge",
    "mixed": "Mixed: recurring problems in recent releases",
    "stable": "Stable: a long record of dependable releases",
}
AGREEMENT_LEVELS = {
    "none": "No agreement with the vendor",
    "informal": "Informal contact with the vendor",
    "partner": "Partner agreement: escalation to the vendor's engineers",
}
