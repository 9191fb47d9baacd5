"""Writes of partners' agreements: the lifecycle, signatures, obligations, the review of
deliverables, KPI results and documents.

Every function owns its transaction, re-reads the row it changes under a row lock, and writes an
audit event (``partners.agreement.*``, ``partners.deliverable.*``, …) with ``from``, ``to`` and
``reason`` where they apply. A rule that refuses raises ``PartnerRefused`` with a ``code`` and a
message that says why; nothing is changed then.

The lifecycle of an agreement::

    draft → negotiation → legal review → awaiting signature → active → expired | renewed |
    terminated

Legal review and awaiting signature may send it back a step, with a reason. An agreement becomes
active only when every party (at least two) has signed and its effective date has come; it
expires, or runs another term when it renews automatically, after its end date
(``recompute_statuses``, daily). It is marked renewed when an agreement that renews it becomes
active, and only KSG staff terminate it, with a reason. Its obligations change freely until it
binds; from then on they are never deleted, only amended with a reason.

Deliverables are reviewed by the side that is not responsible for them: a deliverable of the
partner is submitted by the partner's reviewers and reviewed by KSG staff, any other is submitted
by KSG staff and reviewed by the partner's reviewers::

    not started → submitted → in review → accepted | changes requested → submitted → …
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import Membership, User
from academy.roles import is_ksg_staff, organisations_for_role
from partners import uploads
from partners.models import (
    Agreement,
    AgreementParty,
    Deliverable,
    Document,
    Kpi,
    Obligation,
    Partner,
    Review,
    add_months,
)

Status = Agreement.Status
ReviewState = Deliverable.ReviewState

# The steps a member of staff may take from each status. Expired and renewed come by date and
# by renewal only; the final statuses lead nowhere.
NEXT_STATUSES = {
    Status.DRAFT: (Status.NEGOTIATION,),
    Status.NEGOTIATION: (Status.LEGAL_REVIEW,),
    Status.LEGAL_REVIEW: (Status.AWAITING_SIGNATURE, Status.NEGOTIATION),
    Status.AWAITING_SIGNATURE: (Status.ACTIVE, Status.LEGAL_REVIEW),
    Status.ACTIVE: (Status.TERMINATED,),
    Status.EXPIRED: (),
    Status.RENEWED: (),
    Status.TERMINATED: (),
}
# Steps back, and ending an agreement early, need a reason.
NEEDS_REASON = {
    (Status.LEGAL_REVIEW, Status.NEGOTIATION),
    (Status.AWAITING_SIGNATURE, Status.LEGAL_REVIEW),
    (Status.ACTIVE, Status.TERMINATED),
}

# Review states from which a deliverable may be (re)submitted, and decided.
SUBMITTABLE = (ReviewState.NOT_STARTED, ReviewState.CHANGES_REQUESTED)
DECIDABLE = (ReviewState.SUBMITTED, ReviewState.IN_REVIEW)


class PartnerRefused(Exception):
    """A rule refuses the change; ``code`` says which, ``message`` why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _require_staff(by: User) -> None:
    if not is_ksg_staff(by):
        raise PartnerRefused("not_allowed", _("Only KSG staff may do this."))


def _status_label(status: str) -> str:
    return str(Status(status).label).lower()


# --- Records entered by staff -------------------------------------------------------------------


def record_save(*, obj, by: User, created: bool, fields: list[str]) -> None:
    """Save a record staff entered or edited in the administration site (a partner, an
    agreement's details, a deliverable, a KPI), with its audit event. What has rules (status,
    signatures, review state, results, documents) is read-only there and changes only through
    the functions below."""
    with transaction.atomic():
        obj.save()
        audit_record(
            actor=by,
            action=f"partners.{obj._meta.model_name}.{'created' if created else 'updated'}",
            target=obj,
            data={"fields": sorted(fields)},
        )


def record_delete(*, obj, by: User) -> None:
    """Delete a row staff removed in the administration site (a focal point, a party), with
    its audit event saying what it was."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action=f"partners.{obj._meta.model_name}.deleted",
            target=obj,
            data={"record": str(obj)},
        )
        obj.delete()


# --- The lifecycle of an agreement -------------------------------------------------------------


def agreement_transition(*, agreement: Agreement, to: str, by: User, reason: str = "") -> Agreement:
    """Move the agreement to status ``to`` when its rules allow it, by KSG staff."""
    _require_staff(by)
    reason = reason.strip()
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        _check_transition(agreement, to, reason, today=timezone.localdate())
        _set_status(agreement, to, by=by, reason=reason)
    return agreement


def _check_transition(agreement: Agreement, to: str, reason: str, *, today) -> None:
    current = agreement.status
    if to not in Status.values:
        raise PartnerRefused("unknown_status", _("There is no status %(to)s.") % {"to": to})
    if to == current:
        raise PartnerRefused(
            "same_status",
            _("The agreement is already %(status)s.") % {"status": _status_label(current)},
        )
    if current in Agreement.FINAL_STATUSES:
        raise PartnerRefused(
            "ended",
            _("The agreement has ended (%(status)s): its status no longer changes.")
            % {"status": _status_label(current)},
        )
    if to == Status.EXPIRED:
        raise PartnerRefused(
            "by_date_only",
            _("An agreement expires by itself on the day after its end date."),
        )
    if to == Status.RENEWED:
        raise PartnerRefused(
            "by_renewal_only",
            _("An agreement is marked renewed when an agreement that renews it becomes active."),
        )
    if to not in NEXT_STATUSES[current]:
        raise PartnerRefused(
            "not_next",
            _("An agreement %(status)s can't go to %(to)s; it can go to: %(next)s.")
            % {
                "status": _status_label(current),
                "to": _status_label(to),
                "next": ", ".join(_status_label(s) for s in NEXT_STATUSES[current]),
            },
        )
    if (current, to) in NEEDS_REASON and not reason:
        raise PartnerRefused("reason_required", _("Say why, so that the other side knows."))
    if to == Status.ACTIVE:
        _check_can_start(agreement, today=today)


def _check_can_start(agreement: Agreement, *, today) -> None:
    """An agreement starts with every party's signature and on its effective date."""
    parties = list(agreement.parties.select_related("organisation"))
    if len(parties) < 2:
        raise PartnerRefused(
            "parties_missing", _("An agreement needs at least two parties before it starts.")
        )
    unsigned = [str(p.organisation) for p in parties if not p.signed]
    if unsigned:
        raise PartnerRefused(
            "not_signed",
            _("Not signed yet by: %(parties)s.") % {"parties": ", ".join(unsigned)},
        )
    if agreement.effective_on is None:
        raise PartnerRefused("no_effective_date", _("Set the effective date first."))
    if agreement.effective_on > today:
        raise PartnerRefused(
            "not_yet_effective",
            _("The agreement takes effect on %(day)s: it becomes active by itself that day.")
            % {"day": _day(agreement.effective_on)},
        )
    end = agreement.end_date
    if end is not None and end < today:
        raise PartnerRefused(
            "already_ended",
            _("The agreement's end date (%(day)s) has passed.") % {"day": _day(end)},
        )


def _set_status(agreement: Agreement, to: str, *, by: User | None, reason: str = "") -> None:
    before = agreement.status
    agreement.status = to
    agreement.status_changed_at = timezone.now()
    agreement.status_reason = reason
    agreement.save(update_fields=["status", "status_changed_at", "status_reason", "updated_at"])
    audit_record(
        actor=by,
        action=f"partners.agreement.{to}",
        target=agreement,
        data={"from": before, "to": to, "reason": reason},
    )
    if to == Status.ACTIVE and agreement.renewal_of_id:
        renewed = Agreement.objects.select_for_update().get(pk=agreement.renewal_of_id)
        if renewed.status in (Status.ACTIVE, Status.EXPIRED):
            _set_status(
                renewed,
                Status.RENEWED,
                by=by,
                reason=_("Renewed by %(reference)s.") % {"reference": agreement.reference},
            )


def agreement_sign(
    *,
    party: AgreementParty,
    signatory_name: str,
    signatory_title: str,
    signed_on: datetime.date,
    by: User,
) -> AgreementParty:
    """Record who signed for a party, and when, while the agreement is not yet in force."""
    _require_staff(by)
    signatory_name = signatory_name.strip()
    if not signatory_name:
        raise PartnerRefused("signatory_required", _("Name who signed."))
    if signed_on > timezone.localdate():
        raise PartnerRefused("future_signature", _("A signature can't be dated in the future."))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=party.agreement_id)
        if agreement.status not in (Status.LEGAL_REVIEW, Status.AWAITING_SIGNATURE):
            raise PartnerRefused(
                "not_for_signature",
                _(
                    "Signatures are recorded in legal review or awaiting signature; the agreement "
                    "is %(status)s."
                )
                % {"status": _status_label(agreement.status)},
            )
        party = AgreementParty.objects.select_related("organisation").get(pk=party.pk)
        party.signatory_name = signatory_name
        party.signatory_title = signatory_title.strip()
        party.signed_on = signed_on
        party.save(update_fields=["signatory_name", "signatory_title", "signed_on"])
        audit_record(
            actor=by,
            action="partners.agreement.signed",
            target=agreement,
            data={
                "party": str(party.organisation),
                "signatory": signatory_name,
                "signed_on": signed_on.isoformat(),
            },
        )
    return party


def agreement_renew(
    *, agreement: Agreement, reference: str, ends_on: datetime.date, by: User
) -> Agreement:
    """A new draft agreement that renews ``agreement`` with the same terms and parties (their
    signatures to be given again); ``agreement`` is marked renewed when the new one starts."""
    _require_staff(by)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status not in (Status.ACTIVE, Status.EXPIRED):
            raise PartnerRefused(
                "not_renewable",
                _("Only an active or expired agreement is renewed; this one is %(status)s.")
                % {"status": _status_label(agreement.status)},
            )
        if Agreement.objects.filter(reference=reference).exists():
            raise PartnerRefused(
                "reference_taken",
                _("Another agreement has the reference %(reference)s.") % {"reference": reference},
            )
        start = (agreement.end_date or timezone.localdate()) + datetime.timedelta(days=1)
        if ends_on < start:
            raise PartnerRefused(
                "ends_too_early",
                _("A renewal starts on %(day)s: it must end after that.") % {"day": _day(start)},
            )
        parties = list(agreement.parties.all())
        renewal = Agreement.objects.get(pk=agreement.pk)
        renewal.pk = None
        renewal._state.adding = True
        renewal.reference = reference
        renewal.renewal_of = agreement
        renewal.status = Status.DRAFT
        renewal.status_changed_at = timezone.now()
        renewal.status_reason = ""
        renewal.effective_on, renewal.ends_on, renewal.term_months = start, ends_on, None
        renewal.save()
        AgreementParty.objects.bulk_create(
            AgreementParty(agreement=renewal, organisation_id=p.organisation_id) for p in parties
        )
        audit_record(
            actor=by,
            action="partners.agreement.created",
            target=renewal,
            data={"renewal_of": agreement.reference},
        )
    return renewal


def recompute_statuses(today: datetime.date | None = None) -> dict[str, int]:
    """Statuses that follow from the date: an agreement awaiting signature, signed by all and
    effective, becomes active; an active one past its end date expires, or runs another term
    when it renews automatically. Safe to run twice; the number of each change."""
    today = today or timezone.localdate()
    changed = {"activated": 0, "expired": 0, "auto_renewed": 0}
    for pk in Agreement.objects.filter(
        status=Status.AWAITING_SIGNATURE, effective_on__lte=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            try:
                _check_can_start(agreement, today=today)
            except PartnerRefused:
                continue
            _set_status(agreement, Status.ACTIVE, by=None, reason=_("Effective date reached."))
            changed["activated"] += 1
    for pk in Agreement.objects.filter(status=Status.ACTIVE).values_list("pk", flat=True):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            end = agreement.end_date
            if agreement.status != Status.ACTIVE or end is None or end >= today:
                continue
            if agreement.auto_renews:
                _auto_renew(agreement, end, today)
                changed["auto_renewed"] += 1
            else:
                _set_status(agreement, Status.EXPIRED, by=None, reason="")
                changed["expired"] += 1
    return changed


def _auto_renew(agreement: Agreement, end: datetime.date, today: datetime.date) -> None:
    """Extend the agreement by its term (or its first length) until it reaches ``today``."""
    months = agreement.term_months
    if not months and agreement.effective_on:
        length = end - agreement.effective_on
        months = max(1, round(length.days / 30.4))
    new_end = end
    while new_end < today:
        new_end = add_months(new_end, months or 12)
    before = agreement.ends_on
    agreement.ends_on = new_end
    agreement.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        actor=None,
        action="partners.agreement.auto_renewed",
        target=agreement,
        data={
            "from": before.isoformat() if before else end.isoformat(),
            "to": new_end.isoformat(),
        },
    )


# --- Obligations -------------------------------------------------------------------------------


def obligation_create(
    *, agreement: Agreement, party: AgreementParty, description: str, by: User, reason: str = ""
) -> Obligation:
    """A new obligation of ``party``; once the agreement binds, only with a reason (an
    amendment)."""
    _require_staff(by)
    description = description.strip()
    if not description:
        raise PartnerRefused("description_required", _("Describe the obligation."))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        _check_obligations_may_change(agreement, reason)
        if party.agreement_id != agreement.pk:
            raise PartnerRefused("not_a_party", _("This party is not a party to the agreement."))
        obligation = Obligation.objects.create(
            agreement=agreement, party=party, description=description
        )
        audit_record(
            actor=by,
            action="partners.obligation.created",
            target=agreement,
            data={"obligation": obligation.pk, "to": description, "reason": reason.strip()},
        )
    return obligation


def obligation_amend(
    *, obligation: Obligation, description: str, by: User, reason: str = ""
) -> Obligation:
    """Change what an obligation says; once the agreement binds, only with a reason."""
    _require_staff(by)
    description = description.strip()
    if not description:
        raise PartnerRefused("description_required", _("Describe the obligation."))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=obligation.agreement_id)
        _check_obligations_may_change(agreement, reason)
        obligation = Obligation.objects.get(pk=obligation.pk)
        before = obligation.description
        obligation.description = description
        obligation.save(update_fields=["description", "updated_at"])
        audit_record(
            actor=by,
            action="partners.obligation.amended",
            target=agreement,
            data={
                "obligation": obligation.pk,
                "from": before,
                "to": description,
                "reason": reason.strip(),
            },
        )
    return obligation


def obligation_delete(*, obligation: Obligation, by: User) -> None:
    """Delete an obligation of an agreement that does not bind anyone yet."""
    _require_staff(by)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=obligation.agreement_id)
        if agreement.status not in Agreement.OPEN_STATUSES:
            raise PartnerRefused(
                "obligations_kept",
                _("The agreement is %(status)s: its obligations can't be deleted, only amended.")
                % {"status": _status_label(agreement.status)},
            )
        obligation = Obligation.objects.get(pk=obligation.pk)
        if obligation.deliverables.exists():
            raise PartnerRefused(
                "has_deliverables",
                _("Delete the obligation's deliverables first."),
            )
        description = obligation.description
        obligation.delete()
        audit_record(
            actor=by,
            action="partners.obligation.deleted",
            target=agreement,
            data={"from": description},
        )


def _check_obligations_may_change(agreement: Agreement, reason: str) -> None:
    if agreement.status in Agreement.FINAL_STATUSES:
        raise PartnerRefused(
            "ended",
            _("The agreement has ended (%(status)s): its obligations are kept as they were.")
            % {"status": _status_label(agreement.status)},
        )
    if agreement.status == Status.ACTIVE and not reason.strip():
        raise PartnerRefused(
            "amendment_reason_required",
            _("The agreement is active: say which amendment changes its obligations."),
        )


# --- Deliverables ----------------------------------------------------------------------------


def is_partner_side(deliverable: Deliverable) -> bool:
    """Whether the partner itself is responsible for the deliverable."""
    agreement = deliverable.obligation.agreement
    return deliverable.responsible.organisation_id == agreement.partner.organisation_id


def acts_for_partner(user: User, partner: Partner) -> bool:
    return partner.organisation in organisations_for_role(user, Membership.Role.PARTNER_REVIEWER)


def may_submit(user: User, deliverable: Deliverable) -> bool:
    """The responsible side submits: the partner's reviewers, or KSG staff for any other."""
    if is_partner_side(deliverable):
        return acts_for_partner(user, deliverable.obligation.agreement.partner)
    return is_ksg_staff(user)


def may_review(user: User, deliverable: Deliverable) -> bool:
    """The other side reviews: KSG staff a partner's deliverable, the partner's reviewers any
    other."""
    if is_partner_side(deliverable):
        return is_ksg_staff(user)
    return acts_for_partner(user, deliverable.obligation.agreement.partner)


def may_comment(user: User, deliverable: Deliverable) -> bool:
    return is_ksg_staff(user) or acts_for_partner(user, deliverable.obligation.agreement.partner)


def _lock_deliverable(deliverable: Deliverable) -> Deliverable:
    return (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("obligation__agreement__partner__organisation", "responsible")
        .get(pk=deliverable.pk)
    )


def _review(
    deliverable: Deliverable,
    *,
    by: User,
    decision: str,
    comment: str,
    to: str | None = None,
) -> Review:
    before = deliverable.review_state
    if to is not None:
        deliverable.review_state = to
        deliverable.review_state_changed_at = timezone.now()
        deliverable.save(update_fields=["review_state", "review_state_changed_at", "updated_at"])
    review = Review.objects.create(
        deliverable=deliverable, author=by, decision=decision, comment=comment
    )
    data = {"reason": comment} if comment else {}
    if to is not None:
        data |= {"from": before, "to": to}
    audit_record(actor=by, action=f"partners.deliverable.{decision}", target=deliverable, data=data)
    return review


def _check_agreement_open_for_review(deliverable: Deliverable) -> None:
    agreement = deliverable.obligation.agreement
    if agreement.status == Status.TERMINATED:
        raise PartnerRefused(
            "terminated", _("The agreement was terminated: its deliverables are closed.")
        )


def _not_in_state(deliverable: Deliverable, action: str) -> PartnerRefused:
    return PartnerRefused(
        "wrong_state",
        _("The deliverable is %(state)s: it can't be %(action)s now.")
        % {"state": deliverable.get_review_state_display().lower(), "action": action},
    )


def deliverable_submit(*, deliverable: Deliverable, by: User, comment: str = "") -> Deliverable:
    """The responsible side hands the deliverable in for review (again, after changes)."""
    with transaction.atomic():
        deliverable = _lock_deliverable(deliverable)
        if not may_submit(by, deliverable):
            raise PartnerRefused(
                "not_responsible", _("Only the side responsible for it submits a deliverable.")
            )
        _check_agreement_open_for_review(deliverable)
        if deliverable.review_state not in SUBMITTABLE:
            raise _not_in_state(deliverable, _("submitted"))
        _review(
            deliverable,
            by=by,
            decision=Review.Decision.SUBMITTED,
            comment=comment.strip(),
            to=ReviewState.SUBMITTED,
        )
    return deliverable


def deliverable_start_review(*, deliverable: Deliverable, by: User) -> Deliverable:
    """The reviewing side says it is looking at the submitted deliverable."""
    with transaction.atomic():
        deliverable = _lock_deliverable(deliverable)
        _check_reviewer(by, deliverable)
        if deliverable.review_state != ReviewState.SUBMITTED:
            raise _not_in_state(deliverable, _("taken into review"))
        _review(
            deliverable,
            by=by,
            decision=Review.Decision.REVIEW_STARTED,
            comment="",
            to=ReviewState.IN_REVIEW,
        )
    return deliverable


def deliverable_accept(*, deliverable: Deliverable, by: User, comment: str = "") -> Deliverable:
    """The reviewing side accepts the submitted deliverable."""
    with transaction.atomic():
        deliverable = _lock_deliverable(deliverable)
        _check_reviewer(by, deliverable)
        if deliverable.review_state not in DECIDABLE:
            raise _not_in_state(deliverable, _("accepted"))
        _review(
            deliverable,
            by=by,
            decision=Review.Decision.ACCEPTED,
            comment=comment.strip(),
            to=ReviewState.ACCEPTED,
        )
    return deliverable


def deliverable_request_changes(*, deliverable: Deliverable, by: User, reason: str) -> Deliverable:
    """The reviewing side sends the deliverable back, saying what must change."""
    reason = reason.strip()
    if not reason:
        raise PartnerRefused("reason_required", _("Say what must change."))
    with transaction.atomic():
        deliverable = _lock_deliverable(deliverable)
        _check_reviewer(by, deliverable)
        if deliverable.review_state not in DECIDABLE:
            raise _not_in_state(deliverable, _("sent back for changes"))
        _review(
            deliverable,
            by=by,
            decision=Review.Decision.CHANGES_REQUESTED,
            comment=reason,
            to=ReviewState.CHANGES_REQUESTED,
        )
    return deliverable


def deliverable_comment(*, deliverable: Deliverable, by: User, comment: str) -> Review:
    """Add a comment to the deliverable's thread, in any review state."""
    comment = comment.strip()
    if not comment:
        raise PartnerRefused("comment_required", _("Write a comment first."))
    with transaction.atomic():
        deliverable = _lock_deliverable(deliverable)
        if not may_comment(by, deliverable):
            raise PartnerRefused("not_allowed", _("You may not comment on this deliverable."))
        return _review(deliverable, by=by, decision=Review.Decision.COMMENT, comment=comment)


def _check_reviewer(by: User, deliverable: Deliverable) -> None:
    if not may_review(by, deliverable):
        if is_partner_side(deliverable):
            message = _("The partner's own deliverables are reviewed by KSG staff.")
        else:
            message = _("This deliverable is reviewed by the partner's reviewers.")
        raise PartnerRefused("not_reviewer", message)
    _check_agreement_open_for_review(deliverable)


# --- KPIs ----------------------------------------------------------------------------------


def kpi_record_result(*, kpi: Kpi, value: Decimal, note: str, by: User) -> Kpi:
    """Enter the result of a KPI that is not computed from completions."""
    _require_staff(by)
    if value < 0:
        raise PartnerRefused("negative", _("A result can't be negative."))
    with transaction.atomic():
        kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
        if kpi.kind == Kpi.Kind.TRAINING:
            raise PartnerRefused(
                "computed",
                _("This KPI is computed from the officers who completed its courses."),
            )
        before = kpi.manual_actual
        kpi.manual_actual = value
        kpi.manual_actual_note = note.strip()
        kpi.manual_actual_at = timezone.now()
        kpi.save(
            update_fields=["manual_actual", "manual_actual_note", "manual_actual_at", "updated_at"]
        )
        audit_record(
            actor=by,
            action="partners.kpi.result_recorded",
            target=kpi,
            data={
                "from": str(before) if before is not None else None,
                "to": str(value),
                "reason": kpi.manual_actual_note,
            },
        )
    return kpi


# --- Documents -----------------------------------------------------------------------------


def document_upload(
    *,
    upload,
    kind: str,
    by: User,
    partner: Partner | None = None,
    agreement: Agreement | None = None,
    deliverable: Deliverable | None = None,
    kpi: Kpi | None = None,
) -> Document:
    """Check ``upload`` (``partners.uploads``) and store it under a random name, with its
    SHA-256 and uploader. Nothing is stored when it is refused."""
    if deliverable is not None:
        agreement = deliverable.obligation.agreement
        if not (may_submit(by, deliverable) or may_review(by, deliverable)):
            raise PartnerRefused("not_allowed", _("You may not add documents to this deliverable."))
    elif not is_ksg_staff(by):
        raise PartnerRefused("not_allowed", _("Only KSG staff may do this."))
    if kpi is not None:
        agreement = kpi.agreement
    if agreement is not None:
        partner = agreement.partner
    if partner is None:
        raise ValueError("A document belongs to a partner.")
    try:
        checked = uploads.check_upload(
            upload, only=uploads.IMAGES if kind == Document.Kind.LOGO else None
        )
    except uploads.UploadRefused as refusal:
        raise PartnerRefused(refusal.code, refusal.message) from None
    document = Document(
        partner=partner,
        agreement=agreement,
        deliverable=deliverable,
        kpi=kpi,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    # The storage name is random (models._document_path); only the format's extension is kept.
    document.file.save(f"upload{checked.extension}", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit_record(
                actor=by,
                action="partners.document.uploaded",
                target=deliverable or kpi or agreement or partner,
                data={
                    "document": document.pk,
                    "name": checked.name,
                    "sha256": checked.sha256,
                    "size": checked.size,
                },
            )
    except Exception:
        document.file.delete(save=False)
        raise
    return document
