from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimantsConfig(AppConfig):
    name = "claimants"
    verbose_name = _("救助对象")

    def ready(self):
        # Importing the module registers the certification import kind with claimants.imports.
        import claimants.certification_import  # noqa: F401
        from claimants import selectors, timeline

        timeline.register(selectors.claimant_timeline)
