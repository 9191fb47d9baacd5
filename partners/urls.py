from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.agreement_list, name="agreements"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
    path("partners/<int:pk>/logo/", views.partner_logo, name="partner_logo"),
    path("partners/agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("partners/agreements/<int:pk>/status/", views.agreement_status, name="agreement_status"),
    path("partners/agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path(
        "partners/agreements/<int:pk>/documents/",
        views.agreement_upload,
        name="agreement_upload",
    ),
    path("partners/agreements/<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path(
        "partners/agreements/<int:pk>/obligations/",
        views.obligation_add,
        name="obligation_add",
    ),
    path("partners/obligations/<int:pk>/", views.obligation_amend, name="obligation"),
    path(
        "partners/obligations/<int:pk>/delete/",
        views.obligation_delete,
        name="obligation_delete",
    ),
    path("partners/deliverables/", views.deliverable_list, name="deliverables"),
    path("partners/deliverables/<int:pk>/", views.deliverable_detail, name="deliverable"),
    path(
        "partners/deliverables/<int:pk>/review/",
        views.deliverable_review,
        name="deliverable_review",
    ),
    path(
        "partners/deliverables/<int:pk>/documents/",
        views.deliverable_upload,
        name="deliverable_upload",
    ),
    path("partners/kpis/<int:pk>/", views.kpi_detail, name="kpi"),
    path("partners/kpis/<int:pk>/result/", views.kpi_result, name="kpi_result"),
    path("partners/kpis/<int:pk>/documents/", views.kpi_upload, name="kpi_upload"),
    path("partners/documents/<int:pk>/", views.document_download, name="document"),
]
