"""The access matrix: every URL pattern of the resolver, asked for by every persona and by an
anonymous visitor, against the answer written in ``access_table.TABLE``.

A URL pattern that is not in the table fails the test with its name. Objects of one
organisation or partner give no 2xx to the other side (GET), and a POST of the other side
changes nothing.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.urls import reverse

from tests.academy.access_table import admin_expectation, admin_models, admin_url, cases, walk
from tests.academy.access_world import (  # noqa: F401 (the fixture)
    OUTSIDERS,
    PERSONAS,
    access_world_fixture,
    answer_of,
    clients_of,
)

# Apps whose rows a POST of an outsider must leave as they were.
PORTAL_APPS = ("academy", "courses", "enrollments", "certificates", "partners", "reports")


def markers_of(access_world) -> dict[str, list[str]]:
    """Text that only someone who may see a side's objects may ever be shown, by side."""
    markers = {}
    for side, officer, certificate in (
        ("ict", access_world.users.wanjiku, access_world.certificates.wanjiku),
        ("treasury", access_world.users.otieno, access_world.certificates.otieno),
    ):
        profile = officer.officer_profile
        markers[side] = [officer.email, officer.full_name, profile.personal_number]
        markers[side].append(certificate.serial)
    for side in ("huawei", "icdl"):
        objects = getattr(access_world.partners, side)
        markers[side] = [objects.mou.reference, objects.deliverable.title, objects.kpi.name]
    # Both partners' KPIs share a name: only the first two tell the partners apart.
    for side in ("huawei", "icdl"):
        markers[side] = markers[side][:2]
    return markers


# Public by design: whoever holds a certificate's code sees its holder's name.
PUBLIC_BY_CODE = {"certificates:verify", "api_certificate_verify"}


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaks(persona: str, case, response, markers) -> list[str]:
    """The other sides' markers in a 2xx answer to ``persona``."""
    if not 200 <= response.status_code < 300 or case.name in PUBLIC_BY_CODE:
        return []
    body = body_of(response)
    return [
        f"{persona} GET {case.name} shows {side}'s {marker!r}"
        for side, outsiders in OUTSIDERS.items()
        if persona in outsiders
        for marker in markers[side]
        if marker in body
    ]


def snapshot() -> dict:
    """Every row of the portal's own models."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in PORTAL_APPS:
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


# --- The test ---------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix_and_answers_as_written(access_world, capsys):
    routes = walk()
    table = cases()
    named_in_table = {c.name for c in table}
    portal_routes = [r for r in routes if not r.admin]
    missing = sorted({r.key for r in portal_routes} - named_in_table)
    assert not missing, f"URL patterns missing from the access matrix: {missing}"
    stale = sorted(named_in_table - {r.key for r in routes})
    assert not stale, f"Lines of the access matrix with no URL pattern: {stale}"

    clients = clients_of(access_world)
    markers = markers_of(access_world)
    wrong, cross, requests = [], [], 0
    for case in table:
        url = reverse(case.name, kwargs=case.kwargs(access_world))
        got = {}
        for persona in PERSONAS:
            response = clients[persona].get(url)
            requests += 1
            got[persona] = answer_of(response)
            cross += leaks(persona, case, response, markers)
            if case.side and persona in OUTSIDERS[case.side] and 200 <= response.status_code < 300:
                cross.append(f"{persona} GET {url} ({case.name}) -> {response.status_code}")
        if got != case.expect:
            observed = " ".join(f"{got[p]:>3}" for p in PERSONAS)
            wrong.append(f"{case.name:<40} {observed}  {case.object or ''}")

    models = admin_models()
    admin_routes = [r for r in routes if r.admin]
    for route in admin_routes:
        url, label, kind = admin_url(route, models)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            requests += 1
            allowed = admin_expectation(persona, label, kind)
            if answer_of(response) not in allowed:
                wrong.append(f"{route.key} {persona}: {answer_of(response)} not in {allowed}")

    with capsys.disabled():
        print(
            f"\naccess matrix: {len(routes)} URL patterns ({len(portal_routes)} portal, "
            f"{len(admin_routes)} admin), {len(table)} table lines, {len(PERSONAS)} personas "
            f"(with anonymous), {requests} GET requests, cross-organisation 2xx: {len(cross)}"
        )
    assert not cross, "\n".join(cross)
    assert not wrong, "answers other than the table's (observed):\n" + "\n".join(wrong)


ACTING_BODY = {
    "comment": "Fine by us.",
    "reason": "Asked by the other side.",
    "confirm": "1",
    "action": "accept",
    "decision": "approve",
    "status": "terminated",
    "score": "100",
    "completed": "true",
}


def test_outsiders_post_changes_nothing(access_world, capsys):
    """A POST by the other side (or an anonymous visitor) to an object URL of one organisation
    or partner: no 2xx, no redirect but to the sign-in page, and every row of the portal as it
    was. The body is one that the owner's side could act on (approve, accept, a reason...)."""
    clients = clients_of(access_world)
    before = snapshot()
    posts, problems = 0, []
    for case in cases():
        if not case.side:
            continue
        url = reverse(case.name, kwargs=case.kwargs(access_world))
        for persona in (*OUTSIDERS[case.side], "anonymous"):
            response = clients[persona].post(url, ACTING_BODY)
            posts += 1
            if answer_of(response) not in ("LOG", "401", "403", "404", "405"):
                problems.append(f"{persona} POST {url} -> {response.status_code}")
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    with capsys.disabled():
        print(f"\naccess matrix POSTs by outsiders: {posts}, answered 2xx/3xx: {len(problems)}")
    assert not problems, "\n".join(problems)
    assert not changed, f"rows changed by outsiders' POSTs: {changed}"

    # The control: the same body from the owner's side does act, so the zero above is the
    # access check's doing.
    enrolments = access_world.enrolments
    clients["hr_ict"].post(
        reverse("enrollments:decide", kwargs={"pk": enrolments.wanjiku_request.pk}), ACTING_BODY
    )
    clients["wanjiku"].post(
        reverse("enrollments:withdraw", kwargs={"pk": enrolments.wanjiku_upcoming.pk}),
        ACTING_BODY,
    )
    enrolments.wanjiku_request.refresh_from_db()
    enrolments.wanjiku_upcoming.refresh_from_db()
    assert enrolments.wanjiku_request.state != "requested"
    assert enrolments.wanjiku_upcoming.state == "withdrawn"


def test_the_table_has_one_line_per_object_side():
    """Each scoped URL is asked for with the objects of both sides (its twin line)."""
    by_name: dict[str, set[str]] = {}
    for case in cases():
        if case.side:
            by_name.setdefault(case.name, set()).add(case.side)
    pairs = ({"ict", "treasury"}, {"huawei", "icdl"})
    lonely = {name: sides for name, sides in by_name.items() if not any(sides == p for p in pairs)}
    # Staff-only pages of one certificate are asked for with one side only: nobody else
    # passes their role check, so the twin would say nothing more.
    lonely = {n: s for n, s in lonely.items() if not re.match(r"certificates:staff_", n)}
    assert not lonely, lonely
