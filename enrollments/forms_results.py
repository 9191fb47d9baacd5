"""Forms of attendance and results: the register of a day, the scores of a cohort, a result
decided or overridden by staff, and the confirmation that closes a cohort."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollments.models import Enrollment


class AttendanceForm(forms.Form):
    """One session day of the register: which of the officers shown were present.

    The checkboxes are drawn row by row in the register's table, so the fields are hidden as far
    as Django's rendering goes; their errors show in the summary above the table. The register
    also sends the ids of the officers it ``listed``: if someone took or left a seat meanwhile,
    the form comes back rather than recording them absent unseen.
    """

    day = forms.TypedChoiceField(
        coerce=datetime.date.fromisoformat,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the session day to record."),
            "invalid_choice": _("%(value)s is not a session day of this cohort."),
        },
    )
    present = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": _(
                "Only officers holding a seat in this cohort can be marked present."
            )
        },
    )

    def __init__(self, *args, days, seat_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.seat_ids = set(seat_ids)
        self.fields["day"].choices = [(day.isoformat(), day.isoformat()) for day in days]
        self.fields["present"].choices = [(pk, pk) for pk in sorted(self.seat_ids)]

    def clean(self):
        cleaned = super().clean()
        listed = self.data.getlist("listed") if hasattr(self.data, "getlist") else []
        if {value.strip() for value in listed} != {str(pk) for pk in self.seat_ids}:
            raise forms.ValidationError(
                _(
                    "The officers holding a seat in this cohort changed since you opened the "
                    "register: check the list again and save."
                ),
                code="stale",
            )
        return cleaned

    def present_ids(self) -> set[int]:
        return set(self.cleaned_data["present"])


class ScoresForm(forms.Form):
    """One score field per enrolled officer, named ``score_<enrolment id>``."""

    def __init__(self, *args, enrollments: list[Enrollment], **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = enrollments
        for enrollment in enrollments:
            name = enrollment.officer.full_name
            self.fields[self.field_name(enrollment)] = forms.IntegerField(
                label=_("Score of %(name)s") % {"name": name},
                required=False,
                min_value=0,
                max_value=100,
                error_messages={
                    "invalid": _("Enter the score of %(name)s as a whole number from 0 to 100.")
                    % {"name": name},
                    "min_value": _("The score of %(name)s can't be below 0.") % {"name": name},
                    "max_value": _("The score of %(name)s can't be above 100.") % {"name": name},
                },
            )

    @staticmethod
    def field_name(enrollment: Enrollment) -> str:
        return f"score_{enrollment.pk}"

    def rows(self):
        """(enrolment, its bound field) pairs, in the order of the table."""
        return [(e, self[self.field_name(e)]) for e in self.enrollments]

    def scores(self) -> dict[int, int | None]:
        return {e.pk: self.cleaned_data[self.field_name(e)] for e in self.enrollments}


class ResultForm(forms.Form):
    """Staff decide an officer's result: by the course's rule, or set against it with a reason."""

    RULE = "rule"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    decision = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (RULE, _("As the course's rule decides (attendance and score)")),
            (COMPLETED, _("Completed, whatever the rule says (an override)")),
            (NOT_COMPLETED, _("Not completed, whatever the rule says (an override)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the result is decided.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required for an override: the officer's history shows it."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the reason under 500 characters.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "result")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        override = cleaned.get("decision") in (self.COMPLETED, self.NOT_COMPLETED)
        if override and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why you set this result against the course's rule."))
        return cleaned

    def completed(self) -> bool | None:
        """``completed`` for ``results.enrollment_complete``: None to follow the rule."""
        decision = self.cleaned_data["decision"]
        return None if decision == self.RULE else decision == self.COMPLETED


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the attendance and the scores: close the cohort."),
        error_messages={"required": _("Tick the box to confirm that you close the cohort.")},
    )
