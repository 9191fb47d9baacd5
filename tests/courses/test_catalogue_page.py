"""The catalogue page /courses/: facets, sorting, pagination, bad input, accessibility basics and
a constant number of queries."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Cohort
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, days, fill
from tests.factories import CourseFactory, OrganisationFactory

URL = reverse("courses:catalogue")


def codes(response) -> list[str]:
    """The course codes of the result cards, in page order."""
    assert response.status_code == 200
    return re.findall(r'<span class="course-code">([^<]+)</span>', response.content.decode())


def warnings(response) -> list[str]:
    found = re.findall(r'<p class="message message-warning">(.*?)</p>', response.content.decode())
    return [html.unescape(text) for text in found]


def status_text(response) -> str:
    match = re.search(r'<p class="result-count" role="status">(.*?)</p>', response.content.decode())
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


# --- The page ----------------------------------------------------------------------------------


def test_anyone_can_browse_all_published_courses_in_title_order(client, facets):
    CourseFactory(code="Z-9", title="Zzz hidden", is_published=False)
    response = client.get(URL)
    assert codes(response) == ["A-1", "B-1", "C-1", "D-1", "E-1"]
    assert status_text(response) == "5 courses found"
    assert response.content.decode().count("<h1") == 1


def test_a_card_shows_the_next_cohort_and_its_seats(client, facets):
    page = client.get(URL).content.decode()
    assert "Full \u2013 waiting list" in page
    assert "25 seats left" in page
    assert "No cohort is scheduled yet." in page
    assert "+ 1 later date" in page


# --- Facets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"skill_area": "data-use-and-governance"}, ["A-1", "D-1", "E-1"]),
        ({"competency": "records"}, ["D-1", "E-1"]),
        ({"competency": ["records", "analytics"]}, ["A-1", "D-1", "E-1"]),
        ({"level": "advanced"}, ["C-1", "E-1"]),
        ({"level": ["advanced", "foundation"]}, ["B-1", "C-1", "D-1", "E-1"]),
        ({"delivery_mode": "online"}, ["B-1"]),
        ({"campus": "lower-kabete"}, ["A-1", "D-1"]),
        ({"campus": "mombasa"}, ["C-1"]),
        ({"campus": "online"}, ["B-1", "D-1"]),
        ({"provider": "huawei"}, ["B-1"]),
        ({"starts_within": "30"}, ["A-1", "D-1"]),
        ({"starts_within": "90"}, ["A-1", "C-1", "D-1"]),
        ({"starts_within": "180"}, ["A-1", "B-1", "C-1", "D-1"]),
        ({"has_seats": "true"}, ["B-1", "C-1", "D-1"]),
        ({"has_seats": "false"}, ["A-1", "B-1", "C-1", "D-1", "E-1"]),
        ({"skill_area": "data-use-and-governance", "level": "foundation"}, ["D-1"]),
        ({"campus": "lower-kabete", "has_seats": "true"}, ["D-1"]),
        # The same cohort must meet every cohort condition: D's Kabete cohort is 150 days out.
        ({"campus": "lower-kabete", "starts_within": "30"}, ["A-1"]),
        ({"campus": "online", "starts_within": "30"}, ["D-1"]),
    ],
)
def test_each_facet_narrows_the_results(client, facets, params, expected):
    assert codes(client.get(URL, params)) == expected


def test_seats_count_only_enrolled_completed_and_not_completed_places(
    client, facets, kabete, django_capture_on_commit_callbacks
):
    course = CourseFactory(code="S-1", title="Seats")
    run = cohort(course, starts_in=15, campus=kabete, capacity=3)
    fill(run, 2, Enrollment.State.WAITLISTED)
    fill(run, 2, Enrollment.State.REQUESTED)
    fill(run, 1, Enrollment.State.WITHDRAWN)
    fill(run, 1, Enrollment.State.ENROLLED)
    fill(run, 1, Enrollment.State.COMPLETED)
    assert "S-1" in codes(client.get(URL, {"has_seats": "true"}))
    with django_capture_on_commit_callbacks(execute=True):  # the catalogue learns at commit
        fill(run, 1, Enrollment.State.NOT_COMPLETED)
    assert "S-1" not in codes(client.get(URL, {"has_seats": "true"}))


def test_cohorts_that_are_not_scheduled_or_have_started_are_not_upcoming(client, areas, kabete):
    course = CourseFactory(code="U-1", title="Upcoming")
    for status in [Cohort.Status.DRAFT, Cohort.Status.CANCELLED, Cohort.Status.RUNNING]:
        cohort(course, starts_in=10, campus=kabete, status=status)
    cohort(course, starts_in=-1, campus=kabete)
    assert codes(client.get(URL, {"campus": "lower-kabete"})) == []
    cohort(course, starts_in=0, campus=kabete)
    assert codes(client.get(URL, {"campus": "lower-kabete"})) == ["U-1"]


def test_starts_within_needs_a_cohort_still_open_for_enrolment(client, areas, kabete):
    course = CourseFactory(code="O-1", title="Closing soon")
    cohort(course, starts_in=5, campus=kabete, enrolment_closes_on=days(-1))
    assert codes(client.get(URL, {"starts_within": "30"})) == []
    assert codes(client.get(URL, {"campus": "lower-kabete"})) == ["O-1"]


def test_the_facets_show_what_is_selected(client, facets):
    page = client.get(
        URL, {"level": "advanced", "campus": "online", "competency": "records", "q": "data"}
    ).content.decode()
    assert re.search(r'value="advanced" checked', page)
    assert re.search(r'<option value="online" selected>', page)
    assert re.search(r'value="records" checked', page)
    assert 'value="data"' in page
    assert "Clear search and filters" in page


# --- Sorting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["A-1", "B-1", "C-1", "D-1", "E-1"]),
        # Soonest upcoming cohort first; E has none and comes last.
        ("start", ["D-1", "A-1", "C-1", "B-1", "E-1"]),
        ("level", ["B-1", "D-1", "A-1", "C-1", "E-1"]),
        ("-cpd_hours", ["E-1", "B-1", "D-1", "A-1", "C-1"]),
        ("cpd_hours", ["C-1", "A-1", "D-1", "B-1", "E-1"]),
        # Relevance without a search means title.
        ("relevance", ["A-1", "B-1", "C-1", "D-1", "E-1"]),
    ],
)
def test_sorting(client, facets, ordering, expected):
    assert codes(client.get(URL, {"ordering": ordering})) == expected


def test_searching_sorts_by_relevance_unless_told_otherwise(client, facets):
    assert codes(client.get(URL, {"q": "data"}))[0] == "E-1"
    assert codes(client.get(URL, {"q": "data", "ordering": "title"}))[0] == "A-1"


# --- Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def thirty(make_catalogue, settings):
    settings.CATALOGUE_PAGE_SIZE = 12
    return make_catalogue(30)


def test_pages_hold_the_configured_number_of_courses(client, thirty):
    assert len(codes(client.get(URL))) == 12
    last = client.get(URL, {"page": 3})
    assert codes(last) == [f"BULK-{i:03d}" for i in range(24, 30)]
    assert warnings(last) == []
    assert "page 3 of 3" in status_text(last)


@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("abc", 1, "“abc” is not a page number, so this is the first page."),
        ("0", 1, "Pages are numbered from 1, so this is the first page."),
        ("-2", 1, "Pages are numbered from 1, so this is the first page."),
        ("999", 3, "There are only 3 pages of results, so this is the last one."),
    ],
)
def test_a_bad_page_number_shows_a_real_page_and_says_why(client, thirty, page, shown, notice):
    response = client.get(URL, {"page": page})
    assert response.status_code == 200
    assert f"page {shown} of 3" in status_text(response)
    assert warnings(response) == [notice]


def test_a_page_past_the_end_of_a_single_page_says_so(client, facets):
    response = client.get(URL, {"page": "2"})
    assert codes(response) == ["A-1", "B-1", "C-1", "D-1", "E-1"]
    assert warnings(response) == ["There is only 1 page of results, so this is it."]


def test_page_links_keep_the_filters(client, thirty):
    page = client.get(URL, {"level": ["foundation", "advanced"], "page": "1"}).content.decode()
    links = re.findall(r'<a href="\?([^"]+)"', page)
    assert "level=foundation&amp;level=advanced&amp;page=2" in links
    assert all("page=1&amp;" not in link for link in links)


def test_no_result_says_what_to_try(client, facets):
    response = client.get(URL, {"q": "astronomy"})
    assert codes(response) == []
    assert status_text(response) == "0 courses found"
    assert "No course matches this search and these filters." in response.content.decode()


# --- Bad input ------------------------------------------------------------------------------------


def test_an_unknown_level_is_ignored_with_a_message(client, facets):
    response = client.get(URL, {"level": "expert"})
    assert codes(response) == ["A-1", "B-1", "C-1", "D-1", "E-1"]
    assert warnings(response) == ["Level: we ignored “expert”, which is not one of its options."]


def test_only_the_unknown_values_of_a_filter_are_ignored(client, facets):
    response = client.get(URL, {"level": ["expert", "advanced", "guru"]})
    assert codes(response) == ["C-1", "E-1"]
    assert warnings(response) == [
        "Level: we ignored “expert”, “guru”, which are not among its options."
    ]


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"campus": "atlantis"}, "Campus or online"),
        ({"skill_area": "astrology"}, "Skill area"),
        ({"competency": "juggling"}, "Competency"),
        ({"provider": "acme"}, "Provider"),
        ({"delivery_mode": "carrier-pigeon"}, "Delivery mode"),
        ({"starts_within": "45"}, "Starts within"),
        ({"ordering": "price"}, "Sort by"),
    ],
)
def test_an_unknown_facet_value_is_named_and_ignored(client, facets, params, label):
    response = client.get(URL, params)
    assert codes(response) == ["A-1", "B-1", "C-1", "D-1", "E-1"]
    [message] = warnings(response)
    assert message.startswith(f"{label}: we ignored “")
    assert next(iter(params.values())) in message


def test_an_over_long_search_is_ignored_with_the_reason(client, facets):
    response = client.get(URL, {"q": "x" * 201, "level": "advanced"})
    assert codes(response) == ["C-1", "E-1"]
    [message] = warnings(response)
    assert message.startswith("Search: we ignored it. ")
    assert "at most 200 characters" in message


def test_a_skill_area_typed_as_a_search_is_recognised(client, areas):
    response = client.get(URL, {"q": "digital management and delivery"})
    page = response.content.decode()
    assert "is the skill area" in page
    assert (
        reverse("courses:skill_area", kwargs={"slug": "digital-management-and-execution"}) in page
    )


facet_names = st.sampled_from(
    [
        "q",
        "skill_area",
        "competency",
        "level",
        "delivery_mode",
        "campus",
        "provider",
        "starts_within",
        "has_seats",
        "ordering",
        "page",
        "other",
    ]
)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.lists(st.tuples(facet_names, any_text), max_size=6))
def test_no_query_string_makes_the_page_fail(client, facets, params):
    query = "&".join(f"{name}={quote(text, safe='')}" for name, text in params)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200


# --- Pages for everyone ------------------------------------------------------------------------


class _FormAudit(HTMLParser):
    """Collects form controls, labels and anything the CSP would block."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.inline = [], set(), []
        self.fieldsets = self.legends = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or (tag == "script" and "src" not in attrs):
            self.inline.append(tag)
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append(attrs)
        self.fieldsets += tag == "fieldset"
        self.legends += tag == "legend"


def test_every_control_is_labelled_and_nothing_inline(client, facets):
    audit = _FormAudit()
    audit.feed(client.get(URL, {"q": "data", "level": "expert"}).content.decode())
    assert audit.inline == []
    unlabelled = [
        c for c in audit.controls if c.get("id") not in audit.labels and "aria-label" not in c
    ]
    assert unlabelled == []
    assert audit.fieldsets == audit.legends > 0


# --- Queries ------------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "course", "ordering": "start"},
        {
            "competency": ["few-c0", "few-c1"],
            "campus": "lower-kabete",
            "has_seats": "true",
            "starts_within": "180",
            "provider": "ksg",
            "level": "foundation",
        },
        {"level": "expert", "page": "abc"},
    ],
)
def test_the_page_runs_the_same_few_queries_for_3_or_30_courses(
    client, make_catalogue, params, settings
):
    settings.CATALOGUE_PAGE_SIZE = 50
    make_catalogue(3, prefix="FEW")
    few = count_queries(client, URL, params)
    make_catalogue(27, prefix="MORE")
    many = count_queries(client, URL, params)
    assert few == many
    assert many <= 8


def test_an_organisation_that_provides_nothing_is_not_offered(client, facets):
    OrganisationFactory(name="Idle partner", slug="idle", kind="partner")
    page = client.get(URL).content.decode()
    assert 'value="huawei"' in page
    assert 'value="idle"' not in page
