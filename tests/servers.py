"""Real servers for tests, each started by the test on a free loopback port and stopped after it.

- `SmtpServer`: aiosmtpd, which can go down and come back on the same port.
- `postgres_cluster()`: a private, throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary folder; as
  root the server runs as the `postgres` user), which the test may stop and start again.
- `redis_server()`: Debian's redis-server.
- `SendMailWatcher`: `flask --app conference send-mail --watch` as a subprocess.

A missing server is a skip with the reason, or a failure where the environment requires it
(REQUIRE_POSTGRES_SERVER=1, REQUIRE_REDIS=1, as CI sets them).
"""

from __future__ import annotations

import contextlib
import email.policy
import glob
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unavailable(reason: str, require_variable: str) -> None:
    """Skip with `reason`, or fail when the environment says the server is required."""
    if os.environ.get(require_variable) == "1":
        pytest.fail(f"{require_variable}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Collect(Message):
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.received = []

    def handle_message(self, message) -> None:  # noqa: ANN001
        # As it came: `as_bytes()` must not fold its lines again at 78 characters (a sender may write header
        # lines up to RFC 5322's 998; refolding would add the space a test would then find in a subject).
        message.policy = email.policy.compat32.clone(max_line_length=998)
        self.received.append(message)

    def recipients(self) -> list[str]:
        return [m["To"] for m in self.received]


class SmtpServer:
    """A real SMTP server on a fixed loopback port that can go down and come back."""

    def __init__(self, handler: Collect | None = None, port: int | None = None) -> None:
        self.handler = handler or Collect()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- PostgreSQL -------------------------------------------------------------------------------------


class PostgresCluster:
    def __init__(self, bindir: str, workdir: str, owner: str | None) -> None:
        self.bindir, self.workdir, self.owner = bindir, workdir, owner
        self.data = os.path.join(workdir, "data")
        self.port = free_port()

    def _run(self, *command: str) -> None:
        argv = [os.path.join(self.bindir, command[0]), *command[1:]]
        if self.owner:  # initdb and postgres refuse to run as root
            argv = ["su", self.owner, "-s", "/bin/sh", "-c", shlex.join(argv)]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            os.path.join(self.workdir, "pg.log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL server on a free port, started; removed with its data afterwards."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()],
    )
    pg_ctl = found[-1] if found else shutil.which("pg_ctl")
    if not pg_ctl or not os.path.exists(os.path.join(os.path.dirname(pg_ctl), "initdb")):
        unavailable(
            "the PostgreSQL server programs (initdb, pg_ctl) are not installed", "REQUIRE_POSTGRES_SERVER"
        )
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres").pw_name
        except KeyError:
            unavailable(
                "running as root and there is no `postgres` user to run PostgreSQL", "REQUIRE_POSTGRES_SERVER"
            )
    workdir = tempfile.mkdtemp(prefix="conference-pg-")
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    cluster = PostgresCluster(os.path.dirname(pg_ctl), workdir, owner)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):  # already stopped
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------


@contextmanager
def redis_server() -> Iterator[str]:
    """Debian's redis-server on a free loopback port, nothing saved to disk; yields its redis:// URL."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(executable):
        unavailable("redis-server is not installed (Debian package redis-server)", "REQUIRE_REDIS")
    import redis

    port = free_port()
    workdir = tempfile.mkdtemp(prefix="conference-redis-")
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", workdir, "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    try:
        client = redis.Redis.from_url(url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                assert process.poll() is None, "redis-server exited"
                return False

        wait_until(answers, 20, "redis-server to answer")
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


# --- send-mail --watch ------------------------------------------------------------------------------


class SendMailWatcher:
    """`flask --app conference send-mail --watch` in a process of its own; its output goes to a file."""

    def __init__(self, database_url: str, smtp_port: int, log: Path, **env: str) -> None:
        self.log_path = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "watcher-test-secret-of-at-least-32-bytes",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "MAIL_FROM": "Conference <noreply@conference.test>",
            "RATELIMIT_ENABLED": "0",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, interval: float = 0.2, max_backoff: float = 1.0) -> SendMailWatcher:
        argv = [sys.executable, "-m", "flask", "--app", "conference", "send-mail", "--watch"]
        argv += ["--interval", str(interval), "--max-backoff", str(max_backoff)]
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """Die as a crashed sender does: at once, without cleaning up."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
