"""The real SMTP server of the mail tests, for the series' follow mails."""

from tests.mail.conftest import smtp  # noqa: F401
