from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapsite.zones import loader


class Command(BaseCommand):
    help = "Load the bundled geography and policy data (geo_data/) into PostGIS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite zones and policy records that editors changed.",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=loader.DATA_DIR,
            help="Folder holding layers/, policy/ and source/ (default: geo_data/).",
        )

    def handle(self, *args, reset: bool = False, data_dir: Path = loader.DATA_DIR, **options):
        try:
            report = loader.load(reset=reset, data_dir=Path(data_dir))
        except loader.LoadError as exc:
            raise CommandError(f"nothing was loaded: {exc}") from None
        for line in report.lines():
            self.stdout.write(f"load_geo_data: {line}")
