from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("救助金给付")

    def ready(self):
        from applications.services import PAYMENT_DESCRIBERS
        from claimants.context_processors import NAV_COUNTERS
        from payments.selectors import describe_application_payment, open_batch_count

        PAYMENT_DESCRIBERS.connect(describe_application_payment)
        NAV_COUNTERS.connect("payments:batch_list", open_batch_count)
