"""The access matrix: every URL pattern of the portal, the object its arguments are filled from,
and the answer each persona gets to a GET. Written out by hand, never computed from the views.

Adding a URL is one line in ``TABLE``: its full name (``namespace:name``; the route when it has
no name), the nine answers, and, when it takes arguments, the key in ``OBJECTS`` that fills
them. The columns are the personas of ``PERSONAS``:

    ano  anonymous             hr_i  hr_ict (training officer, Ministry of ICT)
    wan  wanjiku (ICT officer)  hr_t  hr_treasury (training officer, Treasury)
    oti  otieno (Treasury)      stf   ksg_staff        trn  trainer (facilitator)
    hua  huawei_reviewer        icd   icdl_reviewer (the second partner)

The answers: a status code (200, 400, 401, 403, 404, 405, 302), or ``LOG`` for a redirect to
the sign-in page. An object key ending in ``:ict``, ``:treasury``, ``:huawei`` or ``:icdl``
belongs to that side: its outsiders (``access_world.OUTSIDERS``) must get no 2xx, whatever the
line says, and a POST of theirs must change nothing.

The admin's patterns (hundreds, one set per model) follow one rule instead of lines, in
``admin_expectation``: the walk still requests every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.academy.access_world import OUTSIDERS, PERSONAS

# --- How each URL's arguments are filled from the world ---------------------------------------


def _serial(side: str) -> Callable:
    return lambda w: {"serial": getattr(w.certificates, side).serial}


def _enrolment(attr: str) -> Callable:
    return lambda w: {"pk": getattr(w.enrolments, attr).pk}


def _partner(side: str, attr: str, key: str = "pk") -> Callable:
    return lambda w: {key: getattr(getattr(w.partners, side), attr).pk}


OBJECTS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "course": lambda w: {"code": w.course.code},
    "skill_area": lambda w: {"slug": w.area.slug},
    "cohort_id:upcoming": lambda w: {"cohort_id": w.cohorts.upcoming.pk},
    "cohort_id:ended": lambda w: {"cohort_id": w.cohorts.ended.pk},
    "cohort:upcoming": lambda w: {"pk": w.cohorts.upcoming.pk},
    "cohort:ended": lambda w: {"pk": w.cohorts.ended.pk},
    "cohort:approval": lambda w: {"pk": w.cohorts.approval.pk},
    "certificate_run": lambda w: {"pk": w.certificate_run.pk},
    "issuer_key": lambda w: {"thumbprint": _thumbprint()},
    "verification_code": lambda w: {"code": w.certificates.wanjiku.verification_code},
    "bogus_key": lambda w: {"key": "not-a-key"},
    "erasure_request": lambda w: {"pk": w.erasure.pk},
    "bogus_authenticator": lambda w: {"pk": 999999},
    "bogus_reset": lambda w: {"uidb36": "1", "key": "not-a-key"},
    # One side's objects, each with its twin on the other side.
    "upcoming:ict": _enrolment("wanjiku_upcoming"),
    "upcoming:treasury": _enrolment("otieno_upcoming"),
    "request:ict": _enrolment("wanjiku_request"),
    "request:treasury": _enrolment("otieno_request"),
    "completed:ict": _enrolment("wanjiku_done"),
    "completed:treasury": _enrolment("otieno_done"),
    "cert:ict": _serial("wanjiku"),
    "cert:treasury": _serial("otieno"),
    "run:ict": lambda w: {"pk": w.runs.ict.pk},
    "run:treasury": lambda w: {"pk": w.runs.treasury.pk},
    "sub:ict": lambda w: {"pk": w.subscriptions.ict.pk},
    "sub:treasury": lambda w: {"pk": w.subscriptions.treasury.pk},
    **{
        f"{what}:{side}": _partner(side, what)
        for side in ("huawei", "icdl")
        for what in (
            "partner",
            "mou",
            "obligation",
            "deliverable",
            "ksgdel",
            "kpi",
            "document",
        )
    },
}


def _thumbprint() -> str:
    from certificates import signing

    return signing.thumbprint()


# --- The matrix ---------------------------------------------------------------------------------

TABLE = """
# name                                   ano wan oti hri hrt stf trn hua icd  object
# --- academy, accounts (allauth), languages
healthz                                  200 200 200 200 200 200 200 200 200
account_login                            200 302 302 302 302 302 302 302 302
account_logout                           302 200 200 200 200 200 200 200 200
account_inactive                         200 200 200 200 200 200 200 200 200
account_signup                           200 302 302 302 302 302 302 302 302
account_reauthenticate                   LOG 200 200 200 200 200 200 200 200
account_request_reauthentication_code    LOG 403 403 403 403 403 403 403 403
account_confirm_reauthentication_code    LOG 403 403 403 403 403 403 403 403
account_email                            LOG 200 200 200 200 200 200 200 200
account_email_verification_sent          200 200 200 200 200 200 200 200 200
account_change_password                  LOG 200 200 200 200 200 200 200 200
account_set_password                     LOG 302 302 302 302 302 302 302 302
account_reset_password                   200 200 200 200 200 200 200 200 200
account_confirm_login_code               LOG 302 302 302 302 302 302 302 302
account_confirm_email                    200 200 200 200 200 200 200 200 200  bogus_key
account_reset_password_from_key_done     200 200 200 200 200 200 200 200 200
account_reset_password_from_key          200 200 200 200 200 200 200 200 200  bogus_reset
account_reset_password_done              200 200 200 200 200 200 200 200 200
mfa_index                                LOG 200 200 200 200 200 200 200 200
mfa_authenticate                         LOG 302 302 302 302 302 302 302 302
mfa_reauthenticate                       LOG 302 302 200 200 200 200 200 200
mfa_activate_totp                        LOG 200 200 302 302 302 302 302 302
mfa_deactivate_totp                      LOG 404 404 200 200 200 200 200 200
mfa_view_recovery_codes                  LOG 404 404 404 404 404 404 404 404
mfa_generate_recovery_codes              LOG 200 200 200 200 200 200 200 200
usersessions_list                        LOG 200 200 200 200 200 200 200 200
mfa_download_recovery_codes              LOG 404 404 404 404 404 404 404 404
mfa_list_webauthn                        LOG 200 200 200 200 200 200 200 200
mfa_add_webauthn                         LOG 200 200 200 200 200 200 200 200
mfa_reauthenticate_webauthn              LOG 302 302 302 302 302 302 302 302
mfa_remove_webauthn                      LOG 404 404 404 404 404 404 404 404  bogus_authenticator
mfa_edit_webauthn                        LOG 404 404 404 404 404 404 404 404  bogus_authenticator
set_language                             302 302 302 302 302 302 302 302 302
academy:profile                          LOG 200 200 200 200 200 200 200 200
academy:api_token                        LOG 200 200 200 200 200 200 200 200
# --- privacy (the notice, a person's own data, erasure requests and their review)
privacy:notice                           200 200 200 200 200 200 200 200 200
privacy:my_data                          LOG 200 200 200 200 200 200 200 200
privacy:my_data_json                     LOG 200 200 200 200 200 200 200 200
privacy:erasure                          LOG 200 200 200 200 200 200 200 200
privacy:staff_list                       LOG 403 403 403 403 200 403 403 403
privacy:staff_decide                     LOG 403 403 403 403 200 403 403 403  erasure_request
# --- API: catalogue, schema
api_skill_areas                          200 200 200 200 200 200 200 200 200
api_competencies                         200 200 200 200 200 200 200 200 200
api_courses                              200 200 200 200 200 200 200 200 200
api_course_detail                        200 200 200 200 200 200 200 200 200  course
api_cohorts                              200 200 200 200 200 200 200 200 200
api_schema                               200 200 200 200 200 200 200 200 200
api_docs                                 200 200 200 200 200 200 200 200 200
# --- API: enrolments
api_enrol                                401 405 405 405 405 405 405 405 405  cohort_id:upcoming
api_withdraw                             401 405 405 405 405 405 405 405 405  upcoming:ict
api_withdraw                             401 405 405 405 405 405 405 405 405  upcoming:treasury
api_my_enrolments                        401 200 200 200 200 200 200 200 200
api_cohort_roster                        401 403 403 403 403 200 200 403 403  cohort_id:ended
api_cohort_roster                        401 403 403 403 403 200 404 403 403  cohort_id:upcoming
api_enrolment_complete                   401 403 403 403 403 405 403 403 403  completed:ict
api_enrolment_complete                   401 403 403 403 403 405 403 403 403  completed:treasury
# --- API: certificates
api_my_certificates                      401 200 200 200 200 200 200 200 200
api_certificate_verify                   200 200 200 200 200 200 200 200 200  verification_code
# --- API: partners
api_partner_agreements                   401 403 403 403 403 200 403 200 200
api_partner_agreement                    401 403 403 403 403 200 403 200 404  mou:huawei
api_partner_agreement                    401 403 403 403 403 200 403 404 200  mou:icdl
api_partner_deliverables                 401 403 403 403 403 200 403 200 200
api_partner_deliverable                  401 403 403 403 403 200 403 200 404  deliverable:huawei
api_partner_deliverable                  401 403 403 403 403 200 403 404 200  deliverable:icdl
api_partner_deliverable_submit           401 403 403 403 403 405 403 405 405  deliverable:huawei
api_partner_deliverable_submit           401 403 403 403 403 405 403 405 405  deliverable:icdl
api_partner_deliverable_start_review     401 403 403 403 403 405 403 405 405  ksgdel:huawei
api_partner_deliverable_start_review     401 403 403 403 403 405 403 405 405  ksgdel:icdl
api_partner_deliverable_accept           401 403 403 403 403 405 403 405 405  ksgdel:huawei
api_partner_deliverable_accept           401 403 403 403 403 405 403 405 405  ksgdel:icdl
api_partner_deliverable_request_changes  401 403 403 403 403 405 403 405 405  ksgdel:huawei
api_partner_deliverable_request_changes  401 403 403 403 403 405 403 405 405  ksgdel:icdl
api_partner_deliverable_comment          401 403 403 403 403 405 403 405 405  deliverable:huawei
api_partner_deliverable_comment          401 403 403 403 403 405 403 405 405  deliverable:icdl
api_partner_kpis                         401 403 403 403 403 200 403 200 200
api_partner_kpi                          401 403 403 403 403 200 403 200 404  kpi:huawei
api_partner_kpi                          401 403 403 403 403 200 403 404 200  kpi:icdl
# --- API: reports
api_report_request                       401 405 405 405 405 405 405 405 405
api_report_completions                   401 403 403 200 200 200 403 403 403
api_report_run                           401 403 403 200 404 404 403 403 403  run:ict
api_report_run                           401 403 403 404 200 404 403 403 403  run:treasury
api_report_file                          401 403 403 200 404 404 403 403 403  run:ict
api_report_file                          401 403 403 404 200 404 403 403 403  run:treasury
# --- courses (the public catalogue)
home                                     200 200 200 200 200 200 200 200 200
courses:catalogue                        200 200 200 200 200 200 200 200 200
courses:course_detail                    200 200 200 200 200 200 200 200 200  course
courses:skill_area                       200 200 200 200 200 200 200 200 200  skill_area
# --- enrollments: officers and training officers
enrollments:enrol                        LOG 405 405 405 405 405 405 405 405  cohort_id:upcoming
enrollments:my_learning                  LOG 200 200 200 200 200 200 200 200
enrollments:withdraw                     LOG 200 404 404 404 404 404 404 404  upcoming:ict
enrollments:withdraw                     LOG 404 200 404 404 404 404 404 404  upcoming:treasury
enrollments:requests                     LOG 403 403 200 200 403 403 403 403
enrollments:officers_training            LOG 403 403 200 200 403 403 403 403
enrollments:decide                       LOG 403 403 200 404 403 403 403 403  request:ict
enrollments:decide                       LOG 403 403 404 200 403 403 403 403  request:treasury
enrollments:nominate_cohorts             LOG 403 403 200 200 403 403 403 403
enrollments:nominate                     LOG 403 403 200 200 403 403 403 403  cohort:upcoming
enrollments:nominate_upload              LOG 403 403 405 405 403 403 403 403  cohort:upcoming
# --- enrollments: KSG staff and facilitators
enrollments:staff_cohorts                LOG 403 403 403 403 200 200 403 403
enrollments:staff_roster                 LOG 403 403 403 403 200 200 403 403  cohort:ended
enrollments:staff_roster                 LOG 403 403 403 403 200 404 403 403  cohort:upcoming
enrollments:staff_roster_export          LOG 403 403 403 403 200 200 403 403  cohort:ended
enrollments:staff_roster_export          LOG 403 403 403 403 200 404 403 403  cohort:upcoming
enrollments:staff_capacity               LOG 403 403 403 403 405 405 403 403  cohort:ended
enrollments:staff_enrollment             LOG 403 403 403 403 200 200 403 403  completed:ict
enrollments:staff_enrollment             LOG 403 403 403 403 200 200 403 403  completed:treasury
enrollments:staff_enrollment             LOG 403 403 403 403 200 404 403 403  upcoming:ict
enrollments:staff_bulk_enrol             LOG 403 403 403 403 200 403 403 403  cohort:upcoming
enrollments:staff_attendance             LOG 403 403 403 403 200 200 403 403  cohort:ended
enrollments:staff_attendance             LOG 403 403 403 403 200 404 403 403  cohort:upcoming
enrollments:staff_results                LOG 403 403 403 403 200 200 403 403  cohort:ended
enrollments:staff_results                LOG 403 403 403 403 200 404 403 403  cohort:upcoming
enrollments:staff_close                  LOG 403 403 403 403 200 403 403 403  cohort:ended
enrollments:staff_close                  LOG 403 403 403 403 200 404 403 403  cohort:upcoming
enrollments:staff_result                 LOG 403 403 403 403 200 403 403 403  completed:ict
enrollments:staff_result                 LOG 403 403 403 403 200 403 403 403  completed:treasury
enrollments:staff_result                 LOG 403 403 403 403 200 404 403 403  upcoming:ict
enrollments:staff_move                   LOG 403 403 403 403 200 403 403 403  upcoming:ict
enrollments:staff_move                   LOG 403 403 403 403 200 403 403 403  upcoming:treasury
enrollments:staff_no_show                LOG 403 403 403 403 200 403 403 403  upcoming:ict
enrollments:staff_no_show                LOG 403 403 403 403 200 403 403 403  upcoming:treasury
enrollments:staff_quotas                 LOG 403 403 403 403 200 403 403 403  cohort:upcoming
# --- certificates
certificates:pdf                         LOG 200 404 200 404 200 404 404 404  cert:ict
certificates:pdf                         LOG 404 200 404 200 200 404 404 404  cert:treasury
certificates:badge_json                  LOG 200 404 200 404 200 404 404 404  cert:ict
certificates:badge_json                  LOG 404 200 404 200 200 404 404 404  cert:treasury
certificates:badge_jwt                   LOG 200 404 200 404 200 404 404 404  cert:ict
certificates:badge_jwt                   LOG 404 200 404 200 200 404 404 404  cert:treasury
certificates:issuer                      200 200 200 200 200 200 200 200 200
certificates:issuer_jwks                 200 200 200 200 200 200 200 200 200
certificates:issuer_key                  200 200 200 200 200 200 200 200 200  issuer_key
certificates:verify_start                200 200 200 200 200 200 200 200 200
certificates:verify                      200 200 200 200 200 200 200 200 200  verification_code
certificates:staff_list                  LOG 403 403 403 403 200 403 403 403
certificates:staff_detail                LOG 403 403 403 403 200 403 403 403  cert:ict
certificates:staff_detail                LOG 403 403 403 403 200 403 403 403  cert:treasury
certificates:staff_revoke                LOG 403 403 403 403 405 403 403 403  cert:ict
certificates:staff_reissue               LOG 403 403 403 403 405 403 403 403  cert:ict
certificates:staff_cohort                LOG 403 403 403 403 200 403 403 403  cohort:ended
certificates:staff_run                   LOG 403 403 403 403 200 403 403 403  certificate_run
# --- partners
partners:agreements                      LOG 403 403 403 403 200 403 200 200
partners:partner                         LOG 403 403 403 403 200 403 200 404  partner:huawei
partners:partner                         LOG 403 403 403 403 200 403 404 200  partner:icdl
partners:partner_logo                    LOG 403 403 403 403 405 403 403 403  partner:huawei
partners:partner_logo                    LOG 403 403 403 403 405 403 403 403  partner:icdl
partners:agreement                       LOG 403 403 403 403 200 403 200 404  mou:huawei
partners:agreement                       LOG 403 403 403 403 200 403 404 200  mou:icdl
partners:agreement_status                LOG 403 403 403 403 405 403 403 403  mou:huawei
partners:agreement_status                LOG 403 403 403 403 405 403 403 403  mou:icdl
partners:agreement_sign                  LOG 403 403 403 403 405 403 403 403  mou:huawei
partners:agreement_sign                  LOG 403 403 403 403 405 403 403 403  mou:icdl
partners:agreement_upload                LOG 403 403 403 403 405 403 403 403  mou:huawei
partners:agreement_upload                LOG 403 403 403 403 405 403 403 403  mou:icdl
partners:agreement_renew                 LOG 403 403 403 403 405 403 403 403  mou:huawei
partners:agreement_renew                 LOG 403 403 403 403 405 403 403 403  mou:icdl
partners:obligation_add                  LOG 403 403 403 403 405 403 403 403  mou:huawei
partners:obligation_add                  LOG 403 403 403 403 405 403 403 403  mou:icdl
partners:obligation                      LOG 403 403 403 403 200 403 403 403  obligation:huawei
partners:obligation                      LOG 403 403 403 403 200 403 403 403  obligation:icdl
partners:obligation_delete               LOG 403 403 403 403 405 403 403 403  obligation:huawei
partners:obligation_delete               LOG 403 403 403 403 405 403 403 403  obligation:icdl
partners:deliverables                    LOG 403 403 403 403 200 403 200 200
partners:deliverable                     LOG 403 403 403 403 200 403 200 404  deliverable:huawei
partners:deliverable                     LOG 403 403 403 403 200 403 404 200  deliverable:icdl
partners:deliverable_review              LOG 403 403 403 403 405 403 405 405  deliverable:huawei
partners:deliverable_review              LOG 403 403 403 403 405 403 405 405  deliverable:icdl
partners:deliverable_upload              LOG 403 403 403 403 405 403 405 405  deliverable:huawei
partners:deliverable_upload              LOG 403 403 403 403 405 403 405 405  deliverable:icdl
partners:kpi                             LOG 403 403 403 403 200 403 200 404  kpi:huawei
partners:kpi                             LOG 403 403 403 403 200 403 404 200  kpi:icdl
partners:kpi_result                      LOG 403 403 403 403 405 403 403 403  kpi:huawei
partners:kpi_result                      LOG 403 403 403 403 405 403 403 403  kpi:icdl
partners:kpi_upload                      LOG 403 403 403 403 405 403 403 403  kpi:huawei
partners:kpi_upload                      LOG 403 403 403 403 405 403 403 403  kpi:icdl
partners:document                        LOG 403 403 403 403 200 403 200 404  document:huawei
partners:document                        LOG 403 403 403 403 200 403 404 200  document:icdl
# --- reports
reports:dashboard                        LOG 403 403 200 200 200 403 403 403
report_runs:list                         LOG 403 403 200 200 200 403 403 403
report_runs:request                      LOG 403 403 200 200 200 403 403 403
report_runs:run                          LOG 403 403 200 404 404 403 403 403  run:ict
report_runs:run                          LOG 403 403 404 200 404 403 403 403  run:treasury
report_runs:status                       LOG 403 403 200 404 404 403 403 403  run:ict
report_runs:status                       LOG 403 403 404 200 404 403 403 403  run:treasury
report_runs:download                     LOG 403 403 200 404 404 403 403 403  run:ict
report_runs:download                     LOG 403 403 404 200 404 403 403 403  run:treasury
report_subscriptions:list                LOG 403 403 200 200 200 403 403 403
report_subscriptions:cancel              LOG 403 403 405 405 405 403 403 403  sub:ict
report_subscriptions:cancel              LOG 403 403 405 405 405 403 403 403  sub:treasury
"""


@dataclass(frozen=True)
class Case:
    name: str
    expect: dict[str, str]
    object: str | None

    @property
    def side(self) -> str | None:
        if self.object and ":" in self.object:
            side = self.object.rsplit(":", 1)[1]
            return side if side in OUTSIDERS else None
        return None

    def kwargs(self, world) -> dict:
        return OBJECTS[self.object](world) if self.object else {}


def cases() -> list[Case]:
    """The lines of ``TABLE``, in order."""
    parsed = []
    for line in TABLE.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, *rest = line.split()
        answers, extra = rest[: len(PERSONAS)], rest[len(PERSONAS) :]
        assert len(answers) == len(PERSONAS), f"{name}: {len(answers)} answers"
        assert len(extra) <= 1, f"{name}: too many columns"
        obj = extra[0] if extra else None
        assert obj is None or obj in OBJECTS, f"{name}: unknown object {obj}"
        parsed.append(Case(name, dict(zip(PERSONAS, answers, strict=True)), obj))
    return parsed


# --- The walk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the full name, or the route of an unnamed pattern
    route: str
    pattern: URLPattern
    admin: bool


def walk(patterns=None, prefix: str = "", namespace: str | None = None) -> list[Route]:
    """Every URL pattern of the resolver, depth first, each with its full name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes += walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            route = prefix + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            key = name or route
            routes.append(Route(key, route, entry, route.startswith("admin/")))
    return routes


# --- The admin, by rule ---------------------------------------------------------------------------

# What KSG staff (with the demo's "KSG staff" group) may do in the admin, by app: the answer to
# the list, add, change, delete and history pages of each model. Other apps: 403 everywhere.
ADMIN_STAFF = {
    #               changelist add    change delete history
    "academy": {
        "changelist": 200,
        "add": 403,
        "change": 200,
        "delete": 403,
        "history": 200,
        # the organisation tree's own pages (treebeard): a move is a POST
        "children": 200,
        "move": 400,
    },
    "courses": {"changelist": 200, "add": 200, "change": 200, "delete": 403, "history": 200},
    "certificates": {"changelist": 200, "add": 200, "change": 200, "delete": 403, "history": 200},
}
# Models whose admin refuses a page to everyone (read-only records), by "app.model".
ADMIN_READ_ONLY = {
    "academy.auditevent": {"add": 403},
    "certificates.certificate": {"add": 403},
}


def admin_models() -> dict[tuple[str, str], type]:
    """(app label, model name), as in the admin's addresses -> model."""
    return {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}


def admin_url(route, models) -> tuple[str, str | None, str]:
    """The address of an admin pattern, its arguments filled from the world (the first row of
    its model); the model's label when the page belongs to one; and the page's kind
    (changelist, add, change, delete, history, redirect, ..., or the site's own pages)."""
    parts = route.route.split("/")
    model = models.get((parts[1], parts[2])) if len(parts) > 3 else None
    params = list(route.pattern.pattern.regex.groupindex)
    obj = model._default_manager.order_by("pk").first() if model is not None else None
    fill = {
        "object_id": obj.pk if obj is not None else 0,
        "id": obj.pk if obj is not None else 0,
        "parent_id": obj.pk if obj is not None else 0,
        "app_label": "courses",
        "content_type_id": 1,
        "url": "no-such-page/",
    }
    kwargs = {param: fill[param] for param in params}
    if route.key.startswith("admin:"):
        url = reverse(route.key, kwargs=kwargs)
    else:  # unnamed: fill the route by hand
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
        url = url.replace("(?P<url>.*)$", kwargs.get("url", ""))
    if model is None:
        return (
            url,
            None,
            route.key.removeprefix("admin:") if route.key.startswith("admin:") else ("catch_all"),
        )
    name = route.key.removeprefix("admin:")
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    if name.startswith(prefix):
        kind = name[len(prefix) :]
    elif name == "auth_user_password_change":
        kind = "password"
    elif route.route.endswith("<path:object_id>/"):
        kind = "redirect"
    else:
        kind = parts[3] or route.key
    if params and obj is None:
        kind = f"{kind} (none)"
    return url, model._meta.label_lower, kind


def admin_expectation(persona: str, label: str | None, kind: str) -> set[str]:
    """The answers the rule allows ``persona`` on one admin page."""
    if label == "academy.organisation" and kind == "jsi18n":
        # The organisation tree's translated strings (treebeard): public, like any static file.
        return {"200"}
    if persona != "ksg_staff":
        # Not staff: sent to sign in (allauth's page, through the admin's own login), or, at
        # the admin's login page itself when signed in already, refused.
        return {"LOG", "302", "403"} if kind == "login" else {"LOG", "302"}
    if label is None:
        return {
            "index": {"200"},
            "app_list": {"200"},
            "login": {"302"},
            "logout": {"405"},
            "password_change": {"200"},
            "password_change_done": {"200"},
            "jsi18n": {"200"},
            "autocomplete": {"403"},
            "view_on_site": {"404"},
            "catch_all": {"404"},
        }[kind]
    if kind.startswith("redirect"):  # <object_id>/ leads on to <object_id>/change/
        return {"302"}
    app = label.split(".")[0]
    if kind.endswith(" (none)"):
        # No row of the model in the world: back to the admin's index with a message, when
        # the page is one staff may open (its history: always).
        kind = kind.removesuffix(" (none)")
        allowed = ADMIN_READ_ONLY.get(label, {}).get(kind) or ADMIN_STAFF.get(app, {}).get(kind)
        return {"302"} if allowed == 200 or kind == "history" else {"403"}
    answer = ADMIN_READ_ONLY.get(label, {}).get(kind) or ADMIN_STAFF.get(app, {}).get(kind, 403)
    return {str(answer)}
