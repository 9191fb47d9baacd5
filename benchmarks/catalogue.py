"""Catalogue benchmark: the catalogue page and the courses API against one-query baselines.

    uv run python benchmarks/catalogue.py            # or: make bench

Builds a scratch PostgreSQL database (2,000 courses, 10,000 cohorts), serves the portal with
gunicorn (2 sync workers, production settings, Redis as the cache) and loads it with wrk at 16
connections. Baseline and portal are measured alternately, round after round, in the same run,
so that the machine's drifting speed affects both alike; the report quotes medians and ratios.

The portal is measured twice: as deployed, where result lists come from the shared catalogue
cache (``courses.cache``), and on a second server with that cache turned off, so that the cost
of building a list from the database is on record too. The targets apply to the portal as
deployed; the cache-off figures are reported next to them.

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
    # VACUUM as well as ANALYZE: what autovacuum would have done to a live database by now
    # (fresh statistics, and a visibility map that lets counts use index-only scans).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def benchmark_env(*, database_url, redis_url, broker_url="", **extra) -> dict[str, str]:
    """The environment of a benchmark's portal: production settings (DEBUG off) on scratch
    databases, served on loopback; ``extra`` adds or overrides variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        **extra,
    }


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


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
    return wait_until_healthy(subprocess.Popen(cmd, cwd=BASE_DIR, env=env), port, tries=100)


def wait_until_healthy(server, port, *, tries):
    """``server`` once its /healthz answers 200; stops it and exits if it never does."""
    for _ in range(tries):
        try:
            # A loopback http:// address the benchmark built: no file:// or other scheme.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # nosec B310
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up")


def check_ok(port, path):
    # A loopback http:// address the benchmark built: no file:// or other scheme.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # nosec B310
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
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database the benchmark may empty (the portal's cache)",
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
    env = benchmark_env(
        database_url=args.database_url, redis_url=args.redis_url, CATALOGUE_CACHE_SECONDS="300"
    )
    counts = prepare(env, args)
    flush_redis(args.redis_url)
    port, cold_port = free_port(), free_port()
    servers = [
        start_server(env, port, args.workers),
        start_server({**env, "CATALOGUE_CACHE_SECONDS": "0"}, cold_port, args.workers),
    ]
    variants = (("baseline", port, 1), ("portal", port, 0), ("portal, cache off", cold_port, 0))
    try:
        for _, path, baseline in PAIRS:
            for _label, at, is_baseline in variants:
                check_ok(at, baseline if is_baseline else path)
        runs = {}
        for round_no in range(1, args.rounds + 1):
            for name, path, baseline in PAIRS:
                for label, at, is_baseline in variants:
                    url = baseline if is_baseline else path
                    wrk(at, url, seconds=2, connections=args.connections)  # warm up
                    result = wrk(at, url, seconds=args.seconds, connections=args.connections)
                    runs.setdefault(name, {}).setdefault(label, []).append(result)
                    print(
                        f"  round {round_no} {name:16} {label:17} "
                        f"{result['rps']:8.1f} req/s  p95 {result['p95_ms']:7.1f} ms"
                    )
        extra = {}
        for name, path in EXTRA:
            for label, at, _ in variants[1:]:
                check_ok(at, path)
                wrk(at, path, seconds=2, connections=args.connections)
                extra[f"{name} ({label})"] = wrk(
                    at, path, seconds=args.seconds, connections=args.connections
                )
    finally:
        for server in servers:
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
        "\n| endpoint | variant | req/s | ratio to baseline (≥0.6) "
        "| p95 | ratio to baseline (≤1.7) |"
    )
    print("|---|---|---|---|---|---|")
    for name, _, _ in PAIRS:
        base = runs[name]["baseline"]
        b_rps = statistics.median(r["rps"] for r in base)
        b_p95 = statistics.median(r["p95_ms"] for r in base)
        report["results"][name] = {"baseline_rps": b_rps, "baseline_p95_ms": b_p95}
        print(f"| {name} | baseline | {b_rps:.0f} | 1.00 | {b_p95:.1f} ms | 1.00 |")
        for label, _, is_baseline in variants:
            if is_baseline:
                continue
            mine = runs[name][label]
            m_rps = statistics.median(r["rps"] for r in mine)
            m_p95 = statistics.median(r["p95_ms"] for r in mine)
            rps_ratio, p95_ratio = m_rps / b_rps, m_p95 / b_p95
            passed = rps_ratio >= TARGET_RPS_RATIO and p95_ratio <= TARGET_P95_RATIO
            if label == "portal":
                ok &= passed
            report["results"][name][label] = {
                "rps": m_rps,
                "rps_ratio": round(rps_ratio, 3),
                "p95_ms": m_p95,
                "p95_ratio": round(p95_ratio, 3),
                "meets_targets": passed,
            }
            print(
                f"| {name} | {label} | {m_rps:.0f} | {rps_ratio:.2f} | {m_p95:.1f} ms "
                f"| {p95_ratio:.2f} |"
            )
        report["results"][name]["runs"] = runs[name]
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
