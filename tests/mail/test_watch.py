"""`send-mail --watch` as a real process outlives database failures, and a dead sender's claim runs out.

Each test runs the watcher as a subprocess against a real database and a real SMTP server on loopback:
a private PostgreSQL cluster that is stopped and started again under it; an SQLite file locked for longer
than the busy timeout; and a sender killed (SIGKILL) after it claimed a message.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from conference.db import SQLITE_BUSY_TIMEOUT_MS, db, utcnow
from conference.mail import outbox
from conference.mail.models import OutboxMessage, OutboxStatus
from tests.servers import SendMailWatcher, SmtpServer, free_port, postgres_cluster, wait_until


def _queue(to: str, due: datetime | None = None) -> int:
    message_id = outbox.write("test", to, f"Hello {to}", "Body")
    if due is not None:
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(next_attempt_at=due)
        )
    db.session.commit()
    return message_id


def test_watch_survives_a_postgresql_restart(make_app, tmp_path) -> None:  # noqa: ANN001
    smtp = SmtpServer().start()
    with postgres_cluster() as cluster:
        url = cluster.create_database("mail_watch")
        app = make_app(DATABASE_URL=url)
        with app.app_context():
            upgrade()
            db.session.remove()
        watcher = SendMailWatcher(url, smtp.port, tmp_path / "watcher.log").start()
        try:
            with app.app_context():
                _queue("before@example.org")
                wait_until(lambda: "before@example.org" in smtp.handler.recipients(), 30, "the first mail")

                db.session.remove()
                db.engine.dispose()
                cluster.stop()  # the database goes away under the running watcher
                wait_until(
                    lambda: "round failed" in watcher.log() or not watcher.alive(), 30, "a failed round"
                )
                assert watcher.alive(), watcher.log()
                time.sleep(1.5)  # a few more failed rounds, with backoff
                cluster.start()

                _queue("after@example.org")
                wait_until(
                    lambda: "after@example.org" in smtp.handler.recipients(), 30, "mail after the restart"
                )
                wait_until(lambda: "working again" in watcher.log(), 10, "the watcher to log its recovery")
                assert watcher.alive(), watcher.log()
                log = watcher.log()
                assert "OperationalError" in log and "retrying in" in log
                db.session.remove()
                db.engine.dispose()
        finally:
            watcher.stop()
            smtp.stop()


def test_watch_survives_sqlite_locked_past_the_busy_timeout(make_app, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    app = make_app(DATABASE_URL=url)
    smtp = SmtpServer().start()
    watcher = SendMailWatcher(url, smtp.port, tmp_path / "watcher.log")
    try:
        with app.app_context():
            upgrade()
            watcher.start()
            _queue("first@example.org")
            wait_until(lambda: "first@example.org" in smtp.handler.recipients(), 30, "the first mail")

            # Due in two seconds; before then the database is locked by another writer, so the watcher
            # finds the message but cannot claim it until its busy timeout has passed.
            _queue("locked@example.org", due=utcnow() + timedelta(seconds=2))
            db.session.remove()
            lock = sqlite3.connect(path, isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            try:
                timeout = SQLITE_BUSY_TIMEOUT_MS / 1000 + 30
                wait_until(
                    lambda: "round failed" in watcher.log() or not watcher.alive(), timeout, "a failed round"
                )
                assert watcher.alive(), watcher.log()
            finally:
                lock.rollback()
                lock.close()
            assert "database is locked" in watcher.log()

            wait_until(lambda: "locked@example.org" in smtp.handler.recipients(), 30, "the locked-out mail")
            _queue("later@example.org")
            wait_until(lambda: "later@example.org" in smtp.handler.recipients(), 30, "later mail")
            assert watcher.alive(), watcher.log()
            assert smtp.handler.recipients().count("locked@example.org") == 1
    finally:
        watcher.stop()
        smtp.stop()


class Tarpit:
    """A TCP server that accepts SMTP connections and never answers: a sender talking to it hangs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.held.append(conn)
        self.connected.set()

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


def test_a_message_claimed_by_a_killed_sender_is_sent_when_its_lease_runs_out(
    app, database_url, tmp_path
) -> None:  # noqa: ANN001
    lease = 4
    message_id = _queue("claimed@example.org")
    tarpit = Tarpit()
    smtp = SmtpServer().start()
    dead = SendMailWatcher(database_url, tarpit.port, tmp_path / "dead.log", MAIL_LEASE_SECONDS=str(lease))
    alive = SendMailWatcher(database_url, smtp.port, tmp_path / "alive.log", MAIL_LEASE_SECONDS=str(lease))
    try:
        dead.start()
        # The sender claims the message (committed), then connects to the SMTP server and waits there.
        assert tarpit.connected.wait(30), dead.log()
        dead.kill()
        db.session.rollback()
        claimed = db.session.get(OutboxMessage, message_id)
        lease_end = claimed.next_attempt_at
        assert claimed.status == OutboxStatus.PENDING and claimed.attempts == 0
        assert utcnow() < lease_end <= utcnow() + timedelta(seconds=lease)

        alive.start()
        # Until the lease ends no sender may take it (two rounds a second are run meanwhile).
        while datetime.now(UTC) < lease_end - timedelta(seconds=0.5):
            assert smtp.handler.received == [], "sent before the lease ran out"
            assert alive.alive(), alive.log()
            time.sleep(0.1)
        wait_until(lambda: smtp.handler.received, 30, "the claimed message after its lease")
        assert datetime.now(UTC) >= lease_end
        assert smtp.handler.recipients() == ["claimed@example.org"]
        wait_until(lambda: _status(message_id) == OutboxStatus.SENT, 10, "the message marked sent")
        time.sleep(0.5)
        assert len(smtp.handler.received) == 1  # sent once
    finally:
        dead.stop()
        alive.stop()
        tarpit.close()
        smtp.stop()


def _status(message_id: int) -> OutboxStatus:
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id).status
