"""URL configuration: one include per app; language switching; admin; API schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from claimants.views import HomeView
from config.health import healthz

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("claimants/", include("claimants.urls")),
    path("settlements/applications/", include("applications.urls")),
    path("settlements/", include("settlements.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
    # The schema describes the referral API to the departments' systems: for signed-in users and tokens only.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="api_schema",
    ),
    path("api/", include("applications.api")),
]
