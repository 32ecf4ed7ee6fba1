"""The set-up behind `make run` and `make test`: idempotent, and clear when it cannot proceed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra) -> dict:
    keep = ("PATH", "HOME", "LANG")
    return {k: v for k, v in os.environ.items() if k in keep} | extra


def test_starting_the_cluster_again_changes_nothing():
    for _ in range(2):
        result = subprocess.run(
            ["bash", "scripts/pg.sh", "start"], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert "Creating" not in result.stdout


def test_manage_py_reaches_the_served_database_with_no_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from mapsite.zones.models import ReferenceFeature; "
            "from django.db import connection; "
            "print(connection.settings_dict['NAME'], ReferenceFeature.objects.count())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    name, features = result.stdout.split()[-2:]
    assert name == "mapsite"
    assert int(features) > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the script as another user")
def test_missing_packages_without_root_or_sudo_say_what_to_install():
    # A PostgreSQL version that is not installed makes the script want packages;
    # the unprivileged 'nobody' user can neither apt-get nor sudo.
    script = (ROOT / "scripts/system-deps.sh").read_text()
    assert "PG_VERSION=15" in script
    result = subprocess.run(
        ["runuser", "-u", "nobody", "--", "bash", "-s"],
        input=script.replace("PG_VERSION=15", "PG_VERSION=99"),
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 1
    assert "missing Debian packages: postgresql-99 postgresql-99-postgis-3" in result.stderr
    assert "apt-get install" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run psql as another user")
def test_other_local_users_cannot_reach_the_cluster():
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not str(db["HOST"]).startswith("/"):
        pytest.skip("DATABASE_URL points at another server, not the private cluster")
    result = subprocess.run(
        [
            "runuser",
            "-u",
            "nobody",
            "--",
            "psql",
            "-h",
            db["HOST"],
            "-p",
            str(db["PORT"]),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            "SELECT 1",
        ],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode != 0
    assert "Permission denied" in result.stderr


def test_the_shell_starts_cleanly_with_the_models_imported():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell"],
        input="print('model', Zone.__name__, Zone.objects.exists() in (True, False))\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "model Zone True" in result.stdout
    assert "could not be automatically imported" not in result.stdout + result.stderr
