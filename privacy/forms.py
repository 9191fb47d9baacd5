from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you ask for erasure?"),
        help_text=_(
            "A sentence or two is enough. KSG staff read it to decide; it is kept with the "
            "request as the record that you asked."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ErasureDecisionForm(forms.Form):
    DECISIONS = (("approve", _("Approve and erase")), ("decline", _("Decline")))

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_("Recorded in the audit trail and shown to the officer if declined."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
