"""Settings come from the environment, with safe defaults for a local run."""

import importlib
import os
import stat
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from mapsite import settings as live_settings


def reload_settings(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("MAPSITE_VAR_DIR", str(tmp_path))
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(live_settings)


@pytest.fixture(autouse=True)
def restore_settings_module(monkeypatch):
    yield
    monkeypatch.undo()
    importlib.reload(live_settings)


def test_it_defaults_to_debug_off(monkeypatch, tmp_path):
    module = reload_settings(monkeypatch, tmp_path)
    assert module.DEBUG is False


def test_it_turns_debug_on_when_asked(monkeypatch, tmp_path):
    assert reload_settings(monkeypatch, tmp_path, DEBUG="true").DEBUG is True


def test_it_refuses_a_debug_value_it_cannot_read(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        reload_settings(monkeypatch, tmp_path, DEBUG="maybe")


def test_it_generates_a_secret_key_once_and_keeps_it_private(monkeypatch, tmp_path):
    first = reload_settings(monkeypatch, tmp_path).SECRET_KEY
    second = reload_settings(monkeypatch, tmp_path).SECRET_KEY
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 50
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_it_takes_the_secret_key_from_the_environment(monkeypatch, tmp_path):
    module = reload_settings(monkeypatch, tmp_path, SECRET_KEY="from-env")
    assert module.SECRET_KEY == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_it_reads_the_secret_key_from_a_file(monkeypatch, tmp_path):
    path = tmp_path / "key"
    path.write_text("from-file\n")
    assert reload_settings(monkeypatch, tmp_path, SECRET_KEY_FILE=str(path)).SECRET_KEY == (
        "from-file"
    )


def test_it_finds_the_private_cluster_under_var_without_environment(monkeypatch, tmp_path):
    db = reload_settings(monkeypatch, tmp_path).DATABASES["default"]
    assert db["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert db["HOST"] == str(tmp_path / "pg" / "run")
    assert db["PORT"] != "5432"
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True


def test_it_uses_database_url_when_given(monkeypatch, tmp_path):
    module = reload_settings(
        monkeypatch, tmp_path, DATABASE_URL="postgres://maps:pw@db.example:6543/policy"
    )
    db = module.DATABASES["default"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "django.contrib.gis.db.backends.postgis",
        "db.example",
        6543,
        "policy",
        "maps",
    )


def test_it_reads_allowed_hosts_as_a_list(monkeypatch, tmp_path):
    module = reload_settings(monkeypatch, tmp_path, ALLOWED_HOSTS="maps.example, 10.0.0.1")
    assert module.ALLOWED_HOSTS == ["maps.example", "10.0.0.1"]


def test_the_committed_tree_holds_no_secret_key():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tracked = subprocess.run(
        ["git", "-C", root, "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if "secret" in path.lower()]


@pytest.mark.parametrize("value", ["soon", "nan", "-1", "inf"])
def test_it_refuses_a_cache_period_it_cannot_use(monkeypatch, tmp_path, value):
    with pytest.raises(ImproperlyConfigured, match="POLICY_CACHE_SECONDS"):
        reload_settings(monkeypatch, tmp_path, POLICY_CACHE_SECONDS=value)


def test_it_reads_the_cache_period(monkeypatch, tmp_path):
    assert (
        reload_settings(monkeypatch, tmp_path, POLICY_CACHE_SECONDS="0.5").POLICY_CACHE_SECONDS
        == 0.5
    )
