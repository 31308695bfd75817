from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "settlements"
    verbose_name = _("就医与结算")

    def ready(self):
        from claimants import timeline
        from claimants.imports import KINDS
        from settlements import visit_import
        from settlements.timeline import settlement_entries

        timeline.PROVIDERS.connect(settlement_entries)
        KINDS.connect(visit_import.KIND, visit_import.SPEC)
