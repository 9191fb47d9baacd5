"""The load benchmark (benchmarks/load.py) at small scale, so CI proves the script works: 20
signed-in officers at the opening of a 5-seat cohort, against gunicorn on the test database.
The long run (200 users) is ``make bench-load``; its figures are in SECURITY.md."""

from urllib.parse import quote

import pytest
from django.db import connection

from benchmarks import load

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def test_a_small_burst_enrols_exactly_the_seats_with_no_server_error(settings, tmp_path):
    out = tmp_path / "load.json"
    args = load.parse_args(
        [
            "--database-url",
            _database_url(),
            # The test's own Redis database: the tests empty it anyway.
            "--redis-url",
            settings.REDIS_URL,
            "--users",
            "20",
            "--capacity",
            "5",
            "--courses",
            "30",
            "--cohorts",
            "60",
            "--rounds",
            "1",
            "--workers",
            "2",
            "--threads",
            "2",
            "--out",
            str(out),
        ]
    )
    # The sessions are made here, signed with this process's key: the server must share it.
    env = load.server_env(args, SECRET_KEY=settings.SECRET_KEY)
    report = load.run(args, env)
    assert load.show(args, report)

    assert report["problems"] == []
    assert report["server_errors"] == 0
    assert (report["enrolled"], report["waitlisted"], report["overbooked"]) == ([5], [15], 0)
    portal = report["runs"]["portal"][0]["steps"]
    assert {step: s["statuses"] for step, s in portal.items()} == {
        "catalogue": {"200": 20},
        "course page": {"200": 20},
        "enrol": {"302": 20},
    }
    for step in load.STEPS:
        row = report["results"][step]
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["p95_ratio"] is not None
    assert out.exists()
