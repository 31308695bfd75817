from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("救助金给付")

    def ready(self):
        from applications.services import PAYMENT_DESCRIBERS
        from payments.selectors import describe_application_payment

        PAYMENT_DESCRIBERS.connect(describe_application_payment)
