"""What the IT operations team relies on: deploy checks, login throttling, health, the worker."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.clirun import cli_env, omlob
from tests.conftest import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return cli_env(tmp_path, **extra)


def _omlob(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return omlob(*args, env=env, timeout=timeout)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = _env(
        tmp_path,
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DEBUG="false",
        OMLOB_HTTPS="true",
        ALLOWED_HOSTS="omlob.kommune.dk",
    )
    result = _omlob("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr and "no issues" in result.stdout


def test_check_deploy_warns_about_an_unsafe_setup(tmp_path):
    result = _omlob("check", "--deploy", env=_env(tmp_path, DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_worker_takes_jobs(tmp_path):
    env = _env(tmp_path)
    assert _omlob("setup", env=env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "omlob.cli", "worker", "--interval", "0.2"],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        result = _omlob("check", "--worker", "--timeout", "60", env=env)
        assert result.returncode == 0, result.stderr
        assert "Baggrundsarbejderen svarer" in result.stdout
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_check_worker_fails_clearly_without_a_worker(tmp_path):
    env = _env(tmp_path)
    _omlob("setup", env=env)
    started = time.monotonic()
    result = _omlob("check", "--worker", "--timeout", "1", env=env)
    assert result.returncode == 2
    assert "ingen baggrundsarbejder svarede" in result.stderr
    assert time.monotonic() - started < 60


def test_healthz(db, client):
    assert client.get("/healthz").json() == {"status": "ok", "database": True}


def test_login_is_locked_after_repeated_failures(world, settings):
    client = Client()
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            "/konto/log-ind/", {"username": "mette@nordby.dk", "password": "forkert"}
        )
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200
            assert "korrekt" in response.content.decode()
        else:
            assert response.status_code == 429
    locked = client.post("/konto/log-ind/", {"username": "mette@nordby.dk", "password": PASSWORD})
    assert locked.status_code == 429
    assert "For mange" in locked.content.decode()
    # another user is not locked out by Mette's failures
    ok = Client().post("/konto/log-ind/", {"username": "lise@nordby.dk", "password": PASSWORD})
    assert ok.status_code == 302


def test_login_then_land_in_the_organisation(world):
    client = Client()
    response = client.post(
        "/konto/log-ind/", {"username": "jens@nordby.dk", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/o/nordby/"
    assert "Nordby Kommune" in response.content.decode()


@pytest.mark.parametrize(("cookie", "expected"), [(None, "da"), ("en", "en"), ("xx", "da")])
def test_danish_unless_english_is_chosen(world, client, cookie, expected):
    client.force_login(world.admin)
    if cookie:
        client.cookies["django_language"] = cookie
    response = client.get("/o/nordby/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == expected
    assert f'<html lang="{expected}">' in response.content.decode()


def test_danish_number_format(world, client):
    client.force_login(world.admin)
    body = client.get("/o/nordby/").content.decode()
    assert "61.234 indbyggere" in body


def test_kr_filter_formats_danish_and_english():
    from django.utils import translation

    from omlob.web.templatetags.omlob_format import kr

    with translation.override("da"):
        assert kr(1234.5) == "1.234,50 kr."
        assert kr("-4764488.04") == "-4.764.488,04 kr."
    with translation.override("en"):
        assert kr(1234.5).startswith("1,234.50")
    assert kr("ikke et tal") == ""


def test_security_headers(world, client):
    client.force_login(world.admin)
    response = client.get("/o/nordby/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_model_change_lacks_a_migration(db, capsys):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    assert "No changes detected" in capsys.readouterr().out


def test_serve_starts_web_server_and_worker_and_stops_cleanly(tmp_path):
    import signal
    import socket
    import urllib.request

    env = _env(tmp_path)
    assert _omlob("setup", env=env).returncode == 0
    assert _omlob("demo", env=env).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "omlob.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not answer"
                time.sleep(0.3)
        checked = _omlob("check", "--worker", "--timeout", "60", env=env)
        assert checked.returncode == 0, checked.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "admin@demo.omlob.dk" in output and "omlob-demo-2026" in output


def test_history_values_read_as_danish_labels():
    from django.utils import translation

    from omlob.web.templatetags.omlob_audit import audit_value, field_label

    with translation.override("da"):
        assert field_label("cost_centres") == "Omkostningssteder"
        assert audit_value("kitchen", "kind") == "Køkken"
        assert audit_value("unit_manager", "role") == "Enhedsleder"
        assert audit_value(True) == "Ja" and audit_value(None) == "–"
        assert audit_value(62500, "inhabitants") == "62.500"
        assert audit_value(["1", "2"], "eans") == "1, 2"
