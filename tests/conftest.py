"""Shared fixtures: the named personas of the portal, and the rules for marked tests.

The personas mirror the demo accounts: two officers of two ministries, their training officers,
a KSG staff member, a facilitator and a partner reviewer. "Outsider is denied" tests pick the
persona of the other organisation.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.test import Client

from academy.models import Membership, Organisation
from tests.factories import (
    CountyFactory,
    MembershipFactory,
    OfficerProfileFactory,
    OrganisationFactory,
    UserFactory,
    give_totp,
)

Role = Membership.Role
_TEST_CACHE_DIR = pytest.StashKey[Path]()


def pytest_configure(config):
    # WhiteNoise warns on every request when STATIC_ROOT is missing; tests serve static files
    # through the finders, so an empty directory is all it needs.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Each test clears the cache; with the file cache of a local run, give every test process
    # (xdist workers, test runs side by side) a directory of its own so that they don't clear
    # each other's entries.
    cache_settings = settings.CACHES["default"]
    if cache_settings["BACKEND"].endswith("FileBasedCache"):
        location = Path(settings.BASE_DIR) / "var" / "test-cache" / str(os.getpid())
        cache_settings["LOCATION"] = str(location)
        config.stash[_TEST_CACHE_DIR] = location
    elif cache_settings["BACKEND"].endswith("RedisCache"):
        # clear() empties the whole Redis database: each xdist worker gets one of its own.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        if worker.startswith("gw"):
            base, _, number = cache_settings["LOCATION"].rpartition("/")
            first = int(number) if number.isdigit() else 0
            cache_settings["LOCATION"] = f"{base}/{first + 1 + int(worker[2:])}"


def pytest_unconfigure(config):
    location = config.stash.get(_TEST_CACHE_DIR, None)
    if location is not None:
        shutil.rmtree(location, ignore_errors=True)


def pytest_runtest_setup(item):
    if item.get_closest_marker("e2e") and not shutil.which("chromium"):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Debian's chromium is not installed.")
        pytest.skip("browser test: install Debian's chromium (make system-deps)")


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked ``postgres`` skip on SQLite locally, and fail in CI (REQUIRE_POSTGRES=1)."""
    if not request.node.get_closest_marker("postgres"):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the tests are not running on PostgreSQL.")
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture(autouse=True)
def _redis_only(request, settings):
    """Tests marked ``redis`` need REDIS_URL; they skip locally without it and fail in CI."""
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("REQUIRE_REDIS is set but REDIS_URL is not.")
        pytest.skip("needs Redis: set REDIS_URL")


def _clear_cache():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # RedisCache.clear() is FLUSHDB: it would also drop what the Celery broker keeps in the
        # same database (queues, bindings) under a worker started by a test. Only the cache's
        # own keys go.
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Kiswahili leaves Kiswahili active in the thread (LocaleMiddleware activates
    it and nothing deactivates it): each test starts in the default language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (those use ``celery_worker``)."""
    from academy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def _media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, _media_dir):
    """Uploads and rendered certificates go to a scratch folder, never into var/media."""
    settings.MEDIA_ROOT = str(_media_dir)


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Clients ---------------------------------------------------------------------------------


class SignedInClient(Client):
    """A test client whose ``force_login`` leaves the session as a real sign-in would.

    Role changes, API token creation and exports of personal data need a recent
    re-authentication (allauth's ``reauthentication_required``), which allauth reads from the
    authentication records it keeps in the session. Django's ``force_login`` writes none, so
    every such page would send a test's user to the password prompt. This client records what
    allauth records when a user signs in and then confirms their password, through allauth's
    own ``record_authentication``: a test that signs someone in stands for a user who did so a
    moment ago. ``force_login(user, fresh=False)`` records the sign-in alone, as allauth's login
    does; allauth 65.22 does not count that as a re-authentication, so the tests of the
    re-authentication prompt use it.
    """

    def force_login(self, user, backend=None, *, fresh: bool = True):
        from allauth.account.internal.flows.login import record_authentication

        super().force_login(user, backend)
        request = HttpRequest()
        request.session = self.session
        record_authentication(request, user, method="password", email=user.email)
        if fresh:
            record_authentication(request, user, method="password", reauthenticated=True)
        request.session.save()


@pytest.fixture
def client():
    """pytest-django's ``client``, signing in as ``SignedInClient`` does."""
    return SignedInClient()


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's ``admin_user``, with the authenticator app every superuser must have."""
    user = django_user_model._default_manager.create_superuser(
        email="admin@ksg.ac.ke", password="Correct-Horse-Battery-9"
    )
    give_totp(user)
    return user


@pytest.fixture
def admin_client(admin_user):
    client = SignedInClient()
    client.force_login(admin_user)
    return client


# --- Organisations -------------------------------------------------------------------------


@pytest.fixture
def nairobi(db):
    return CountyFactory(name="Nairobi City", code=47)


@pytest.fixture
def ksg(db):
    return OrganisationFactory(
        name="Kenya School of Government",
        short_name="KSG",
        slug="ksg",
        kind=Organisation.Kind.ACADEMY,
    )


@pytest.fixture
def ministry_ict(db):
    return OrganisationFactory(
        name="Ministry of Information, Communications and the Digital Economy",
        short_name="MoICDE",
        slug="ministry-ict",
        kind=Organisation.Kind.MINISTRY,
    )


@pytest.fixture
def state_department_ict(ministry_ict):
    return OrganisationFactory(
        parent=ministry_ict,
        name="State Department for ICT and Digital Economy",
        slug="sd-ict",
        kind=Organisation.Kind.STATE_DEPARTMENT,
    )


@pytest.fixture
def treasury(db):
    return OrganisationFactory(
        name="The National Treasury and Economic Planning",
        short_name="Treasury",
        slug="treasury",
        kind=Organisation.Kind.MINISTRY,
    )


@pytest.fixture
def huawei(db):
    return OrganisationFactory(
        name="Huawei Technologies (Kenya) Co. Ltd",
        short_name="Huawei Kenya",
        slug="huawei",
        kind=Organisation.Kind.PARTNER,
    )


# --- Personas ------------------------------------------------------------------------------


@pytest.fixture
def wanjiku(state_department_ict, nairobi):
    """An ICT officer of the State Department for ICT (under the Ministry of ICT)."""
    user = UserFactory(email="wanjiku@ict.demo.go.ke", full_name="Wanjiku Kamau")
    OfficerProfileFactory(
        user=user,
        personal_number="2019001234",
        organisation=state_department_ict,
        job_group="K",
        designation="ICT Officer I",
        duty_station=nairobi,
    )
    return user


@pytest.fixture
def otieno(treasury, nairobi):
    """An economist at the National Treasury."""
    user = UserFactory(email="otieno@treasury.demo.go.ke", full_name="Otieno Odhiambo")
    OfficerProfileFactory(
        user=user,
        personal_number="2017005678",
        organisation=treasury,
        job_group="M",
        designation="Senior Economist",
        duty_station=nairobi,
    )
    return user


@pytest.fixture
def hr_ict(ministry_ict):
    user = UserFactory(email="hr@ict.demo.go.ke", full_name="Akinyi Njeri")
    MembershipFactory(user=user, role=Role.TRAINING_OFFICER, organisation=ministry_ict)
    return user


@pytest.fixture
def hr_treasury(treasury):
    user = UserFactory(email="hr@treasury.demo.go.ke", full_name="Mutua Kiprono")
    MembershipFactory(user=user, role=Role.TRAINING_OFFICER, organisation=treasury)
    return user


@pytest.fixture
def ksg_staff(ksg):
    user = UserFactory(email="staff@ksg.demo.ac.ke", full_name="Chebet Wafula", is_staff=True)
    MembershipFactory(user=user, role=Role.KSG_STAFF)
    return user


@pytest.fixture
def trainer(ksg):
    user = UserFactory(email="trainer@ksg.demo.ac.ke", full_name="Baraka Mwangi")
    MembershipFactory(user=user, role=Role.FACILITATOR)
    return user


@pytest.fixture
def huawei_reviewer(huawei):
    user = UserFactory(email="reviewer@huawei.demo.co.ke", full_name="Li Wei")
    MembershipFactory(user=user, role=Role.PARTNER_REVIEWER, organisation=huawei)
    return user
