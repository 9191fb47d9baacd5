from django import forms
from django.utils.translation import gettext_lazy as _


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing?"),
        help_text=_("Your training officer and KSG staff see this; it helps them plan."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are withdrawing.")},
    )


class DecisionForm(forms.Form):
    """A training officer's answer to a request: approve, or decline with a reason."""

    APPROVE, DECLINE = "approve", "decline"
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or decline.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed when you decline: the officer sees it."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DECLINE and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you decline, so that the officer knows."))
        return data
