"""How allauth creates accounts here: public-service addresses only, with an officer profile."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.crypto import get_random_string
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# allauth also passes the address typed into "forgot your password?" through clean_email().
# That address belongs to an existing account, which may be a partner reviewer's: refusing its
# domain there would lock that account out, and would not keep anyone from signing up.
_EXISTING_ACCOUNT_LOOKUPS = frozenset({"account_reset_password"})


def allowed_signup_domains() -> list[str]:
    """The domains (with their subdomains) whose addresses may sign up, read at call time."""
    return [d.strip().lower().lstrip("@.") for d in settings.ACCOUNT_ALLOWED_SIGNUP_DOMAINS if d]


def email_domain_allowed(email: str) -> bool:
    """``x@ict.go.ke`` and ``x@go.ke`` match go.ke; ``x@notgo.ke``, ``x@go.ke.evil.com`` don't."""
    domain = email.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in allowed_signup_domains())


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Only public-service addresses may sign up or be added to an account."""
        email = super().clean_email(email)
        if _is_existing_account_lookup() or email_domain_allowed(email):
            return email
        domains = allowed_signup_domains()
        raise ValidationError(
            format_lazy(
                _(
                    "Use your official e-mail address: registration is open to addresses at "
                    "{domains} and their subdomains (such as {example})."
                ),
                domains=", ".join(domains),
                example=f"name@department.{domains[0]}" if domains else "",
            ),
            code="email_domain_not_allowed",
        )

    def send_account_already_exists_mail(self, email: str) -> None:
        """A sign-up with a registered address: tell its owner, and take as long as a new one.

        A new sign-up hashes the password (Argon2, slow on purpose); this path saves nothing,
        so without the same hashing it would answer several times faster and show that the
        address is registered.
        """
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def save_user(self, request, user, form, commit=True):
        """Fill the new account from the sign-up form.

        The officer sign-up form saves the account itself, together with the officer profile
        in one transaction (``OfficerSignupForm.signup``), so that a refused profile leaves no
        account behind; any other form gets allauth's behaviour.
        """
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", user.full_name)
        # Someone who signs up in Kiswahili most likely wants the portal in Kiswahili.
        language = get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        if commit and not getattr(form, "saves_account_with_profile", False):
            user.save()
        return user


def _is_existing_account_lookup() -> bool:
    request = context.request
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in _EXISTING_ACCOUNT_LOOKUPS
