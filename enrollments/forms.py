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
