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

    def handle(self, *args, reset: bool = False, **options):
        try:
            report = loader.load(reset=reset)
        except loader.LoadError as exc:
            raise CommandError(f"nothing was loaded: {exc}") from None
        for line in report.lines():
            self.stdout.write(f"load_geo_data: {line}")
