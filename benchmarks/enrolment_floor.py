"""How fast could an enrolment be? The same statements without the ORM, in-process.

    uv run --frozen python benchmarks/enrolment_floor.py

Where ``benchmarks/enrolment.py`` measures the portal over HTTP, this one asks where its time goes.
In one process, on a scratch PostgreSQL database (the enrolment benchmark's data), it times per
enrolment, round after round:

- ``raw``: the statements a portal enrolment sends (the service's own plain-SQL lock of the
  cohort and reading of seats and places, then the insert and its audit event written as plain
  SQL; the e-mail queued and the catalogue told);
- ``service``: ``enrollments.services.enrollment_create``, whose inserts go through the ORM;
- ``baseline`` and ``portal``: the two endpoints of the enrolment benchmark, through Django's test
  client (token authentication, middleware, DRF for the portal).

The difference between ``raw`` and ``service`` is what the ORM's inserts and the rules cost;
between ``service`` and ``portal``, the request around it. Not a target, a diagnosis.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get(
    "BENCH_ENROL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_bench_enrol"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10")
PER_ROUND = 150
ROUNDS = 3


def raw_enrol(connection, officer_id, cohort_id, content_type_id):
    """One enrolment into a free seat: the service's own lock and reading statement, then the
    three inserts (its only ORM statements) in plain SQL."""
    from django.db import transaction
    from django.utils import timezone

    from courses.cache import catalogue_changed
    from enrollments.notifications import nudge_sender
    from enrollments.services import _lock_cohort_to_enrol, _standing

    with transaction.atomic(), connection.cursor() as cursor:
        cohort = _lock_cohort_to_enrol(cohort_id)
        _standing(cohort, officer_id)
        now = timezone.now()
        cursor.execute(
            "INSERT INTO enrollments_enrollment (officer_id, cohort_id, course_id, state, reason,"
            " created_by_id, state_changed_at, result_overridden, created_at, updated_at)"
            " VALUES (%s, %s, %s, 'enrolled', '', %s, %s, false, %s, %s) RETURNING id",
            [officer_id, cohort_id, cohort.course_id, officer_id, now, now, now],
        )
        pk = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO academy_auditevent (actor_id, action, target_type_id, target_id, data,"
            " created_at) VALUES (%s, 'enrollments.enrollment.enrolled', %s, %s, %s, %s)",
            [officer_id, content_type_id, str(pk), json.dumps({"to": "enrolled"}), now],
        )
        cursor.execute(
            "INSERT INTO enrollments_notification (enrollment_id, kind, data, status, attempts,"
            " created_at, last_error) VALUES (%s, 'enrolled', '{}', 'pending', 0, %s, '')",
            [pk, now],
        )
        transaction.on_commit(nudge_sender, robust=True)
        # The model's post_save signal tells the catalogue when the enrolment commits.
        transaction.on_commit(catalogue_changed)


def main():
    from benchmarks.catalogue import benchmark_env, flush_redis, recreate_database

    os.environ.update(
        benchmark_env(
            database_url=DATABASE_URL,
            redis_url=REDIS_URL,
            broker_url=BROKER_URL,
            ALLOWED_HOSTS="testserver",  # Django's test client
            EMAIL_URL="dummymail://",
            PORTAL_URL="http://127.0.0.1",
        )
    )
    recreate_database(DATABASE_URL)
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from academy.models import User
    from benchmarks.enrolment import BASELINE_PATH, PORTAL_PATH, clean, generate
    from enrollments.models import Enrollment
    from enrollments.services import enrollment_create

    call_command("migrate", verbosity=0)
    data = generate(officers=PER_ROUND + 20, reminders=1)
    flush_redis(REDIS_URL)
    tokens, portal, baseline = data["tokens"], data["portal_cohorts"], data["baseline_cohorts"]
    every = portal + baseline
    officers = list(
        User.objects.filter(officer_profile__isnull=False)
        .select_related("officer_profile")
        .order_by("pk")
    )
    content_type = ContentType.objects.get_for_model(Enrollment).pk
    client = Client()

    def per_enrolment(work):
        clean(every)
        started = time.perf_counter()
        for i in range(PER_ROUND):
            work(i)
        return (time.perf_counter() - started) / PER_ROUND * 1000

    def post(template, cohort_ids):
        def work(i):
            response = client.post(
                template.format(cohort_ids[i % len(cohort_ids)]),
                HTTP_AUTHORIZATION=f"Token {tokens[i]}",
            )
            assert response.status_code == 201, response.content

        return work

    variants = {
        "raw": lambda i: raw_enrol(connection, officers[i].pk, portal[i % 5], content_type),
        "service": lambda i: enrollment_create(officer=officers[i], cohort=portal[i % 5]),
        "baseline": post(BASELINE_PATH, baseline),
        "portal": post(PORTAL_PATH, portal),
    }
    for work in variants.values():  # warm up
        per_enrolment(work)
    runs = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, work in variants.items():
            runs[name].append(per_enrolment(work))
    clean(every)
    flush_redis(BROKER_URL)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    print(f"ms per enrolment, medians of {ROUNDS} rounds of {PER_ROUND}:")
    for name, value in medians.items():
        print(f"  {name:9} {value:6.2f} ms   runs {[round(v, 2) for v in runs[name]]}")
    print(
        f"portal / baseline {medians['baseline'] / medians['portal']:.2f}x; "
        f"the ORM inserts and the rules cost {medians['service'] - medians['raw']:.2f} ms an "
        f"enrolment; a portal sending the raw statements would be at about "
        f"{medians['baseline'] / (medians['portal'] - medians['service'] + medians['raw']):.2f}x"
    )


if __name__ == "__main__":
    main()
