"""Load benchmark: a burst of signed-in officers at the moment a cohort's enrolment opens.

    uv run --frozen python benchmarks/load.py          # or: make bench-load

Builds a scratch PostgreSQL database (the catalogue benchmark's 2,000 courses and 10,000
cohorts, plus one course whose cohort has 50 seats and 200 officers, each with a session as
if signed in), serves it with gunicorn on production settings with Redis as the cache and the
Celery broker, and releases 200 users at once, each in a thread of its own. Each user, as a
browser would: loads the catalogue (``/courses/``), the course page (which carries the enrol
form and its CSRF token), then posts the form (``POST /cohorts/{id}/enrol/``) with the session
and CSRF cookies. The cohort's enrolment window opens (its opening date becomes today) the
moment the burst is released.

gunicorn runs threaded workers (``--worker-class gthread --workers 4 --threads 4``): a request
spends much of its time waiting for PostgreSQL and Redis, so on two cores four processes of four
threads each keep both cores busy where sync workers would wait, and 16 database connections
stay well inside PostgreSQL's 100. (The Dockerfile's default is 3 sync workers; ``--threads 1
--workers 3`` measures that.) Gevent is not used: psycopg would need patching to yield.

Baseline, in the same run and with the same 200 users and cookies: three requests per user to
a bare Django view (``benchmarks.views.baseline_bare``: the whole middleware stack, the CSRF
check of the POST, no database, no template). Baseline and portal bursts alternate round after
round; the cohort is emptied and closed again before each portal burst. The report gives
p50/p95/p99 per step, their ratio to the baseline's, the number of 5xx answers (must be 0), and
how many were enrolled (must equal the seats: no overbooking) and waitlisted (a gapless list).
"""

import argparse
import datetime
import http.client
import http.cookies
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
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
    wait_until_healthy,
)

COURSE_CODE = "BEN-LOAD"
STEPS = ("catalogue", "course page", "enrol")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BARE = "/bench/baseline/bare/"


# --- Data -------------------------------------------------------------------------------------


def generate(*, users: int, capacity: int, courses: int, cohorts: int) -> dict:
    """The catalogue, the burst's course and cohort (closed until the burst), the officers."""
    from django.db import transaction
    from django.utils import timezone

    from academy.models import County, Organisation
    from benchmarks.data import bench_officers
    from benchmarks.data import generate as catalogue
    from courses.models import Cohort, Course, DeliveryMode, Level, SkillArea

    catalogue(courses=courses, cohorts=cohorts, officers=0, enrollments=0)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    with transaction.atomic():
        course = Course.objects.create(
            code=COURSE_CODE,
            title="Data Governance for Public Officers: opening day",
            summary="The course everyone wants.",
            description="The course everyone wants, on the day its enrolment opens.",
            skill_area=SkillArea.objects.order_by("pk").first(),
            level=Level.values[0],
            delivery_mode=DeliveryMode.ONLINE,
            duration_days=5,
            cpd_hours=30,
            provider=Organisation.objects.get(slug="ksg"),
        )
        starts = today + 30 * day
        cohort = Cohort.objects.create(
            course=course,
            code=f"{COURSE_CODE}-C1",
            starts_on=starts,
            ends_on=starts + 5 * day,
            capacity=capacity,
            enrolment_opens_on=today + day,  # opens at the burst
            enrolment_closes_on=starts - 3 * day,
            status=Cohort.Status.SCHEDULED,
        )
        officers = bench_officers(
            users,
            organisation=Organisation.objects.get(slug="ministry-ict"),
            county=County.objects.get(code=47),
        )
    return {"cohort": cohort.pk, "officers": [o.pk for o in officers]}


def sign_in(user_ids: list[int]) -> list[dict[str, str]]:
    """A session for each officer, made as a sign-in makes it (Django's ``login``, its signals
    included), without the password hashing: the cookies a signed-in browser holds."""
    from django.conf import settings
    from django.test import Client

    from academy.models import User

    jars = []
    users = User.objects.in_bulk(user_ids)
    for pk in user_ids:
        client = Client()
        client.force_login(users[pk])
        jars.append(
            {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        )
    return jars


def close_window(cohort_id: int):
    """Empty the cohort and close its window again (opens tomorrow), for the next burst."""
    from django.db import connection
    from django.utils import timezone

    from courses.models import Cohort
    from enrollments.models import Enrollment, Notification

    Notification.objects.filter(enrollment__cohort_id=cohort_id)._raw_delete("default")
    Enrollment.objects.filter(cohort_id=cohort_id)._raw_delete("default")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM academy_auditevent WHERE action LIKE %s", ["enrollments.enrollment.%"]
        )
    Cohort.objects.filter(pk=cohort_id).update(
        enrolment_opens_on=timezone.localdate() + datetime.timedelta(days=1)
    )


def open_window(cohort_id: int):
    from django.utils import timezone

    from courses.models import Cohort

    Cohort.objects.filter(pk=cohort_id).update(enrolment_opens_on=timezone.localdate())


def outcome(cohort_id: int, capacity: int, users: int) -> dict:
    """Seats taken against capacity, and the waiting list (numbered 1..n without gaps)."""
    from enrollments.models import Enrollment

    State = Enrollment.State
    rows = Enrollment.objects.filter(cohort_id=cohort_id)
    enrolled = rows.filter(state=State.ENROLLED).count()
    positions = sorted(
        rows.filter(state=State.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    problems = []
    if enrolled > capacity:
        problems.append(f"overbooked: {enrolled} enrolled in {capacity} seats")
    if enrolled != min(users, capacity):
        problems.append(f"{enrolled} enrolled, expected {min(users, capacity)}")
    if positions != list(range(1, len(positions) + 1)):
        problems.append(f"waiting list {positions[:5]}… is not 1..n")
    if enrolled + len(positions) != users:
        problems.append(f"{enrolled + len(positions)} enrolments for {users} users")
    return {
        "capacity": capacity,
        "enrolled": enrolled,
        "overbooked": max(0, enrolled - capacity),
        "waitlisted": len(positions),
        "problems": problems,
    }


# --- Server -----------------------------------------------------------------------------------


def start_server(env, port, *, workers, threads):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "academy.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # 200 users arrive at once: room for all of them in the listen queue.
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
    ]
    return wait_until_healthy(subprocess.Popen(cmd, cwd=BASE_DIR, env=env), port, tries=300)


# --- The users --------------------------------------------------------------------------------


class Browser:
    """One browser: its cookies, and the timing of each request it makes."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)
        self.timings: list[tuple[str, object, float]] = []

    def request(self, step, method, path, body=None) -> tuple[object, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        text = ""
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        except OSError as exc:
            status = type(exc).__name__
        finally:
            conn.close()
        self.timings.append((step, status, time.perf_counter() - started))
        return status, text


def portal_visit(user: "Browser", cohort_id: int):
    enrol_path = f"/cohorts/{cohort_id}/enrol/"
    user.request("catalogue", "GET", "/courses/")
    status, page = user.request("course page", "GET", f"/courses/{COURSE_CODE}/")
    token = CSRF_INPUT.search(page)
    if status != 200 or token is None or f'action="{enrol_path}"' not in page:
        user.timings.append(("enrol", "no enrol form on the course page", 0.0))
        return
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)})
    user.request("enrol", "POST", enrol_path, body)


def baseline_visit(user: "Browser", cohort_id: int):
    user.request("catalogue", "GET", BARE)
    _status, _page = user.request("course page", "GET", BARE)
    # The bare view renders no form but sets the CSRF cookie as a form page does; Django takes
    # the cookie's own value as the form field's token.
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": user.cookies.get("csrftoken", "")})
    user.request("enrol", "POST", BARE, body)


def burst(port, jars, visit, cohort_id, *, before_release=None) -> dict:
    """All users at once: each waits at a barrier, then makes its visit."""
    users = [Browser(port, jar) for jar in jars]
    barrier = threading.Barrier(len(users) + 1)

    def run(user):
        barrier.wait(timeout=120)
        visit(user, cohort_id)

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        futures = [pool.submit(run, user) for user in users]
        if before_release is not None:
            before_release()
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - started
    timings = [t for user in users for t in user.timings]
    return {
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(timings) / elapsed, 1),
        "steps": summarise(timings),
        "users": users,
    }


def pct(sorted_ms: list[float], p: float) -> float:
    """The nearest-rank percentile, as benchmarks/enrolment.py reports it."""
    return round(sorted_ms[min(len(sorted_ms) - 1, int(p / 100 * len(sorted_ms)))], 2)


def summarise(timings) -> dict:
    steps = {}
    for step in STEPS:
        mine = [(status, seconds) for name, status, seconds in timings if name == step]
        latencies = sorted(seconds * 1000 for _, seconds in mine)
        statuses = {}
        for status, _ in mine:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        steps[step] = {
            "requests": len(mine),
            "p50_ms": pct(latencies, 50) if latencies else None,
            "p95_ms": pct(latencies, 95) if latencies else None,
            "p99_ms": pct(latencies, 99) if latencies else None,
            "statuses": statuses,
            "server_errors": sum(
                n for status, n in statuses.items() if status.isdigit() and int(status) >= 500
            ),
        }
    return steps


# Answers each step must give: the pages 200, the enrol form a redirect to "My learning"
# (seat or waiting list); the bare view 200 throughout.
EXPECTED = {"portal": {"catalogue": "200", "course page": "200", "enrol": "302"}}
EXPECTED["baseline"] = dict.fromkeys(STEPS, "200")


def unexpected(label: str, result: dict) -> dict:
    return {
        f"{step}: {status}": n
        for step, summary in result["steps"].items()
        for status, n in summary["statuses"].items()
        if status != EXPECTED[label][step]
    }


# --- Main -------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_bench_load"
        ),
        help="a scratch database, dropped and made again",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database the benchmark may empty: the cache and the Celery broker",
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--courses", type=int, default=2000)
    parser.add_argument("--cohorts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path, help="the report (default benchmarks/results/)")
    return parser.parse_args(argv)


def server_env(args, **extra) -> dict[str, str]:
    """The portal's environment: production settings on the scratch database."""
    return benchmark_env(
        database_url=args.database_url,
        redis_url=args.redis_url,
        # Enrolment e-mails are outbox rows nudging a worker through the broker, as deployed;
        # no worker runs here, and nothing leaves the machine.
        broker_url=args.redis_url,
        EMAIL_URL="dummymail://",
        PORTAL_URL="http://127.0.0.1",
        **extra,
    )


def prepare(args, env):
    """A new scratch database, migrated, and Django set up on it in this process."""
    print(f"Creating scratch database: {args.courses} courses, {args.users} officers…")
    recreate_database(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(args, env) -> dict:
    """Fill the migrated, empty database, serve it, run the bursts; the report."""
    from django.db import connection

    started = time.perf_counter()
    data = generate(
        users=args.users, capacity=args.capacity, courses=args.courses, cohorts=args.cohorts
    )
    jars = sign_in(data["officers"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"  generated and signed in {args.users} officers in {time.perf_counter() - started:.1f} s"
    )
    flush_redis(args.redis_url)
    cohort_id = data["cohort"]

    port = free_port()
    server = start_server(env, port, workers=args.workers, threads=args.threads)
    runs = {"baseline": [], "portal": []}
    problems = []
    load_before = os.getloadavg()
    try:
        # Warm up every worker on both visits (a few users; the cohort is emptied after).
        warm = jars[: min(len(jars), 2 * args.workers * args.threads)]
        open_window(cohort_id)
        burst(port, warm, baseline_visit, cohort_id)
        burst(port, warm, portal_visit, cohort_id)
        for round_no in range(1, args.rounds + 1):
            result = burst(port, jars, baseline_visit, cohort_id)
            runs["baseline"].append(result)
            close_window(cohort_id)
            result = burst(
                port, jars, portal_visit, cohort_id, before_release=lambda: open_window(cohort_id)
            )
            result["outcome"] = outcome(cohort_id, args.capacity, args.users)
            runs["portal"].append(result)
            for label in ("baseline", "portal"):
                found = unexpected(label, runs[label][-1])
                if found:
                    problems.append(f"round {round_no} {label}: unexpected answers {found}")
            problems += [f"round {round_no}: {p}" for p in result["outcome"]["problems"]]
            b, p = runs["baseline"][-1], runs["portal"][-1]
            print(
                f"  round {round_no}: baseline {b['seconds']:.2f} s, portal {p['seconds']:.2f} s, "
                f"enrol p95 {p['steps']['enrol']['p95_ms']} ms, "
                f"enrolled {p['outcome']['enrolled']}/{args.capacity}, "
                f"waitlisted {p['outcome']['waitlisted']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()
    close_window(cohort_id)
    flush_redis(args.redis_url)

    def median(label, step, key):
        values = [r["steps"][step][key] for r in runs[label] if r["steps"][step][key] is not None]
        return round(statistics.median(values), 2) if values else None

    table = {}
    for step in STEPS:
        row = {}
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            base, mine = median("baseline", step, key), median("portal", step, key)
            row[key] = mine
            row[f"baseline_{key}"] = base
            row[f"{key[:3]}_ratio"] = round(mine / base, 1) if base and mine else None
        row["server_errors"] = sum(r["steps"][step]["server_errors"] for r in runs["portal"])
        table[step] = row
    server_errors = sum(
        r["steps"][s]["server_errors"] for label in runs for r in runs[label] for s in STEPS
    )
    outcomes = [r["outcome"] for r in runs["portal"]]
    ok = not problems and server_errors == 0
    report = {
        "when": dt.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            **machine(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "data": {"courses": args.courses + 1, "cohorts": args.cohorts + 1, "users": args.users},
        "load": {
            "users": args.users,
            "capacity": args.capacity,
            "rounds": args.rounds,
            "steps": list(STEPS),
            "gunicorn": f"{'gthread' if args.threads > 1 else 'sync'} "
            f"--workers {args.workers} --threads {args.threads}",
            "client": "one thread per user, released together at a barrier (http.client)",
            "baseline": f"3 requests per user to {BARE} (middleware only, no database)",
            "celery": "Redis broker, no worker (e-mails stay outbox rows)",
        },
        "results": table,
        "server_errors": server_errors,
        "enrolled": [o["enrolled"] for o in outcomes],
        "overbooked": sum(o["overbooked"] for o in outcomes),
        "waitlisted": [o["waitlisted"] for o in outcomes],
        "seconds": {label: [r["seconds"] for r in results] for label, results in runs.items()},
        "requests_per_second": {
            label: [r["requests_per_second"] for r in results] for label, results in runs.items()
        },
        "problems": problems,
        "meets_targets": ok,
        "runs": {
            label: [{k: v for k, v in r.items() if k != "users"} for r in results]
            for label, results in runs.items()
        },
    }

    return report


def show(args, report) -> bool:
    """Print the table and write the report; whether the targets were met."""
    table, server_errors = report["results"], report["server_errors"]
    print(
        f"\n| {args.users} users at opening | p50 | p95 | p99 "
        "| baseline p50 / p95 / p99 | ratio p50 / p95 / p99 | 5xx |"
    )
    print("|---|---|---|---|---|---|---|")
    for step, row in table.items():
        print(
            f"| {step} | {row['p50_ms']} ms | {row['p95_ms']} ms | {row['p99_ms']} ms "
            f"| {row['baseline_p50_ms']} / {row['baseline_p95_ms']} / {row['baseline_p99_ms']} ms "
            f"| {row['p50_ratio']} / {row['p95_ratio']} / {row['p99_ratio']} "
            f"| {row['server_errors']} |"
        )
    print(
        f"Burst time (s): portal {report['seconds']['portal']}, "
        f"baseline {report['seconds']['baseline']}; requests/s: portal "
        f"{report['requests_per_second']['portal']}, "
        f"baseline {report['requests_per_second']['baseline']}"
    )
    print(
        f"Enrolled {report['enrolled']} of {args.capacity} seats, waitlisted "
        f"{report['waitlisted']}, overbooked {report['overbooked']}, 5xx {server_errors}."
    )
    out = args.out or RESULTS_DIR / f"load-{dt.now(UTC).date().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"\nMachine: {report['machine']}. Report written to {out}")
    ok = report["meets_targets"]
    print("Targets met." if ok else f"TARGETS MISSED: {report['problems'] or server_errors}")
    return ok


def main(argv=None):
    args = parse_args(argv)
    env = server_env(args)
    prepare(args, env)
    return 0 if show(args, run(args, env)) else 1


if __name__ == "__main__":
    sys.exit(main())
