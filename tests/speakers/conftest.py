"""Fixtures of the speaker tests: the real SMTP server on loopback of tests/mail (one fixture, shared)."""

from __future__ import annotations

from tests.mail.conftest import smtp

__all__ = ["smtp"]
