"""Organiser accounts: login, logout and who may touch which event."""
