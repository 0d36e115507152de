"""Fixtures of the mail tests: a real SMTP server on loopback that the app sends to."""

from __future__ import annotations

import pytest

from tests.servers import Collect, SmtpServer


@pytest.fixture
def smtp(app):  # noqa: ANN001, ANN201
    handler = Collect()
    server = SmtpServer(handler)
    server.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="Conference <noreply@conference.test>"
    )
    yield server, handler
    server.stop()
