"""Navigation entries for the signed-in user's role (base.html renders them)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claimants import roles
from claimants.hooks import KeyedHook

# (url name, label, roles that see it). Entries whose URL is not installed are skipped.
NAVIGATION = (
    ("home", _("工作台"), roles.ALL_ROLES),
    ("claimants:list", _("救助对象"), roles.ALL_ROLES),
    ("claimants:certification_list", _("身份认定"), roles.ALL_ROLES),
    ("claimants:import_list", _("认定导入"), {roles.CIVIL, roles.RURAL, roles.ADMIN}),
    ("settlements:visit_list", _("就医记录"), {roles.REVIEWER, roles.MANAGER, roles.ADMIN}),
    ("settlements:settlement_list", _("结算"), {roles.REVIEWER, roles.MANAGER, roles.ADMIN}),
    ("applications:application_list", _("救助申请"), roles.ALL_ROLES),
    ("payments:batch_list", _("救助金给付"), {roles.REVIEWER, roles.MANAGER}),
    ("monitoring:alert_list", _("高额费用预警"), {roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER}),
    ("monitoring:dashboard", _("统计分析"), {roles.MANAGER, roles.ADMIN}),
    ("finance:clearing", _("医疗机构清算"), {roles.FINANCE, roles.MANAGER}),
    ("finance:funds", _("基金预算"), {roles.FINANCE, roles.MANAGER}),
)

# The bar's own words where the page's name is too long for one line of the bar at 1366 px (English); the
# workbench's cards keep the full name.
SHORT_LABELS = {
    "claimants:certification_list": pgettext_lazy("navigation", "身份认定"),
    "claimants:import_list": pgettext_lazy("navigation", "认定导入"),
    "monitoring:alert_list": pgettext_lazy("navigation", "高额费用预警"),
}

# Pages whose URL starts under none of the entries, and the entry of their section.
SECTIONS = {
    "settlements:visit_list": ("settlements:import_list",),  # importing the platform's visits
    "monitoring:alert_list": ("monitoring:overview",),  # the alerts' overview, batches, feedback
}

# url name -> function(user) -> int: a queue count shown beside the entry (one query per counted entry).
# Apps that own the URL connect their counter in AppConfig.ready(); claimants imports no other app.
NAV_COUNTERS = KeyedHook("navigation queue counters")


def _section(path: str, items: list[dict]) -> dict | None:
    """The one entry a page belongs to: the one whose URL (or a URL of its section) is the longest start of
    the page's path (/settlements/visits/3/ is 就医记录, not 结算). The workbench only for itself."""
    best, best_length = None, 0
    for item in items:
        prefixes = [item["url"]]
        for name in SECTIONS.get(item["name"], ()):
            try:
                prefixes.append(reverse(name))
            except NoReverseMatch:
                continue
        for prefix in prefixes:
            matches = path == prefix if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > best_length:
                best, best_length = item, len(prefix)
    return best


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    cached = getattr(request, "_nav_items", None)
    if cached is not None:  # a table rendered with the request runs the processors again
        return {"nav_items": cached}
    items = []
    for name, label, allowed in NAVIGATION:
        if user.role not in allowed:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        counter = NAV_COUNTERS.get(name)
        items.append(
            {
                "name": name,
                "url": url,
                "label": label,
                "short_label": SHORT_LABELS.get(name, label),
                "active": False,
                "count": counter(user) if counter else None,
            }
        )
    current = _section(request.path, items)
    for item in items:
        item["active"] = item is current
    request._nav_items = items
    return {"nav_items": items}
