"""Forms for sign-up and the profile page. They validate and hand over to academy.services.

This module is imported by allauth while it builds its own sign-up form (the class named by
ACCOUNT_SIGNUP_FORM_CLASS becomes a base class of allauth's SignupForm), so it must not import
allauth's forms or views at module level.
"""

from allauth.account.adapter import get_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from academy import selectors, services
from academy.adapters import allowed_signup_domains
from academy.models import County, JobGroup, OfficerProfile, Organisation

PERSONAL_NUMBER_TAKEN = _(
    "This personal number is already registered. If it is yours, sign in or reset your "
    "password; otherwise contact your HR office."
)


class PersonalNumberField(forms.CharField):
    """The payroll personal number, normalised (trimmed, capitals) before it is validated."""

    def __init__(self, **kwargs):
        model_field = OfficerProfile._meta.get_field("personal_number")
        kwargs.setdefault("label", _("Personal number"))
        kwargs.setdefault(
            "help_text",
            _("As on your payslip, for example 2019001234. It cannot be changed later."),
        )
        kwargs.setdefault(
            "error_messages", {"required": _("Enter your personal number, as on your payslip.")}
        )
        super().__init__(
            max_length=model_field.max_length, validators=model_field.validators, **kwargs
        )
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return services.normalise_personal_number(super().to_python(value))


class NationalIdField(forms.CharField):
    """The optional national ID number, digits only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("National ID number (optional)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Helps your HR office match your training record to you if your personal "
                "number changes. Only you, your organisation's training officer and KSG staff "
                "can see it."
            ),
        )
        super().__init__(
            required=False,
            max_length=OfficerProfile._meta.get_field("national_id").max_length,
            validators=[
                RegexValidator(r"^[0-9]{1,10}$", _("Use digits only, as on your national ID card."))
            ],
            **kwargs,
        )
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        # People type ID numbers in groups ("12 345 678"); the card has none.
        return "".join(super().to_python(value).split())


class OrganisationChoiceField(forms.ModelChoiceField):
    """The organisation tree as a <select> grouped by ministry (state departments indented
    under it), then counties, agencies and KSG. Partners and inactive units are not offered.

    ``data-filterable`` asks static/js/academy.js for a search box; without JavaScript the
    grouped list still works.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Organisation"))
        kwargs.setdefault(
            "help_text",
            _("The ministry, state department, county or agency that employs you."),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose the organisation you work for."),
                "invalid_choice": _("Choose the organisation you work for from the list."),
            },
        )
        super().__init__(queryset=Organisation.objects.none(), **kwargs)
        self.widget.attrs.update(
            {
                "data-filterable": "",
                "data-filter-label": _("Type to narrow the list of organisations"),
                # Translators: %s is the number of organisations that match what was typed.
                "data-filter-count": _("%s matches"),
            }
        )

    def load_choices(self) -> None:
        """Read the tree now (one query), not when the form class is defined."""
        choices = selectors.organisation_choices()
        # Only what is offered is accepted: a partner's or a closed unit's id is refused.
        self.queryset = Organisation.objects.filter(
            pk__in=selectors.organisation_choice_ids(choices)
        )
        self.choices = [("", _("Choose your organisation")), *choices]


def _full_name_field():
    return forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it should appear on your certificates."),
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def _preferred_language_field():
    return forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The portal is shown in this language after you save."),
    )


class OfficerDetailsForm(forms.Form):
    """What an officer tells the academy about their work (shared by sign-up and profile)."""

    full_name = _full_name_field()
    organisation = OrganisationChoiceField()
    job_group = forms.ChoiceField(
        label=_("Job group"),
        choices=[("", _("Choose your job group")), *JobGroup.choices],
        error_messages={
            "required": _("Choose your job group."),
            "invalid_choice": _("Choose a job group from A to T from the list."),
        },
    )
    designation = forms.CharField(
        label=_("Designation"),
        max_length=120,
        help_text=_("Your job title, for example ICT Officer I."),
        error_messages={"required": _("Enter your designation (job title).")},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    duty_station = forms.ModelChoiceField(
        label=_("Duty station"),
        queryset=County.objects.order_by("name"),
        empty_label=_("Choose the county where you work"),
        help_text=_("The county where you work."),
        error_messages={
            "required": _("Choose the county where you work."),
            "invalid_choice": _("Choose a county from the list."),
        },
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *OfficerProfile.Gender.choices],
        help_text=_(
            "Used only to report how many women and men the academy trains. Only you, your "
            "organisation's training officer and KSG staff can see it."
        ),
    )
    national_id = NationalIdField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].load_choices()

    def clean_designation(self):
        return self.cleaned_data["designation"].strip()


class NewPersonalNumberMixin(forms.Form):
    """The personal number of a profile about to be created: it must not be registered yet."""

    personal_number = PersonalNumberField()

    def clean_personal_number(self):
        number = self.cleaned_data["personal_number"]
        if selectors.personal_number_taken(number):
            raise forms.ValidationError(PERSONAL_NUMBER_TAKEN, code="personal_number_taken")
        return number


class OfficerSignupForm(NewPersonalNumberMixin, OfficerDetailsForm):
    """allauth's sign-up form is built on top of this one (ACCOUNT_SIGNUP_FORM_CLASS): the
    e-mail and password fields come from allauth, the officer profile from here."""

    # Tells AccountAdapter.save_user to leave saving the account to signup() below.
    saves_account_with_profile = True

    field_order = [
        "full_name",
        "email",
        "password1",
        "password2",
        "personal_number",
        "organisation",
        "job_group",
        "designation",
        "duty_station",
        "gender",
        "national_id",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:  # allauth's field, already there when this runs
            domains = allowed_signup_domains()
            self.fields["email"].help_text = format_lazy(
                _("Use your official address: one at {domains} or a subdomain of them."),
                domains=", ".join(domains),
            )

    def signup(self, request, user):
        """Save the new account and its officer profile together, or neither."""
        data = self.cleaned_data
        try:
            with transaction.atomic():
                user.save()
                services.officer_profile_create(
                    user=user,
                    personal_number=data["personal_number"],
                    organisation=data["organisation"],
                    job_group=data["job_group"],
                    designation=data["designation"],
                    duty_station=data["duty_station"],
                    national_id=data.get("national_id", ""),
                    gender=data.get("gender", ""),
                )
        except services.PersonalNumberTaken:
            # Another sign-up took the number after clean_personal_number() looked: show the
            # same error clean() would have shown, with nothing saved.
            self.add_error("personal_number", PERSONAL_NUMBER_TAKEN)
            raise ImmediateHttpResponse(self._signup_page_again(request)) from None
        except IntegrityError:
            # Another sign-up took the e-mail address in the meantime. Answer as allauth does
            # for any address already registered, so the response reveals nothing.
            if not selectors.user_get_by_email(user.email):
                raise
            response = get_adapter(request).respond_email_verification_sent(request, None)
            raise ImmediateHttpResponse(response) from None

    def _signup_page_again(self, request):
        from allauth.account.views import SignupView

        view = SignupView()
        view.setup(request)
        return view.form_invalid(self)


class OfficerProfileForm(OfficerDetailsForm):
    """The profile page of an officer: everything but the personal number."""

    preferred_language = _preferred_language_field()

    field_order = [
        "full_name",
        "preferred_language",
        "organisation",
        "job_group",
        "designation",
        "duty_station",
        "gender",
        "national_id",
    ]


class OfficerProfileCompleteForm(NewPersonalNumberMixin, OfficerProfileForm):
    """For an account made without an officer profile (e.g. by KSG staff in the admin)."""

    field_order = [
        "full_name",
        "preferred_language",
        "personal_number",
        *OfficerProfileForm.field_order[2:],
    ]


class AccountForm(forms.Form):
    """Name and language of an account that is not an officer's (a partner reviewer's)."""

    full_name = _full_name_field()
    preferred_language = _preferred_language_field()
