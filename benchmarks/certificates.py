"""Certificates benchmark: 500 completions issued by a real Celery worker, against bare WeasyPrint.

    uv run --frozen python benchmarks/certificates.py

Builds a scratch PostgreSQL database (500 officers, each completing one course with two
competencies at a campus; two signatories with signature images) and starts one Celery worker
process (``celery -A academy worker --pool solo``: one process that runs the tasks itself, so
its RSS is the memory of the work; production settings, ``DEBUG=False``, an RSA 3072 signing key
as production would use, a Redis broker). Then it marks the 500 enrolments completed in one
transaction through the ORM, exactly as a decided result does: ``certificates.signals`` enqueues
``certificates.tasks.issue_certificate`` once per enrolment after the commit, and the worker
issues each certificate (serial under the counter's lock, audit event), builds and signs its
Open Badges credential, prints the PDF/A-3b with the credential attached, stores it and keeps
its SHA-256: the real task path, end to end.

* Per-certificate time on the worker: the gaps between consecutive ``rendered`` audit events
  (the worker runs one task at a time, so a gap is one whole task, broker fetch included); the
  median is quoted, and the wall time of all 500.
* Baseline, in the same run: a bare WeasyPrint render (``HTML(string=…).write_pdf`` with the
  same PDF/A-3b variant, nothing else) of the very HTML the portal printed for the first
  ``--baseline`` certificates, one after another in this process, each timed; median quoted.
  Each is rendered twice in turn: as WeasyPrint does by default, and with one font
  configuration kept across renders as the portal does (``certificates.rendering.font_config``),
  so the ratio is given against both.
  Target (issue #4): the worker's median at most 1.3 times the baseline's.
* Memory: the worker's RSS (``/proc/<pid>/status``) sampled every 0.2 s with the number of
  certificates done at that moment; the peak of the whole run, and the peaks while the first and
  the last 100 certificates were printed (flat: no growth between them).
* Size: the median size of the stored PDFs, and of the bare renders.

The report is written to ``benchmarks/results/certificates-latest.json``.
"""

import argparse
import atexit
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
)

TARGET_RATIO = 1.3
SAMPLE_SECONDS = 0.2
STALL_SECONDS = 120


# --- Data -------------------------------------------------------------------------------------


def generate(*, officers: int) -> list[int]:
    """Officers enrolled in one past cohort of a course with two competencies; ids of the
    enrolments, not yet completed."""
    import datetime

    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from academy.demo.signatures import signature_png
    from academy.models import County, Organisation
    from benchmarks.data import bench_officers
    from certificates.models import Signatory
    from courses.models import Campus, Cohort, Competency, Course, DeliveryMode, Level, SkillArea
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
            slug="digital-planning-and-design", name="Digital Planning and Design", summary="."
        )
        competencies = [
            Competency.objects.create(skill_area=area, slug=slug, name=name)
            for slug, name in [
                ("digital-government-foundations", "Digital government foundations"),
                ("service-design-basics", "Service design basics"),
            ]
        ]
        course = Course.objects.create(
            code="DPD-101",
            title="Introduction to Digital Government in Kenya",
            summary="What digital government means for Kenya's public service.",
            description="Foundations of digital government.",
            skill_area=area,
            level=Level.values[0],
            delivery_mode=DeliveryMode.IN_PERSON,
            duration_days=5,
            cpd_hours=18,
            provider=ksg,
            pass_mark=50,
        )
        course.competencies.set(competencies)
        campus = Campus.objects.create(slug="lower-kabete", name="Lower Kabete", county=county)
        starts = today - 14 * day
        cohort = Cohort.objects.create(
            course=course,
            code="DPD-101-LK",
            starts_on=starts,
            ends_on=starts + 4 * day,
            capacity=officers,
            campus=campus,
            enrolment_opens_on=starts - 30 * day,
            enrolment_closes_on=starts - 3 * day,
            status=Cohort.Status.RUNNING,
        )
        for order, (name, title) in enumerate(
            [
                ("Prof. Amina Wekesa", "Director General, Kenya School of Government"),
                ("Dr. Ann Wambũi Ng'ang'a", "Dean, KSG Digital Academy"),
            ]
        ):
            signatory = Signatory(name=name, title=title, order=order)
            signatory.signature.save("s.png", ContentFile(signature_png(name)), save=False)
            signatory.save()
        users = bench_officers(
            officers, organisation=ministry, county=county, name="Officer Wanjirũ {i}"
        )
        enrolments = Enrollment.objects.bulk_create(
            Enrollment(officer=u, cohort=cohort, course=course, state="enrolled") for u in users
        )
    return [e.pk for e in enrolments]


# --- The worker -------------------------------------------------------------------------------


def start_redis() -> tuple[subprocess.Popen, str]:
    """A private Redis for the broker: on a shared machine another run's tests may empty a
    shared Redis database (their cache's ``clear()``), taking queued certificates with it."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    atexit.register(server.terminate)
    time.sleep(1)
    return server, f"redis://127.0.0.1:{port}/0"


def start_worker(env) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "academy",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "warning",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    return subprocess.Popen(cmd, cwd=BASE_DIR, env=env)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rendered_count() -> int:
    from certificates.models import Certificate

    return Certificate.objects.exclude(pdf="").count()


def complete_all(enrolment_ids):
    """Completion as a decided result does it: a save through the ORM; the signal enqueues the
    certificate once the transaction commits."""
    from django.db import transaction

    from enrollments.models import Enrollment

    with transaction.atomic():
        for enrolment in Enrollment.objects.filter(pk__in=enrolment_ids):
            enrolment.state = Enrollment.State.COMPLETED
            enrolment.save(update_fields=["state"])


def run_worker(env, enrolment_ids, *, timeout):
    worker = start_worker(env)
    samples = []  # (seconds since start, certificates done, RSS KiB)
    try:
        time.sleep(5)  # the worker connects to the broker and imports Django
        idle_rss = rss_kib(worker.pid)
        started = time.perf_counter()
        complete_all(enrolment_ids)
        total = len(enrolment_ids)
        done, progressed = 0, time.perf_counter()
        while done < total:
            now = time.perf_counter()
            if now - started > timeout:
                raise SystemExit(f"timed out with {done} of {total} certificates")
            if now - progressed > STALL_SECONDS:
                raise SystemExit(f"no progress for {STALL_SECONDS} s at {done} of {total}")
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.returncode}")
            count = rendered_count()
            if count > done:
                done, progressed = count, now
            samples.append((time.perf_counter() - started, done, rss_kib(worker.pid)))
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {"wall_seconds": wall, "idle_rss_kib": idle_rss, "samples": samples}


def task_seconds() -> list[float]:
    """Gaps between consecutive ``rendered`` events: one whole task each (a solo worker)."""
    from academy.models import AuditEvent

    times = list(
        AuditEvent.objects.filter(action="certificates.certificate.rendered")
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    return [(b - a).total_seconds() for a, b in itertools.pairwise(times)]


# --- Baseline ---------------------------------------------------------------------------------


def baseline(n: int) -> dict:
    """Bare WeasyPrint renders of the HTML the portal printed for the first ``n`` certificates:
    as WeasyPrint does by default (a new font configuration per document), and alternately with
    one font configuration kept across renders (what the portal does)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from certificates.models import Certificate
    from certificates.rendering import PDF_VARIANT, certificate_html

    htmls = [certificate_html(c) for c in Certificate.objects.order_by("serial")[:n]]
    shared = FontConfiguration()
    seconds, shared_seconds, sizes = [], [], []
    HTML(string=htmls[0]).write_pdf(pdf_variant=PDF_VARIANT)  # warm, as the worker is
    HTML(string=htmls[0]).write_pdf(pdf_variant=PDF_VARIANT, font_config=shared)
    for html in htmls:
        started = time.perf_counter()
        pdf = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
        seconds.append(time.perf_counter() - started)
        sizes.append(len(pdf))
        started = time.perf_counter()
        HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, font_config=shared)
        shared_seconds.append(time.perf_counter() - started)
    return {"seconds": seconds, "shared_seconds": shared_seconds, "sizes": sizes}


def stored_sizes() -> list[int]:
    from certificates.models import Certificate

    return [c.pdf.size for c in Certificate.objects.exclude(pdf="")]


def checks(expected: int) -> dict:
    """What must hold after the run: one certificate per enrolment, serials 1..n, each with its
    signed credential and PDF hash."""
    from certificates.models import Certificate

    certificates = list(Certificate.objects.order_by("serial"))
    numbers = [int(c.serial.rsplit("-", 1)[1]) for c in certificates]
    return {
        "certificates": len(certificates),
        "serials_gapless": numbers == list(range(1, expected + 1)),
        "all_signed": all(c.badge_jwt and c.pdf_sha256 for c in certificates),
    }


# --- Report -----------------------------------------------------------------------------------


def peak_between(samples, low, high):
    values = [rss for _, done, rss in samples if low <= done <= high]
    return max(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_CERTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_bench_certs"
        ),
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("BENCH_CERTS_BROKER_URL", ""),
        help="a Redis database the benchmark may empty: the worker's broker and the cache "
        "(default: a private redis-server started for the run)",
    )
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=200, help="bare renders to time")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    media = tempfile.mkdtemp(prefix="bench-certificates-")
    atexit.register(shutil.rmtree, media, ignore_errors=True)
    redis_server = None
    if not args.broker_url:
        redis_server, args.broker_url = start_redis()
    env = benchmark_env(
        database_url=args.database_url,
        redis_url=args.broker_url,
        broker_url=args.broker_url,
        EMAIL_URL="dummymail://",
        PORTAL_URL="https://academy.ksg.ac.ke",
        MEDIA_ROOT=media,
        OPEN_BADGES_SIGNING_KEY=key.decode(),
    )
    print(f"Creating scratch database: {args.certificates} officers completing a course…")
    recreate_database(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    enrolment_ids = generate(officers=args.certificates)
    flush_redis(args.broker_url)

    print(f"Issuing {args.certificates} certificates through the Celery worker…")
    run = run_worker(env, enrolment_ids, timeout=args.timeout)
    if redis_server is not None:
        redis_server.terminate()
    held = checks(args.certificates)
    gaps = task_seconds()
    print(f"  {run['wall_seconds']:.1f} s; {held}")

    print(f"Bare WeasyPrint renders of {args.baseline} of the same pages…")
    bare = baseline(args.baseline)

    worker_median = statistics.median(gaps)
    bare_median = statistics.median(bare["seconds"])
    shared_median = statistics.median(bare["shared_seconds"])
    samples = run["samples"]
    n = args.certificates
    report = {
        "benchmark": "certificates",
        "when": dt.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "setup": {
            "certificates": n,
            "worker": "celery worker --pool solo (one process), production settings",
            "broker": "redis",
            "signing": "RS256, RSA 3072",
            "baseline": f"bare WeasyPrint write_pdf(pdf_variant='pdf/a-3b') of the same HTML, "
            f"{args.baseline} renders in the benchmark's process, alternately with WeasyPrint's "
            "default (a new font configuration per document) and with one kept across renders",
        },
        "checks": held,
        "per_certificate_seconds": {
            "worker_median": worker_median,
            "worker_p95": statistics.quantiles(gaps, n=20)[-1],
            "wall_per_certificate": run["wall_seconds"] / n,
            "bare_median": bare_median,
            "ratio_median": worker_median / bare_median,
            "bare_shared_fonts_median": shared_median,
            "ratio_to_bare_shared_fonts": worker_median / shared_median,
            "target_ratio": TARGET_RATIO,
        },
        "wall_seconds": run["wall_seconds"],
        "worker_rss_kib": {
            "idle_before": run["idle_rss_kib"],
            "peak": max(rss for _, _, rss in samples),
            "peak_first_100": peak_between(samples, 0, 100),
            "peak_last_100": peak_between(samples, n - 100, n),
            "samples": len(samples),
        },
        "pdf_bytes": {
            "stored_median": statistics.median(stored_sizes()),
            "bare_median": statistics.median(bare["sizes"]),
        },
        "rss_trace": [
            {"t": round(t, 1), "done": done, "rss_kib": rss} for t, done, rss in samples[::10]
        ],
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "certificates-latest.json"
    out.write_text(json.dumps(report, indent=2))
    per = report["per_certificate_seconds"]
    mem = report["worker_rss_kib"]
    print(
        f"worker {per['worker_median'] * 1000:.0f} ms/certificate (median; wall "
        f"{per['wall_per_certificate'] * 1000:.0f} ms), bare WeasyPrint "
        f"{per['bare_median'] * 1000:.0f} ms: ratio {per['ratio_median']:.2f} "
        f"(target ≤ {TARGET_RATIO}); bare with shared fonts "
        f"{per['bare_shared_fonts_median'] * 1000:.0f} ms: ratio "
        f"{per['ratio_to_bare_shared_fonts']:.2f}"
    )
    print(
        f"worker RSS peak {mem['peak'] / 1024:.0f} MiB; first 100 "
        f"{mem['peak_first_100'] / 1024:.0f} MiB, last 100 "
        f"{mem['peak_last_100'] / 1024:.0f} MiB; PDF "
        f"{report['pdf_bytes']['stored_median'] / 1024:.0f} KiB"
    )
    print(f"report: {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
