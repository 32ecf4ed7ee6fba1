from django.core.management.base import BaseCommand

from mapsite.zones import figures


class Command(BaseCommand):
    help = "Measure each policy version's opened area and write geo_data/policy/figures.json."

    def handle(self, *args, **options):
        result = figures.write()
        for version in result["versions"]:
            self.stdout.write(
                f"{version['policy']}: {version['opened_km2']} km², "
                f"{version['share_of_russia_within_reach_percent']}% of Russia within reach"
            )
