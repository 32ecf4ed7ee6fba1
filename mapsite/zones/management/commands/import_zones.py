from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mapsite.zones import importer


class Command(BaseCommand):
    help = (
        "Import zones from a GeoJSON FeatureCollection (WGS84 lon/lat). The whole file is "
        "checked first: one bad feature and nothing is stored. Features become drafts "
        "unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON FeatureCollection to import")
        parser.add_argument("--policy", help="Policy slug for features without a 'policy' property")
        parser.add_argument(
            "--publish", action="store_true", help="Publish at once instead of saving drafts"
        )
        parser.add_argument("--user", help="Username recorded in the zones' history")

    def handle(self, *args, file: str, policy=None, publish=False, user=None, **options):
        editor = None
        if user:
            editor = get_user_model().objects.filter(username=user).first()
            if editor is None:
                raise CommandError(f"no user {user!r}")
        try:
            report = importer.import_path(file, policy=policy, publish=publish, user=editor)
        except importer.ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(f"import_zones: {problem}")
            raise CommandError(
                f"nothing was imported from {file}: {len(exc.problems)} problem(s)"
            ) from None
        for line in report.lines():
            self.stdout.write(f"import_zones: {line}")
