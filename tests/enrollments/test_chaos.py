"""Chaos: the Celery worker is killed (SIGKILL) in the middle of sending 1,000 reminders and the
broker (Redis) is restarted empty; a new worker and the catch-up the beat runs must then send
every reminder, and none twice but those the design allows, counted exactly.

Everything is real and in processes of its own: the workers are ``celery -A academy worker``
(prefork, two processes, as docker-compose.yml runs them) on the test's PostgreSQL database, and
the broker is a redis-server this test starts on a free port (the machine's shared Redis is never
touched). E-mails are handed to a backend that writes each one durably to a file of its own
(``tests.enrollments.chaos_mail``), so what was handed over before the kill can be counted after.

Redis is restarted without persistence (``--appendonly no --save ""``): the harshest case, every
task message is lost, the queued ones and the one the killed worker was running (kept unacked by
``acks_late``). With persistence the queue would survive, but the killed worker's unacked message
would come back only after the visibility timeout (an hour), so recovery rests on the same
catch-up either way: the rows are the truth, the broker only carries nudges, and the hourly
``schedule_reminders`` (beat) nudges ``send_reminders`` again.

What may be sent twice, and why: a worker killed after the mail server took an e-mail but before
the row's "sent" commit leaves that row pending (its transaction rolls back), and it is sent again
(at least once rather than at most once: losing a reminder is worse than repeating one). Only the
rows being sent at the moment of the kill can be in that window, so at most one per worker
process (two here); the test finds them exactly (handed over, yet still pending after the kill)
and checks that those, and only those, went twice, with the same Message-ID both times.
"""

import contextlib
import email.parser
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from enrollments import outbox
from enrollments.models import Enrollment, Reminder
from tests.courses.conftest import cohort
from tests.enrollments.conftest import wait_for

BASE_DIR = Path(settings.BASE_DIR)
REMINDERS = 1000
# Kill the worker once this many e-mails have been handed over: part-way through.
KILL_AFTER = 300
WORKER_PROCESSES = 2

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, without persistence, that can crash and come back on
    the same port."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.directory = directory
        self.port = _free_port()
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        # Programs and arguments of our own, no shell.
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "no",
                "--save",
                "",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.ping, timeout=30), "the private redis-server came up"

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url(0), socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def crash(self):
        self.process.kill()  # SIGKILL: no shutdown save, nothing kept
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("REQUIRE_REDIS is set but redis-server is not installed.")
        pytest.skip("needs the redis-server program (apt-get install redis-server)")
    (tmp_path / "redis").mkdir()
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    """The test database pytest-django made, for the workers' processes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


class Workers:
    """Celery workers started as processes of their own, each in its own process group so that
    a kill takes the pool's children with it, as when a container is killed."""

    def __init__(self, env: dict, logs: Path):
        self.env = env
        self.logs = logs
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, **env) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        # Programs and arguments of our own, no shell.
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "worker",
                "--pool=prefork",
                f"--concurrency={WORKER_PROCESSES}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={name}@%h",
            ],
            cwd=BASE_DIR,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, process: subprocess.Popen):
        """Warm shutdown (SIGTERM), then a kill if it takes too long."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(process)
        # Children the pool left behind, if any.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self):
        for process in self.running:
            self.stop(process)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]


@pytest.fixture
def workers(transactional_db, private_redis, tmp_path):
    """Worker processes on the test database and the private broker; stopped before the test
    database is flushed (they hold connections to it)."""
    mail = tmp_path / "mail"
    mail.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.enrollments.chaos_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": private_redis.url(0),
        "REDIS_URL": private_redis.url(1),
        "CHAOS_MAIL_DIR": str(mail),
        "PYTHONUNBUFFERED": "1",
    }
    pool = Workers(env, tmp_path)
    pool.mail = mail
    yield pool
    pool.stop_all()
    connection.close()


@pytest.fixture
def broker(private_redis):
    """Send task messages to the private broker (not run eagerly, as other tests do)."""
    from kombu import Connection

    from academy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False

    def send(task):
        with Connection(private_redis.url(0)) as conn:
            task.apply_async(connection=conn)

    yield send
    app.conf.task_always_eager = previous


def handed_over(mail: Path) -> list[dict]:
    """The e-mails the backend took so far: recipient and Message-ID of each."""
    parser = email.parser.BytesHeaderParser()
    found = []
    for path in mail.glob("*.eml"):
        with path.open("rb") as f:
            headers = parser.parse(f)
        found.append({"to": headers["To"], "message_id": headers["Message-ID"]})
    return found


def count_handed_over(mail: Path) -> int:
    return sum(1 for name in os.listdir(mail) if name.endswith(".eml"))


@pytest.fixture
def due_reminders(course):
    """1,000 officers enrolled in a cohort that starts in 7 days: 1,000 reminders due today."""
    from academy.models import User

    run = cohort(course, starts_in=7, capacity=REMINDERS, code="DUG-201-CHAOS")
    users = User.objects.bulk_create(
        User(email=f"chaos{n:04d}@officers.demo.go.ke", full_name=f"Officer {n}", password="!")
        for n in range(REMINDERS)
    )
    Enrollment.objects.bulk_create(
        Enrollment(officer=user, cohort=run, course_id=course.pk, state=Enrollment.State.ENROLLED)
        for user in users
    )
    return {user.email for user in users}


@pytest.mark.parametrize(
    "kill",
    [
        # Wherever the worker happens to be when the test sees 300 handed over: most often
        # rendering or committing, so usually nothing is caught in the window.
        "anywhere",
        # The worker stops still just after the mail server took the 300th e-mail, before the
        # commit: the kill catches exactly that one in the window, and it goes twice.
        "in_the_window",
    ],
)
def test_killed_worker_and_restarted_redis_lose_no_reminder(
    kill, due_reminders, workers, broker, private_redis, capsys
):
    from enrollments.tasks import schedule_reminders, send_reminders

    Status = Reminder.Status
    started = time.monotonic()
    hang = {"CHAOS_HANG_AFTER": str(KILL_AFTER)} if kill == "in_the_window" else {}
    first = workers.start("chaos-first", **hang)
    # What beat does every hour: write the due reminders, then nudge a worker to send them.
    broker(schedule_reminders)
    assert wait_for(lambda: count_handed_over(workers.mail) >= KILL_AFTER, timeout=150), (
        "the first worker sent part of the reminders\n" + workers.log("chaos-first")
    )

    workers.kill(first)
    killed_at = time.monotonic()
    before_kill = handed_over(workers.mail)
    assert Reminder.objects.count() == REMINDERS
    # The killed worker's connections closed with it: its open transactions rolled back and
    # their row locks are free.
    assert wait_for(lambda: not _locks_held_by_others(), timeout=30), (
        "PostgreSQL let go of the killed worker's locks"
    )
    marked_sent = Reminder.objects.filter(status=Status.SENT).count()
    assert 0 < marked_sent < REMINDERS, "the worker was killed part-way"
    # Handed over but still pending: the e-mails the kill caught between the mail server and the
    # commit. These, and only these, will go again.
    pending_ids = {outbox.message_id(row) for row in Reminder.objects.filter(status=Status.PENDING)}
    caught = [m for m in before_kill if m["message_id"] in pending_ids]
    assert len(before_kill) == marked_sent + len(caught)
    assert len(caught) <= WORKER_PROCESSES
    if kill == "in_the_window":
        assert len(caught) == 1

    # Redis crashes and comes back empty: every task message is gone, including the nudge the
    # killed worker was running.
    private_redis.crash()
    private_redis.start()
    import redis

    assert redis.Redis.from_url(private_redis.url(0)).dbsize() == 0

    second = workers.start("chaos-second")
    # What beat does next: the hourly schedule (writes nothing new: the keys exist) nudges the
    # sender; a stray second nudge at once makes both worker processes send side by side.
    broker(schedule_reminders)
    broker(send_reminders)
    assert wait_for(
        lambda: not Reminder.objects.filter(status=Status.PENDING).exists(), timeout=240
    ), "every reminder was sent after the restart\n" + workers.log("chaos-second")
    workers.stop(second)
    finished = time.monotonic()

    every = handed_over(workers.mail)
    per_recipient = Counter(m["to"] for m in every)
    per_message_id = Counter(m["message_id"] for m in every)
    lost = due_reminders - set(per_recipient)
    duplicated = {to: n - 1 for to, n in per_recipient.items() if n > 1}
    summary = {
        "kill": kill,
        "reminders": REMINDERS,
        "handed_over_before_kill": len(before_kill),
        "marked_sent_before_kill": marked_sent,
        "caught_in_the_window": len(caught),
        "sent_after_restart": len(every) - len(before_kill),
        "total_handed_over": len(every),
        "lost": len(lost),
        "duplicated": sum(duplicated.values()),
        "seconds_to_kill": round(killed_at - started, 1),
        "seconds_total": round(finished - started, 1),
    }
    with capsys.disabled():
        print(f"\nchaos: {summary}")

    assert lost == set()
    assert set(per_recipient) == due_reminders
    assert Reminder.objects.filter(status=Status.SENT).count() == REMINDERS
    # Exactly the e-mails caught in the window went twice, each with one Message-ID both times.
    assert sum(duplicated.values()) == len(caught)
    assert sorted(duplicated) == sorted(m["to"] for m in caught)
    assert {mid for mid, n in per_message_id.items() if n > 1} == {m["message_id"] for m in caught}
    assert len(per_message_id) == REMINDERS


def _locks_held_by_others() -> bool:
    """Whether another connection still holds row locks in the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE a.datname = current_database() AND l.pid <> pg_backend_pid() "
            "AND l.locktype IN ('tuple', 'transactionid')"
        )
        return cursor.fetchone()[0] > 0
