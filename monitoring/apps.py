from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("监测预警")

    def ready(self):
        from claimants.context_processors import register_nav_counter
        from monitoring.dashboards import rollups  # noqa: F401  (connects the roll-up receiver)
        from monitoring.selectors import unanswered_count

        register_nav_counter("monitoring:alert_list", unanswered_count)
