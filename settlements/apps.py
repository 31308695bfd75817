from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "settlements"
    verbose_name = _("就医与结算")

    def ready(self):
        from claimants import timeline
        from claimants.context_processors import register_nav_counter
        from settlements import visit_import  # noqa: F401 - registers the visits import kind
        from settlements.cases.selectors import inbox_count
        from settlements.cases.timeline import application_entries
        from settlements.timeline import settlement_entries

        timeline.register(settlement_entries)
        timeline.register(application_entries)
        register_nav_counter("settlements:application_list", inbox_count)
