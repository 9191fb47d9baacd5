"""The reports section's own links: every page of it leads to the others, and the dashboard's
"Request a report file" opens the form on the dashboard's filters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    "reports:dashboard",
    "report_runs:request",
    "report_runs:list",
    "report_subscriptions:list",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_section_links_to_the_others(client, world, hr_ict, page):
    client.force_login(hr_ict)
    html = client.get(reverse(page)).content.decode()
    for other in PAGES:
        assert f'href="{reverse(other)}' in html
    assert html.count('aria-current="page"') == 2  # the site's "Reports" and this page's link


def test_the_dashboards_filters_carry_over_to_the_report_request(client, world, hr_ict):
    client.force_login(hr_ict)
    dashboard = client.get(
        reverse("reports:dashboard"),
        {
            "organisation": world.state_department.pk,
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
            "skill_area": world.data.slug,
        },
    )
    link = (
        f"{reverse('report_runs:request')}?from=2026-01-01&amp;to=2026-03-31&amp;"
        f"organisation={world.state_department.pk}&amp;skill_area={world.data.slug}"
    )
    assert link in dashboard.content.decode()
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form.initial["organisation"] == str(world.state_department.pk)
    assert form.initial["date_from"] == "2026-01-01"
    assert form.initial["skill_area"] == world.data.slug
