"""Reads for accounts, officer profiles and the organisation tree.

Everything here either reads the acting user's own data (``officer_profile_of``) or public
reference data (the organisation tree for the sign-up form): no selector here hands out another
person's profile, so no view can show one.
"""

from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from academy.models import OfficerProfile, Organisation, User

Kind = Organisation.Kind

# Top-level organisations that are not ministries share one <optgroup> per kind, in this order.
# Ministries (and anything else at the top of the tree) get an <optgroup> of their own.
_SHARED_GROUPS = (Kind.COUNTY, Kind.AGENCY, Kind.ACADEMY)

# Non-breaking spaces survive in <option> text where ordinary spaces are collapsed: they indent
# a state department under its ministry without JavaScript or CSS (options can't be styled).
_INDENT = "\u00a0\u00a0\u00a0"


def organisation_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped (optgroup label, [(pk, label), …]) choices of the organisations an officer may
    belong to: active, not a partner and not under an inactive or partner organisation.

    One query, in tree order (treebeard's materialised path, siblings by name).
    """
    ministries: list[tuple[str, list[tuple[int, str]]]] = []
    shared: dict[str, list[tuple[int, str]]] = {kind: [] for kind in _SHARED_GROUPS}
    excluded_prefixes: list[str] = []
    current: list[tuple[int, str]] | None = None
    nodes = Organisation.objects.order_by("path").only(
        "pk", "path", "depth", "name", "kind", "is_active"
    )
    for node in nodes:
        # Path order visits a parent before its sub-units, so an excluded parent is known by
        # the time its state departments and directorates come along.
        if any(node.path.startswith(prefix) for prefix in excluded_prefixes):
            continue
        if not node.is_active or node.kind == Kind.PARTNER:
            excluded_prefixes.append(node.path)
            continue
        if node.depth == 1:
            if node.kind in shared:
                current = shared[node.kind]
            else:
                current = []
                ministries.append((node.name, current))
        if current is not None:  # always true in a consistent tree, which starts with a root
            current.append((node.pk, _INDENT * (node.depth - 1) + node.name))

    labels = {
        Kind.COUNTY: gettext("County governments"),
        Kind.AGENCY: gettext("Agencies"),
        Kind.ACADEMY: gettext("Kenya School of Government"),
    }
    groups = ministries + [(labels[kind], shared[kind]) for kind in _SHARED_GROUPS]
    return [(label, options) for label, options in groups if options]


def organisation_choice_ids(choices) -> list[int]:
    """The primary keys offered by ``organisation_choices()``: what a form may accept."""
    return [pk for _label, options in choices for pk, _name in options]


def officer_profile_of(user) -> OfficerProfile | None:
    """The user's own officer profile with what the profile page shows, or None."""
    if not user.is_authenticated:
        return None
    return (
        OfficerProfile.objects.select_related("organisation", "duty_station")
        .filter(user=user)
        .first()
    )


def personal_number_taken(personal_number: str) -> bool:
    """Whether an officer profile already uses this (normalised) personal number."""
    return OfficerProfile.objects.filter(personal_number=personal_number).exists()


def api_token_of(user: User) -> Token | None:
    """The user's own API token (DRF keeps at most one per user), or None."""
    return Token.objects.filter(user=user).first()


def user_get_by_email(email: str) -> User | None:
    """The account with this e-mail address (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()
