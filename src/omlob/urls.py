"""URL map. Organisation pages live under /o/<org>/ so TenantMiddleware can guard them all."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from omlob.api.main import api
from omlob.classification import views as classification
from omlob.health import healthz
from omlob.organisations import views as org
from omlob.spend import views as spend
from omlob.web import views as web

organisation_patterns = [
    path("", org.dashboard, name="org-dashboard"),
    path("indstillinger/", org.organisation_settings, name="org-settings"),
    path("enheder/", org.unit_list, name="unit-list"),
    path("enheder/ny/", org.unit_create, name="unit-create"),
    path("enheder/import/", org.unit_import, name="unit-import"),
    path("enheder/eksport.csv", org.unit_export, name="unit-export"),
    path("enheder/<int:pk>/", org.unit_detail, name="unit-detail"),
    path("enheder/<int:pk>/rediger/", org.unit_edit, name="unit-edit"),
    path("brugere/", org.member_list, name="member-list"),
    path("brugere/<int:pk>/", org.member_edit, name="member-edit"),
    path("brugere/<int:pk>/fjern/", org.member_remove, name="member-remove"),
    path("invitationer/<int:pk>/annuller/", org.invitation_revoke, name="invitation-revoke"),
    path("api-noegler/", org.token_list, name="token-list"),
    path("api-noegler/<int:pk>/tilbagekald/", org.token_revoke, name="token-revoke"),
    path("historik/", org.audit_log, name="audit-log"),
    path("modul/<slug:key>/", web.module, name="module"),
    path("indkoeb/", spend.overview, name="spend-overview"),
    path("indkoeb/import/", spend.import_start, name="spend-import"),
    path("indkoeb/import/<int:pk>/", spend.job_detail, name="spend-job"),
    path("indkoeb/import/<int:pk>/status.json", spend.job_status, name="spend-job-status"),
    path("indkoeb/import/<int:pk>/kolonner/<int:index>/", spend.mapping, name="spend-mapping"),
    path("indkoeb/batch/<int:pk>/", spend.batch_detail, name="spend-batch"),
    path(
        "indkoeb/batch/<int:pk>/afviste.<str:fmt>",
        spend.batch_rejects_download,
        name="spend-rejects-download",
    ),
    path("indkoeb/batch/<int:pk>/slet/", spend.batch_delete, name="spend-batch-delete"),
    path("indkoeb/batch/<int:pk>/genimporter/", spend.batch_rerun, name="spend-batch-rerun"),
    path("indkoeb/enhedskoder/", spend.unmapped_codes, name="spend-unmapped"),
    path("indkoeb/kortlaegninger/", spend.profile_list, name="spend-profiles"),
    path(
        "indkoeb/kortlaegninger/<int:pk>/slet/", spend.profile_delete, name="spend-profile-delete"
    ),
    path("klassifikation/", classification.overview, name="classification-overview"),
    path("klassifikation/koer/", classification.run, name="classification-run"),
    path("klassifikation/job/<int:pk>/", classification.job_detail, name="classification-job"),
    path(
        "klassifikation/job/<int:pk>/status.json",
        classification.job_status,
        name="classification-job-status",
    ),
    path("klassifikation/gennemsyn/", classification.review, name="classification-review"),
    path("klassifikation/regler/", classification.rules, name="classification-rules"),
    path(
        "klassifikation/regler/<int:pk>/slet/",
        classification.rule_delete,
        name="classification-rule-delete",
    ),
    path("klassifikation/model/", classification.model, name="classification-model"),
    path(
        "klassifikation/stamdata/",
        classification.masterdata_page,
        name="classification-masterdata",
    ),
]

urlpatterns = [
    path("", web.home, name="home"),
    path(
        "konto/log-ind/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("konto/log-af/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/adgangskode/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "konto/adgangskode/skiftet/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("konto/glemt/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/glemt/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "konto/nulstil/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/nulstil/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("organisationer/", web.organisation_list, name="organisation-list"),
    path("organisationer/skift/", web.switch_organisation, name="switch-organisation"),
    path("invitation/<str:token>/", web.invitation_accept, name="invitation-accept"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("o/<slug:org>/", include(organisation_patterns)),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]
