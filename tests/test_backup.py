"""Backups and restores round-trip the site; a bad file changes nothing.

Everything runs against a copy of the test database, never the served one.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from mapsite.ops import backup
from mapsite.zones import editing, snapshot
from mapsite.zones.models import DataVersion, Zone
from tests.api_support import BELGOROD, KHARKIV, verdict_url
from tests.ops_support import copy_of_test_database, database_url, pointed_at

ROOT = Path(__file__).resolve().parent.parent
EDITED = "border-band-2025-06-01"  # today's border band: verdicts and today's export show it
ANSWERS = [verdict_url(*BELGOROD), verdict_url(*KHARKIV), "/api/zones.geojson"]


@pytest.fixture(scope="module")
def copy(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), copy_of_test_database("backup") as db:
        yield db


@pytest.fixture
def on_copy(copy, django_db_blocker, settings, tmp_path):
    """The ORM and the test client on the copy; backups in a temporary folder."""
    settings.BACKUP_DIR = tmp_path / "backups"
    with django_db_blocker.unblock(), pointed_at(copy):
        yield copy


def history_tables() -> dict[str, list]:
    tables = [t for t in connection.introspection.table_names() if "historical" in t]
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def site_state() -> dict:
    """What a backup must bring back: zones, history, users, and what the API answers."""
    snapshot.forget()
    client = Client()
    return {
        "zones": {z.slug: (z.name, z.depth_km, bytes(z.geom.wkb)) for z in Zone.objects.all()},
        "history": history_tables(),
        "users": list(get_user_model().objects.order_by("pk").values_list("username", "password")),
        "answers": {url: client.get(url).content for url in ANSWERS},
    }


def edit_the_site() -> None:
    """An editor's change (with its history and the remainder it regenerates), a new user."""
    User = get_user_model()
    editor = User.objects.create_user("after-the-backup", password="a-long-test-password-2")
    zone = Zone.objects.get(slug=EDITED)
    zone.name, zone.depth_km = "Border band, edited after the backup", zone.depth_km / 2
    editing.save_zone(zone, editor, reason="test: after the backup")


def test_a_restore_brings_back_the_site_as_backed_up(on_copy):
    before = site_state()
    saved = backup.backup()
    assert saved.parent == settings.BACKUP_DIR and saved.name.startswith("mapsite-")
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    edit_the_site()
    changed, changed_version = site_state(), DataVersion.objects.current()
    for part in before:
        assert changed[part] != before[part], part
    cached = snapshot.current().version

    restored = backup.restore(saved)

    assert site_state() == before
    # The data version moves on past both, so no worker keeps answers cached at either.
    assert restored.data_version == DataVersion.objects.current() == changed_version + 1
    assert snapshot.current().version != cached
    # The safety copy holds the state the restore replaced.
    assert restored.safety_copy.exists() and restored.safety_copy != saved
    backup.restore(restored.safety_copy, safety_copy=False)
    assert site_state() == changed
    backup.restore(saved, safety_copy=False)


def restore_command(db, path: Path, backups: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url(db), "BACKUP_DIR": str(backups)}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bad_file_is_named_and_changes_nothing(on_copy, tmp_path):
    text = tmp_path / "notes.dump"
    text.write_text("not a dump\n")
    other = backup.backup(
        tmp_path / "postgres.dump", backup.Database({**on_copy.params, "dbname": "postgres"})
    )
    cases = {
        tmp_path / "missing.dump": "No such file",
        tmp_path: "Is a directory",
        text: "is not a pg_dump archive",
        other: "is not a backup of this site",
    }
    backups = tmp_path / "backups"
    version = DataVersion.objects.current()
    for path, reason in cases.items():
        done = restore_command(on_copy, path, backups)
        assert done.returncode != 0, path
        assert str(path) in done.stderr and reason in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not backups.exists()  # not even a safety copy
    assert DataVersion.objects.current() == version


def test_a_truncated_backup_changes_nothing(on_copy, tmp_path):
    full = backup.backup(tmp_path / "full.dump").read_bytes()
    cut = tmp_path / "cut.dump"
    cut.write_bytes(full[: len(full) * 2 // 3])
    edit_the_site()
    edited = site_state()
    with pytest.raises(backup.BackupError, match="nothing was changed"):
        backup.restore(cut, safety_copy=False)
    assert site_state() == edited


def test_backup_refuses_to_overwrite(on_copy, tmp_path):
    taken = tmp_path / "taken.dump"
    taken.write_text("keep me")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(taken)
    assert taken.read_text() == "keep me"
