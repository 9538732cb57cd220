"""SITE_URL, where every link the portal sends points: required in production, checked by `check --deploy`,
set by `make demo` from the address it serves on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from alp_portal.checks import check_site_url
from alp_portal.env import env_url
from certificates.keys import new_private_key, private_multibase

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-this-test-only-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "alp.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run(command, **environment):
    """A command in a clean environment of its own (none of this process's DJANGO_ or SITE_URL variables)."""
    base = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "SITE_URL"))}
    return subprocess.run(command, cwd=ROOT, env={**base, **environment}, capture_output=True, text=True, timeout=120)


def test_production_without_site_url_stops_check_deploy_saying_why():
    done = run([sys.executable, "manage.py", "check", "--deploy"], **PRODUCTION)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: The environment variable SITE_URL is required with "
        "DJANGO_DEBUG=false: the portal's public address, such as https://alp.example.org, which invitation "
        "links, QR codes and e-mails point to."
    )


def test_production_with_site_url_passes_check_deploy():
    done = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        SITE_URL="https://alp.example.org/",
        DJANGO_EMAIL_BACKEND="smtp",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_TASKS_BACKEND="database",
        ALP_CREDENTIAL_SIGNING_KEY=private_multibase(new_private_key()),  # else certificates.W001
    )
    assert (done.returncode, done.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


def test_default_allowed_hosts_hold_site_url_host():
    done = run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS, settings.SITE_URL)"],
        DJANGO_SETTINGS_MODULE="alp_portal.settings",
        SITE_URL="http://10.0.0.5:8001/",
    )
    assert done.stdout.strip() == "['localhost', '127.0.0.1', '[::1]', 'testserver', '10.0.0.5'] http://10.0.0.5:8001"


@pytest.mark.parametrize("value", ["alp.example.org", "ftp://alp.example.org", "https://", "https://alp.org/?a=1"])
def test_site_url_that_is_no_http_address_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured) as error:
        env_url("SITE_URL")
    assert str(error.value) == f"SITE_URL={value!r} is not an absolute http(s) address such as https://alp.example.org."


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts", "expected"),
    [
        ("https://alp.example.org", ["alp.example.org"], []),
        ("https://iom.example.org/alp", [".example.org"], []),
        ("http://localhost:8000", ["localhost"], ["alp_portal.W001"]),
        ("http://0.0.0.0:8000", ["*"], ["alp_portal.W001"]),
        ("http://alp.example.org", ["alp.example.org"], ["alp_portal.W002"]),
        ("https://alp.example.org", ["other.example.org"], ["alp_portal.W003"]),
        ("http://127.0.0.1:8000", ["alp.example.org"], ["alp_portal.W001", "alp_portal.W003"]),
    ],
)
def test_check_deploy_says_where_site_url_would_send_links(settings, site_url, allowed_hosts, expected):
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = allowed_hosts
    assert [issue.id for issue in check_site_url(None)] == expected


def test_check_deploy_message_names_the_local_address(settings):
    settings.SITE_URL = "http://localhost:8000"
    [issue] = check_site_url(None)
    assert issue.msg == (
        "SITE_URL is http://localhost:8000: invitation links, QR codes and e-mails would point to this machine, "
        "not to the portal."
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("arguments", "site_url"),
    [
        ([], "http://127.0.0.1:8000"),
        (["DEMO_ADDR=127.0.0.1:8001"], "http://127.0.0.1:8001"),
        (["DEMO_ADDR=0.0.0.0:8123"], "http://localhost:8123"),
        (["DEMO_ADDR=[::]:9000"], "http://localhost:9000"),
        (["DEMO_ADDR=8002"], "http://localhost:8002"),
        (["DEMO_ADDR=0.0.0.0:8000", "SITE_URL=http://alp.lan:8000"], "http://alp.lan:8000"),
    ],
)
def test_make_demo_points_links_to_the_address_it_serves(arguments, site_url):
    done = run(["make", "--dry-run", "demo", *arguments])
    commands = [line for line in done.stdout.splitlines() if "manage.py" in line]
    assert len(commands) == 6
    assert all(f"SITE_URL='{site_url}' " in line for line in commands), done.stdout
