"""Rate limits hold across gunicorn workers (embedded SQLite counters, Redis), are keyed on the real client
behind trusted proxies only, and cover every public action that sends mail."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter

import pytest

from bench.registration import free_port, start_gunicorn, stop
from conference.config import load_config
from conference.db import db
from tests.factories import make_event
from tests.registrations.helpers import csrf_from, register_via_form
from tests.servers import redis_server

REQUESTS = 200
LIMIT = 30


def _hammer(base: str, slug: str, total: int = REQUESTS, clients: int = 8) -> Counter:
    """`total` registrations for distinct addresses from `clients` threads; the HTTP status codes."""
    host, port = base.removeprefix("http://").split(":")
    codes: Counter = Counter()
    lock = threading.Lock()
    numbers = iter(range(total))

    def client() -> None:
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            body = json.dumps({"name": f"Person {n}", "email": f"limited{n}@example.org", "consent": True})
            conn.request(
                "POST", f"/api/v1/events/{slug}/registrations", body, {"Content-Type": "application/json"}
            )
            status = conn.getresponse().status
            conn.close()
            with lock:
                codes[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def _limited_gunicorn(database_url: str, storage_uri: str):  # noqa: ANN202
    return start_gunicorn(
        database_url,
        workers=4,
        extra_env={
            "RATELIMIT_ENABLED": "1",
            "RATELIMIT_REGISTRATION": f"{LIMIT}/minute",
            "RATELIMIT_STORAGE_URI": storage_uri,
        },
    )


def _assert_limit_held(app, database_url: str, storage_uri: str) -> None:  # noqa: ANN001
    make_event(slug="limited")
    db.session.commit()
    process, base = _limited_gunicorn(database_url, storage_uri)
    try:
        codes = _hammer(base, "limited")
    finally:
        stop(process)
    # Every request is answered, and one client gets its 30 registrations across all 4 workers, no more.
    assert codes == {201: LIMIT, 429: REQUESTS - LIMIT}, codes


def test_the_default_storage_is_a_file_in_the_instance_folder(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    config = load_config(str(tmp_path), {"TESTING": True})
    assert config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'ratelimit.sqlite'}"
    assert config["TRUSTED_PROXIES"] == 0


def test_limits_hold_across_gunicorn_workers_with_the_embedded_storage(app, database_url, tmp_path) -> None:  # noqa: ANN001
    _assert_limit_held(app, database_url, f"sqlite:///{tmp_path / 'ratelimit.sqlite'}")


def test_limits_hold_across_gunicorn_workers_with_redis(app, database_url) -> None:  # noqa: ANN001
    with redis_server() as url:
        _assert_limit_held(app, database_url, url)


def test_the_embedded_storage_counts_one_window_across_app_instances(make_app, tmp_path) -> None:  # noqa: ANN001
    """Two app instances (as two workers) on one file share the budget, and an expired window starts afresh."""
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    uri = f"sqlite:///{tmp_path / 'counters.sqlite'}"
    first, second = (FixedWindowRateLimiter(storage_from_string(uri)) for _ in range(2))
    per_minute = parse("3/minute")
    assert [first.hit(per_minute, "client"), second.hit(per_minute, "client")] == [True, True]
    assert [first.hit(per_minute, "client"), second.hit(per_minute, "client")] == [True, False]
    assert second.get_window_stats(per_minute, "client").remaining == 0
    assert first.hit(per_minute, "other")  # each client has its own budget
    per_second = parse("1/second")
    assert first.hit(per_second, "client") and not second.hit(per_second, "client")
    import time

    time.sleep(1.1)
    assert second.hit(per_second, "client")  # a new window


# --- the client behind reverse proxies --------------------------------------------------------------


def _codes(client, forwarded_for: str, n: int = 3) -> list[int]:  # noqa: ANN001
    return [
        client.get(
            "/api/v1/registrations/" + "x" * 43, headers={"X-Forwarded-For": forwarded_for}
        ).status_code
        for _ in range(n)
    ]


def test_with_a_trusted_proxy_each_forwarded_client_has_its_own_budget(make_app) -> None:  # noqa: ANN001
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="2/minute", TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        assert _codes(client, "203.0.113.1") == [404, 404, 429]
        assert _codes(client, "203.0.113.2") == [404, 404, 429]
        # Only the address the proxy added counts: what the client put in front is not believed.
        assert _codes(client, "198.51.100.7, 203.0.113.1", n=1) == [429]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(make_app) -> None:  # noqa: ANN001
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="2/minute", TRUSTED_PROXIES=0)
    with app.app_context():
        client = app.test_client()
        assert _codes(client, "203.0.113.1") == [404, 404, 429]
        assert _codes(client, "203.0.113.2", n=1) == [429]  # a new header is not a new client


def test_trusted_proxies_must_be_a_whole_number(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        load_config(str(tmp_path), {"TESTING": True})


# --- every public action that sends mail --------------------------------------------------------------


def test_the_registration_form_and_lost_link_are_limited_per_client(app, make_app) -> None:  # noqa: ANN001
    """(`app` empties the tables afterwards.)"""
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="2/minute")
    with limited.app_context():
        make_event(slug="form-limited")
        db.session.commit()
        client = limited.test_client()
        codes = [
            register_via_form(client, "form-limited", email=f"form{n}@example.org").status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 429]
        refused = register_via_form(client, "form-limited", email="form9@example.org")
        assert "Please wait a few minutes" in refused.get_data(as_text=True)
        assert client.get("/events/form-limited/register").status_code == 200  # reading is not limited

        page = client.get("/registrations/lost-link").get_data(as_text=True)
        token = csrf_from(page)
        lost = [
            client.post(
                "/registrations/lost-link", data={"csrf_token": token, "email": "a@example.org"}
            ).status_code
            for _ in range(3)
        ]
        assert lost == [302, 302, 429]


def test_an_unreachable_storage_never_answers_500_and_still_limits(app, database_url) -> None:  # noqa: ANN001
    """Found by the probe after the merge: with RATELIMIT_STORAGE_URI on a Redis that is down, every limited
    request (registration, lost link, login) answered 500. Now the limits go on in the worker's memory."""
    closed = f"redis://127.0.0.1:{free_port()}"
    process, base = start_gunicorn(
        database_url,
        workers=1,
        extra_env={
            "RATELIMIT_ENABLED": "1",
            "RATELIMIT_REGISTRATION": "2/minute",
            "RATELIMIT_STORAGE_URI": closed,
        },
    )
    try:
        host, port = base.removeprefix("http://").split(":")
        codes = []
        for _ in range(3):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", "/api/v1/registrations/" + "x" * 43)
            codes.append(conn.getresponse().status)
            conn.close()
    finally:
        stop(process)
    assert codes == [404, 404, 429]
