"""Pages for the claimant registry. Views check role and region, call a selector or service, respond.

One module per group of pages: the workbench (``home``), people (``people``), households (``households``),
the pickers' searches (``search``), certifications (``certifications``) and the certification import
(``imports``); ``base`` holds what they share, among it the list export other apps' lists build on."""

from claimants.views.base import ListExportView
from claimants.views.home import HomeView

__all__ = ["HomeView", "ListExportView"]
