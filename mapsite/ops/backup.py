"""Backups of the served database, and restoring one all-or-nothing.

A backup is `pg_dump --format=custom`: one consistent snapshot of the whole database
(zones, their history, users, sessions, the data version), written beside its final
name and renamed into place, readable by the owner only.

A restore first checks that the file is a backup of this site, then writes a safety
copy of the current state, then replays the backup in ONE transaction: pg_restore
writes the SQL (`--clean --if-exists`: drop each object, recreate it, load its rows)
and psql runs it with `--single-transaction` and ON_ERROR_STOP, so a failure leaves
the database as it was. The PostGIS and btree_gist extensions are left in place, not
dropped and recreated: dropping them would take down anything else built on them and
needs a superuser. Custom spatial reference systems are therefore not restored (the
site stores WGS84 only).

The data version is not taken back: in the same transaction it is set to one more
than the larger of the restored and the replaced value. The restored value may equal
one a worker still holds for different data (edits made after the backup reused it),
so a worker would keep serving its cached answers; a number no worker has seen makes
every worker re-read within POLICY_CACHE_SECONDS.
"""

import contextlib
import datetime as dt
import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections

from mapsite.zones.querysets import DATA_VERSION_SQL

PG_BIN_ROOT = Path("/usr/lib/postgresql")
# Django's OPTIONS that are libpq parameters, and their environment variables.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
# A dump holding these tables is a backup of this site.
SITE_TABLES = ("zones_dataversion", "zones_zone", "auth_user")

EXTENSION = re.compile(r"^\d+; \d+ \d+ EXTENSION - (\w+)")
LEFT_IN_PLACE = re.compile(
    r"^\d+; \d+ \d+ (EXTENSION - |COMMENT - EXTENSION |TABLE DATA public spatial_ref_sys )"
)

BEFORE = """
SET client_min_messages = warning;
CREATE TEMP TABLE mapsite_replaced_version (version bigint) ON COMMIT DROP;
DO $$ BEGIN
  IF to_regclass('public.zones_dataversion') IS NOT NULL THEN
    -- editors' writes wait from here: none can take a number we are about to pass
    LOCK TABLE public.zones_dataversion IN EXCLUSIVE MODE;
    INSERT INTO mapsite_replaced_version SELECT version FROM public.zones_dataversion;
  END IF;
END $$;
"""
AFTER = """
INSERT INTO public.zones_dataversion AS v (id, version, changed_at)
SELECT 1, coalesce((SELECT max(version) FROM pg_temp.mapsite_replaced_version), 0) + 1, now()
ON CONFLICT (id) DO UPDATE SET version = greatest(v.version + 1, excluded.version),
  changed_at = now();
"""


class BackupError(Exception):
    """A backup or restore that did not happen; nothing was changed."""


@dataclass
class Database:
    """Where to connect, as libpq parameters (from Django's DATABASES)."""

    params: dict

    @classmethod
    def from_settings(cls, settings_dict: dict | None = None) -> "Database":
        config = settings_dict or connections["default"].settings_dict
        params = {
            "dbname": config["NAME"],
            "user": config.get("USER"),
            "password": config.get("PASSWORD"),
            "host": config.get("HOST"),
            "port": config.get("PORT"),
        }
        options = config.get("OPTIONS", {})
        params.update({key: options[key] for key in LIBPQ_OPTIONS if key in options})
        return cls({key: str(value) for key, value in params.items() if value not in (None, "")})

    @property
    def name(self) -> str:
        return self.params["dbname"]

    def env(self) -> dict:
        """This process's environment with the connection in PG* variables (no password in argv)."""
        names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
        names |= {"host": "PGHOST", "port": "PGPORT", **LIBPQ_OPTIONS}
        env = {k: v for k, v in os.environ.items() if k not in names.values()}
        return env | {names[key]: value for key, value in self.params.items()}

    def connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(**self.params, autocommit=True)
        except psycopg.OperationalError as exc:
            raise BackupError(f"cannot reach database {self.name}: {exc}".strip()) from None

    @functools.cached_property
    def bin_dir(self) -> Path:
        with self.connect() as conn:
            return PG_BIN_ROOT / str(conn.info.server_version // 10000) / "bin"

    def tool(self, name: str) -> str:
        """pg_dump, pg_restore or psql of the server's major version (else the one on PATH)."""
        path = self.bin_dir / name
        return str(path) if path.exists() else name

    def data_version(self) -> int:
        with self.connect() as conn:
            row = conn.execute(DATA_VERSION_SQL).fetchone()
        return row[0] if row else 0


def new_path(label: str = "") -> Path:
    """var/backups/mapsite-YYYYmmddTHHMMSSZ[-label].dump, a name not yet taken."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = f"mapsite-{stamp}" + (f"-{label}" if label else "")
    path, n = settings.BACKUP_DIR / f"{stem}.dump", 1
    while path.exists():
        n += 1
        path = settings.BACKUP_DIR / f"{stem}-{n}.dump"
    return path


def backup(
    output: Path | str | None = None, database: Database | None = None, label: str = ""
) -> Path:
    """Dump the database to `output` (default: a new timestamped file); returns the path."""
    db = database or Database.from_settings()
    path = Path(output) if output else new_path(label)
    if path.exists():
        raise BackupError(f"{path} already exists; choose another file")
    if not output:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror}") from None
    dump = [db.tool("pg_dump"), "--format=custom", "--file", str(partial)]
    done = subprocess.run(dump, env=db.env(), capture_output=True, text=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump of {db.name} failed: {done.stderr.strip()}")
    os.replace(partial, path)
    return path


@dataclass
class Restored:
    path: Path
    safety_copy: Path | None
    data_version: int


def restore(
    path: Path | str, safety_copy: bool = True, database: Database | None = None
) -> Restored:
    """Replace the database's contents with the backup at `path`, all or nothing."""
    db = database or Database.from_settings()
    path = Path(path)
    entries = archive_entries(path, db)
    saved = backup(database=db, label="before-restore") if safety_copy else None
    extensions = [m.group(1) for m in map(EXTENSION.match, entries) if m]
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write("".join(line + "\n" for line in entries if not LEFT_IN_PLACE.match(line)))
        listing.flush()
        _replay(path, db, listing.name, extensions)
    return Restored(path, saved, db.data_version())


def archive_entries(path: Path, db: Database) -> list[str]:
    """The archive's table of contents; BackupError unless it is a backup of this site."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    listed = subprocess.run(
        [db.tool("pg_restore"), "--list", str(path)], capture_output=True, text=True
    )
    if listed.returncode != 0:
        reason = listed.stderr.strip().removeprefix("pg_restore: error: ")
        raise BackupError(f"{path} is not a pg_dump archive: {reason}")
    entries = [line for line in listed.stdout.splitlines() if line and not line.startswith(";")]
    for table in SITE_TABLES:
        if not any(re.search(rf" TABLE public {table} ", line) for line in entries):
            raise BackupError(f"{path} is not a backup of this site: it has no {table} table")
    return entries


def _replay(path: Path, db: Database, listing: str, extensions: list[str]) -> None:
    """pg_restore's SQL through psql in one transaction, committed only once all of it ran.

    psql stops at the first error (the transaction is then never committed); COMMIT is sent
    only after pg_restore has written the whole script, so a truncated archive changes nothing.
    """
    before = BEFORE + "".join(f"CREATE EXTENSION IF NOT EXISTS {name};\n" for name in extensions)
    script = [db.tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    script += ["--use-list", listing, "--file", "-", str(path)]
    psql = [db.tool("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "-f", "-"]
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as run_errors:
        runner = subprocess.Popen(
            psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=run_errors, env=db.env()
        )
        writer = subprocess.Popen(script, stdout=subprocess.PIPE, stderr=script_errors)
        try:
            runner.stdin.write(b"BEGIN;\n" + before.encode())
            shutil.copyfileobj(writer.stdout, runner.stdin)
            if writer.wait() == 0:
                runner.stdin.write(AFTER.encode() + b"COMMIT;\n")
        except BrokenPipeError:  # psql stopped at an error
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                runner.stdin.close()  # psql ends here; without COMMIT its transaction is undone
            writer.kill()
            writer.wait()
            runner.wait()
        failed, unread = _text(run_errors), _text(script_errors)
    if runner.returncode != 0:
        raise BackupError(f"restoring {path} failed, nothing was changed: {failed}")
    if writer.returncode != 0:
        raise BackupError(f"{path} could not be read in full, nothing was changed: {unread}")


def _text(stream) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace").strip()
