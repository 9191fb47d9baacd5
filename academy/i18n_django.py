"""Django's own English texts on the portal's forms that Django's Kiswahili catalogue lacks.

Django ships a Kiswahili catalogue, but it is incomplete: the password rules shown under the
password fields of the sign-up and password pages, and the "too short" and "too long" errors,
are untranslated there (and its entries for "Your password can't be …" still use the straight
apostrophe, while Django 5.2 asks with the typographic one, U+2019, so they never match).

Listing those message ids here puts them in locale/sw/LC_MESSAGES/django.po, which Django
reads before its own catalogue. Nothing imports this module: it exists for ``makemessages``
alone, and each message id must be Django's exactly (tests/academy/test_translations.py checks
that these rules and errors come out in Kiswahili).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# django/contrib/auth/password_validation.py: the help texts listed under a new password.
PASSWORD_RULES = (
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001 (Django uses U+2019)
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001 (Django uses U+2019)
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001 (Django uses U+2019)
)

# django/contrib/auth/password_validation.py and django/core/validators.py: form errors.
FORM_ERRORS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
)
