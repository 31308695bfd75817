"""Every page of every role speaks words: no internal code or library English in the text a user reads.

Each GET page of the permission matrix (``tests.permissions.matrix.URLS``) is rendered for a role allowed
to see it, in Chinese, after a demo-like set of rows exists; the visible text (tags, attributes, scripts and
styles left out) must hold none of the product's codes: category, reason, state and visit-type codes, nor
``None`` or Django's default English labels.
"""

import html
import re

import pytest
from django.urls import reverse

from applications.models import State
from claimants import categories
from settlements.models import SettlementReason, VisitType
from tests.permissions.matrix import OWN, URLS, USER_REGION

pytestmark = pytest.mark.django_db

CODES = (
    set(categories.CATEGORIES)
    | set(SettlementReason.values)
    | set(State.values)
    | {v for v in VisitType.values if "_" in v}
    | {"None", "created by", "This field is required"}
)


def _pattern(codes) -> re.Pattern:
    return re.compile(
        r"(?<![\w-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![\w-])"
    )


PATTERN = _pattern(CODES)
# In English some codes are words ("approved", "declined", the "(dibao)" of an English label): there the
# codes that are no English are looked for.
ENGLISH_PATTERN = _pattern({code for code in CODES if "_" in code} | {"None"})
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
PAGES = [
    url
    for url in URLS
    if url.method == "get"
    and not url.name.endswith(("_pdf", "_xlsx", "report", "export", "download", "document"))
]


def visible_text(page: str) -> str:
    return html.unescape(HIDDEN.sub(" ", page))


@pytest.mark.parametrize("url", PAGES, ids=lambda url: url.name)
def test_no_page_shows_a_code(client, make_staff, url):
    role = sorted(url.allowed)[0]
    user = make_staff(role, USER_REGION)
    client.force_login(user)
    response = client.get(
        reverse(url.name, kwargs=url.kwargs(user, OWN) if url.kwargs else {}), url.data or {}
    )
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return
    found = sorted(set(PATTERN.findall(visible_text(response.content.decode()))))
    assert not found, found


@pytest.fixture
def demo_pages():
    """The demo's data (small) and, per demo account, the pages a new user opens on the first day."""
    from applications import demo as cases_demo
    from applications.models import AssistanceApplication
    from claimants import demo as claimants_demo
    from claimants.models import User
    from monitoring import demo as monitoring_demo
    from monitoring.models import HighCostAlert
    from settlements import demo as settlements_demo
    from settlements.models import Settlement, Visit

    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=30)
    settlements_demo.create_policy_years()
    settlements_demo.create_visits(hospitals=settlements_demo.create_hospitals(), per_city=20)
    cases_demo.seed()
    monitoring_demo.seed()
    settlement = (
        Settlement.objects.filter(claimant__hukou_region__code__startswith="5107").order_by("pk").first()
    )
    unsettled = Visit.objects.filter(
        claimant__hukou_region__code__startswith="5107", settlements__isnull=True
    ).first()
    nobody = Visit.objects.filter(
        claimant__hukou_region__code__startswith="5107", claimant__certifications__isnull=True
    ).first()
    application = AssistanceApplication.objects.filter(region__code__startswith="5107").first()
    alert = HighCostAlert.objects.filter(county__code__startswith="5107").first()
    pages = {
        "my_caseworker": [reverse("home"), reverse("claimants:list"), settlement.claimant.get_absolute_url(),
                          reverse("applications:application_list"), application.get_absolute_url()],
        "my_reviewer": [reverse("settlements:visit_list"), reverse("settlements:settlement_list"),
                        reverse("settlements:settlement_detail", args=[settlement.pk]),
                        reverse("settlements:statement", args=[settlement.pk]),
                        reverse("settlements:visit_detail", args=[unsettled.pk]),
                        reverse("settlements:ledger", args=[settlement.claimant_id, settlement.year]),
                        reverse("settlements:resettlement_list"), reverse("settlements:policy_year_list")],
        "my_civil": [reverse("claimants:certification_list"), reverse("monitoring:alert_list"),
                     reverse("monitoring:alert_detail", args=[alert.pk]), reverse("monitoring:batch_list")],
        "my_manager": [reverse("monitoring:overview"), reverse("monitoring:dashboard")],
    }  # fmt: skip
    if nobody is not None:
        pages["my_reviewer"].append(reverse("settlements:visit_detail", args=[nobody.pk]))
    return {User.objects.get(username=name): urls for name, urls in pages.items()}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_demos_first_day_pages_show_no_code(client, demo_pages, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found = {}
    for user, urls in demo_pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pattern = ENGLISH_PATTERN if language == "en" else PATTERN
            if codes := sorted(set(pattern.findall(visible_text(response.content.decode())))):
                found[url] = codes
    assert not found, found
