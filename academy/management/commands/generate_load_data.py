import time

from django.core.management.base import BaseCommand, CommandError

from benchmarks.national import LoadDataRefused, NationalCounts, describe, generate_national


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database (migrated, no officers yet) with a national-scale data "
        "set for the completion-report benchmarks: the organisation tree, 200,000 officers, "
        "1,000,000 enrolments (half completed) and their certificates, times --scale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplies every count but the organisation tree's (default 1.0: national).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Seed of the generator (default 2026)."
        )

    def handle(self, *args, scale, seed, **options):
        counts = NationalCounts.at_scale(scale)
        self.stdout.write(
            f"Generating {counts.officers:,} officers and {counts.enrollments:,} enrolments "
            f"(scale {scale}, seed {seed})…"
        )
        started = time.perf_counter()
        try:
            created = generate_national(scale=scale, seed=seed, log=self.stdout.write)
        except LoadDataRefused as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write("Created:")
        for line in describe(created):
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Load data ready in {seconds:.1f} s."))
