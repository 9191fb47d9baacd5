"""Reads of partners' agreements, always on behalf of someone.

KSG staff see every partner; a partner reviewer sees only the partners whose organisation they
review for; anyone else sees nothing. Fetching one object someone may not see raises Http404, so
that its existence is not confirmed.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from academy.models import AuditEvent, Membership, User
from academy.roles import is_ksg_staff, organisations_for_role
from partners.models import Agreement, Deliverable, Document, Kpi, Obligation, Partner, Review


def partners_for(user: User) -> QuerySet[Partner]:
    """The partners ``user`` may see."""
    if is_ksg_staff(user):
        return Partner.objects.all()
    organisations = organisations_for_role(user, Membership.Role.PARTNER_REVIEWER)
    if not organisations:
        return Partner.objects.none()
    return Partner.objects.filter(organisation__in=organisations)


def partner_for(user: User, pk: int) -> Partner:
    """One partner ``user`` may see, with its organisation and focal points."""
    partner = (
        partners_for(user)
        .filter(pk=pk)
        .select_related("organisation")
        .prefetch_related("focal_points")
        .first()
    )
    if partner is None:
        raise Http404(gettext("There is no partner with this number for you."))
    return partner


def logo_of(partner: Partner) -> Document | None:
    """The partner's latest logo, if staff uploaded one."""
    return partner.documents.filter(kind=Document.Kind.LOGO).order_by("-uploaded_at", "-pk").first()


def agreements_for(user: User, *, status: str = "") -> QuerySet[Agreement]:
    """The agreements of the partners ``user`` may see, the latest first."""
    agreements = (
        Agreement.objects.filter(partner__in=partners_for(user))
        .select_related("partner__organisation")
        .annotate(deliverable_count=Count("obligations__deliverables", distinct=True))
        .order_by("-status_changed_at", "-pk")
    )
    return agreements.filter(status=status) if status else agreements


def agreement_for(user: User, pk: int) -> Agreement:
    """One agreement ``user`` may see, with its parties, obligations and deliverables."""
    agreement = (
        Agreement.objects.filter(partner__in=partners_for(user), pk=pk)
        .select_related("partner__organisation", "amends", "renewal_of")
        .prefetch_related(
            "parties__organisation",
            Prefetch(
                "obligations",
                queryset=Obligation.objects.select_related("party__organisation").prefetch_related(
                    Prefetch(
                        "deliverables",
                        queryset=Deliverable.objects.select_related("responsible__organisation"),
                    )
                ),
            ),
            "amendments",
        )
        .first()
    )
    if agreement is None:
        raise Http404(gettext("There is no agreement with this number for you."))
    return agreement


def obligation_for(user: User, pk: int) -> Obligation:
    """One obligation of an agreement ``user`` may see."""
    obligation = (
        Obligation.objects.filter(agreement__partner__in=partners_for(user), pk=pk)
        .select_related("agreement__partner", "party__organisation")
        .first()
    )
    if obligation is None:
        raise Http404(gettext("There is no obligation with this number for you."))
    return obligation


def deliverables_for(user: User, *, review_state: str = "") -> QuerySet[Deliverable]:
    """The deliverables of the agreements ``user`` may see, the soonest due first."""
    deliverables = Deliverable.objects.filter(
        obligation__agreement__partner__in=partners_for(user)
    ).select_related("obligation__agreement__partner__organisation", "responsible__organisation")
    return deliverables.filter(review_state=review_state) if review_state else deliverables


def deliverable_for(user: User, pk: int) -> Deliverable:
    deliverable = (
        deliverables_for(user).filter(pk=pk).prefetch_related("courses", "cohorts").first()
    )
    if deliverable is None:
        raise Http404(gettext("There is no deliverable with this number for you."))
    return deliverable


def thread_of(deliverable: Deliverable) -> QuerySet[Review]:
    """The deliverable's comments and decisions, oldest first."""
    return deliverable.reviews.select_related("author")


def history_of(target) -> list[AuditEvent]:
    """The audit events about ``target``, oldest first."""
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def kpis_for(user: User) -> QuerySet[Kpi]:
    """The KPIs of the agreements ``user`` may see."""
    return (
        Kpi.objects.filter(agreement__partner__in=partners_for(user))
        .select_related("agreement__partner", "skill_area")
        .prefetch_related("courses")
        .order_by("agreement__reference", "pk")
    )


def kpi_for(user: User, pk: int) -> Kpi:
    kpi = kpis_for(user).filter(pk=pk).first()
    if kpi is None:
        raise Http404(gettext("There is no KPI with this number for you."))
    return kpi


def documents_of(**owner) -> QuerySet[Document]:
    """The documents of one partner, agreement, deliverable or KPI (the caller checked access
    to it), newest first."""
    return Document.objects.filter(**owner).select_related("uploaded_by")


def document_for(user: User, pk: int) -> Document:
    """One document ``user`` may download."""
    document = Document.objects.filter(partner__in=partners_for(user), pk=pk).first()
    if document is None:
        raise Http404(gettext("There is no document with this number for you."))
    return document


def reviewers_of(partner: Partner) -> QuerySet[User]:
    """The active accounts that review for ``partner``."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.PARTNER_REVIEWER,
        memberships__organisation=partner.organisation_id,
    ).distinct()
