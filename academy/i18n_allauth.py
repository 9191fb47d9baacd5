"""django-allauth's English texts that appear on the portal's own pages, for translation.

allauth ships no Kiswahili catalogue. The portal overrides allauth's page templates
(templates/account/), so their wording is ours and ``makemessages`` finds it; but the form
labels, validation errors and flash messages still come from allauth's Python code and its
``account/messages/*.txt`` templates, which ``makemessages`` never reads (they live in .venv).

Listing those message ids here, each wrapped in ``gettext_noop``, puts them in
locale/sw/LC_MESSAGES/django.po. Django looks in ``LOCALE_PATHS`` before any app's catalogue,
so at run time allauth's own ``gettext("Remember Me")`` finds our Kiswahili text.

Nothing imports this module: it exists for ``makemessages`` alone. Each message id must be
allauth's exactly, character for character (tests/academy/test_translations.py checks them
against allauth's catalogue, so an allauth upgrade that rewords one fails the tests). Only
what our flows can show is listed: sign-in, sign-up, sign-out, password change, set and reset,
e-mail addresses and their confirmation. Two-factor authentication and the e-mail bodies are
not covered yet.
"""

from django.utils.translation import gettext_noop

# Form labels and placeholders (allauth/account/fields.py and forms.py).
FORM_LABELS = (
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
)

# Validation errors (allauth/account/forms.py and adapter.py's error_messages).
FORM_ERRORS = (
    gettext_noop("You must type the same password each time."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("Please type your current password."),
)

# Flash messages (allauth/templates/account/messages/*.txt). In those templates' blocktrans
# blocks ``{{email}}`` becomes ``%(email)s`` in the message id.
FLASH_MESSAGES = (
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Primary email address set."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
)
