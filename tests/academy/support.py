"""Plain helpers shared by the account tests."""

import re

SIGNUP_PASSWORD = "Kabete-Campus-2026!"


def confirmation_link(message) -> str:
    """The e-mail confirmation path in an allauth e-mail."""
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def no_inline_code(html: str) -> bool:
    """The CSP forbids inline scripts and style attributes: a page must not rely on them."""
    inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    return inline_script is None and " style=" not in html
