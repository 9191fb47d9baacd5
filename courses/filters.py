"""The catalogue's filters, shared by the HTML pages and the API so that both filter identically.

The API answers an unknown value with a 400 and field errors (django-filter's DRF backend); the
catalogue page drops the unknown values, says which it ignored, and shows the rest
(``bind_catalogue_filters``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import selectors
from courses.models import Cohort, Competency, Course, DeliveryMode, Level
from courses.selectors import CatalogueOptions, Ordering

ONLINE = "online"
SEARCH_MAX_LENGTH = 200

ORDERING_CHOICES = [
    (Ordering.RELEVANCE, _("Best match")),
    (Ordering.TITLE, _("Title (A to Z)")),
    (Ordering.START, _("Soonest start")),
    (Ordering.LEVEL, _("Level (Foundation first)")),
    (Ordering.CPD_HOURS_DESC, _("Most CPD hours")),
    (Ordering.CPD_HOURS, _("Fewest CPD hours")),
]

STARTS_WITHIN_CHOICES = [
    (30, _("Within 30 days")),
    (90, _("Within 90 days")),
    (180, _("Within 180 days")),
]


class StrictBooleanField(forms.NullBooleanField):
    """true or false (or 1, 0), empty for "either"; any other value is an error. Django's
    NullBooleanField reads any other value as "either", so ``has_seats=yes`` filtered nothing
    and said nothing (schemathesis found it)."""

    widget = forms.TextInput
    VALUES = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in self.VALUES:
            raise forms.ValidationError(_("Use true or false."), code="invalid")
        return self.VALUES[value]


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class SlugChoiceFilter(django_filters.ChoiceFilter):
    """One slug out of a small table; the FilterSet supplies the choices per request."""


class SlugMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """Slugs out of a small table (repeat the parameter); choices supplied per request."""


class OptionsFilterSet(django_filters.FilterSet):
    """A FilterSet whose slug filters take their choices from ``CatalogueOptions``.

    The choices are callables, so a table is read only when a value must be checked against it
    or the page lists it, and at most once per ``CatalogueOptions``.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, options=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.options = options or CatalogueOptions()

    def slug_choices(self) -> dict[str, Callable[[], list[tuple[str, str]]]]:
        """Field name → callable returning its (value, label) choices."""
        return {}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, choices in self.slug_choices().items():
                form.fields[name].choices = choices
        return self._form


def _campus_choices(options: CatalogueOptions):
    return lambda: [(ONLINE, _("Online")), *((c.slug, c.name) for c in options.campuses)]


class CourseFilter(OptionsFilterSet):
    """Search, facets and sort order of the course catalogue (page and API)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        method="filter_q",
        help_text=_(
            "Words to look for in titles, codes, summaries, descriptions, competencies and skill "
            'areas. Quote a phrase ("data governance"); put - before a word to exclude it.'
        ),
    )
    skill_area = SlugChoiceFilter(
        label=_("Skill area"),
        method="filter_skill_area",
        help_text=_("Slug of a skill area, e.g. data-use-and-governance."),
    )
    competency = SlugMultipleChoiceFilter(
        label=_("Competency"),
        method="filter_competency",
        help_text=_("Slug of a competency; repeat for courses that build any of several."),
    )
    level = django_filters.MultipleChoiceFilter(
        label=_("Level"),
        choices=Level.choices,
        method="filter_level",
        help_text=_("Proficiency level; repeat for several."),
    )
    delivery_mode = django_filters.ChoiceFilter(
        label=_("Delivery mode"), choices=DeliveryMode.choices, field_name="delivery_mode"
    )
    campus = SlugChoiceFilter(
        label=_("Campus or online"),
        method="filter_campus",
        help_text=_('Slug of a KSG campus, or "online": courses with an upcoming cohort there.'),
    )
    provider = SlugChoiceFilter(
        label=_("Provider"),
        method="filter_provider",
        help_text=_("Slug of the organisation that provides the course."),
    )
    starts_within = django_filters.TypedChoiceFilter(
        label=_("Starts within"),
        choices=STARTS_WITHIN_CHOICES,
        coerce=int,
        method="filter_starts_within",
        help_text=_(
            "Days: courses with an upcoming cohort, still open for enrolment, that starts within "
            "this many days."
        ),
    )
    has_seats = StrictBooleanFilter(
        label=_("Has seats"),
        method="filter_has_seats",
        help_text=_("true: only courses with an upcoming cohort that has seats left."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        help_text=_("Sort order; relevance applies when searching, otherwise title."),
    )

    class Meta:
        model = Course
        fields = []

    def slug_choices(self):
        options = self.options
        return {
            "skill_area": lambda: [(a.slug, a.local_name) for a in options.skill_areas],
            "competency": lambda: [(c.slug, c.name) for c in options.competencies],
            "campus": _campus_choices(options),
            "provider": lambda: [(p.slug, p.name) for p in options.providers],
        }

    # The type hints of the filter methods give the OpenAPI schema its parameter types.

    def filter_q(self, queryset, name, value: str):
        return selectors.courses_search(queryset, value)

    def filter_skill_area(self, queryset, name, value: str):
        return queryset.filter(skill_area=self.options.skill_area_by_slug()[value])

    def filter_competency(self, queryset, name, value: list[str]):
        by_slug = self.options.competency_by_slug()
        building = Course.competencies.through.objects.filter(
            competency_id__in=[by_slug[slug].pk for slug in value]
        ).values("course_id")
        return queryset.filter(pk__in=building)

    def filter_level(self, queryset, name, value: list[str]):
        return queryset.filter(level__in=value)

    def filter_provider(self, queryset, name, value: str):
        return queryset.filter(provider=self.options.provider_by_slug()[value])

    # Campus, start and seats are conditions on one and the same cohort, and the order comes
    # last: ``filter_queryset`` applies them together once every other filter has run.

    def filter_campus(self, queryset, name, value: str):
        return queryset

    def filter_starts_within(self, queryset, name, value: int):
        return queryset

    def filter_has_seats(self, queryset, name, value: bool):
        return queryset

    def filter_ordering(self, queryset, name, value: str):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        conditions = {}
        campus = data.get("campus")
        if campus == ONLINE:
            conditions["online"] = True
        elif campus:
            conditions["campus_id"] = self.options.campus_by_slug()[campus].pk
        if data.get("starts_within"):
            conditions["starts_before"] = timezone.localdate() + datetime.timedelta(
                days=data["starts_within"]
            )
            conditions["open_for_enrolment"] = True
        if data.get("has_seats"):
            conditions["with_seats_left"] = True
        if conditions:
            queryset = selectors.courses_with_upcoming_cohort(queryset, **conditions)
        return selectors.courses_order(queryset, data.get("ordering"))


class CompetencyFilter(OptionsFilterSet):
    """Competencies of one skill area (API)."""

    skill_area = SlugChoiceFilter(
        label=_("Skill area"),
        method="filter_skill_area",
        help_text=_("Slug of a skill area: only its competencies."),
    )

    class Meta:
        model = Competency
        fields = []

    def slug_choices(self):
        options = self.options
        return {"skill_area": lambda: [(a.slug, a.name) for a in options.skill_areas]}

    def filter_skill_area(self, queryset, name, value: str):
        return queryset.filter(skill_area=self.options.skill_area_by_slug()[value])


class CohortFilter(OptionsFilterSet):
    """Cohorts by course, place, start date and seats (API)."""

    course = django_filters.CharFilter(
        label=_("Course"), field_name="course__code", help_text=_("Code of a course, e.g. DPD-101.")
    )
    campus = SlugChoiceFilter(
        label=_("Campus or online"),
        method="filter_campus",
        help_text=_('Slug of a KSG campus, or "online".'),
    )
    starts_after = django_filters.DateFilter(
        label=_("Starts on or after"),
        field_name="starts_on",
        lookup_expr="gte",
        help_text=_("A date, YYYY-MM-DD."),
    )
    starts_before = django_filters.DateFilter(
        label=_("Starts on or before"),
        field_name="starts_on",
        lookup_expr="lte",
        help_text=_("A date, YYYY-MM-DD."),
    )
    has_seats = StrictBooleanFilter(
        label=_("Has seats"),
        method="filter_has_seats",
        help_text=_(
            "true: only upcoming cohorts with seats left; false: only upcoming cohorts that are "
            "full."
        ),
    )

    class Meta:
        model = Cohort
        fields = []

    def slug_choices(self):
        return {"campus": _campus_choices(self.options)}

    def filter_campus(self, queryset, name, value: str):
        if value == ONLINE:
            return selectors.cohorts_where(queryset, online=True)
        return selectors.cohorts_where(queryset, campus_id=self.options.campus_by_slug()[value].pk)

    def filter_has_seats(self, queryset, name, value: bool):
        # Seats matter only in cohorts one could still join; counting them in every past
        # cohort would also make this filter slow.
        upcoming = queryset.filter(selectors.upcoming_q())
        return selectors.cohorts_where(upcoming, with_seats_left=value, full=not value)


# --- The catalogue page -------------------------------------------------------------------------


@dataclass
class IgnoredFilter:
    """A parameter the catalogue page could not use, and why, to tell the visitor."""

    name: str
    label: str
    values: list[str] = field(default_factory=list)
    reason: str = ""


def bind_catalogue_filters(
    params: QueryDict, *, queryset, options: CatalogueOptions | None = None
) -> tuple[CourseFilter, list[IgnoredFilter]]:
    """A valid ``CourseFilter`` over ``params`` minus the values it can't use, and those values.

    Unknown choices are dropped one by one (level=advanced&level=expert keeps "advanced");
    any other bad value (an over-long search) drops its whole parameter.
    """
    filters = CourseFilter(params, queryset=queryset, options=options)
    if filters.is_valid():
        return filters, []
    data = params.copy()
    ignored = []
    for name, errors in filters.errors.items():
        form_field = filters.form.fields.get(name)
        if form_field is None:
            continue
        label = str(form_field.label)
        raw = [value for value in params.getlist(name) if value != ""]
        if isinstance(form_field, forms.ChoiceField):
            kept = [value for value in raw if form_field.valid_value(value)]
            data.setlist(name, kept)
            ignored.append(
                IgnoredFilter(name=name, label=label, values=[v for v in raw if v not in kept])
            )
        else:
            data.pop(name, None)
            ignored.append(IgnoredFilter(name=name, label=label, values=raw, reason=errors[0]))
    return CourseFilter(data, queryset=queryset, options=filters.options), ignored
