"""Outgoing mail: the outbox and its sender."""
