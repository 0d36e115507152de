"""Start-up cost: building the app must not hash a password (Argon2 costs about a second and a large memory peak in
every gunicorn worker and CLI call)."""

from __future__ import annotations

import subprocess
import sys


def test_create_app_does_not_hash_a_password(tmp_path) -> None:
    code = (
        "import argon2, time\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or real(self, *a, **k)\n"
        "from conference import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db', 'SECRET_KEY': 'x' * 40}})\n"
        "import conference.auth.accounts as accounts\n"
        "print(len(calls))\n"
        "accounts.authenticate\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0", out.stdout + out.stderr


def test_unknown_address_still_costs_a_verification(app) -> None:
    from conference.auth import accounts

    accounts._dummy_hash.cache_clear()
    assert accounts.authenticate("nobody@example.org", "wrong password here") is None
    assert accounts._dummy_hash.cache_info().currsize == 1  # the dummy hash was made and verified against
