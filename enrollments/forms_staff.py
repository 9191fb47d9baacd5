"""Forms of the staff pages of a cohort: the roster filter and the capacity change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.models import Organisation
from enrollments.models import Enrollment


class RosterFilterForm(forms.Form):
    """The GET form above a roster; a field with a bad value is ignored, not an error page."""

    q = forms.CharField(
        label=_("Search"),
        help_text=_("Name, e-mail or personal number."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All states")), *Enrollment.State.choices],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("All organisations"),
        required=False,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def filters(self) -> dict:
        """The valid filters as keyword arguments of ``roster.roster``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "state": data.get("state") or "",
            "organisation": data.get("organisation"),
        }


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Capacity"),
        help_text=_("Seats in the cohort. Raising it gives the new seats to the waiting list."),
        min_value=1,
        max_value=10000,
        error_messages={
            "required": _("Enter the number of seats."),
            "invalid": _("Enter the number of seats as a whole number."),
            "min_value": _("A cohort needs at least one seat."),
        },
    )
