"""
Every role check of the portal lives here, so that no view decides access on its own.

Roles other than officer come from ``Membership`` rows. The memberships of a user are read once
per request and kept on the user object.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from academy.models import Membership, Organisation

Role = Membership.Role


def memberships_of(user) -> list[Membership]:
    """The user's memberships, loaded once per user object (one query)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_academy_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._academy_memberships = cached
    return cached


def has_role(user, role: str) -> bool:
    return any(m.role == role for m in memberships_of(user))


def is_ksg_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.KSG_STAFF))


def is_facilitator(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def is_training_officer(user) -> bool:
    return has_role(user, Role.TRAINING_OFFICER)


def is_partner_reviewer(user) -> bool:
    return has_role(user, Role.PARTNER_REVIEWER)


def is_officer(user) -> bool:
    """An officer is any verified account with an officer profile."""
    return user.is_authenticated and hasattr(user, "officer_profile")


def organisations_for_role(user, role: str) -> list[Organisation]:
    """The organisations for which the user holds a scoped role (e.g. training officer)."""
    return [m.organisation for m in memberships_of(user) if m.role == role and m.organisation]


def organisation_scope(user, role: str = Role.TRAINING_OFFICER) -> QuerySet[Organisation]:
    """The organisations (with their sub-units) the user acts for in ``role``."""
    roots = organisations_for_role(user, role)
    if not roots:
        return Organisation.objects.none()
    scope = Organisation.objects.none()
    for root in roots:
        scope = scope | Organisation.objects.get_descendants(root, include_self=True)
    return scope


def requires_mfa(user) -> bool:
    """Accounts that hold personal data of others must use multi-factor authentication."""
    return is_ksg_staff(user) or bool(memberships_of(user))


def role_labels(user) -> list[str]:
    """Human-readable roles for the account menu."""
    labels = []
    for m in memberships_of(user):
        label = str(m.get_role_display())
        labels.append(
            f"{label} — {m.organisation.short_name or m.organisation.name}"
            if m.organisation
            else label
        )
    return labels


def role_required(*checks):
    """View decorator: the signed-in user must pass at least one of ``checks`` (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(check(request.user) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
