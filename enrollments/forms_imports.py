"""Forms of nominations and CSV imports: an officer named by hand, a CSV file to upload, and
the search of cohorts to nominate into."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enrollments.imports import MAX_FILE_BYTES, MAX_ROWS


class NominateForm(forms.Form):
    officer = forms.CharField(
        label=_("Personal number or e-mail address"),
        help_text=_("Of an officer of your organisation or one of its departments."),
        max_length=254,
        error_messages={
            "required": _("Enter the officer's personal number or e-mail address."),
            "max_length": _("That is too long for a personal number or an e-mail address."),
        },
    )


class CsvUploadForm(forms.Form):
    """A CSV file; its contents are checked by ``enrollments.imports.read_csv``."""

    file = forms.FileField(
        label=_("CSV file"),
        # An empty file is reported like every other bad file, by the import's report.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": _("Choose the CSV file to upload."),
            "invalid": _("That is not a file: choose the CSV file to upload."),
            "missing": _("No file arrived: choose the CSV file and upload it again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not on the field: the numbers go into the text in the request's language.
        self.fields["file"].help_text = gettext(
            "A CSV file saved as UTF-8, with its header on the first line; at most %(rows)s "
            "officers and %(size)s."
        ) % {"rows": f"{MAX_ROWS:,}", "size": f"{MAX_FILE_BYTES // 1_000_000} MB"}


class CohortSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search cohorts"),
        help_text=_("Course title, course code or cohort code."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def search(self) -> str:
        """The search text when valid, else nothing (a bad search is no search, not an error)."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
