from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("基金与清算")

    def ready(self):
        from claimants.context_processors import NAV_COUNTERS
        from finance.selectors import statements_awaiting_count

        NAV_COUNTERS.connect("finance:clearing", statements_awaiting_count)
