from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("基金与清算")

    def ready(self):
        from claimants.context_processors import NAV_COUNTERS
        from finance import payment_batches
        from finance.selectors import budget_of_region, statements_awaiting_count
        from monitoring.dashboards.selectors import FUND_BUDGET
        from payments import hooks as payment_hooks

        NAV_COUNTERS.connect("finance:clearing", statements_awaiting_count)
        payment_hooks.BEFORE_RELEASE.connect(payment_batches.check_release)
        payment_hooks.AFTER_RESULTS.connect(payment_batches.book_results)
        FUND_BUDGET.connect(budget_of_region)
