"""The partner pages: who may open what (every URL of the app is classified here), the outsider
who sees nothing of Huawei's, the review flow through forms, and documents served as downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from partners import services
from partners.models import Agreement, Deliverable, Document, Kpi
from tests.partners.test_uploads import HTML, PDF

pytestmark = pytest.mark.django_db
ReviewState = Deliverable.ReviewState


@pytest.fixture
def document(mou, ksg_staff):
    return services.document_upload(
        upload=SimpleUploadedFile("Signed MoU.pdf", PDF),
        kind=Document.Kind.SIGNED_AGREEMENT,
        by=ksg_staff,
        agreement=mou,
    )


@pytest.fixture
def objects(mou, ksg_deliverable, manual_kpi, document):
    return {
        "partner": mou.partner_id,
        "obligation": ksg_deliverable.obligation_id,
        "agreement": mou.pk,
        "deliverable": ksg_deliverable.pk,
        "kpi": manual_kpi.pk,
        "document": document.pk,
    }


# Every URL of the partners app: its method, and the object its id names ("" for none).
# GET pages are open to KSG staff and the partner's reviewers; POSTs marked "staff" to KSG staff.
URLS = {
    "agreements": ("get", "", "both"),
    "partner": ("get", "partner", "both"),
    "partner_logo": ("post", "partner", "staff"),
    "agreement": ("get", "agreement", "both"),
    "agreement_status": ("post", "agreement", "staff"),
    "agreement_sign": ("post", "agreement", "staff"),
    "agreement_upload": ("post", "agreement", "staff"),
    "agreement_renew": ("post", "agreement", "staff"),
    "obligation_add": ("post", "agreement", "staff"),
    "obligation": ("get", "obligation", "staff"),
    "obligation_delete": ("post", "obligation", "staff"),
    "deliverables": ("get", "", "both"),
    "deliverable": ("get", "deliverable", "both"),
    "deliverable_review": ("post", "deliverable", "both"),
    "deliverable_upload": ("post", "deliverable", "both"),
    "kpi": ("get", "kpi", "both"),
    "kpi_result": ("post", "kpi", "staff"),
    "kpi_upload": ("post", "kpi", "staff"),
    "document": ("get", "document", "both"),
}


def test_every_partner_url_is_classified():
    resolver = get_resolver()
    names = {
        entry.name
        for entry in resolver.url_patterns
        if getattr(entry, "namespace", None) == "partners"
        for entry in entry.url_patterns
        if isinstance(entry, URLPattern)
    }
    assert names == set(URLS)


def url_of(name, objects):
    _method, target, _who = URLS[name]
    return reverse(f"partners:{name}", args=[objects[target]] if target else [])


def call(client, name, objects):
    method = URLS[name][0]
    return getattr(client, method)(url_of(name, objects))


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, name):
    response = call(client, name, objects)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", sorted(URLS))
def test_officers_are_refused(client, objects, wanjiku, name):
    client.force_login(wanjiku)
    assert call(client, name, objects).status_code == 403


@pytest.mark.parametrize("name", sorted(name for name, (_m, t, _w) in URLS.items() if t))
def test_another_partners_reviewer_finds_nothing_of_huaweis(client, objects, icdl_reviewer, name):
    client.force_login(icdl_reviewer)
    expected = 404 if URLS[name][2] == "both" else 403
    assert call(client, name, objects).status_code == expected


def test_another_partners_reviewer_lists_nothing_of_huaweis(client, objects, icdl_reviewer, mou):
    client.force_login(icdl_reviewer)
    for name in ("agreements", "deliverables"):
        html = client.get(reverse(f"partners:{name}")).content.decode()
        assert mou.reference not in html
        assert "Huawei" not in html


@pytest.mark.parametrize(
    "name", sorted(n for n, (m, _t, w) in URLS.items() if m == "get" and w == "both")
)
def test_staff_and_huaweis_reviewer_open_every_page(
    client, objects, ksg_staff, huawei_reviewer, name
):
    for user in (ksg_staff, huawei_reviewer):
        client.force_login(user)
        assert call(client, name, objects).status_code == 200, user


@pytest.mark.parametrize("name", sorted(n for n, (_m, _t, w) in URLS.items() if w == "staff"))
def test_reviewers_may_not_manage(client, objects, huawei_reviewer, name):
    client.force_login(huawei_reviewer)
    assert call(client, name, objects).status_code == 403


def test_the_reviewer_sees_the_agreement_with_progress(client, mou, manual_kpi, huawei_reviewer):
    manual_kpi.manual_actual = 20
    manual_kpi.save()
    client.force_login(huawei_reviewer)

    html = client.get(reverse("partners:agreement", args=[mou.pk])).content.decode()

    assert mou.title in html
    assert f'<progress id="kpi-{manual_kpi.pk}" max="100" value="40"' in html
    assert "20 of 50 laptops (40%)" in html
    # The reviewer does not manage: no status form, no upload, no history of staff work.
    assert "Change the status" not in html
    assert "Upload a document" not in html


def test_staff_change_the_status_from_the_page(client, mou, ksg_staff):
    client.force_login(ksg_staff)
    url = reverse("partners:agreement_status", args=[mou.pk])

    response = client.post(url, {"to": "terminated", "reason": ""})
    assert response.status_code == 400
    assert "Say why, so that the other side knows." in response.content.decode()

    response = client.post(url, {"to": "terminated", "reason": "Superseded."})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.TERMINATED


def test_the_review_flow_through_the_page(client, ksg_deliverable, ksg_staff, huawei_reviewer):
    url = reverse("partners:deliverable_review", args=[ksg_deliverable.pk])
    page = reverse("partners:deliverable", args=[ksg_deliverable.pk])
    client.force_login(ksg_staff)
    assert client.post(url, {"action": "submit", "comment": "Done."}).status_code == 302

    client.force_login(huawei_reviewer)
    html = client.get(page).content.decode()
    assert 'value="request_changes"' in html
    assert 'value="accept"' in html
    response = client.post(url, {"action": "request_changes", "comment": ""})
    assert response.status_code == 400
    assert "Say what must change." in response.content.decode()
    client.post(url, {"action": "request_changes", "comment": "Add the attendance list."})

    client.force_login(ksg_staff)
    client.post(url, {"action": "comment", "comment": "Attached."})
    client.post(url, {"action": "submit", "comment": ""})
    client.force_login(huawei_reviewer)
    client.post(url, {"action": "accept", "comment": ""})

    ksg_deliverable.refresh_from_db()
    assert ksg_deliverable.review_state == ReviewState.ACCEPTED
    html = client.get(page).content.decode()
    assert "Add the attendance list." in html
    assert "Attached." in html
    # The history, from the audit trail.
    assert "Changes requested" in html
    assert "In review" not in html or "Submitted → Changes requested" in html


def test_a_refused_step_says_why(client, ksg_deliverable, huawei_reviewer):
    client.force_login(huawei_reviewer)
    response = client.post(
        reverse("partners:deliverable_review", args=[ksg_deliverable.pk]), {"action": "accept"}
    )
    assert response.status_code == 400
    assert "The deliverable is not started: it can&#x27;t be accepted now." in (
        response.content.decode()
    )


def test_a_document_is_a_download_with_nosniff(client, document, huawei_reviewer):
    client.force_login(huawei_reviewer)
    response = client.get(reverse("partners:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Signed MoU.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_media_files_are_not_served_directly(client, document, huawei_reviewer):
    client.force_login(huawei_reviewer)
    assert client.get("/media/" + document.file.name).status_code == 404


def test_a_hostile_upload_through_the_page_stores_nothing(client, mou, ksg_staff, _media):
    client.force_login(ksg_staff)
    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("../../report.pdf", HTML)},
    )
    assert response.status_code == 400
    assert "report.pdf is a web page" in response.content.decode()
    assert not Document.objects.exists()


def test_the_kpi_page_shows_aggregates_only(client, mou, huawei_reviewer, wanjiku):
    from tests.factories import CourseFactory, EnrollmentFactory
    from tests.partners.test_kpis import ending_on

    course = CourseFactory(code="DUG-401")
    kpi = Kpi.objects.create(agreement=mou, name="Officers trained", kind="training", target=5)
    kpi.courses.set([course])
    import datetime

    from django.utils import timezone

    run = ending_on(course, timezone.localdate() - datetime.timedelta(days=3), "K-1")
    EnrollmentFactory(officer=wanjiku, cohort=run, state="completed")
    client.force_login(huawei_reviewer)

    html = client.get(reverse("partners:kpi", args=[kpi.pk])).content.decode()

    assert "1 of 5 officers (20%)" in html
    assert "Nairobi City" not in html, "one officer's county would point to them"
    assert "Other counties (fewer than 5 officers each)" in html
    assert "fewer than 5</td>" in html
    assert "Wanjiku" not in html
    assert "2019001234" not in html
    assert wanjiku.email not in html


def test_list_pages_take_a_constant_number_of_queries(
    client, ksg_staff, huawei_partner, ksg, django_assert_max_num_queries
):
    from tests.partners.conftest import make_agreement

    for _ in range(5):
        make_agreement(huawei_partner, ksg)
    client.force_login(ksg_staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:agreements")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:deliverables")).status_code == 200


# --- Managing obligations and renewals from the pages -------------------------------------------


def test_staff_add_and_amend_obligations_with_the_rules(client, mou, ksg, ksg_staff):
    client.force_login(ksg_staff)
    party = mou.parties.get(organisation=ksg)
    add = reverse("partners:obligation_add", args=[mou.pk])

    response = client.post(
        add, {"obligation-party": party.pk, "obligation-description": "Host the labs."}
    )
    assert response.status_code == 400
    assert "say which amendment changes its obligations" in response.content.decode()

    response = client.post(
        add,
        {
            "obligation-party": party.pk,
            "obligation-description": "Host the labs.",
            "obligation-reason": "Addendum 2",
        },
    )
    assert response.status_code == 302
    obligation = mou.obligations.get()

    page = reverse("partners:obligation", args=[obligation.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"description": "Host two labs.", "reason": "Addendum 3"})
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.description == "Host two labs."

    response = client.post(reverse("partners:obligation_delete", args=[obligation.pk]))
    assert response.status_code == 400
    assert "can&#x27;t be deleted, only amended" in response.content.decode()


def test_staff_draft_a_renewal(client, mou, ksg_staff):
    client.force_login(ksg_staff)
    response = client.post(
        reverse("partners:agreement_renew", args=[mou.pk]),
        {"renew-reference": "KSG/MOU/2029", "renew-ends_on": "2031-12-31"},
    )
    assert response.status_code == 302
    renewal = Agreement.objects.get(reference="KSG/MOU/2029")
    assert renewal.renewal_of == mou
    assert renewal.status == Agreement.Status.DRAFT


def test_a_bound_obligation_is_read_only_in_the_admin(client, ksg_deliverable, ksg_staff):
    from django.contrib.admin.sites import site

    from partners.models import Obligation

    admin = site._registry[Obligation]
    request = type("R", (), {"user": ksg_staff})()
    ksg_staff.is_superuser = True
    assert not admin.has_change_permission(request, ksg_deliverable.obligation)
    assert not admin.has_delete_permission(request, ksg_deliverable.obligation)


def test_the_pages_speak_kiswahili(client, mou, ksg_deliverable, huawei_reviewer):
    client.force_login(huawei_reviewer)
    client.cookies["django_language"] = "sw"
    html = client.get(reverse("partners:agreement", args=[mou.pk])).content.decode()
    assert "Wahusika na watia saini" in html
    assert "Wajibu na kazi za kuwasilishwa" in html
    html = client.get(reverse("partners:deliverable", args=[ksg_deliverable.pk])).content.decode()
    assert "Ukaguzi na maoni" in html


def test_staff_upload_a_logo_that_everyone_of_the_partner_sees(
    client, huawei_partner, ksg_staff, huawei_reviewer
):
    from tests.partners.test_uploads import PNG

    client.force_login(ksg_staff)
    url = reverse("partners:partner_logo", args=[huawei_partner.pk])
    response = client.post(url, {"logo-file": SimpleUploadedFile("logo.pdf", PDF)})
    assert response.status_code == 400
    assert "only PNG, JPEG files are taken here" in response.content.decode()
    assert client.post(url, {"logo-file": SimpleUploadedFile("logo.png", PNG)}).status_code == 302

    client.force_login(huawei_reviewer)
    html = client.get(reverse("partners:partner", args=[huawei_partner.pk])).content.decode()
    logo = Document.objects.get(kind=Document.Kind.LOGO)
    assert f'src="{reverse("partners:document", args=[logo.pk])}"' in html
    assert 'alt="Logo of Huawei Technologies (Kenya) Co. Ltd"' in html


def test_records_saved_in_the_admin_are_audited(client, mou, ksg_staff):
    from academy.models import AuditEvent

    ksg_staff.is_superuser = True
    ksg_staff.save()
    client.force_login(ksg_staff)
    url = reverse("admin:partners_agreement_change", args=[mou.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data |= {"title": "A new title", "partner": mou.partner_id, "kind": mou.kind}
    data |= {key: value for key, value in data.items() if isinstance(value, bool) and value}
    for key in [k for k, v in data.items() if v is False]:
        del data[key]
    data |= {
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "effective_on": mou.effective_on.isoformat(),
        "ends_on": mou.ends_on.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="partners.agreement.updated")
    assert event.actor == ksg_staff
    assert "title" in event.data["fields"]


def test_focal_points_added_and_removed_in_the_admin_are_audited(client, huawei_partner, ksg_staff):
    from academy.models import AuditEvent
    from partners.models import FocalPoint

    gone = FocalPoint.objects.create(
        partner=huawei_partner, name="Old Contact", email="old@huawei.demo.co.ke"
    )
    ksg_staff.is_superuser = True
    ksg_staff.save()
    client.force_login(ksg_staff)
    url = reverse("admin:partners_partner_change", args=[huawei_partner.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and value is not False
    }
    data.pop("logo", None)
    prefix = "focal_points"
    data |= {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": str(gone.pk),
        f"{prefix}-0-partner": str(huawei_partner.pk),
        f"{prefix}-0-name": gone.name,
        f"{prefix}-0-email": gone.email,
        f"{prefix}-0-DELETE": "on",
        f"{prefix}-1-partner": str(huawei_partner.pk),
        f"{prefix}-1-name": "Grace Wairimu",
        f"{prefix}-1-title": "Public sector lead",
        f"{prefix}-1-email": "grace@huawei.demo.co.ke",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")

    added = AuditEvent.objects.get(action="partners.focalpoint.created")
    assert added.actor == ksg_staff
    assert {"name", "email", "title"} <= set(added.data["fields"])
    removed = AuditEvent.objects.get(action="partners.focalpoint.deleted")
    assert removed.target_id == str(gone.pk)
    assert "Old Contact" in removed.data["record"]
    assert list(huawei_partner.focal_points.values_list("name", flat=True)) == ["Grace Wairimu"]


def test_a_document_missing_from_the_storage_is_a_404(client, document, ksg_staff):
    document.file.delete(save=False)
    client.force_login(ksg_staff)
    assert client.get(reverse("partners:document", args=[document.pk])).status_code == 404


def test_a_50_mb_upload_is_skipped_as_it_arrives(client, mou, ksg_staff, _media, settings):
    settings.PARTNER_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    client.force_login(ksg_staff)
    big = SimpleUploadedFile("minutes.pdf", PDF + b"\0" * (50 * 1024 * 1024))

    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]), {"kind": "evidence", "file": big}
    )

    assert response.status_code == 400
    assert (
        "The file minutes.pdf is larger than 10.0\xa0MB, the most a file may be."
        in response.content.decode()
    )
    assert not Document.objects.exists()


def test_upload_pages_still_check_the_csrf_token(mou, ksg_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(ksg_staff)
    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_the_agreement_page_reads_obligations_and_deliverables_at_once(
    client, mou, ksg, ksg_staff, django_assert_max_num_queries
):
    from partners.models import Obligation
    from tests.partners.conftest import days

    party = mou.parties.get(organisation=ksg)
    for n in range(6):
        obligation = Obligation.objects.create(agreement=mou, party=party, description=f"O{n}")
        for m in range(3):
            Deliverable.objects.create(
                obligation=obligation,
                title=f"D{n}.{m}",
                responsible=party,
                due_on=days(n - 3),
                kind=Deliverable.Kind.REPORT,
            )
    client.force_login(ksg_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("partners:agreement", args=[mou.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("overdue") >= 3


def test_a_bound_agreements_signed_terms_are_read_only_in_the_admin(
    mou, huawei_partner, ksg, ksg_staff
):
    from django.contrib.admin.sites import site

    from partners.admin import AgreementPartyInline
    from tests.partners.conftest import make_agreement

    ksg_staff.is_superuser = True
    request = type("R", (), {"user": ksg_staff})()
    admin = site._registry[Agreement]
    parties = AgreementPartyInline(Agreement, site)
    draft = make_agreement(huawei_partner, ksg)

    assert "effective_on" in admin.get_readonly_fields(request, mou)
    assert not parties.has_add_permission(request, mou)
    assert not parties.has_delete_permission(request, mou)
    assert "effective_on" not in admin.get_readonly_fields(request, draft)
    assert parties.has_add_permission(request, draft)
