"""KSG staff manage the catalogue here: skill areas, competencies, courses, cohorts and campuses.

Every list page runs a fixed number of queries: related rows are joined (list_select_related)
and seat counts are annotated, never counted row by row.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from academy.models import Membership
from courses import selectors
from courses.models import Campus, Cohort, Competency, Course, SkillArea


class _CachedChoicesMixin:
    """Read each foreign-key select's choices once per request, not once per inline row.

    An inline renders one select per row; without this, each of them queries the table again.
    """

    cached_choice_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.cached_choice_fields:
            cache = request.__dict__.setdefault("_courses_admin_choices", {})
            key = (type(self).__name__, db_field.name)
            if key not in cache:
                cache[key] = list(formfield.choices)
            formfield.choices = cache[key]
        return formfield


@admin.register(SkillArea)
class SkillAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_sw", "slug", "position", "course_count"]
    list_editable = ["position"]
    search_fields = ["name", "name_sw", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "aliases", "summary"]}),
        (_("Kiswahili"), {"fields": ["name_sw", "summary_sw"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(course_count=Count("courses"))

    @admin.display(description=_("courses"), ordering="course_count")
    def course_count(self, area):
        return area.course_count


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "skill_area", "slug"]
    list_filter = ["skill_area"]
    list_select_related = ["skill_area"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class CohortInline(_CachedChoicesMixin, admin.TabularInline):
    model = Cohort
    fields = [
        "code",
        "starts_on",
        "ends_on",
        "campus",
        "capacity",
        "enrolment_opens_on",
        "enrolment_closes_on",
        "status",
    ]
    extra = 0
    show_change_link = True
    ordering = ["-starts_on"]
    cached_choice_fields = ("campus",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campus")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "skill_area", "level", "delivery_mode", "is_published"]
    list_display_links = ["code", "title"]
    list_filter = [
        "is_published",
        "skill_area",
        "level",
        "delivery_mode",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "language",
    ]
    list_select_related = ["skill_area"]
    search_fields = ["code", "title", "summary"]
    filter_horizontal = ["competencies", "prerequisites"]
    inlines = [CohortInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["code", "title", "summary", "description", "is_published"]}),
        (
            _("Place in the framework"),
            {"fields": ["skill_area", "competencies", "level", "prerequisites"]},
        ),
        (
            _("Audience"),
            {"fields": ["audience_min_job_group", "audience_max_job_group", "audience_note"]},
        ),
        (
            _("Delivery"),
            {"fields": ["delivery_mode", "duration_days", "cpd_hours", "provider", "language"]},
        ),
        (
            _("Completion and enrolment"),
            {"fields": ["min_attendance_percent", "pass_mark", "requires_approval"]},
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "competencies":
            kwargs["queryset"] = Competency.objects.select_related("skill_area")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class VenueFilter(admin.SimpleListFilter):
    title = _("venue")
    parameter_name = "venue"
    online = "online"

    def lookups(self, request, model_admin):
        return [
            (self.online, _("Online")),
            *((campus.slug, campus.name) for campus in Campus.objects.order_by("name")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.online:
            return queryset.filter(campus__isnull=True)
        if self.value():
            return queryset.filter(campus__slug=self.value())
        return queryset


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "course",
        "starts_on",
        "ends_on",
        "venue",
        "capacity",
        "seats_taken",
        "status",
    ]
    list_filter = ["status", VenueFilter, "course__skill_area"]
    list_select_related = ["course", "campus"]
    search_fields = ["code", "course__code", "course__title"]
    date_hierarchy = "starts_on"
    ordering = ["-starts_on", "code"]
    autocomplete_fields = ["course"]
    filter_horizontal = ["facilitators"]
    # The course first, also when it is shown read-only (which would otherwise put it last).
    fields = ["course", *CohortInline.fields, "facilitators"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(seats_taken=selectors.seats_taken_expression())
        )

    def get_readonly_fields(self, request, obj=None):
        # Its enrolments keep the course (the rule "one per officer and course" is held on it).
        if obj is not None and obj.enrollments.exists():
            return ["course"]
        return []

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "facilitators":
            # Only people who hold the facilitator role can run a cohort.
            kwargs["queryset"] = (
                db_field.related_model.objects.filter(
                    Q(memberships__role=Membership.Role.FACILITATOR)
                )
                .distinct()
                .order_by("full_name", "email")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("venue"), ordering="campus__name")
    def venue(self, cohort):
        return cohort.campus.name if cohort.campus else _("Online")

    @admin.display(description=_("seats taken"), ordering="seats_taken")
    def seats_taken(self, cohort):
        return cohort.seats_taken


@admin.register(Campus)
class CampusAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "county"]
    list_select_related = ["county"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
