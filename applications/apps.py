from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("救助申请")

    def ready(self):
        from applications.selectors import inbox_count
        from applications.timeline import application_entries
        from claimants import timeline
        from claimants.context_processors import NAV_COUNTERS

        timeline.PROVIDERS.connect(application_entries)
        NAV_COUNTERS.connect("applications:application_list", inbox_count)
