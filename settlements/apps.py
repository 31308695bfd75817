from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "settlements"
    verbose_name = _("就医与结算")

    def ready(self):
        from claimants import timeline
        from claimants.context_processors import NAV_COUNTERS
        from claimants.imports import KINDS
        from settlements import visit_import
        from settlements.cases.selectors import inbox_count
        from settlements.cases.timeline import application_entries
        from settlements.timeline import settlement_entries

        timeline.PROVIDERS.connect(settlement_entries)
        timeline.PROVIDERS.connect(application_entries)
        NAV_COUNTERS.connect("settlements:application_list", inbox_count)
        KINDS.connect(visit_import.KIND, visit_import.SPEC)
