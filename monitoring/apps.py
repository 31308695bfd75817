from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("监测预警")

    def ready(self):
        from applications.services import APPLICATION_FOLLOWERS
        from claimants.context_processors import NAV_COUNTERS
        from monitoring import totals
        from monitoring.dashboards import casework, rollups
        from monitoring.selectors import unanswered_count
        from settlements.services import SETTLEMENT_FOLLOWERS
        from settlements.visit_import import IMPORT_FOLLOWERS

        NAV_COUNTERS.connect("monitoring:alert_list", unanswered_count)
        APPLICATION_FOLLOWERS.connect(casework.follow_application)
        SETTLEMENT_FOLLOWERS.connect(rollups.apply_settlements)
        SETTLEMENT_FOLLOWERS.connect(totals.apply_settlements)
        IMPORT_FOLLOWERS.connect(totals.add_import)
        totals.connect_signals()
