"""How fast could an enrolment be? The same statements without the ORM, in-process.

    uv run --frozen python benchmarks/enrolment_floor.py

Where ``benchmarks/enrolment.py`` measures the portal over HTTP, this one asks where its time goes.
In one process, on a scratch PostgreSQL database (the enrolment benchmark's data), it times per
enrolment, round after round:

- ``raw``: the statements a portal enrolment sends (lock the cohort with its course, count the
  seats and the officer's places, the insert, its audit event; the e-mail queued and the
  catalogue told), written as plain SQL;
- ``service``: ``enrollments.services.enrollment_create`` doing the same through the ORM;
- ``baseline`` and ``portal``: the two endpoints of the enrolment benchmark, through Django's test
  client (token authentication, middleware, DRF for the portal).

The difference between ``raw`` and ``service`` is what building queries and model objects costs;
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
    """One enrolment into a free seat, the portal's statements with the ORM's part in plain SQL
    (the officer's profile came with the token, as in the API)."""
    from django.db import transaction
    from django.utils import timezone

    from courses.cache import catalogue_changed
    from enrollments.services import _standing
    from enrollments.tasks import send_enrolment_email

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.course_id, c.code, c.status, c.capacity, c.enrolment_opens_on,"
            " c.enrolment_closes_on, co.code, co.title, co.requires_approval,"
            " co.audience_min_job_group, co.audience_max_job_group, co.is_published,"
            " EXISTS(SELECT 1 FROM courses_course_prerequisites p"
            " WHERE p.from_course_id = co.id)"
            " FROM courses_cohort c JOIN courses_course co ON co.id = c.course_id"
            " WHERE c.id = %s FOR UPDATE OF c",
            [cohort_id],
        )
        row = cursor.fetchone()
        # Already one statement of plain SQL in the service.
        _standing(_Cohort(cohort_id, row[1]), officer_id)
        now = timezone.now()
        cursor.execute(
            "INSERT INTO enrollments_enrollment (officer_id, cohort_id, course_id, state, reason,"
            " created_by_id, state_changed_at, result_overridden, created_at, updated_at)"
            " VALUES (%s, %s, %s, 'enrolled', '', %s, %s, false, %s, %s) RETURNING id",
            [officer_id, cohort_id, row[1], officer_id, now, now, now],
        )
        pk = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO academy_auditevent (actor_id, action, target_type_id, target_id, data,"
            " created_at) VALUES (%s, 'enrollments.enrollment.enrolled', %s, %s, %s, %s)",
            [officer_id, content_type_id, str(pk), json.dumps({"to": "enrolled"}), now],
        )
        transaction.on_commit(lambda: send_enrolment_email.delay(pk, "enrolled", None))
        # The model's post_save signal tells the catalogue at once and after commit.
        catalogue_changed()
        transaction.on_commit(catalogue_changed)


class _Cohort:
    def __init__(self, pk, course_id):
        self.pk, self.course_id = pk, course_id


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
        f"the ORM costs {medians['service'] - medians['raw']:.2f} ms an enrolment; a portal "
        f"sending the raw statements would be at about "
        f"{medians['baseline'] / (medians['portal'] - medians['service'] + medians['raw']):.2f}x"
    )


if __name__ == "__main__":
    main()
