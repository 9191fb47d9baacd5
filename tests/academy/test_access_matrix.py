"""The access matrix: every URL pattern of the resolver, asked for by every persona and by an
anonymous visitor, against the answer written in ``access_table.TABLE``.

A URL pattern that is not in the table fails the test with its name. Objects of one
organisation or partner give no 2xx to the other side (GET), and a POST of the other side
changes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.academy.access_table import cases, walk
from tests.academy.access_world import OUTSIDERS, PERSONAS, build_world

# Apps whose rows a POST of an outsider must leave as they were.
PORTAL_APPS = ("academy", "courses", "enrollments", "certificates", "partners", "reports")


@pytest.fixture
def world(ksg, ministry_ict, treasury, huawei, wanjiku, otieno, hr_ict, hr_treasury, ksg_staff,
          trainer, huawei_reviewer):  # fmt: skip
    return build_world(
        ksg=ksg, ministry_ict=ministry_ict, treasury=treasury, huawei=huawei, wanjiku=wanjiku,
        otieno=otieno, hr_ict=hr_ict, hr_treasury=hr_treasury, ksg_staff=ksg_staff,
        trainer=trainer, huawei_reviewer=huawei_reviewer,
    )  # fmt: skip


def signed_in(user) -> Client:
    """A client signed in as ``user`` (None: anonymous). Exceptions come back as a 500 so the
    matrix reports them with the rest."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def clients_of(world) -> dict[str, Client]:
    return {
        persona: signed_in(None if persona == "anonymous" else getattr(world.users, persona))
        for persona in PERSONAS
    }


def answer_of(response) -> str:
    """The token of ``TABLE`` this response is."""
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "LOG"
    return str(response.status_code)


def markers_of(world) -> dict[str, list[str]]:
    """Text that only someone who may see a side's objects may ever be shown, by side."""
    markers = {}
    for side, officer, certificate in (
        ("ict", world.users.wanjiku, world.certificates.wanjiku),
        ("treasury", world.users.otieno, world.certificates.otieno),
    ):
        profile = officer.officer_profile
        markers[side] = [officer.email, officer.full_name, profile.personal_number]
        markers[side].append(certificate.serial)
    for side in ("huawei", "icdl"):
        objects = getattr(world.partners, side)
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


# --- The admin, by rule ---------------------------------------------------------------------------

# What KSG staff (with the demo's "KSG staff" group) may do in the admin, by app: the answer to
# the list, add, change, delete and history pages of each model. Other apps: 403 everywhere.
ADMIN_STAFF = {
    #               changelist add    change delete history
    "academy": {
        "changelist": 200,
        "add": 403,
        "change": 200,
        "delete": 403,
        "history": 200,
        # the organisation tree's own pages (treebeard): a move is a POST
        "children": 200,
        "move": 400,
    },
    "courses": {"changelist": 200, "add": 200, "change": 200, "delete": 403, "history": 200},
    "certificates": {"changelist": 200, "add": 200, "change": 200, "delete": 403, "history": 200},
}
# Models whose admin refuses a page to everyone (read-only records), by "app.model".
ADMIN_READ_ONLY = {
    "academy.auditevent": {"add": 403},
    "certificates.certificate": {"add": 403},
}


def admin_models() -> dict[tuple[str, str], type]:
    """(app label, model name), as in the admin's addresses -> model."""
    return {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}


def admin_url(route, models) -> tuple[str, str | None, str]:
    """The address of an admin pattern, its arguments filled from the world (the first row of
    its model); the model's label when the page belongs to one; and the page's kind
    (changelist, add, change, delete, history, redirect, ..., or the site's own pages)."""
    parts = route.route.split("/")
    model = models.get((parts[1], parts[2])) if len(parts) > 3 else None
    params = list(route.pattern.pattern.regex.groupindex)
    obj = model._default_manager.order_by("pk").first() if model is not None else None
    fill = {
        "object_id": obj.pk if obj is not None else 0,
        "id": obj.pk if obj is not None else 0,
        "parent_id": obj.pk if obj is not None else 0,
        "app_label": "courses",
        "content_type_id": 1,
        "url": "no-such-page/",
    }
    kwargs = {param: fill[param] for param in params}
    if route.key.startswith("admin:"):
        url = reverse(route.key, kwargs=kwargs)
    else:  # unnamed: fill the route by hand
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
        url = url.replace("(?P<url>.*)$", kwargs.get("url", ""))
    if model is None:
        return (
            url,
            None,
            route.key.removeprefix("admin:") if route.key.startswith("admin:") else ("catch_all"),
        )
    name = route.key.removeprefix("admin:")
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    if name.startswith(prefix):
        kind = name[len(prefix) :]
    elif name == "auth_user_password_change":
        kind = "password"
    elif route.route.endswith("<path:object_id>/"):
        kind = "redirect"
    else:
        kind = parts[3] or route.key
    if params and obj is None:
        kind = f"{kind} (none)"
    return url, model._meta.label_lower, kind


def admin_expectation(persona: str, label: str | None, kind: str) -> set[str]:
    """The answers the rule allows ``persona`` on one admin page."""
    if label == "academy.organisation" and kind == "jsi18n":
        # The organisation tree's translated strings (treebeard): public, like any static file.
        return {"200"}
    if persona != "ksg_staff":
        # Not staff: sent to sign in (allauth's page, through the admin's own login), or, at
        # the admin's login page itself when signed in already, refused.
        return {"LOG", "302", "403"} if kind == "login" else {"LOG", "302"}
    if label is None:
        return {
            "index": {"200"},
            "app_list": {"200"},
            "login": {"302"},
            "logout": {"405"},
            "password_change": {"200"},
            "password_change_done": {"200"},
            "jsi18n": {"200"},
            "autocomplete": {"403"},
            "view_on_site": {"404"},
            "catch_all": {"404"},
        }[kind]
    if kind.startswith("redirect"):  # <object_id>/ leads on to <object_id>/change/
        return {"302"}
    app = label.split(".")[0]
    if kind.endswith(" (none)"):
        # No row of the model in the world: back to the admin's index with a message, when
        # the page is one staff may open (its history: always).
        kind = kind.removesuffix(" (none)")
        allowed = ADMIN_READ_ONLY.get(label, {}).get(kind) or ADMIN_STAFF.get(app, {}).get(kind)
        return {"302"} if allowed == 200 or kind == "history" else {"403"}
    answer = ADMIN_READ_ONLY.get(label, {}).get(kind) or ADMIN_STAFF.get(app, {}).get(kind, 403)
    return {str(answer)}


# --- The test ---------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix_and_answers_as_written(world, capsys):
    routes = walk()
    table = cases()
    named_in_table = {c.name for c in table}
    portal_routes = [r for r in routes if not r.admin]
    missing = sorted({r.key for r in portal_routes} - named_in_table)
    assert not missing, f"URL patterns missing from the access matrix: {missing}"
    stale = sorted(named_in_table - {r.key for r in routes})
    assert not stale, f"Lines of the access matrix with no URL pattern: {stale}"

    clients = clients_of(world)
    markers = markers_of(world)
    wrong, cross, requests = [], [], 0
    for case in table:
        url = reverse(case.name, kwargs=case.kwargs(world))
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


def test_outsiders_post_changes_nothing(world, capsys):
    """A POST by the other side to an object URL of one organisation or partner: no 2xx, no
    redirect to a success page, and every row of the portal as it was."""
    clients = clients_of(world)
    before = snapshot()
    posts, problems = 0, []
    for case in cases():
        if not case.side:
            continue
        url = reverse(case.name, kwargs=case.kwargs(world))
        for persona in OUTSIDERS[case.side]:
            response = clients[persona].post(url, {"comment": "x", "reason": "x", "confirm": "1"})
            posts += 1
            if response.status_code not in (401, 403, 404, 405):
                problems.append(f"{persona} POST {url} -> {response.status_code}")
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    with capsys.disabled():
        print(f"\naccess matrix POSTs by outsiders: {posts}, answered 2xx/3xx: {len(problems)}")
    assert not problems, "\n".join(problems)
    assert not changed, f"rows changed by outsiders' POSTs: {changed}"


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
