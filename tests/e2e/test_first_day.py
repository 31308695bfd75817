"""A first day at work, in a browser, on the demo as ``make demo`` serves it: each role's main journey in each
demo city (Hangzhou under the national guideline, Mianyang, Beijing, Tianjin).

Each journey is walked once, in one language at one width, and every page it opened is then looked at again
in the other language at the other width; across the cities each role meets both languages at both widths
(a Latin square, ``LOOKS``). Every page is checked for what a new user trips over: a pre-filled date input the
browser shows empty, an internal code in the text, a page wider than the window; money moves only after a
confirmation that names what will happen; a missing record gets the product's own 404 page.

Screenshots: ``artifacts/screenshots/<role>-<city>-<zh|en>-<width>.png``, the last page of the walk and of
the second look.
"""

import datetime as dt
import random
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from claimants import idnumbers
from tests.test_words_not_codes import ENGLISH_PATTERN, PATTERN

pytestmark = pytest.mark.e2e

PASSWORD = "jiuzhu-demo"  # claimants.demo.DEMO_PASSWORD
CITIES = {"national": "hz", "mianyang": "my", "beijing": "bj", "tianjin": "tj"}  # city -> demo account prefix
ROLES = ("caseworker", "civil", "reviewer", "manager", "admin")
SIZES = {1366: 900, 1024: 768}
# (language, width) of the walk; the pages are looked at again in the other language at the other width.
LOOKS = (("zh-hans", 1366), ("en", 1024), ("zh-hans", 1024), ("en", 1366))
SUCCESS = ".alert-success, .alert-info"


def today() -> dt.date:
    """The server's today (its time zone, not this machine's)."""
    return dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


def other(look: tuple[str, int]) -> tuple[str, int]:
    language, width = look
    return ("en" if language == "zh-hans" else "zh-hans", 1024 if width == 1366 else 1366)


WALKS = [
    pytest.param(role, city, LOOKS[(c + r) % len(LOOKS)], id=f"{role}-{city}")
    for c, city in enumerate(CITIES)
    for r, role in enumerate(ROLES)
]


@dataclass
class Walk:
    """One user's session in a browser tab: checks every page it opens and remembers it."""

    page: Page
    base: str
    language: str
    confirmations: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()
        self.visited.append(page.url.removeprefix(self.base))
        where = f"{page.url} ({self.language}, {page.viewport_size['width']} px)"
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{where}: the page scrolls sideways ({width[0]} > {width[1]} px)"
        emptied = page.evaluate(
            """() => [...document.querySelectorAll('input[type=date], input[type=month]')]
                .filter(input => input.getAttribute('value') && !input.value).map(input => input.name)"""
        )
        assert not emptied, f"{where}: pre-filled dates the browser shows empty: {emptied}"
        pattern = ENGLISH_PATTERN if self.language == "en" else PATTERN
        codes = sorted(set(pattern.findall(page.locator("body").inner_text())))
        assert not codes, f"{where}: internal codes on the page: {codes}"

    def click(self, locator) -> None:
        locator.click()
        self.check()

    def confirmed(self, locator, *expected: str) -> None:
        """Click an action that moves money or starts a job: a confirmation naming ``expected`` comes first."""
        before = len(self.confirmations)
        locator.click()
        self.page.wait_for_load_state()
        assert len(self.confirmations) == before + 1, "no confirmation was asked"
        for text in expected:
            assert text in self.confirmations[-1], (text, self.confirmations[-1])
        self.check()


@pytest.fixture
def start(browser, demo_server, screenshot_dir):
    """start(username, (language, width)) -> a signed-in Walk; the context closes after the test."""
    contexts = []

    def sign_in(username: str, look: tuple[str, int]) -> Walk:
        language, width = look
        context = browser.new_context(
            viewport={"width": width, "height": SIZES[width]},
            locale="zh-CN" if language == "zh-hans" else "en-US",
            accept_downloads=True,
        )
        contexts.append(context)
        context.add_cookies([{"name": "django_language", "value": language, "url": demo_server}])
        page = context.new_page()
        walk = Walk(page, demo_server, language)
        page.on("dialog", lambda dialog: (walk.confirmations.append(dialog.message), dialog.accept()))
        page.goto(f"{demo_server}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        expect(page.locator("nav .nav-link.active")).to_be_visible()
        walk.check()
        return walk

    yield sign_in
    for context in contexts:
        context.close()


def look_again(walk: Walk, look: tuple[str, int], shot) -> None:
    """The pages of the walk, opened again in another language at another width (reads only)."""
    language, width = look
    walk.page.context.add_cookies([{"name": "django_language", "value": language, "url": walk.base}])
    walk.page.set_viewport_size({"width": width, "height": SIZES[width]})
    walk.language = language
    for path in dict.fromkeys(walk.visited[:]):
        if path.endswith((".pdf", ".xlsx")) or "/accounts/" in path:
            continue
        walk.open(path)
    shot(look)


def missing_record_has_the_styled_404_page(walk: Walk) -> None:
    response = walk.page.goto(f"{walk.base}/settlements/applications/99999999/")
    assert response.status == 404
    expect(walk.page.locator("main h1")).to_be_visible()
    expect(walk.page.locator("main a[href='/']")).to_be_visible()
    assert "Traceback" not in walk.page.content()


def pdf_pages(content: bytes) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout  # noqa: S607
    return int(re.search(rb"^Pages:\s+(\d+)", info, re.M).group(1))


def applications(page: Page) -> list[str]:
    """The links to applications of a list page (their numbers), in the list's order."""
    return [a.get_attribute("href") for a in page.locator("table a", has_text=re.compile(r"^SQ\d+$")).all()]


# The journeys. Each finds its work through the pages, as a user would, not through the database.


def caseworker(walk: Walk) -> None:
    """Search for an applicant, register an unknown person into a household, register their application,
    accept it and refer it for certification."""
    page = walk.page
    walk.open("/claimants/")
    known = page.locator("table tbody tr td a").first.inner_text().strip()
    walk.open("/settlements/applications/new/")
    page.fill("#id_q", known)
    walk.click(page.locator("form[role=search] button[type=submit]"))
    expect(page.locator("#candidates")).to_contain_text(known)

    # A person nobody registered yet: the whole number offers to register them, into a household found by
    # its address, and then goes on to their application.
    walk.open("/claimants/new/")
    township = page.locator("#id_hukou_region option:not([value=''])").first
    code = township.get_attribute("value")
    township_name = township.inner_text().split()[-1].split("（")[0]
    number = idnumbers.build(code[:6], dt.date(1990, 5, 17), random.randint(500, 998))
    walk.open("/settlements/applications/new/")
    page.fill("#id_q", number)
    walk.click(page.locator("form[role=search] button[type=submit]"))
    walk.click(page.locator("main .alert a.btn"))
    assert page.locator("#id_id_number").input_value() == number
    page.fill("#id_name", "陈新登")
    page.select_option("#id_hukou_region", code)
    page.select_option("#id_insured_region", code)
    page.fill("#id_phone", "13800138000")
    page.fill("#id_household", township_name[:2])  # the picker lists households by address or head
    page.locator("[data-picker-results] button").first.click()
    expect(page.locator("[data-picker-chosen]")).to_be_visible()
    page.select_option("#id_relation_to_head", "other")
    walk.click(page.locator("main form button[type=submit]"))

    # Back on the registration of the application, for the person just registered.
    expect(page.locator("main")).to_contain_text("陈新登")
    assert page.locator("#id_submitted_on").input_value() == today().isoformat()
    page.select_option("#id_kind", "certification")
    offered = [o.get_attribute("value") for o in page.locator("#id_requested_category option").all()]
    page.select_option("#id_requested_category", "marginal" if "marginal" in offered else offered[-1])
    page.fill("#id_statement", "因病致家庭生活困难，申请认定救助身份")
    walk.click(page.locator("main form button[type=submit]"))
    expect(page.locator(".alert-success").first).to_be_visible()
    walk.click(page.locator("form[action$='/accept/'] button[type=submit]"))
    expect(page.locator(".alert-success").first).to_be_visible()
    walk.click(page.locator("form[action$='/refer/'] button[type=submit]"))
    expect(page.locator(".alert-success").first).to_be_visible()


def civil(walk: Walk) -> None:
    """Certify a referred application from the queue; answer a high-cost alert."""
    page = walk.page
    walk.open("/settlements/applications/")
    for href in applications(page)[:6]:
        walk.open(href)
        if page.locator("form[action$='/certify/']").count():
            break
    certify = page.locator("form[action$='/certify/']")
    page.fill("#id_certify-valid_from", today().replace(day=1).isoformat())
    page.fill("#id_certify-certificate_number", f"MZ-{random.randint(1000, 9999)}")
    page.fill("#id_certify-reason", "经入户核查，家庭经济状况符合认定条件")
    walk.click(certify.locator("button[type=submit]"))
    expect(page.locator(".alert-success").first).to_be_visible()

    walk.open("/monitoring/alerts/?feedback=pending")
    walk.open(page.locator("table a[href*='/monitoring/alerts/']").first.get_attribute("href"))
    assert page.locator("#id_result").input_value() == ""  # no answer chosen for the officer
    page.select_option("#id_result", "not_eligible")
    page.fill("#id_reason", "经核实，家庭收入高于认定标准")
    walk.click(page.locator("main form[method=post] button[type=submit]"))
    expect(page.locator(SUCCESS).first).to_be_visible()


def reviewer(walk: Walk) -> None:
    """Settle a visit after its preview, open the statement and its PDF, reverse the settlement; approve an
    application and put it into a payment batch."""
    page = walk.page
    walk.open("/settlements/")  # the settlement list: the columns a reviewer needs, on the screen
    walk.open("/settlements/visits/?status=awaiting")
    visits = [link.get_attribute("href") for link in page.locator("table a[href*='/visits/']").all()]
    for href in visits[:6]:
        walk.open(href)
        if page.locator("form[action$='/settle/']").count():
            break
    name = page.locator("h1").inner_text().split("·")[-1].strip()
    walk.confirmed(page.locator("form[action$='/settle/'] button[type=submit]"), name)
    expect(page.locator(".alert-success").first).to_be_visible()
    settlement = page.url.removeprefix(walk.base)
    walk.open(page.locator("main a[href$='/statement/']").get_attribute("href"))
    pdf = page.request.get(walk.base + settlement + "statement.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf_pages(pdf.body()) in (None, 1)  # None: no pdfinfo here (CI installs poppler-utils)
    walk.open(settlement)
    page.fill("#id_reason", "医院退费后重新结算")
    walk.confirmed(page.locator("form[action$='/reverse/'] button[type=submit]"))
    expect(page.locator(".alert-success").first).to_be_visible()

    walk.open("/settlements/applications/")
    for href in applications(page)[:6]:
        walk.open(href)
        preview = page.locator("#preview-amount")
        if preview.count() and preview.inner_text().strip() != "0.00":  # approving it would pay this
            break
    approved = page.url.removeprefix(walk.base)
    number = re.search(r"SQ\d+", page.locator("h1").inner_text()).group()
    amount = page.locator("#preview-amount").inner_text().strip()
    walk.confirmed(page.locator("form[action$='/approve/'] button[type=submit]"), number, amount)
    expect(page.locator(".alert-success").first).to_be_visible()

    walk.open(approved)  # the message links back to it: it now waits for a payment batch
    expect(page.locator("main")).to_contain_text(number)
    walk.open("/payments/payable/")  # a reviewer makes a batch (another checks it, a manager releases it)
    row = page.locator("#make-batch tbody tr").first
    if "****" not in row.inner_text():  # no bank account yet: record it first (the page leads there)
        walk.click(row.locator("a[href*='/payments/payees/']"))
        page.fill("#id_name", page.locator("h1").inner_text().split("·")[-1].strip())
        page.fill("#id_bank_name", "农业银行")
        page.fill("#id_account_number", f"6228{random.randint(10**11, 10**12 - 1)}")
        walk.click(page.locator("main form[method=post] button[type=submit]"))
        expect(page.locator(SUCCESS).first).to_be_visible()
        row = page.locator("#make-batch tbody tr").first
    row.locator("input[type=checkbox]").check()
    walk.click(page.locator("#make-batch button[type=submit]"))
    expect(page.locator(SUCCESS).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/payments/batches/\d+/$"))


def manager(walk: Walk) -> None:
    """The dashboard with its charts, the monthly report downloaded, the monthly job run."""
    page = walk.page
    walk.open("/monitoring/dashboard/")
    page.wait_for_selector("canvas[data-rendered=true]")
    assert page.locator("#id_month").input_value()
    with page.expect_download() as download:
        page.click("form[data-report-form] button[type=submit]")
    assert download.value.suggested_filename.endswith(".xlsx")
    walk.open("/monitoring/")
    period = page.locator("#id_period")
    if not period.input_value():
        period.fill((today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"))
    walk.confirmed(page.locator("form[action$='/runs/'] button[type=submit]"), period.input_value())
    expect(page.locator(SUCCESS).first).to_be_visible()


def admin(walk: Walk) -> None:
    """The policy years, and this year's opened for editing."""
    page = walk.page
    walk.open("/settlements/policy-years/")
    this_year = page.locator("table tbody tr", has_text=str(today().year)).first
    walk.open(this_year.locator("a").first.get_attribute("href"))
    assert page.locator("input[name=effective_from]").input_value()


JOURNEYS = {
    "caseworker": caseworker,
    "civil": civil,
    "reviewer": reviewer,
    "manager": manager,
    "admin": admin,
}


@pytest.mark.parametrize(("role", "city", "look"), WALKS)
def test_a_first_day(start, screenshot_dir, role, city, look):
    walk = start(f"{CITIES[city]}_{role}", look)

    def shot(taken_look):
        language, width = taken_look
        tag = language.split("-")[0]
        walk.page.screenshot(path=str(screenshot_dir / f"{role}-{city}-{tag}-{width}.png"), full_page=True)

    JOURNEYS[role](walk)
    shot(look)
    missing_record_has_the_styled_404_page(walk)
    look_again(walk, other(look), shot)
