"""The dashboard page: who may open it (every URL of the reports app is classified here), the
outsider who finds nothing of the Ministry of ICT's, the national view for KSG staff only, the
filters with their errors, the page in Kiswahili, the charts each followed by their numbers,
and the audited administration of the national target."""

import itertools
import re

import pytest
from django.urls import reverse

from academy.models import AuditEvent
from reports.models import TrainingTarget
from tests.reports.support_runs import url_names

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}

# Every URL of the reports app: method and who may use it.
URLS = {
    "dashboard": ("get", "training officers and KSG staff"),
}


def test_every_reports_url_is_classified():
    assert url_names("reports") == set(URLS)
    assert reverse("reports:dashboard") == DASHBOARD


def page(client, user, **params):
    client.force_login(user)
    return client.get(DASHBOARD, params)


def text(response) -> str:
    """The page's text without tags, spaces run together."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# --- Who may see it ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["officer", "trainer", "huawei_reviewer"])
def test_officers_facilitators_and_partners_may_not_report(client, world, persona, request):
    user = world.officers.wanjiku if persona == "officer" else request.getfixturevalue(persona)
    assert page(client, user).status_code == 403


def test_a_training_officer_sees_their_ministry_with_its_sub_units(client, world, hr_ict):
    response = page(client, hr_ict, **Q1)

    assert response.status_code == 200
    content = text(response)
    assert f"{world.ministry.name} and its sub-units, 1 January 2026 to 31 March 2026" in content
    # The headline figures of conftest's docstring.
    for figure in (
        "Officers registered 6",
        "Officers enrolled 4 5 seats",
        "Officers waiting for a seat 1",
        "Completions 3 by 3 officers",
        "Completion rate 75% 3 completed of 4 results",
        "CPD hours 80",
        "Officers with no training 1",
    ):
        assert figure in content
    assert "By sub-unit" in content
    assert world.treasury.name not in content
    assert "Progress towards the national target" not in content


def test_a_training_officer_opens_on_their_own_organisation(client, world, hr_ict):
    # No organisation chosen, or an empty one: theirs, never the national view.
    for params in ({}, {"organisation": ""}):
        response = page(client, hr_ict, **params)
        assert response.status_code == 200
        assert response.context["dashboard"].filters.organisation == world.ministry


def test_a_training_officer_chooses_a_sub_unit(client, world, hr_ict):
    response = page(client, hr_ict, organisation=world.directorate.pk, **Q1)

    assert response.status_code == 200
    totals = response.context["dashboard"].totals
    assert (totals.registered, totals.completions) == (2, 1)  # Achieng and Mutiso


@pytest.mark.parametrize("organisation", ["ministry", "missing", "junk"])
def test_another_organisation_is_not_found_whether_or_not_it_exists(
    client, world, hr_treasury, organisation
):
    value = {"ministry": world.ministry.pk, "missing": 999_999, "junk": "1; DROP"}[organisation]
    response = page(client, hr_treasury, organisation=value, **Q1)
    assert response.status_code == 404
    assert world.ministry.name.encode() not in response.content


def test_ksg_staff_open_on_the_national_view_with_the_target(client, world, ksg_staff):
    response = page(client, ksg_staff, **Q1)

    assert response.status_code == 200
    content = text(response)
    assert "The whole public service" in content
    assert "By organisation" in content
    assert world.treasury.name in content
    assert "Progress towards the national target" in content
    assert "4 of 300,000 public servants to train by 31 December 2032" in content
    assert "less than 0.1%" in content
    assert "299,996 still to train" in content
    assert "Kenya National Digital Master Plan 2022-2032" in content  # its source
    assert reverse("admin:reports_trainingtarget_changelist") in response.content.decode()


def test_without_a_target_the_national_view_says_where_to_set_one(client, world, ksg_staff):
    TrainingTarget.objects.all().delete()
    response = page(client, ksg_staff, **Q1)
    assert "No national target of public servants to train is set" in text(response)
    assert reverse("admin:reports_trainingtarget_add") in response.content.decode()


def test_ksg_staff_may_choose_any_organisation(client, world, ksg_staff):
    response = page(client, ksg_staff, organisation=world.treasury.pk, **Q1)
    assert response.status_code == 200
    assert response.context["dashboard"].totals.completions == 1  # Otieno
    assert response.context["dashboard"].target is None


# --- The filters ---------------------------------------------------------------------------------


def test_the_period_defaults_to_the_financial_year_so_far(client, world, hr_ict, settings):
    response = page(client, hr_ict)
    filters = response.context["dashboard"].filters
    assert filters.date_from.month == 7 and filters.date_from.day == 1
    # The form shows the dates it used.
    html = response.content.decode()
    assert f'value="{filters.date_from.isoformat()}"' in html
    assert f'value="{filters.date_to.isoformat()}"' in html


def test_the_forms_own_field_names_work_too(client, world, hr_ict):
    response = page(client, hr_ict, date_from="2026-01-01", date_to="2026-03-31")
    assert response.context["dashboard"].totals.completions == 3


def test_a_skill_area_and_level_narrow_the_figures(client, world, hr_ict):
    response = page(client, hr_ict, skill_area=world.data.slug, level="intermediate", **Q1)
    assert response.status_code == 200
    assert "Data Use and Governance, Intermediate." in text(response)
    assert response.context["dashboard"].totals.completions == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-02-30", "to": "2026-03-31"}, "Enter a valid date."),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "The end of the period is before its start."),
        ({"from": "1999-12-31", "to": "2000-03-31"}, "Choose a start on or after 1 January 2000."),
    ],
)
def test_a_bad_period_is_sent_back_with_a_clear_message(client, world, hr_ict, params, message):
    response = page(client, hr_ict, **params)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert "dashboard" not in response.context or response.context["dashboard"] is None


def test_an_unknown_skill_area_is_a_form_error_not_a_crash(client, world, hr_ict):
    response = page(client, hr_ict, skill_area="no-such-area", **Q1)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


# --- The page ------------------------------------------------------------------------------------


def test_every_chart_is_followed_by_a_table_of_its_numbers(client, world, ksg_staff):
    html = page(client, ksg_staff, **Q1).content.decode()

    charts = re.findall(r"</svg>\s*(<\w+[^>]*>)", html)
    assert len(charts) == 6
    assert all('class="table-wrap"' in following for following in charts), charts
    # Each table scrolls in a region a keyboard can reach, named by the table's caption.
    for region in re.findall(r'<div class="table-wrap"[^>]*>', html):
        assert 'role="region"' in region and 'tabindex="0"' in region
        label = re.search(r'aria-labelledby="([^"]+)"', region).group(1)
        assert f'<caption id="{label}">' in html


def test_headings_are_in_order(client, world, ksg_staff):
    html = page(client, ksg_staff, **Q1).content.decode()
    main = html[html.index("<main") :]
    levels = [int(level) for level in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_the_page_in_kiswahili(client, world, hr_ict):
    client.cookies["django_language"] = "sw"
    response = page(client, hr_ict, **Q1)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sw">' in html
    # Numbers keep their thousands separator and dates their Kiswahili month names.
    assert "Machi 2026" in html
    assert "Ministry of Information" in html


def test_the_page_in_kiswahili_groups_thousands(client, world, ksg_staff):
    client.cookies["django_language"] = "sw"
    assert "300,000" in page(client, ksg_staff, **Q1).content.decode()


def test_the_navigation_leads_training_officers_and_staff_to_the_dashboard(
    client, world, hr_ict, ksg_staff
):
    link = f'href="{DASHBOARD}"'
    for user, shown in ((hr_ict, True), (ksg_staff, True), (world.officers.wanjiku, False)):
        client.force_login(user)
        assert (link in client.get("/my-learning/").content.decode()) is shown, user
    assert 'aria-current="page">Reports' in page(client, hr_ict, **Q1).content.decode()


def test_the_number_of_queries_of_the_page_is_small(
    client, world, hr_ict, django_assert_max_num_queries
):
    client.force_login(hr_ict)
    client.get(DASHBOARD, Q1)  # sessions and caches warmed up
    with django_assert_max_num_queries(14):
        client.get(DASHBOARD, Q1)


# --- The target in the administration site -------------------------------------------------------


def test_setting_a_target_in_the_admin_is_audited(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:reports_trainingtarget_add"),
        {
            "name": "Public servants trained by 2030",
            "officers": "150000",
            "deadline": "2030-06-30",
            "source": "A revised plan",
        },
    )
    assert response.status_code == 302
    target = TrainingTarget.objects.get(name="Public servants trained by 2030")
    event = AuditEvent.objects.get(action="reports.trainingtarget.created")
    assert event.actor == admin_user
    assert event.target_id == str(target.pk)
    assert event.data["fields"] == ["deadline", "name", "officers", "source"]

    admin_client.post(
        reverse("admin:reports_trainingtarget_change", args=[target.pk]),
        {"name": target.name, "officers": "160000", "deadline": "2030-06-30", "source": ""},
    )
    assert AuditEvent.objects.get(action="reports.trainingtarget.updated").data == {
        "fields": ["officers", "source"]
    }

    admin_client.post(
        reverse("admin:reports_trainingtarget_delete", args=[target.pk]), {"post": "yes"}
    )
    assert not TrainingTarget.objects.filter(pk=target.pk).exists()
    deleted = AuditEvent.objects.get(action="reports.trainingtarget.deleted")
    assert deleted.data["officers"] == 160000


def test_a_target_of_no_one_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:reports_trainingtarget_add"),
        {"name": "Nobody", "officers": "0", "deadline": "2030-06-30"},
    )
    assert response.status_code == 200
    assert not TrainingTarget.objects.filter(name="Nobody").exists()


def test_officers_and_training_officers_may_not_change_the_target(client, world, hr_ict):
    client.force_login(hr_ict)
    response = client.get(reverse("admin:reports_trainingtarget_changelist"))
    assert response.status_code == 302  # to the admin's sign-in: not staff
