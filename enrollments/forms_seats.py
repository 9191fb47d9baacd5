"""Forms of the seats of a cohort (KSG staff): moving an officer to another cohort of the course,
removing a no-show, and setting or removing a seat quota.

The move and no-show forms carry prefixes: the enrolment page shows both, each with a reason.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from academy.models import Organisation
from courses.models import Cohort
from courses.templatetags.catalogue import date_range, venue
from enrollments import services
from enrollments.models import Enrollment


class CohortChoiceField(forms.ModelChoiceField):
    """A cohort as its code, dates, venue and seats left: 'DUG-201-C2 · 3 Mar 2026 to 7 Mar 2026
    · Online · 12 seats left' (the dates joined by an en dash)."""

    def label_from_instance(self, cohort: Cohort) -> str:
        left = cohort.seats_left
        seats = (
            ngettext("%(count)d seat left", "%(count)d seats left", left) % {"count": left}
            if left
            else gettext("full: the officer joins the waiting list")
        )
        return " · ".join(
            [cohort.code, date_range(cohort.starts_on, cohort.ends_on), venue(cohort), seats]
        )


class MoveForm(forms.Form):
    cohort = CohortChoiceField(
        label=_("Move to cohort"),
        help_text=_(
            "Other cohorts of the same course that have not ended. The officer takes a seat "
            "there if one is free for them, or else joins the end of its waiting list."
        ),
        queryset=Cohort.objects.none(),
        empty_label=_("Choose a cohort"),
        error_messages={
            "required": _("Choose the cohort to move the officer to."),
            "invalid_choice": _(
                "The officer can't be moved to that cohort: choose one from the list."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Why is the officer moving?"),
        help_text=_("Kept in the enrolment's history and sent to the officer."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the officer is moving.")},
    )

    def __init__(self, *args, targets, **kwargs):
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = targets


class NoShowForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the officer removed?"),
        help_text=_(
            "For example the days they missed. Kept in the enrolment's history and sent to the "
            "officer."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the officer is removed, for example the days missed.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "no_show")
        super().__init__(*args, **kwargs)


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations in tree order, each indented under the one it belongs to."""

    def label_from_instance(self, organisation: Organisation) -> str:
        # No-break spaces: a select keeps them, and screen readers don't read them out.
        return "\N{NO-BREAK SPACE}" * 3 * (organisation.depth - 1) + organisation.name


class QuotaForm(forms.Form):
    """Adds a quota for an organisation, or changes the seats of the one it has."""

    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        help_text=_("Its sub-units share its quota, unless they have one of their own."),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation the seats are for."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )
    seats = forms.IntegerField(
        label=_("Seats set aside"),
        help_text=_("If the organisation has a quota already, this replaces its seats."),
        min_value=1,
        max_value=10000,
        error_messages={
            "required": _("Enter the number of seats."),
            "invalid": _("Enter the number of seats as a whole number."),
            "min_value": _("A quota needs at least one seat; remove it instead."),
            "max_value": _("A quota can't have more than %(limit_value)s seats."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "quota")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(is_active=True)
            .exclude(kind=Organisation.Kind.PARTNER)
            .order_by("path")
        )


class QuotaRemoveForm(forms.Form):
    """The button "Remove" of one quota in the table: its value is the quota's id."""

    remove = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the quota to remove."),
            "invalid_choice": _("This quota has already been removed."),
        },
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = cohort.quotas.select_related("cohort", "organisation")


def move_form_for(enrollment: Enrollment, data=None) -> MoveForm | None:
    """The form to move the officer to another cohort; None unless they hold a seat or wait."""
    if enrollment.state not in services.MOVABLE_STATES:
        return None
    return MoveForm(data, targets=services.move_targets(enrollment.cohort))


def no_show_open(enrollment: Enrollment) -> bool:
    """Whether the officer may be removed as a no-show today: they hold a seat of a cohort
    that has started and not ended."""
    today = timezone.localdate()
    cohort = enrollment.cohort
    return enrollment.state == Enrollment.State.ENROLLED and (
        cohort.starts_on <= today <= cohort.ends_on
    )
