"""Production hardening is switched on by DEBUG=False, and every page carries the headers."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_settings(monkeypatch):
    import academy.settings as settings_module

    monkeypatch.setenv("DEBUG", "False")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("BEHIND_TLS_PROXY", "True")
    try:
        yield importlib.reload(settings_module)
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_debug_false_switches_on_hardening(production_settings):
    s = production_settings
    assert s.SECURE_HSTS_SECONDS >= 31536000
    assert s.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert s.SECURE_SSL_REDIRECT is True
    assert s.SESSION_COOKIE_SECURE is True
    assert s.CSRF_COOKIE_SECURE is True
    assert s.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s.DEMO_MODE is False
    assert s.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_production_needs_a_secret_key(monkeypatch):
    """Without SECRET_KEY a production start fails loudly instead of using the embedded key."""
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "False"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "academy.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_has_no_warnings():
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    # Production signs the certificates' Open Badges credentials with a key of its own.
    signing_key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-0123456789abcdefghij",
        "ALLOWED_HOSTS": "academy.ksg.ac.ke",
        "OPEN_BADGES_SIGNING_KEY": signing_key.decode(),
        # And encrypts the MFA secrets with a key of its own (academy.mfa).
        "MFA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
