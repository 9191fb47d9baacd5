from django.conf import settings

from academy import roles


def portal(request):
    """What the base layout needs on every page: the signed-in user's roles and the demo flag."""
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "is_ksg_staff": bool(user and roles.is_ksg_staff(user)),
        "is_training_officer": bool(user and roles.is_training_officer(user)),
        "is_facilitator": bool(user and roles.is_facilitator(user)),
        "is_partner_reviewer": bool(user and roles.is_partner_reviewer(user)),
    }
