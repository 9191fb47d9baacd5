"""Enrolment benchmark: officers enrolling at once over HTTP, and the reminder run.

    uv run --frozen python benchmarks/enrolment.py

1. Enrolment. Builds a scratch PostgreSQL database (500 officers with profiles and API tokens;
   one course with 5 cohorts of 50 seats for the portal and 5 more for the baseline), serves it
   with gunicorn (3 sync workers, as the Dockerfile and docker-compose.yml deploy it; production
   settings, Redis as the cache, e-mail to the dummy backend) and sends 500 POSTs from 16 client
   threads: each officer once, into a random cohort of the five. The portal answers
   ``POST /api/v1/cohorts/{id}/enrol/`` (token authentication, cohort lock, rules, waiting list,
   audit event, e-mail); the baseline inserts one row per request with no checks, after the same
   token lookup (``benchmarks.views.baseline_enrol``).
   Every enrolment is deleted before each measurement, so both insert the same 500 rows into an
   empty table; baseline and portal alternate round after round and the report quotes medians.
   After each portal round the cohorts are checked: at most 50 enrolled (and exactly as many as
   asked, up to 50) and the waiting list numbered 1..n without gaps.

   Each enrolment writes the e-mail it owes as a row (the outbox) and nudges a Celery worker
   through a Redis broker, as in production, at most once a second per process; no worker runs
   here, and after each portal round the benchmark checks that the outbox holds one pending
   e-mail per enrolment and records how many nudges reached the broker. ``--eager`` sends them
   in the request instead (rendered and handed to the dummy e-mail backend), which is what a
   portal without a broker does.

2. Reminders. 10,000 enrolments in cohorts that start in 7 days; ``schedule_due_reminders``
   writes 10,000 reminder rows and ``send_pending_reminders`` sends them in-process through
   Django's locmem e-mail backend. Against it, in the same run, 10,000 bare Celery no-op tasks
   run eagerly (``apply()``), before and after the reminders.

Target (issue #3): the portal at least 0.5x the baseline's enrolments per second, with no
overbooking.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime as dt
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.catalogue import (  # noqa: E402
    RESULTS_DIR,
    benchmark_env,
    flush_redis,
    free_port,
    machine,
    recreate_database,
    start_server,
)

TARGET_RPS_RATIO = 0.5
COHORTS = 5
SEATS = 50
PORTAL_PATH = "/api/v1/cohorts/{}/enrol/"
BASELINE_PATH = "/bench/baseline/cohorts/{}/enrol/"


# --- Data -------------------------------------------------------------------------------------


def generate(*, officers, reminders):
    """Officers with profiles and tokens, the enrolment cohorts, and the reminder cohorts."""
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from academy.models import County, Organisation
    from benchmarks.data import bench_officers
    from courses.models import Cohort, Course, DeliveryMode, Level, SkillArea
    from enrollments.models import Enrollment

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    with transaction.atomic():
        county = County.objects.create(code=47, name="Nairobi City")
        ksg = Organisation.objects.add_root(
            create_kwargs={"name": "Kenya School of Government", "slug": "ksg", "kind": "academy"}
        )
        ministry = Organisation.objects.add_root(
            create_kwargs={"name": "Ministry of ICT", "slug": "ministry-ict", "kind": "ministry"}
        )
        area = SkillArea.objects.create(
            slug="data-use-and-governance", name="Data Use and Governance", summary="Data"
        )

        def course(code, title):
            return Course.objects.create(
                code=code,
                title=title,
                summary=title,
                description=title,
                skill_area=area,
                level=Level.values[0],
                delivery_mode=DeliveryMode.ONLINE,
                duration_days=5,
                cpd_hours=30,
                provider=ksg,
            )

        def cohort(of, code, starts, capacity):
            return Cohort(
                course=of,
                code=code,
                starts_on=starts,
                ends_on=starts + 5 * day,
                capacity=capacity,
                enrolment_opens_on=today - 30 * day,
                enrolment_closes_on=starts - 3 * day,
                status=Cohort.Status.SCHEDULED,
            )

        governance = course("BEN-ENR", "Data Governance for Public Officers")
        starts = today + 30 * day
        portal_cohorts = Cohort.objects.bulk_create(
            cohort(governance, f"BEN-ENR-P{i}", starts, SEATS) for i in range(COHORTS)
        )
        baseline_cohorts = Cohort.objects.bulk_create(
            cohort(governance, f"BEN-ENR-B{i}", starts, SEATS) for i in range(COHORTS)
        )

        users = bench_officers(officers, organisation=ministry, county=county)
        tokens = Token.objects.bulk_create(
            Token(key=Token.generate_key(), user=user) for user in users
        )

        # The reminder run: every officer enrolled in enough cohorts starting in 7 days.
        per_cohort = officers
        needed = -(-reminders // per_cohort)
        soon = today + 7 * day
        reminder_cohorts = Cohort.objects.bulk_create(
            cohort(
                course(f"BEN-REM-{i:03d}", f"Cybersecurity Essentials {i}"),
                f"BEN-REM-{i:03d}",
                soon,
                per_cohort,
            )
            for i in range(needed)
        )
        pairs = [(u, c) for c in reminder_cohorts for u in users][:reminders]
        Enrollment.objects.bulk_create(
            (
                Enrollment(officer=u, cohort=c, course_id=c.course_id, state="enrolled")
                for u, c in pairs
            ),
            batch_size=5000,
        )
    return {
        "officers": officers,
        "tokens": [t.key for t in tokens],
        "portal_cohorts": [c.pk for c in portal_cohorts],
        "baseline_cohorts": [c.pk for c in baseline_cohorts],
        "reminder_cohorts": [c.pk for c in reminder_cohorts],
        "reminder_enrolments": len(pairs),
    }


def clean(cohort_ids):
    """Delete the enrolments (their audit events and e-mails) of these cohorts, then vacuum."""
    from django.db import connection

    from enrollments.models import Enrollment, Notification

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM academy_auditevent WHERE action LIKE %s", ["enrollments.enrollment.%"]
        )
    Notification.objects.filter(enrollment__cohort_id__in=cohort_ids)._raw_delete("default")
    Enrollment.objects.filter(cohort_id__in=cohort_ids)._raw_delete("default")
    with connection.cursor() as cursor:
        for table in ("enrollments_enrollment", "academy_auditevent", "enrollments_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def verify(cohort_ids, plan):
    """No overbooking, no seat left empty while someone waits, and a gapless waiting list."""
    from enrollments.models import Enrollment

    asked = dict.fromkeys(cohort_ids, 0)
    for _, index in plan:
        asked[cohort_ids[index]] += 1
    problems = []
    for pk in cohort_ids:
        rows = Enrollment.objects.filter(cohort_id=pk)
        enrolled = rows.filter(state=Enrollment.State.ENROLLED).count()
        positions = sorted(
            rows.filter(state=Enrollment.State.WAITLISTED).values_list(
                "waitlist_position", flat=True
            )
        )
        if enrolled > SEATS:
            problems.append(f"cohort {pk}: {enrolled} enrolled in {SEATS} seats")
        if enrolled != min(asked[pk], SEATS):
            problems.append(f"cohort {pk}: {enrolled} enrolled, {asked[pk]} asked")
        if positions != list(range(1, len(positions) + 1)):
            problems.append(f"cohort {pk}: waiting list {positions[:5]}… not 1..n")
        if enrolled + len(positions) != asked[pk]:
            problems.append(f"cohort {pk}: {enrolled + len(positions)} rows, {asked[pk]} asked")
    return problems


def emails_owed(cohort_ids):
    """How many enrolment e-mails of these cohorts wait in the outbox for a worker."""
    from enrollments.models import Notification

    return Notification.objects.filter(
        enrollment__cohort_id__in=cohort_ids, status=Notification.Status.PENDING
    ).count()


def queued_messages(broker_url):
    """How many task messages wait in the broker's default queue."""
    import redis

    return redis.Redis.from_url(broker_url).llen("celery")


# --- Load -------------------------------------------------------------------------------------


def _post(port, path, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request(
            "POST", path, headers={"Authorization": f"Token {token}", "Content-Length": "0"}
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError as exc:
        status = f"{type(exc).__name__}"
    finally:
        conn.close()
    return status, time.perf_counter() - started


def drive(port, template, cohort_ids, tokens, plan, threads):
    """Send the plan's POSTs from ``threads`` clients; throughput and latency percentiles."""
    jobs = [(template.format(cohort_ids[index]), tokens[officer]) for officer, index in plan]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(lambda job: _post(port, *job), jobs))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for _, seconds in results)
    errors = sum(status != 201 for status, _ in results)
    statuses = sorted({str(status) for status, _ in results})

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2)

    return {
        "requests": len(jobs),
        "seconds": round(elapsed, 3),
        "rps": round(len(jobs) / elapsed, 2),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": errors,
        "statuses": statuses,
    }


# --- Reminders --------------------------------------------------------------------------------


def reminder_run(expected):
    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from benchmarks.tasks import noop
    from enrollments.models import Reminder
    from enrollments.reminders import schedule_due_reminders, send_pending_reminders

    def noops():
        started = time.perf_counter()
        for i in range(expected):
            noop.apply(args=(i,))
        return time.perf_counter() - started

    noop_before = noops()
    started = time.perf_counter()
    scheduled = schedule_due_reminders(timezone.localdate())
    schedule_seconds = time.perf_counter() - started
    if scheduled != expected:
        raise SystemExit(f"scheduled {scheduled} reminders, expected {expected}")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        sent = send_pending_reminders(batch=expected)
        send_seconds = time.perf_counter() - started
        outbox = len(mail.outbox)
        mail.outbox = []
    noop_after = noops()
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
    if sent != expected or outbox != expected or pending:
        raise SystemExit(f"sent {sent}, outbox {outbox}, still pending {pending}")
    noop_seconds = (noop_before + noop_after) / 2
    return {
        "reminders": expected,
        "schedule_seconds": round(schedule_seconds, 3),
        "send_seconds": round(send_seconds, 3),
        "send_ms_per_reminder": round(send_seconds / expected * 1000, 4),
        "noop_tasks": expected,
        "noop_seconds": round(noop_seconds, 3),
        "noop_seconds_runs": [round(noop_before, 3), round(noop_after, 3)],
        "noop_ms_per_task": round(noop_seconds / expected * 1000, 4),
        "cost_ratio": round(send_seconds / noop_seconds, 1),
    }


# --- Main -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ENROL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_bench_enrol"
        ),
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database the benchmark may empty (the portal's cache)",
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10"),
        help="a Redis database the benchmark may empty: the Celery broker of the e-mails",
    )
    parser.add_argument(
        "--eager",
        action="store_true",
        help="no broker: send the enrolment e-mails inside the request (eager Celery)",
    )
    parser.add_argument("--officers", type=int, default=500)
    parser.add_argument("--reminders", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers; 3 as the Dockerfile deploys"
    )
    args = parser.parse_args()
    if args.eager:
        args.broker_url = ""

    env = benchmark_env(
        database_url=args.database_url,
        redis_url=args.redis_url,
        broker_url=args.broker_url,
        # Nothing leaves the machine: every e-mail goes to the dummy backend.
        EMAIL_URL="dummymail://",
        PORTAL_URL="http://127.0.0.1",
    )
    print(f"Creating scratch database: {args.officers} officers, {args.reminders} reminders…")
    recreate_database(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = generate(officers=args.officers, reminders=args.reminders)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    flush_redis(args.redis_url)
    if args.broker_url:
        flush_redis(args.broker_url)

    tokens = data["tokens"]
    variants = (
        ("baseline", BASELINE_PATH, data["baseline_cohorts"]),
        ("portal", PORTAL_PATH, data["portal_cohorts"]),
    )
    every_cohort = data["baseline_cohorts"] + data["portal_cohorts"]
    rng = random.Random(2026)
    port = free_port()
    server = start_server(env, port, args.workers)
    runs = {"baseline": [], "portal": []}
    problems = []
    try:
        # Warm up both workers on both endpoints, then start from empty cohorts.
        warm = [(i, rng.randrange(COHORTS)) for i in range(min(40, len(tokens)))]
        for _label, template, cohorts in variants:
            drive(port, template, cohorts, tokens, warm, args.threads)
        if args.broker_url:
            flush_redis(args.broker_url)
        for round_no in range(1, args.rounds + 1):
            plan = [(officer, rng.randrange(COHORTS)) for officer in range(len(tokens))]
            rng.shuffle(plan)
            for label, template, cohorts in variants:
                clean(every_cohort)
                result = drive(port, template, cohorts, tokens, plan, args.threads)
                if result["errors"]:
                    raise SystemExit(f"{label}: {result['errors']} failed: {result['statuses']}")
                if label == "portal":
                    found = verify(cohorts, plan)
                    if args.broker_url:
                        owed = emails_owed(cohorts)
                        result["emails_owed"] = owed
                        result["sender_nudges"] = queued_messages(args.broker_url)
                        if owed != len(plan):
                            found.append(f"{owed} e-mails owed for {len(plan)} enrolments")
                        flush_redis(args.broker_url)
                    result["overbooking_check"] = found or "ok"
                    problems += found
                runs[label].append(result)
                print(
                    f"  round {round_no} {label:8} {result['rps']:8.1f} req/s  "
                    f"p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms"
                    + (f"  check {result.get('overbooking_check')}" if label == "portal" else "")
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    clean(every_cohort)
    if args.broker_url:
        flush_redis(args.broker_url)

    print(f"Reminder run: {args.reminders} reminders against {args.reminders} no-op tasks…")
    reminders = reminder_run(data["reminder_enrolments"])

    medians = {
        label: {
            key: statistics.median(r[key] for r in results)
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
        }
        for label, results in runs.items()
    }
    base, portal = medians["baseline"], medians["portal"]
    rps_ratio = portal["rps"] / base["rps"]
    # Each round runs both endpoints back to back: its ratio is the least touched by the
    # machine's drift from round to round.
    round_ratios = [
        round(p["rps"] / b["rps"], 3) for b, p in zip(runs["baseline"], runs["portal"], strict=True)
    ]
    p95_ratio = portal["p95_ms"] / base["p95_ms"]
    ok = rps_ratio >= TARGET_RPS_RATIO and not problems
    report = {
        "when": dt.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": {
            "officers": data["officers"],
            "cohorts": COHORTS,
            "seats_per_cohort": SEATS,
            "reminders": data["reminder_enrolments"],
        },
        "load": {
            "requests_per_round": len(tokens),
            "client_threads": args.threads,
            "gunicorn_workers": args.workers,
            "rounds": args.rounds,
            "celery": args.broker_url or "eager",
            "email_backend": "dummy (server), locmem (reminder run)",
            "baseline": "token lookup + one INSERT, no checks",
        },
        "enrolment": {
            "baseline": {**base, "runs": runs["baseline"]},
            "portal": {
                **portal,
                "rps_ratio": round(rps_ratio, 3),
                "rps_ratio_per_round": round_ratios,
                "rps_ratio_per_round_median": statistics.median(round_ratios),
                "p95_ratio": round(p95_ratio, 3),
                "overbooking_problems": problems,
                "meets_targets": ok,
                "runs": runs["portal"],
            },
        },
        "reminders": reminders,
    }

    print("\n| enrolment (500 POSTs) | req/s | ratio to baseline (≥0.5) | p50 | p95 | p95 ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| baseline (one INSERT) | {base['rps']:.0f} | 1.00 | {base['p50_ms']:.1f} ms "
        f"| {base['p95_ms']:.1f} ms | 1.00 |"
    )
    print(
        f"| portal API | {portal['rps']:.0f} | {rps_ratio:.2f} | {portal['p50_ms']:.1f} ms "
        f"| {portal['p95_ms']:.1f} ms | {p95_ratio:.2f} |"
    )
    print(
        f"Ratio per round: {', '.join(f'{r:.2f}' for r in round_ratios)} "
        f"(median {statistics.median(round_ratios):.2f})"
    )
    r = reminders
    print(f"\n| reminder run ({r['reminders']}) | total | per item | ratio |")
    print("|---|---|---|---|")
    print(
        f"| no-op Celery tasks (eager) | {r['noop_seconds']:.2f} s "
        f"| {r['noop_ms_per_task']:.3f} ms | 1 |"
    )
    print(
        f"| send_pending_reminders | {r['send_seconds']:.2f} s "
        f"| {r['send_ms_per_reminder']:.3f} ms | {r['cost_ratio']:.0f}x |"
    )
    print(f"  (schedule_due_reminders wrote them in {r['schedule_seconds']:.2f} s)")
    print(
        "Overbooking: none, waiting lists gapless in every portal round."
        if not problems
        else f"OVERBOOKING: {problems}"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / "enrolment-latest.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nMachine: {report['machine']}. Report written to {out.relative_to(BASE_DIR)}")
    print("Targets met." if ok else "TARGETS MISSED.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
