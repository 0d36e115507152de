"""Reminders before an event (or before each day of the sessions a registrant chose), sent through the outbox."""
