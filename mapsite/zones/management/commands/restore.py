from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapsite.ops import backup


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup, all or nothing, after writing a "
        "safety copy of the current state to var/backups/."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A dump written by `manage.py backup`.")
        parser.add_argument(
            "--no-safety-copy",
            action="store_true",
            help="Do not back up the current state first.",
        )

    def handle(self, *args, path: Path, no_safety_copy: bool = False, **options):
        try:
            restored = backup.restore(path, safety_copy=not no_safety_copy)
        except backup.BackupError as exc:
            raise CommandError(exc) from None
        if restored.safety_copy:
            self.stdout.write(f"restore: the state before is saved in {restored.safety_copy}")
        self.stdout.write(
            f"restore: restored {restored.path}; data version now {restored.data_version}"
        )
