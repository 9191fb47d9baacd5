"""The lifecycle of an agreement: each step its rules allow, each other refused with a reason,
and statuses that follow from the date."""

import datetime

import pytest

from academy.models import AuditEvent
from partners import services
from partners.models import Agreement, AgreementParty, Obligation
from tests.partners.conftest import days, make_agreement, party_of

Status = Agreement.Status
pytestmark = pytest.mark.django_db


def refusal(call) -> services.PartnerRefused:
    with pytest.raises(services.PartnerRefused) as caught:
        call()
    return caught.value


@pytest.fixture
def draft(huawei_partner, ksg):
    return make_agreement(huawei_partner, ksg)


def walk(agreement, by, *steps):
    for step in steps:
        agreement = services.agreement_transition(agreement=agreement, to=step, by=by)
    return agreement


def test_the_way_to_active_is_audited_step_by_step(draft, ksg_staff, ksg, huawei):
    agreement = walk(draft, ksg_staff, Status.NEGOTIATION, Status.LEGAL_REVIEW)
    for organisation in (ksg, huawei):
        services.agreement_sign(
            party=party_of(agreement, organisation),
            signatory_name="A. Signatory",
            signatory_title="Director",
            signed_on=days(-1),
            by=ksg_staff,
        )
    agreement = walk(agreement, ksg_staff, Status.AWAITING_SIGNATURE, Status.ACTIVE)

    assert agreement.status == Status.ACTIVE
    actions = list(
        AuditEvent.objects.filter(target_id=str(draft.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "partners.agreement.negotiation",
        "partners.agreement.legal_review",
        "partners.agreement.signed",
        "partners.agreement.signed",
        "partners.agreement.awaiting_signature",
        "partners.agreement.active",
    ]
    last = AuditEvent.objects.filter(action="partners.agreement.active").get()
    assert last.actor == ksg_staff
    assert last.data["from"] == Status.AWAITING_SIGNATURE


@pytest.mark.parametrize(
    ("start", "to", "code"),
    [
        (Status.DRAFT, Status.ACTIVE, "not_next"),
        (Status.DRAFT, Status.LEGAL_REVIEW, "not_next"),
        (Status.NEGOTIATION, Status.AWAITING_SIGNATURE, "not_next"),
        (Status.DRAFT, Status.DRAFT, "same_status"),
        (Status.ACTIVE, Status.EXPIRED, "by_date_only"),
        (Status.ACTIVE, Status.RENEWED, "by_renewal_only"),
        (Status.ACTIVE, Status.NEGOTIATION, "not_next"),
        (Status.TERMINATED, Status.ACTIVE, "ended"),
        (Status.EXPIRED, Status.ACTIVE, "ended"),
        (Status.RENEWED, Status.NEGOTIATION, "ended"),
        (Status.DRAFT, "signed", "unknown_status"),
    ],
)
def test_illegal_steps_are_refused_with_a_reason(huawei_partner, ksg, ksg_staff, start, to, code):
    agreement = make_agreement(huawei_partner, ksg, status=start, signed=True)

    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=to, by=ksg_staff)
    )

    assert refused.code == code
    assert refused.message
    agreement.refresh_from_db()
    assert agreement.status == start
    assert not AuditEvent.objects.filter(action__startswith="partners.agreement").exists()


def test_the_refusal_names_the_allowed_steps(draft, ksg_staff):
    refused = refusal(
        lambda: services.agreement_transition(agreement=draft, to=Status.ACTIVE, by=ksg_staff)
    )
    assert "in negotiation" in refused.message
    assert "active" in refused.message


def test_only_ksg_staff_move_an_agreement(draft, huawei_reviewer):
    refused = refusal(
        lambda: services.agreement_transition(
            agreement=draft, to=Status.NEGOTIATION, by=huawei_reviewer
        )
    )
    assert refused.code == "not_allowed"


def awaiting(partner, ksg, **fields):
    return make_agreement(partner, ksg, status=Status.AWAITING_SIGNATURE, **fields)


def test_active_needs_every_signature(huawei_partner, ksg, ksg_staff):
    agreement = awaiting(huawei_partner, ksg)
    party_of(agreement, ksg).__class__.objects.filter(organisation=ksg).update(
        signatory_name="Prof. Nura Mohamed", signed_on=days(-1)
    )

    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=Status.ACTIVE, by=ksg_staff)
    )

    assert refused.code == "not_signed"
    assert "Huawei Technologies (Kenya) Co. Ltd" in refused.message
    assert "Kenya School of Government" not in refused.message


def test_active_needs_an_effective_date(huawei_partner, ksg, ksg_staff):
    agreement = awaiting(huawei_partner, ksg, signed=True, effective_on=None, ends_on=None)
    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=Status.ACTIVE, by=ksg_staff)
    )
    assert refused.code == "no_effective_date"


def test_active_waits_for_the_effective_date(huawei_partner, ksg, ksg_staff):
    agreement = awaiting(huawei_partner, ksg, signed=True, effective_on=days(5))
    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=Status.ACTIVE, by=ksg_staff)
    )
    assert refused.code == "not_yet_effective"


def test_active_needs_two_parties(huawei_partner, ksg, ksg_staff):
    agreement = awaiting(huawei_partner, ksg, signed=True)
    AgreementParty.objects.filter(agreement=agreement, organisation=ksg).delete()
    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=Status.ACTIVE, by=ksg_staff)
    )
    assert refused.code == "parties_missing"


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.ACTIVE, Status.TERMINATED),
        (Status.LEGAL_REVIEW, Status.NEGOTIATION),
        (Status.AWAITING_SIGNATURE, Status.LEGAL_REVIEW),
    ],
)
def test_going_back_or_terminating_needs_a_reason(huawei_partner, ksg, ksg_staff, start, to):
    agreement = make_agreement(huawei_partner, ksg, status=start, signed=True)
    refused = refusal(
        lambda: services.agreement_transition(agreement=agreement, to=to, by=ksg_staff, reason=" ")
    )
    assert refused.code == "reason_required"

    agreement = services.agreement_transition(
        agreement=agreement, to=to, by=ksg_staff, reason="Budget withdrawn."
    )
    assert agreement.status == to
    assert agreement.status_reason == "Budget withdrawn."


def test_signatures_only_while_being_signed(mou, ksg, ksg_staff):
    refused = refusal(
        lambda: services.agreement_sign(
            party=party_of(mou, ksg),
            signatory_name="Someone",
            signatory_title="",
            signed_on=days(-1),
            by=ksg_staff,
        )
    )
    assert refused.code == "not_for_signature"


def test_a_signature_is_not_dated_in_the_future(huawei_partner, ksg, ksg_staff):
    agreement = awaiting(huawei_partner, ksg)
    refused = refusal(
        lambda: services.agreement_sign(
            party=party_of(agreement, ksg),
            signatory_name="Someone",
            signatory_title="",
            signed_on=days(1),
            by=ksg_staff,
        )
    )
    assert refused.code == "future_signature"


# --- Obligations -------------------------------------------------------------------------------


def test_an_active_agreements_obligations_are_not_deleted_only_amended(ksg_deliverable, ksg_staff):
    obligation = ksg_deliverable.obligation
    ksg_deliverable.delete()

    refused = refusal(lambda: services.obligation_delete(obligation=obligation, by=ksg_staff))
    assert refused.code == "obligations_kept"
    assert Obligation.objects.filter(pk=obligation.pk).exists()

    refused = refusal(
        lambda: services.obligation_amend(
            obligation=obligation, description="Train 200 officers.", by=ksg_staff
        )
    )
    assert refused.code == "amendment_reason_required"

    services.obligation_amend(
        obligation=obligation,
        description="Train 200 officers.",
        by=ksg_staff,
        reason="Addendum 1 of 3 March.",
    )
    obligation.refresh_from_db()
    assert obligation.description == "Train 200 officers."
    event = AuditEvent.objects.get(action="partners.obligation.amended")
    assert event.data["from"] == "Train senior officers in data governance."
    assert event.data["reason"] == "Addendum 1 of 3 March."


def test_a_draft_agreements_obligation_may_be_deleted(draft, ksg, ksg_staff):
    obligation = services.obligation_create(
        agreement=draft, party=party_of(draft, ksg), description="Host the cohorts.", by=ksg_staff
    )
    services.obligation_delete(obligation=obligation, by=ksg_staff)
    assert not Obligation.objects.filter(pk=obligation.pk).exists()
    assert AuditEvent.objects.filter(action="partners.obligation.deleted").exists()


def test_an_ended_agreements_obligations_do_not_change(huawei_partner, ksg, ksg_staff):
    agreement = make_agreement(huawei_partner, ksg, status=Status.EXPIRED, signed=True)
    refused = refusal(
        lambda: services.obligation_create(
            agreement=agreement,
            party=party_of(agreement, ksg),
            description="More.",
            by=ksg_staff,
            reason="Late addendum",
        )
    )
    assert refused.code == "ended"


# --- By date -------------------------------------------------------------------------------


def test_recompute_activates_expires_and_renews(huawei_partner, ksg):
    waiting = awaiting(huawei_partner, ksg, signed=True, effective_on=days(0))
    unsigned = awaiting(huawei_partner, ksg, effective_on=days(0))
    ending = make_agreement(
        huawei_partner, ksg, status=Status.ACTIVE, signed=True, ends_on=days(-1)
    )
    last_day = make_agreement(
        huawei_partner, ksg, status=Status.ACTIVE, signed=True, ends_on=days(0)
    )
    renewing = make_agreement(
        huawei_partner,
        ksg,
        status=Status.ACTIVE,
        signed=True,
        effective_on=days(-365),
        ends_on=days(-1),
        auto_renews=True,
        term_months=12,
    )

    changed = services.recompute_statuses()

    assert changed == {"activated": 1, "expired": 1, "auto_renewed": 1}
    for agreement in (waiting, unsigned, ending, last_day, renewing):
        agreement.refresh_from_db()
    assert waiting.status == Status.ACTIVE
    assert unsigned.status == Status.AWAITING_SIGNATURE
    assert ending.status == Status.EXPIRED
    assert last_day.status == Status.ACTIVE
    assert renewing.status == Status.ACTIVE
    assert renewing.ends_on > days(300)
    # Twice is the same as once.
    assert services.recompute_statuses() == {"activated": 0, "expired": 0, "auto_renewed": 0}


def test_an_agreement_with_a_term_ends_after_the_term(huawei_partner, ksg):
    agreement = make_agreement(
        huawei_partner,
        ksg,
        status=Status.ACTIVE,
        signed=True,
        effective_on=datetime.date(2022, 3, 25),
        ends_on=None,
        term_months=36,
    )
    assert agreement.end_date == datetime.date(2025, 3, 25)
    services.recompute_statuses(today=datetime.date(2025, 3, 25))
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE
    services.recompute_statuses(today=datetime.date(2025, 3, 26))
    agreement.refresh_from_db()
    assert agreement.status == Status.EXPIRED


def test_a_renewal_marks_the_old_agreement_renewed_when_it_starts(mou, ksg, huawei, ksg_staff):
    renewal = services.agreement_renew(
        agreement=mou, reference="KSG/MOU/2028/1", ends_on=days(1500), by=ksg_staff
    )
    assert renewal.status == Status.DRAFT
    assert renewal.parties.count() == 2
    assert not renewal.parties.filter(signed_on__isnull=False).exists()

    renewal = walk(renewal, ksg_staff, Status.NEGOTIATION, Status.LEGAL_REVIEW)
    AgreementParty.objects.filter(agreement=renewal).update(
        signatory_name="Someone", signed_on=days(0)
    )
    Agreement.objects.filter(pk=renewal.pk).update(effective_on=days(0))
    renewal.refresh_from_db()
    walk(renewal, ksg_staff, Status.AWAITING_SIGNATURE, Status.ACTIVE)

    mou.refresh_from_db()
    assert mou.status == Status.RENEWED
    assert "KSG/MOU/2028/1" in mou.status_reason


def test_a_draft_is_not_renewed(huawei_partner, ksg, ksg_staff):
    draft = make_agreement(huawei_partner, ksg)
    refused = refusal(
        lambda: services.agreement_renew(
            agreement=draft, reference="X/1", ends_on=days(900), by=ksg_staff
        )
    )
    assert refused.code == "not_renewable"
