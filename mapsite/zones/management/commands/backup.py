from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapsite.ops import backup


class Command(BaseCommand):
    help = (
        "Write a consistent dump of the database (pg_dump, custom format) to "
        "var/backups/mapsite-YYYYmmddTHHMMSSZ.dump, or to --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Write the dump here instead.")

    def handle(self, *args, output: Path | None = None, **options):
        try:
            path = backup.backup(output)
        except backup.BackupError as exc:
            raise CommandError(f"no backup was written: {exc}") from None
        self.stdout.write(f"backup: wrote {path}")
