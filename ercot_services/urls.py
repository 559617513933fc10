from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from accounts.urls import auth_patterns, portal_patterns, workspace_patterns
from api import urls as api_urls
from cases import urls as cases_urls
from cases.views import public
from cases.views.portal import preferences
from dashboards import urls as dashboards_urls
from education import urls as education_urls
from ercot_services.core import csp_reports, prometheus
from ercot_services.core import views as core_views
from notices import urls_portal as notices_urls_portal
from notices import urls_staff as notices_urls_staff
from plans import urls as plans_urls
from qualification import urls as qualification_urls
from registration import urls as registration_urls

admin.site.site_header = "ERCOT Client Services administration"
admin.site.site_title = "Client Services admin"
# The admin signs in through allauth's sign-in (and its second factor), never through a form of its own.
admin.site.login = secure_admin_login(admin.site.login)

# Each app contributes pages to the two areas; the namespaces stay "portal" and "workspace".
PORTAL = (
    portal_patterns[0]
    + cases_urls.portal_patterns
    + registration_urls.portal_patterns
    + qualification_urls.portal_patterns
    + notices_urls_portal.portal_patterns
    + education_urls.portal_patterns
    + plans_urls.portal_patterns
    + api_urls.portal_patterns
)
WORKSPACE = (
    workspace_patterns[0]
    + cases_urls.workspace_patterns
    + registration_urls.workspace_patterns
    + qualification_urls.workspace_patterns
    + notices_urls_staff.workspace_patterns
    + education_urls.workspace_patterns
    + plans_urls.workspace_patterns
    + dashboards_urls.workspace_patterns
)

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("home/", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says; the file is a static one (its hashed
    # name is looked up per request, so the URLconf loads before collectstatic has run).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("metrics", prometheus.metrics, name="metrics"),
    path("csp-report/", csp_reports.csp_report, name="csp-report"),
    path("accounts/preferences/", preferences.NotificationPreferencesView.as_view(), name="preferences"),
    path("accounts/", include(auth_patterns)),
    path("contact/", public.ContactView.as_view(), name="contact"),
    path("contact/thanks/", public.ContactThanksView.as_view(), name="contact-thanks"),
    path("inbound-mail/", public.InboundMailWebhookView.as_view(), name="inbound-mail"),
    path("survey/thanks/", public.SurveyThanksView.as_view(), name="case-survey-thanks"),
    path("survey/<str:token>/", public.SurveyView.as_view(), name="case-survey"),
    path("portal/", include((PORTAL, "portal"))),
    path("workspace/", include((WORKSPACE, "workspace"))),
    path("notices/", include("notices.urls")),
    path("education/", include((education_urls.public_patterns, "education"))),
    path("admin/", admin.site.urls),
    path("api/", include((api_urls.api_patterns, "api"))),
]

# Under /api/ a 400 is a problem-details answer (api.problems); elsewhere ercot_services.core.views.error_400.
handler400 = "api.problems.error_400"
handler403 = "ercot_services.core.views.error_403"
handler404 = "ercot_services.core.views.error_404"
handler500 = "ercot_services.core.views.error_500"
