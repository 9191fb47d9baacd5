from django.urls import path

from partners import api

urlpatterns = [
    path("partners/agreements/", api.AgreementListApi.as_view(), name="api_partner_agreements"),
    path(
        "partners/agreements/<int:pk>/",
        api.AgreementDetailApi.as_view(),
        name="api_partner_agreement",
    ),
    path(
        "partners/deliverables/",
        api.DeliverableListApi.as_view(),
        name="api_partner_deliverables",
    ),
    path(
        "partners/deliverables/<int:pk>/",
        api.DeliverableDetailApi.as_view(),
        name="api_partner_deliverable",
    ),
    path(
        "partners/deliverables/<int:pk>/submit/",
        api.DeliverableSubmitApi.as_view(),
        name="api_partner_deliverable_submit",
    ),
    path(
        "partners/deliverables/<int:pk>/start-review/",
        api.DeliverableStartReviewApi.as_view(),
        name="api_partner_deliverable_start_review",
    ),
    path(
        "partners/deliverables/<int:pk>/accept/",
        api.DeliverableAcceptApi.as_view(),
        name="api_partner_deliverable_accept",
    ),
    path(
        "partners/deliverables/<int:pk>/request-changes/",
        api.DeliverableRequestChangesApi.as_view(),
        name="api_partner_deliverable_request_changes",
    ),
    path(
        "partners/deliverables/<int:pk>/comments/",
        api.DeliverableCommentApi.as_view(),
        name="api_partner_deliverable_comment",
    ),
    path("partners/kpis/", api.KpiListApi.as_view(), name="api_partner_kpis"),
    path("partners/kpis/<int:pk>/", api.KpiDetailApi.as_view(), name="api_partner_kpi"),
]
