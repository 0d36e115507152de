"""Calendar feeds and schedule exchange."""
