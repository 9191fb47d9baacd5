"""Catalogue benchmark: the catalogue page and the courses API against one-query baselines.

    uv run python benchmarks/catalogue.py            # or: make bench

Builds a scratch PostgreSQL database (2,000 courses, 10,000 cohorts), serves the portal with
gunicorn (2 sync workers, production settings) and loads it with wrk at 16 connections.
Baseline and portal are measured alternately, round after round, in the same run, so that the
machine's drifting speed affects both alike; the report quotes medians and ratios.

Targets (issue #2): at least 0.6x the baseline's requests per second, and a p95 latency at most
1.7x the baseline's.
"""

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "benchmarks" / "results"
LUA = BASE_DIR / "benchmarks" / "wrk_report.lua"

PAIRS = [
    # (name, portal path, baseline path)
    ("catalogue page", "/courses/", "/bench/baseline/catalogue/"),
    ("courses API", "/api/v1/courses/", "/bench/baseline/courses.json"),
]
EXTRA = [
    ("catalogue search + facet", "/courses/?q=data+governance&level=intermediate"),
    ("course page", "/courses/BEN-00042/"),
]
TARGET_RPS_RATIO = 0.6
TARGET_P95_RATIO = 1.7


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env, args):
    print(f"Creating scratch database and {args.courses} courses / {args.cohorts} cohorts…")
    recreate_database(env["DATABASE_URL"])
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.data import generate

    started = time.perf_counter()
    counts = generate(courses=args.courses, cohorts=args.cohorts)
    _analyze()
    print(f"  generated {counts} in {time.perf_counter() - started:.1f} s")
    return counts


def _analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def start_server(env, port, workers):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "academy.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
    ]
    server = subprocess.Popen(cmd, cwd=BASE_DIR, env=env)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up")


def check_ok(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")


def wrk(port, path, *, seconds, connections):
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(f"{path}: {result['errors']} errors under load")
    return result


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_bench"
        ),
    )
    parser.add_argument("--courses", type=int, default=2000)
    parser.add_argument("--cohorts", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    sys.path.insert(0, str(BASE_DIR))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    counts = prepare(env, args)
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        for _, path, baseline in PAIRS:
            check_ok(port, path)
            check_ok(port, baseline)
        runs = {}
        for round_no in range(1, args.rounds + 1):
            for name, path, baseline in PAIRS:
                for label, url in (("baseline", baseline), ("portal", path)):
                    wrk(port, url, seconds=2, connections=args.connections)  # warm up
                    result = wrk(port, url, seconds=args.seconds, connections=args.connections)
                    runs.setdefault(name, {}).setdefault(label, []).append(result)
                    print(
                        f"  round {round_no} {name:16} {label:8} "
                        f"{result['rps']:8.1f} req/s  p95 {result['p95_ms']:7.1f} ms"
                    )
        extra = {}
        for name, path in EXTRA:
            check_ok(port, path)
            wrk(port, path, seconds=2, connections=args.connections)
            extra[name] = wrk(port, path, seconds=args.seconds, connections=args.connections)
    finally:
        server.terminate()
        server.wait(timeout=10)

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": counts,
        "load": {
            "connections": args.connections,
            "gunicorn_workers": args.workers,
            "seconds": args.seconds,
            "rounds": args.rounds,
        },
        "results": {},
        "extra": extra,
    }
    ok = True
    print(
        "\n| endpoint | baseline req/s | portal req/s | ratio (≥0.6) "
        "| baseline p95 | portal p95 | ratio (≤1.7) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, _, _ in PAIRS:
        base = runs[name]["baseline"]
        mine = runs[name]["portal"]
        b_rps = statistics.median(r["rps"] for r in base)
        m_rps = statistics.median(r["rps"] for r in mine)
        b_p95 = statistics.median(r["p95_ms"] for r in base)
        m_p95 = statistics.median(r["p95_ms"] for r in mine)
        rps_ratio, p95_ratio = m_rps / b_rps, m_p95 / b_p95
        passed = rps_ratio >= TARGET_RPS_RATIO and p95_ratio <= TARGET_P95_RATIO
        ok &= passed
        report["results"][name] = {
            "baseline_rps": b_rps,
            "portal_rps": m_rps,
            "rps_ratio": round(rps_ratio, 3),
            "baseline_p95_ms": b_p95,
            "portal_p95_ms": m_p95,
            "p95_ratio": round(p95_ratio, 3),
            "passed": passed,
            "runs": runs[name],
        }
        print(
            f"| {name} | {b_rps:.0f} | {m_rps:.0f} | {rps_ratio:.2f} | {b_p95:.1f} ms "
            f"| {m_p95:.1f} ms | {p95_ratio:.2f} |"
        )
    for name, result in extra.items():
        print(f"  (no baseline) {name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / "catalogue-latest.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nMachine: {report['machine']}. Report written to {out.relative_to(BASE_DIR)}")
    print("Targets met." if ok else "TARGETS MISSED.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
