"""The public catalogue pages: home, catalogue, course and skill area. Open to anyone."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from academy.paging import page_links
from courses import selectors
from courses.cache import cached_listing
from courses.filters import (
    ONLINE,
    ORDERING_CHOICES,
    SEARCH_MAX_LENGTH,
    STARTS_WITHIN_CHOICES,
    bind_catalogue_filters,
)
from courses.models import DeliveryMode, Level
from enrollments.selectors import enrollments_of

UPCOMING_ON_HOME = 6
COURSES_PER_LEVEL = 6


@require_safe
def home(request):
    return render(
        request,
        "courses/home.html",
        {
            "skill_areas": selectors.skill_areas_with_counts(),
            "cohorts": selectors.upcoming_cohorts(limit=UPCOMING_ON_HOME),
            "search_max_length": SEARCH_MAX_LENGTH,
        },
    )


@require_safe
def catalogue(request):
    # The search form and results are the same for everyone with the same query: built once,
    # then served from the catalogue cache until a course, cohort or enrolment changes.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    listing = cached_listing("page", query, lambda: _catalogue_listing(request.GET))
    return render(
        request,
        "courses/catalogue.html",
        # The body is HTML our own template rendered (and escaped) before it was cached.
        {"listing": {"title": listing["title"], "body": mark_safe(listing["body"])}},  # noqa: S308  # nosec B308 B703
    )


def _catalogue_listing(params) -> dict[str, str]:
    """The catalogue's title and rendered body (search form and results) for ``params``."""
    options = selectors.CatalogueOptions()
    filters, ignored = bind_catalogue_filters(
        params, queryset=selectors.catalogue_courses(), options=options
    )
    page, page_notice = _page_of(filters.qs, params.get("page"))
    courses = list(page.object_list)
    _set_urls(courses)
    query = filters.data.copy()
    query.pop("page", None)
    selected = filters.form.cleaned_data
    text = selected.get("q") or ""
    recognised = selectors.recognised_skill_area(text, options.skill_areas) if text else None
    body = render_to_string(
        "courses/includes/catalogue_body.html",
        {
            "page": page,
            "courses": courses,
            "page_links": page_links(page, query.urlencode()),
            "page_notice": page_notice,
            "ignored": ignored,
            "selected": selected,
            "text": text,
            "recognised_area": recognised,
            "filtered": any(selected.values()),
            "options": options,
            "competency_groups": options.competencies_by_skill_area(),
            "levels": Level.choices,
            "delivery_modes": DeliveryMode.choices,
            "starts_within_choices": STARTS_WITHIN_CHOICES,
            "ordering_choices": ORDERING_CHOICES,
            "online": ONLINE,
            "search_max_length": SEARCH_MAX_LENGTH,
        },
    )
    title = _("Courses matching “%(text)s”") % {"text": text} if text else _("Course catalogue")
    if page.number > 1:
        # Outside the f-string, where makemessages can find it.
        page_label = _("page %(number)s") % {"number": page.number}
        title = f"{title} · {page_label}"
    # A plain str (not SafeString) in the cache; the view marks the body safe again on the way
    # out, as render_to_string escaped everything that went into it.
    return {"title": title, "body": str(body)}


@require_safe
def course_detail(request, code):
    course = selectors.course_get_published(code)
    if request.user.is_authenticated:
        # The visitor's own place in each cohort, for the "Your place" column.
        mine = {e.cohort_id: e for e in enrollments_of(request.user).filter(cohort__course=course)}
        for cohort in course.upcoming:
            cohort.mine = mine.get(cohort.pk)
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "today": timezone.localdate()},
    )


@require_safe
def skill_area(request, slug):
    area = selectors.skill_area_get(slug)
    return render(
        request,
        "courses/skill_area.html",
        {
            "area": area,
            "competencies": selectors.competencies_public().filter(skill_area=area),
            "level_groups": selectors.skill_area_courses_by_level(
                area, per_level=COURSES_PER_LEVEL
            ),
        },
    )


def _page_of(items, raw: str | None) -> tuple[Page, str | None]:
    """The page asked for by ``raw``, or the nearest real one and a note saying why."""
    paginator = Paginator(items, settings.CATALOGUE_PAGE_SIZE)
    if raw is None or raw.strip() == "":
        return paginator.page(1), None
    try:
        number = int(raw)
    except ValueError:
        notice = _("“%(page)s” is not a page number, so this is the first page.")
        return paginator.page(1), notice % {"page": raw[:20]}
    if number < 1:
        return paginator.page(1), _("Pages are numbered from 1, so this is the first page.")
    if number > paginator.num_pages:
        notice = ngettext(
            "There is only %(count)d page of results, so this is it.",
            "There are only %(count)d pages of results, so this is the last one.",
            paginator.num_pages,
        )
        return paginator.page(paginator.num_pages), notice % {"count": paginator.num_pages}
    return paginator.page(number), None


def _set_urls(courses) -> None:
    """Give each course its ``url``, from one reverse() for the page rather than one per card."""
    marker = "-code-"
    pattern = reverse("courses:course_detail", kwargs={"code": marker})
    for course in courses:
        course.url = pattern.replace(marker, quote(course.code, safe=""))
