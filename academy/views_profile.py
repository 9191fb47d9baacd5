"""The signed-in user's own profile page, and their API token.

There is deliberately no URL that takes a user or profile id: each person sees and edits only
their own profile, so there is nothing to guess and nothing to scope.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy import roles, selectors, services
from academy.forms import (
    PERSONAL_NUMBER_TAKEN,
    AccountForm,
    OfficerProfileCompleteForm,
    OfficerProfileForm,
)
from academy.models import Membership
from academy.reauthentication import reauthentication_required


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Show the user's account, roles and officer profile, and save changes to them."""
    user = request.user
    officer_profile = selectors.officer_profile_of(user)
    form_class = _form_class_for(user, officer_profile)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                _save(form, user=user, officer_profile=officer_profile)
            except services.PersonalNumberTaken:
                # Taken by someone else since the form checked.
                form.add_error("personal_number", PERSONAL_NUMBER_TAKEN)
            else:
                return _saved_response(request, form.cleaned_data["preferred_language"])
    else:
        form = form_class(initial=_initial(user, officer_profile))
    return render(
        request,
        "academy/profile.html",
        {
            "form": form,
            "officer_profile": officer_profile,
            "role_labels": roles.role_labels(user),
            "completing": form_class is OfficerProfileCompleteForm,
        },
    )


@login_required
@reauthentication_required(allow_get=True)  # a token is a password that never asks for MFA
@require_http_methods(["GET", "POST"])
def api_token(request):
    """See whether one has an API token; create or replace it (shown once), or revoke it."""
    user = request.user
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_token = services.api_token_create(user=user, by=user)
        elif action == "revoke":
            if services.api_token_revoke(user=user, by=user):
                messages.success(request, _("Your API token has been revoked."))
            return redirect("academy:api_token")
        else:
            return redirect("academy:api_token")
    token = new_token or selectors.api_token_of(user)
    return render(
        request,
        "academy/api_token.html",
        {
            "token": token,
            # The key itself only in the answer to the POST that made it, never again.
            "new_key": new_token.key if new_token else None,
            "key_start": token.key[:4] if token else None,
        },
    )


def _form_class_for(user, officer_profile):
    if officer_profile is not None:
        return OfficerProfileForm
    # A partner reviewer works for a partner company, not the public service: there is no
    # payroll number or job group to give, so their page offers the account fields only.
    memberships = roles.memberships_of(user)
    if memberships and all(m.role == Membership.Role.PARTNER_REVIEWER for m in memberships):
        return AccountForm
    return OfficerProfileCompleteForm


def _initial(user, officer_profile) -> dict:
    initial = {"full_name": user.full_name, "preferred_language": user.preferred_language}
    if officer_profile is not None:
        initial.update(
            {
                "organisation": officer_profile.organisation_id,
                "job_group": officer_profile.job_group,
                "designation": officer_profile.designation,
                "duty_station": officer_profile.duty_station_id,
                "gender": officer_profile.gender,
                "national_id": officer_profile.national_id,
            }
        )
    return initial


def _save(form, *, user, officer_profile) -> None:
    # Only the form's own fields reach a service: anything else POSTed (a personal number on
    # the edit form, is_staff, …) is never read.
    data = form.cleaned_data
    if isinstance(form, OfficerProfileCompleteForm):
        services.officer_profile_complete(user=user, **data)
    elif isinstance(form, OfficerProfileForm):
        services.officer_profile_update(profile=officer_profile, by=user, **data)
    else:
        services.account_update(user=user, by=user, **data)


def _saved_response(request, language: str):
    response = redirect("academy:profile")
    # The language switch in the page header keeps working: it sets the same cookie, so the
    # preference only decides which language the portal opens in from now on.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    with translation.override(language):
        messages.success(request, _("Your profile has been saved."))
    return response
