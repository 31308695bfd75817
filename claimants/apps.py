from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimantsConfig(AppConfig):
    name = "claimants"
    verbose_name = _("救助对象")

    def ready(self):
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.models.signals import post_migrate

        from jurisdictions import registry

        registry.configure(settings.JIUZHU_JURISDICTIONS)
        checks.register(jurisdiction_packages)

        from claimants import admin_access, certification_import, selectors, sessions, timeline
        from claimants.imports import KINDS

        timeline.PROVIDERS.connect(selectors.claimant_timeline)
        KINDS.connect(certification_import.SPEC.kind, certification_import.SPEC)
        post_migrate.connect(admin_access.ensure_city_administrator_group, dispatch_uid="jiuzhu-city-admins")
        user_logged_in.connect(sessions.signed_in, dispatch_uid="jiuzhu-session-times")


def jurisdiction_packages(app_configs=None, **kwargs):
    """System check: the installed jurisdiction packages agree with themselves and with each other."""
    from django.core.checks import Error

    from jurisdictions import registry

    return [Error(problem, id="jiuzhu.E001") for problem in registry.problems()]
