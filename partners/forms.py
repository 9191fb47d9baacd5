"""Forms of the partner pages: an agreement's next status and signatures, a deliverable's
review, uploads and a KPI's result. Rules live in ``partners.services``; these only read input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Agreement, Document


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Agreement.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed to send it back a step or to terminate it."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to"].choices = choices


class _PartyChoice(forms.Form):
    """A form with a ``party`` among the agreement's ``parties``; cleaned, the party itself."""

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {party.pk: party for party in parties}
        self.fields["party"].choices = [(pk, str(p.organisation)) for pk, p in self.parties.items()]

    def clean_party(self):
        return self.parties[self.cleaned_data["party"]]


class SignForm(_PartyChoice):
    prefix = "sign"
    party = forms.TypedChoiceField(label=_("Party"), coerce=int, choices=())
    signatory_name = forms.CharField(label=_("Signed by"), max_length=150)
    signatory_title = forms.CharField(label=_("Title"), max_length=150, required=False)
    signed_on = forms.DateField(
        label=_("Signed on"),
        help_text=_("As on the signed document, e.g. 2026-03-25."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReviewForm(forms.Form):
    """One form for every review action; the button pressed says which."""

    ACTIONS = ("submit", "start_review", "accept", "request_changes", "comment")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to comment or to request changes: say what must change."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG."),
        error_messages={"required": _("Choose a file to upload.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[(k, label) for k, label in Document.Kind.choices if k != Document.Kind.LOGO],
        initial=Document.Kind.EVIDENCE,
    )


class KpiResultForm(forms.Form):
    value = forms.DecimalField(label=_("Result"), min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=_("About the result"),
        help_text=_("Where the figure comes from; upload the evidence below."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ObligationForm(_PartyChoice):
    prefix = "obligation"
    party = forms.TypedChoiceField(label=_("Party"), coerce=int, choices=())
    description = forms.CharField(
        label=_("Obligation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Amendment"),
        help_text=_("Needed once the agreement is active: which amendment adds or changes it."),
        required=False,
        max_length=2000,
    )


class AmendForm(forms.Form):
    description = forms.CharField(
        label=_("Obligation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Amendment"),
        help_text=_("Needed once the agreement is active: which amendment adds or changes it."),
        required=False,
        max_length=2000,
    )


class RenewForm(forms.Form):
    prefix = "renew"
    reference = forms.CharField(label=_("Reference of the renewal"), max_length=60)
    ends_on = forms.DateField(
        label=_("The renewal ends on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class LogoForm(forms.Form):
    prefix = "logo"

    file = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG or JPEG."),
        error_messages={"required": _("Choose a file to upload.")},
    )
