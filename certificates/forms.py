"""Forms of the certificate pages: looking a certificate up and checking a file (anyone), and
revoking, re-issuing and issuing a cohort's certificates (KSG staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateRun
from certificates.verification import MAX_UPLOAD_BYTES


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_(
            "The last part of the verification address printed beside the QR code on the "
            "certificate. You may paste the whole address."
        ),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        # A pasted address: keep its last part.
        code = self.cleaned_data["code"].strip().rstrip("/")
        return code.rsplit("/", 1)[-1]


class UploadForm(forms.Form):
    """The file is hashed as it arrives (``verification.HashingUploadHandler``); the checks
    here read what the handler kept."""

    pdf = forms.FileField(
        label=_("Certificate PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request (not once, at import, in English).
        self.fields["pdf"].help_text = _(
            "The PDF file of the certificate, at most %(mb)d MB. It is not kept."
        ) % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if getattr(upload, "too_large", False):
            raise forms.ValidationError(
                _("This file is larger than %(mb)d MB: a certificate PDF is far smaller.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_large",
            )
        if not getattr(upload, "looks_like_pdf", False):
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the certificate's PDF file."), code="not_pdf"
            )
        return upload


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        help_text=_("Serial, officer's name or e-mail, course or cohort code."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Certificate.Status.choices],
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=CertificateRun.Mode.choices,
        initial=CertificateRun.Mode.ISSUE,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for re-issuing"),
        help_text=_("Needed to re-issue: it is kept in each certificate's history."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
