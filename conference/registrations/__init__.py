"""Registration for events and sessions."""
