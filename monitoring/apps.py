from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("监测预警")

    def ready(self):
        from claimants.context_processors import register_nav_counter
        from monitoring.dashboards import casework, rollups  # noqa: F401  (rollups registers the settlement follower)
        from monitoring.selectors import unanswered_count
        from settlements.cases import services as case_services

        register_nav_counter("monitoring:alert_list", unanswered_count)
        if casework.follow_application not in case_services.application_hooks:
            case_services.application_hooks.append(casework.follow_application)
