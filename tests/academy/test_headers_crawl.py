"""Every answer of every GET route (the access matrix's table and world, the admin included),
to an anonymous visitor and to each persona, over HTTPS with production's HSTS, carries the
security headers; answers to a signed-in user are never stored by a cache.
"""

from __future__ import annotations

from django.urls import reverse

from tests.academy.access_table import admin_models, admin_url, cases, walk
from tests.academy.access_world import (  # noqa: F401 (the fixture)
    PERSONAS,
    access_world_fixture,
    clients_of,
)

# Documents that are the same for everyone and say so (Cache-Control: public): the issuer's
# profile and keys, which verifiers fetch and may keep.
PUBLIC_DOCUMENTS = {"certificates:issuer", "certificates:issuer_jwks", "certificates:issuer_key"}


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def misses_of(name: str, persona: str, response) -> list[str]:
    """The security headers this answer lacks, one line each."""
    misses = []
    content_type = response.get("Content-Type", "")
    if response.get("X-Content-Type-Options") != "nosniff":
        misses.append("X-Content-Type-Options")
    if response.get("Referrer-Policy") != "same-origin":
        misses.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    hsts = response.get("Strict-Transport-Security", "")
    if "max-age=31536000" not in hsts or "includeSubDomains" not in hsts:
        misses.append(f"Strict-Transport-Security {hsts!r}")
    if response.get("X-Frame-Options") != "DENY":
        misses.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    csp = csp_directives(response.get("Content-Security-Policy", ""))
    if content_type.startswith("text/html") or csp:
        script_src = csp.get("script-src", csp.get("default-src"))
        if not script_src or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
            misses.append(f"CSP script-src {script_src!r}")
        if csp.get("frame-ancestors") != ["'none'"]:
            misses.append(f"CSP frame-ancestors {csp.get('frame-ancestors')!r}")
    if persona != "anonymous" and name not in PUBLIC_DOCUMENTS:
        cache_control = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        if not {"no-store", "private"} <= cache_control:
            misses.append(f"Cache-Control {response.get('Cache-Control')!r}")
    return [f"{name} {persona} {response.status_code}: {miss}" for miss in misses]


def test_every_answer_carries_the_security_headers(access_world, settings, capsys):
    # As in production (DEBUG off): HSTS for a year with sub-domains; the crawl is over HTTPS.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    clients = clients_of(access_world)
    addresses = [
        (case.name, reverse(case.name, kwargs=case.kwargs(access_world))) for case in cases()
    ]
    models = admin_models()
    addresses += [(r.key, admin_url(r, models)[0]) for r in walk() if r.admin]

    checked, html, misses = 0, 0, []
    for name, url in addresses:
        for persona in PERSONAS:
            response = clients[persona].get(url, secure=True)
            checked += 1
            html += response.get("Content-Type", "").startswith("text/html")
            misses += misses_of(name, persona, response)
    with capsys.disabled():
        print(
            f"\nheaders crawl: {len(addresses)} addresses x {len(PERSONAS)} personas = "
            f"{checked} responses ({html} HTML), misses: {len(misses)}"
        )
    assert not misses, "\n".join(misses[:200])


def test_public_pages_keep_their_caching(access_world, client):
    """The middleware leaves anonymous answers alone: the verification page keeps its
    no-cache (a status may change), the issuer's keys stay public."""
    code = access_world.certificates.wanjiku.verification_code
    verify = client.get(reverse("certificates:verify", kwargs={"code": code}))
    assert "no-store" not in verify["Cache-Control"]
    assert "no-cache" in verify["Cache-Control"]
    keys = client.get(reverse("certificates:issuer_jwks"))
    assert "public" in keys["Cache-Control"]
    catalogue = client.get(reverse("courses:catalogue"))
    assert "no-store" not in catalogue.get("Cache-Control", "")


def test_signed_in_answers_are_private_and_unstored(access_world, client):
    client.force_login(access_world.users.wanjiku)
    for url in (reverse("courses:catalogue"), reverse("enrollments:my_learning")):
        cache_control = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, url
