"""A shared cache for the public catalogue's result lists (page and API).

Every visitor of ``/courses/?q=data`` sees the same results, so they are built once and kept in
the shared cache (Redis in production) under a key made of the request's filters, the language,
today's date (what "upcoming" means changes at midnight) and the *catalogue version*.

The catalogue version is a random token that changes whenever anything a result list shows
changes: courses, cohorts, enrolments (seats left), skill areas, competencies, campuses and
providers. Changing it makes every cached list unreachable at once; the old entries simply
expire. Saves and deletes through the ORM change it by themselves (see ``connect_signals``);
code that writes with ``QuerySet.update()`` or ``bulk_create()``, which send no signals, must call
``catalogue_changed()`` itself. Entries also expire after ``CATALOGUE_CACHE_SECONDS`` whatever
happens, which bounds the harm of a write that forgot to.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

T = TypeVar("T")

VERSION_KEY = "catalogue:version"


def catalogue_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() so that two processes starting together agree on one version.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def catalogue_changed() -> None:
    """Make every cached result list stale: call after writes that send no model signals."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached_listing(kind: str, query: str, build: Callable[[], T]) -> T:
    """The cached result of ``build()`` for this ``kind`` of list and ``query``, else build it.

    ``query`` is whatever identifies the request (its query string, for the API also its host);
    the language and today's date are added here.
    """
    seconds = settings.CATALOGUE_CACHE_SECONDS
    if not seconds:
        return build()
    identity = "|".join(
        (kind, query, translation.get_language() or "", timezone.localdate().isoformat())
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    key = f"catalogue:{catalogue_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=seconds)
    return value


def _changed(**kwargs) -> None:
    # At once, so that the writer's own transaction reads fresh lists; and again after commit,
    # because a list built by another request from the old rows between the write and the commit
    # would otherwise be cached under the new version and outlive the change.
    catalogue_changed()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(catalogue_changed)


def _enrolment_saved(sender, instance, created, **kwargs) -> None:
    # Lists show seats left, not waiting lists or requests: a new enrolment that takes no seat
    # changes none of them. (A changed one may have given its seat up, so it always counts.)
    if created and instance.state not in sender.SEAT_STATES:
        return
    # Enrolments, the portal's busiest write, change the version only when they commit: no
    # code reads the cached lists inside an enrolment's transaction, and a second round trip
    # to the cache would cost every enrolment as much as its audit event. Another request's
    # list built from the old rows until the commit is cached under the old version, which the
    # commit makes unreachable.
    transaction.on_commit(catalogue_changed)


def connect_signals() -> None:
    """Change the catalogue version when any model a result list shows is saved or deleted."""
    from academy.models import Organisation
    from courses.models import Campus, Cohort, Competency, Course, SkillArea
    from enrollments.models import Enrollment

    for model in (Course, Cohort, Enrollment, SkillArea, Competency, Campus, Organisation):
        uid = f"catalogue-cache-{model._meta.label_lower}"
        saved = _enrolment_saved if model is Enrollment else _changed
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Course.competencies.through, Course.prerequisites.through):
        m2m_changed.connect(
            _changed,
            sender=through,
            dispatch_uid=f"catalogue-cache-{through._meta.label_lower}",
        )
