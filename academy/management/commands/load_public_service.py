from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.reference_data import FIXTURE, ReferenceDataError, load_public_service


class Command(BaseCommand):
    help = (
        "Load Kenya's counties, ministries and state departments, county governments, agencies, "
        "KSG and its partners, and KSG's campuses. Safe to run again: rows are matched by code or "
        "slug and updated; nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=FIXTURE,
            help="Fixture to load (default: the project's academy/data/kenya_public_service.json).",
        )

    def handle(self, *args, file, **options):
        try:
            summary = load_public_service(file)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Public service reference data: {summary.describe()}.")
        )
