"""The filters of the dashboard and of a report request, limited to what the user may see."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import User
from courses.models import Level, SkillArea
from reports.filters import ReportFilters, default_period
from reports.models import Format, Kind, ReportSubscription
from reports.selectors import may_report_nationally, reportable_organisations

# A period longer than this is a mistake (and a very long report): ten years and a leap day.
LONGEST_PERIOD = datetime.timedelta(days=3653)
EARLIEST = datetime.date(2000, 1, 1)


# The names of the filters in links and in the API (``ReportFilters.as_params``), and the form
# fields they fill.
PARAMETERS = {
    "organisation": "organisation",
    "from": "date_from",
    "to": "date_to",
    "skill_area": "skill_area",
    "level": "level",
    "kind": "kind",
    "format": "format",
}


def form_data(params) -> dict[str, str]:
    """The filters of a query string or an API call (``params``) under the forms' field names;
    a field's own name (a form's own submission) is taken too."""
    data = {}
    for name, field in PARAMETERS.items():
        value = params.get(field) or params.get(name)
        if value:
            data[field] = value
    return data


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        # Sub-units are indented under their parent, as in the tree.
        return "\u2003" * (organisation.depth - 1) + organisation.name


def limit_to_reportable(field: forms.ModelChoiceField, user: User, *, required: bool) -> None:
    """Offer the organisations ``user`` may report on; KSG staff may choose none (national),
    a training officer must have one (``required``) or gets their first."""
    field.queryset = reportable_organisations(user)
    if may_report_nationally(user):
        field.empty_label = _("All organisations (national)")
    else:
        field.required = required
        field.empty_label = None


class ReportFilterForm(forms.Form):
    """Organisation (with sub-units), period, skill area and level.

    A training officer chooses one of their organisations (the first is the default);
    KSG staff may leave it empty for the whole public service. An organisation outside the
    user's scope is refused like one that does not exist.
    """

    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=None, required=False, to_field_name="pk"
    )
    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    skill_area = forms.ModelChoiceField(
        label=_("Skill area"),
        queryset=SkillArea.objects.order_by("position", "name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All skill areas"),
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], required=False
    )

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        # Without a choice (an API call), a training officer's first organisation.
        limit_to_reportable(self.fields["organisation"], user, required=False)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        start, end = default_period(today)
        date_from = cleaned.get("date_from") or start
        date_to = cleaned.get("date_to") or end
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        if date_from > date_to:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif date_to - date_from > LONGEST_PERIOD:
            self.add_error("date_to", _("Choose a period of at most ten years."))
        elif date_from < EARLIEST:
            self.add_error("date_from", _("Choose a start on or after 1 January 2000."))
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def filters(self) -> ReportFilters:
        """The filters chosen; call only when the form is valid."""
        data = self.cleaned_data
        organisation = data.get("organisation")
        if organisation is None and not may_report_nationally(self.user):
            organisation = self.fields["organisation"].queryset.first()
        return ReportFilters(
            organisation=organisation,
            date_from=data["date_from"],
            date_to=data["date_to"],
            skill_area=data.get("skill_area"),
            level=data.get("level") or "",
        )


class ReportRequestForm(ReportFilterForm):
    """The filters, plus which report and in which format."""

    kind = forms.ChoiceField(label=_("Report"), choices=Kind.choices)
    format = forms.ChoiceField(
        label=_("Format"), choices=Format.choices, widget=forms.RadioSelect, initial=Format.XLSX
    )


class SubscriptionForm(forms.ModelForm):
    """Subscribe to a report of an organisation, every week or every month."""

    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None, required=False)

    class Meta:
        model = ReportSubscription
        fields = ["organisation", "kind", "format", "frequency", "skill_area", "level"]
        widgets = {"format": forms.RadioSelect, "frequency": forms.RadioSelect}

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        limit_to_reportable(self.fields["organisation"], user, required=True)
        self.fields["skill_area"].empty_label = _("All skill areas")
        self.fields["level"].choices = [("", _("All levels")), *Level.choices]
        # Every one of these must be chosen: no empty "---------" choice.
        for name, choices in (
            ("kind", Kind.choices),
            ("format", Format.choices),
            ("frequency", ReportSubscription.Frequency.choices),
        ):
            self.fields[name].choices = choices
        self.fields["format"].initial = Format.XLSX
        self.fields["frequency"].initial = ReportSubscription.Frequency.MONTHLY
