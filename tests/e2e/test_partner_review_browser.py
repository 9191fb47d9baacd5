"""In a real browser: Huawei's reviewer requests changes on a deliverable, KSG staff answer and
submit it again, the reviewer accepts. The partner pages meet WCAG 2.1 AA on a desktop and on a
360 px phone, where no page scrolls sideways."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from partners import services
from partners.models import Deliverable, Kpi
from tests.partners.conftest import make_agreement, party_of

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def submitted(transactional_db, huawei, ksg, ksg_staff, huawei_reviewer):
    from partners.models import Agreement, Obligation, Partner

    partner = Partner.objects.create(
        organisation=huawei,
        legal_name="Huawei Technologies (Kenya) Co. Ltd",
        kind="private_company",
    )
    mou = make_agreement(partner, ksg, status=Agreement.Status.ACTIVE, signed=True)
    party = party_of(mou, ksg)
    obligation = Obligation.objects.create(
        agreement=mou, party=party, description="Assess the training needs of senior officers."
    )
    deliverable = Deliverable.objects.create(
        obligation=obligation,
        title="Training needs assessment",
        responsible=party,
        due_on=mou.ends_on,
        kind=Deliverable.Kind.REPORT,
    )
    Kpi.objects.create(
        agreement=mou, name="Laptops delivered", unit="laptops", kind="manual", target=50
    )
    return services.deliverable_submit(deliverable=deliverable, by=ksg_staff, comment="Attached.")


def test_changes_requested_answered_and_accepted(sign_in, submitted, ksg_staff, huawei_reviewer):
    url = f"/partners/deliverables/{submitted.pk}/"
    reviewer = sign_in(huawei_reviewer, viewport=PHONE)
    reviewer.goto(url)
    comment = reviewer.get_by_role("textbox", name="Comment")
    comment.fill("Break the needs down by ministry, please.")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_text("Changes requested.", exact=True)).to_be_visible()
    assert reviewer.evaluate("document.documentElement.scrollWidth") <= 360

    staff = sign_in(ksg_staff)
    staff.goto(url)
    thread = staff.get_by_role("region", name="Review and comments")
    expect(thread.get_by_text("Break the needs down by ministry, please.")).to_be_visible()
    staff.get_by_role("textbox", name="Comment").fill("Done: see the second sheet.")
    staff.get_by_role("button", name="Submit for review").click()
    expect(staff.get_by_text("Submitted for review.", exact=True)).to_be_visible()

    reviewer.reload()
    thread = reviewer.get_by_role("region", name="Review and comments")
    expect(thread.get_by_text("Done: see the second sheet.")).to_be_visible()
    reviewer.get_by_role("button", name="Accept").click()
    expect(reviewer.get_by_text("Deliverable accepted.", exact=True)).to_be_visible()
    submitted.refresh_from_db()
    assert submitted.review_state == Deliverable.ReviewState.ACCEPTED


@pytest.mark.parametrize("locale", ["en-GB", "sw"])
@pytest.mark.parametrize("viewport", [{}, {"viewport": PHONE}], ids=["desktop", "phone"])
def test_partner_pages_meet_wcag_21_aa(
    sign_in, submitted, huawei_reviewer, ksg_staff, viewport, locale
):
    agreement = submitted.obligation.agreement
    kpi = agreement.kpis.get()
    axe = Axe()
    found = {}
    for user in (huawei_reviewer, ksg_staff):
        page = sign_in(user, locale=locale, **viewport)
        for path in (
            "/partners/",
            f"/partners/{agreement.partner_id}/",
            "/partners/deliverables/",
            f"/partners/agreements/{agreement.pk}/",
            f"/partners/deliverables/{submitted.pk}/",
            f"/partners/kpis/{kpi.pk}/",
            f"/partners/obligations/{submitted.obligation_id}/",
        ):
            if user == huawei_reviewer and "/obligations/" in path:
                continue
            page.goto(path)
            result = axe.run(page, options=WCAG_21_AA)
            if result.violations_count:
                found[f"{user.email} {path}"] = result.generate_report()
            if viewport:
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, f"{path} scrolls sideways on a phone ({width} px)"
    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())
