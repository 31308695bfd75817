"""Every URL x every role x own/other region, and anonymous users.

One table, ``URLS``, for the pages of every app (claimants, settlements, monitoring): (url name, kwargs
factory, roles allowed, method, data). A kwargs factory receives the requesting user and the region code
where the target row must live, and returns the URL kwargs. Expected answers: anonymous -> redirect to
login; a role not allowed -> 403; an allowed role on a row outside its region -> 404; an allowed role on its
own row -> a page or a redirect (< 400). The token-authenticated REST API has its own table, ``API_URLS``,
with the same expectations except anonymous -> 401.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications import documents
from applications.models import AssistanceApplication, State
from claimants import idnumbers, roles
from claimants.models import Certification, Claimant, Household, ImportBatch, Region
from core.roles import Department, officer_department
from monitoring.models import AlertRun, HighCostAlert, PushBatch
from payments.models import BatchState, LineState, PaymentBatch, PaymentLine
from settlements import services, visit_import
from tests.factories import CertificationFactory, PolicyYearFactory, VisitFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "510703001", "510704001"
USER_REGION = "510703"  # a county: OWN lies inside it, OTHER does not
_sequence = iter(range(1, 10_000))


def _claimant(region_code: str) -> Claimant:
    n = next(_sequence)
    region = Region.objects.get(code=region_code)
    return Claimant.objects.create(
        name=f"测试{n}",
        id_number=idnumbers.build(region_code[:6], dt.date(1980, 1, 1) + dt.timedelta(days=n), n),
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        hukou_region=region,
        insured_region=region,
        scheme="resident",
    )


def claimant_kwargs(user, region_code):
    return {"pk": _claimant(region_code).pk}


def _hospital(region_code: str):
    from settlements.models import Hospital

    n = next(_sequence)
    return Hospital.objects.create(code=f"HP{n:05d}", name=f"测试医院{n}", region_id=region_code[:6])


def hospital_kwargs(user, region_code):
    return {"pk": _hospital(region_code).pk}


def statement_kwargs(user, region_code, **extra):
    from finance.models import HospitalStatement

    statement = HospitalStatement.objects.create(
        hospital=_hospital(region_code), month=dt.date(2023, 3, 1), created_by=user, built_at=timezone.now()
    )
    return {"pk": statement.pk, **extra}


def household_kwargs(user, region_code):
    n = next(_sequence)
    return {"pk": Household.objects.create(number=f"HP{n}", region_id=region_code).pk}


def member_kwargs(user, region_code):
    person = _claimant(region_code)
    household = Household.objects.create(number=f"HM{person.pk}", region_id=region_code)
    person.household, person.relation_to_head = household, "head"
    person.save()
    return {"pk": household.pk, "claimant_pk": person.pk}


def certification_kwargs(user, region_code):
    category = "monitored_rural" if user.role == roles.RURAL else "dibao"
    cert = Certification.objects.create(
        claimant=_claimant(region_code),
        category=category,
        jurisdiction="mianyang",
        department="rural_revitalization" if category == "monitored_rural" else "civil_affairs",
        valid_from=dt.date(2023, 1, 1),
    )
    return {"pk": cert.pk}


def batch_kwargs(user, region_code, kind="certifications"):
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name="x.csv",
        file_sha256="0" * 64,
        content=b"",
        region_id=region_code,
        created_by=user,
    )
    return {"pk": batch.pk}


def fmt_kwargs(fmt):
    return lambda user, region_code: {"fmt": fmt}


def visit_batch_kwargs(user, region_code):
    return batch_kwargs(user, region_code, visit_import.KIND)


def _visit(region_code: str):
    """A visit of a dibao holder in 2023 (Mianyang policy year 2023), awaiting settlement."""
    PolicyYearFactory()  # get_or_create
    claimant = _claimant(region_code)
    CertificationFactory(claimant=claimant)
    return VisitFactory(claimant=claimant)


def visit_kwargs(user, region_code):
    return {"pk": _visit(region_code).pk}


def settlement_kwargs(user, region_code):
    return {"pk": services.settle_visit(visit=_visit(region_code), by=None).pk}


def claimant_year_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk, "year": 2023}


def register_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk}


def policy_year_kwargs(user, region_code):
    return {"pk": PolicyYearFactory().pk}


def _application(user, region_code: str) -> AssistanceApplication:
    """An application referred to the user's department (civil affairs for other roles): visible to all."""
    rural = user.role == roles.RURAL
    return AssistanceApplication.objects.create(
        kind="certification",
        claimant=_claimant(region_code),
        region_id=region_code,
        state=State.REFERRED,
        requested_category="monitored_rural" if rural else "marginal",
        referred_department=Department.RURAL_REVITALIZATION if rural else Department.CIVIL_AFFAIRS,
        submitted_on=dt.date(2024, 3, 4),
        aid_year=2024,
        created_by=user,
    )


def application_kwargs(user, region_code):
    return {"pk": _application(user, region_code).pk}


def refused_application_kwargs(user, region_code):
    application = _application(user, region_code)
    AssistanceApplication.objects.filter(pk=application.pk).update(state=State.REFUSED)
    return {"pk": application.pk}


def action_kwargs(action):
    return lambda user, region_code: {"pk": _application(user, region_code).pk, "action": action}


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_kwargs(user, region_code):
    application = _application(user, region_code)
    upload = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    document = documents.store(application=application, by=user, kind="invoice", uploaded=upload)
    return {"pk": application.pk, "document_id": document.pk}


def alert_kwargs(user, region_code):
    """A pushed alert of the user's department's queue (civil affairs for other roles)."""
    claimant = _claimant(region_code)
    alert = HighCostAlert.objects.create(
        claimant=claimant,
        period=dt.date(2023, 3, 1),
        department=officer_department(user) or Department.CIVIL_AFFAIRS,
        county_id=region_code[:6],
        hukou_region_id=region_code,
        insured_region_id=region_code,
        amount=Decimal("20000.00"),
        threshold=Decimal("16500.00"),
        kind=HighCostAlert.Kind.IMPOVERISHED,
        disposition=HighCostAlert.Disposition.PUSHED,
    )
    return {"pk": alert.pk}


def _run() -> AlertRun:
    return AlertRun.objects.create(
        period=dt.date(2023, 3, 1), cutoff=dt.date(2023, 3, 31), trigger=AlertRun.Trigger.MANUAL
    )


def run_kwargs(user, region_code):
    return {"pk": _run().pk}


def push_batch_kwargs(user, region_code):
    period = dt.date(2023, 1, 1) + dt.timedelta(days=next(_sequence))  # one batch per county and period
    batch = PushBatch.objects.create(
        period=period, region_id=region_code[:6], run=_run(), threshold=Decimal("16500.00")
    )
    return {"pk": batch.pk}


def payment_batch_kwargs(state):
    """A payment batch of the region in ``state``, made by someone else (so the user may check it)."""

    def make(user, region_code):
        maker = type(user).objects.create(username=f"maker{next(_sequence)}", role=roles.REVIEWER)
        batch = PaymentBatch.objects.create(region_id=region_code, state=state, made_by=maker)
        return {"pk": batch.pk}

    return make


MATRIX_REFERENCE = "ZF-MATRIX"


def released_batch_kwargs(user, region_code):
    """A released batch with one line under the reference the result file below names (earlier batches'
    lines of that reference are renamed first)."""
    for line in PaymentLine.objects.filter(reference=MATRIX_REFERENCE):
        PaymentLine.objects.filter(pk=line.pk).update(reference=f"ZF-OLD{line.pk}")
    settlement = services.settle_visit(visit=_visit(region_code), by=None)
    batch = PaymentBatch.objects.create(region_id=region_code, state=BatchState.RELEASED)
    PaymentLine.objects.create(
        batch=batch,
        settlement=settlement,
        claimant=settlement.claimant,
        region_id=region_code,
        fund="medical_assistance",
        amount=Decimal("10.00"),
        reference=MATRIX_REFERENCE,
        state=LineState.SENT,
    )
    return {"pk": batch.pk}


class _RereadableFile(SimpleUploadedFile):
    """An upload the table sends once per role: each request reads it from the start."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


BANK_RESULT = _RereadableFile(
    "result.csv",
    f"支付参考号,金额,结果,到账日期,失败原因\n{MATRIX_REFERENCE},10.00,失败,,账号有误\n".encode(),
)


def payee_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk}


def key_kwargs(key):
    return lambda user, region_code: {"key": key}


@dataclass(frozen=True)
class Url:
    name: str
    kwargs: Callable | None
    allowed: frozenset
    method: str = "get"
    data: dict | None = None
    scoped: bool = True  # whether the kwargs point at a row that has a region


ALL = roles.ALL_ROLES
CASEWORKER = frozenset({roles.CASEWORKER})
OFFICERS = frozenset({roles.CIVIL, roles.RURAL})
REVIEWER = frozenset({roles.REVIEWER})
VIEWERS = frozenset({roles.REVIEWER, roles.MANAGER, roles.ADMIN})  # settlements' read-only pages
MONITORING = frozenset({roles.REVIEWER, roles.CIVIL, roles.RURAL, roles.MANAGER})
DASHBOARD = frozenset({roles.MANAGER, roles.ADMIN})
PAYMENTS = frozenset({roles.REVIEWER, roles.MANAGER})
FINANCE_VIEWERS = frozenset({roles.FINANCE, roles.MANAGER})
FINANCE_ONLY = frozenset({roles.FINANCE})

URLS: list[Url] = [
    Url("home", None, ALL),
    Url("claimants:list", None, ALL),
    Url("claimants:export", fmt_kwargs("csv"), ALL, scoped=False),
    Url("claimants:export", fmt_kwargs("xlsx"), ALL, scoped=False),
    Url("claimants:export_full", None, frozenset(settings.JIUZHU_FULL_ID_EXPORT_ROLES)),
    Url(
        "claimants:export_full",
        None,
        frozenset(settings.JIUZHU_FULL_ID_EXPORT_ROLES),
        "post",
        {"purpose": "核对名单", "format": "csv"},
    ),
    Url("claimants:create", None, CASEWORKER),
    Url("claimants:person_search", None, CASEWORKER, data={"q": "张"}, scoped=False),
    Url("claimants:household_search", None, CASEWORKER, data={"q": "号"}, scoped=False),
    Url("claimants:detail", claimant_kwargs, ALL),
    Url("claimants:update", claimant_kwargs, CASEWORKER),
    Url("claimants:reveal_id", claimant_kwargs, frozenset(settings.JIUZHU_FULL_ID_ROLES), "post"),
    Url("claimants:certification_create", claimant_kwargs, OFFICERS),
    Url("claimants:household_create", None, CASEWORKER),
    Url("claimants:household_detail", household_kwargs, ALL),
    Url("claimants:household_update", household_kwargs, CASEWORKER),
    Url("claimants:household_member_add", household_kwargs, CASEWORKER, "post", {"claimant": "x"}),
    Url("claimants:household_member_remove", member_kwargs, CASEWORKER, "post"),
    Url("claimants:certification_list", None, ALL),
    Url("claimants:certification_revoke", certification_kwargs, OFFICERS),
    Url("claimants:certification_revoke", certification_kwargs, OFFICERS, "post", {"reason": "核查"}),
    Url("claimants:import_list", None, OFFICERS | {roles.ADMIN}),
    Url("claimants:import_create", None, OFFICERS),
    Url("claimants:import_template", fmt_kwargs("csv"), OFFICERS, scoped=False),
    Url("claimants:import_template", fmt_kwargs("xlsx"), OFFICERS, scoped=False),
    Url("claimants:import_detail", batch_kwargs, OFFICERS | {roles.ADMIN}),
    Url("claimants:import_report", batch_kwargs, OFFICERS | {roles.ADMIN}),
    Url("claimants:import_commit", batch_kwargs, OFFICERS, "post"),
    Url("claimants:import_discard", batch_kwargs, OFFICERS, "post"),
    # settlements: applications
    Url("applications:application_list", None, ALL),
    Url("applications:application_export", fmt_kwargs("csv"), ALL, scoped=False),
    Url("applications:application_export", fmt_kwargs("xlsx"), ALL, scoped=False),
    Url("applications:application_bulk_accept", None, CASEWORKER, "post"),
    Url("applications:application_lookup", None, CASEWORKER),
    Url("applications:application_register", register_kwargs, CASEWORKER),
    Url("applications:application_detail", application_kwargs, ALL),
    Url("applications:application_receipt", application_kwargs, ALL),
    Url("applications:application_refusal_notice", refused_application_kwargs, ALL),
    Url(
        "applications:application_document_upload",
        application_kwargs,
        CASEWORKER | OFFICERS | REVIEWER,
        "post",
    ),
    Url("applications:application_document", document_kwargs, ALL),
    Url(
        "applications:application_action",
        action_kwargs("withdraw"),
        CASEWORKER,
        "post",
        {"withdraw-reason": "撤回"},
    ),
    Url(
        "applications:application_action",
        action_kwargs("decline"),
        OFFICERS,
        "post",
        {"decline-reason": "收入超标"},
    ),
    # settlements: visits, settlements, ledgers, policy years, visit imports
    Url("settlements:visit_list", None, VIEWERS),
    Url("settlements:visit_export", fmt_kwargs("csv"), VIEWERS, scoped=False),
    Url("settlements:visit_export", fmt_kwargs("xlsx"), VIEWERS, scoped=False),
    Url("settlements:visit_create", None, REVIEWER),
    Url("settlements:visit_bulk_settle", None, REVIEWER, "post"),
    Url("settlements:visit_detail", visit_kwargs, VIEWERS),
    Url("settlements:visit_settle", visit_kwargs, REVIEWER, "post"),
    Url("settlements:import_list", None, VIEWERS),
    Url("settlements:import_create", None, REVIEWER),
    Url("settlements:import_template", fmt_kwargs("csv"), REVIEWER, scoped=False),
    Url("settlements:import_template", fmt_kwargs("xlsx"), REVIEWER, scoped=False),
    Url("settlements:import_detail", visit_batch_kwargs, VIEWERS),
    Url("settlements:import_report", visit_batch_kwargs, VIEWERS),
    Url("settlements:import_commit", visit_batch_kwargs, REVIEWER, "post"),
    Url("settlements:import_discard", visit_batch_kwargs, REVIEWER, "post"),
    Url("settlements:settlement_list", None, VIEWERS),
    Url("settlements:settlement_export", fmt_kwargs("csv"), VIEWERS, scoped=False),
    Url("settlements:settlement_export", fmt_kwargs("xlsx"), VIEWERS, scoped=False),
    Url("settlements:settlement_detail", settlement_kwargs, VIEWERS),
    Url("settlements:settlement_reverse", settlement_kwargs, REVIEWER, "post", {"reason": "费用有误"}),
    Url("settlements:statement", settlement_kwargs, VIEWERS),
    Url("settlements:statement_pdf", settlement_kwargs, VIEWERS),
    Url("settlements:statement_xlsx", settlement_kwargs, VIEWERS),
    Url("settlements:ledger", claimant_year_kwargs, VIEWERS),
    Url("settlements:resettlement_list", None, VIEWERS),
    Url("settlements:claimant_resettlement", claimant_year_kwargs, VIEWERS),
    Url("settlements:policy_year_list", None, VIEWERS),
    Url("settlements:policy_year_create", None, frozenset({roles.ADMIN})),
    Url("settlements:policy_year_edit", policy_year_kwargs, frozenset({roles.ADMIN}), scoped=False),
    # monitoring
    Url("monitoring:overview", None, MONITORING | {roles.ADMIN}),
    Url("monitoring:run_start", None, frozenset({roles.MANAGER}), "post"),
    Url("monitoring:run_progress", run_kwargs, MONITORING | {roles.ADMIN}, scoped=False),
    Url("monitoring:run_resume", run_kwargs, frozenset({roles.MANAGER}), "post", scoped=False),
    Url("monitoring:alert_list", None, MONITORING),
    Url("monitoring:alert_export", fmt_kwargs("csv"), MONITORING, scoped=False),
    Url("monitoring:alert_export", fmt_kwargs("xlsx"), MONITORING, scoped=False),
    Url("monitoring:alert_detail", alert_kwargs, MONITORING),
    Url("monitoring:alert_detail", alert_kwargs, OFFICERS, "post", {"result": "no_risk"}),
    Url("monitoring:batch_list", None, MONITORING),
    Url("monitoring:batch_download", push_batch_kwargs, MONITORING),
    Url("monitoring:certified_list", None, frozenset({roles.REVIEWER, roles.MANAGER})),
    Url("monitoring:dashboard", None, DASHBOARD),
    Url("monitoring:dashboard_export", key_kwargs("paid_by_month"), DASHBOARD, scoped=False),
    Url("monitoring:dashboard_report", None, DASHBOARD, data={"month": "2023-03"}),
    # payments
    Url("payments:batch_list", None, PAYMENTS),
    Url("payments:payable", None, REVIEWER),
    Url("payments:payable", None, REVIEWER, "post"),
    Url("payments:batch_detail", payment_batch_kwargs(BatchState.MADE), PAYMENTS),
    Url("payments:batch_check", payment_batch_kwargs(BatchState.MADE), PAYMENTS, "post"),
    Url("payments:batch_return", payment_batch_kwargs(BatchState.MADE), PAYMENTS, "post", {"reason": "核对"}),
    Url(
        "payments:batch_release", payment_batch_kwargs(BatchState.CHECKED), frozenset({roles.MANAGER}), "post"
    ),
    Url(
        "payments:bank_file",
        lambda u, r: {**payment_batch_kwargs(BatchState.RELEASED)(u, r), "fmt": "csv"},
        PAYMENTS,
    ),
    Url("payments:bank_results", payment_batch_kwargs(BatchState.RELEASED), PAYMENTS, "post"),
    Url("payments:payee_edit", payee_kwargs, frozenset({roles.CASEWORKER, roles.REVIEWER})),
    Url("payments:notice", None, PAYMENTS),
    Url("payments:notice_xlsx", None, PAYMENTS, data={"region": OWN, "month": "2023-03"}),
    # finance
    Url("finance:clearing", None, FINANCE_VIEWERS),
    Url("finance:statement_build", hospital_kwargs, FINANCE_ONLY, "post", {"month": "2023-03"}),
    Url("finance:platform_import", None, FINANCE_ONLY),
    Url("finance:statement_detail", statement_kwargs, FINANCE_VIEWERS),
    Url("finance:statement_print", statement_kwargs, FINANCE_VIEWERS),
    Url("finance:statement_pdf", statement_kwargs, FINANCE_VIEWERS),
    Url("finance:statement_xlsx", statement_kwargs, FINANCE_VIEWERS),
    Url(
        "finance:statement_action", lambda u, r: statement_kwargs(u, r, action="check"), FINANCE_ONLY, "post"
    ),
    Url("finance:funds", None, FINANCE_VIEWERS),
    Url("finance:income_create", None, FINANCE_VIEWERS),
    Url("finance:budget_set", None, frozenset({roles.MANAGER})),
]

API_URLS: list[Url] = [
    Url("api_referral_list", None, OFFICERS),
    Url(
        "api_referral_reply",
        application_kwargs,
        OFFICERS,
        "post",
        {"decision": "decline", "reason": "收入超标"},
    ),
    Url("api_bank_results", released_batch_kwargs, PAYMENTS, "post", {"file": BANK_RESULT}),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded documents


def _request(client, url: Url, path: str):
    return getattr(client, url.method)(path, url.data or {})


def _failures(url: Url, make_staff, client_for) -> list[str]:
    """Each role on a row of its own region (and outside it when scoped): the answers that break the rule."""
    failures = []
    for role in sorted(ALL):
        user = make_staff(role, USER_REGION)
        client = client_for(user)
        regions = (OWN, OTHER) if url.kwargs and url.scoped else (OWN,)
        for region_code in regions:
            kwargs = url.kwargs(user, region_code) if url.kwargs else {}
            status = _request(client, url, reverse(url.name, kwargs=kwargs)).status_code
            if role not in url.allowed:
                expected_ok = status == 403
            elif region_code == OTHER:
                expected_ok = status == 404
            else:
                expected_ok = status < 400
            if not expected_ok:
                failures.append(f"{role} {region_code}: {status}")
    return failures


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_url_answers_each_role_by_region(client, make_staff, url):
    def logged_in(user):
        client.force_login(user)
        return client

    failures = _failures(url, make_staff, logged_in)
    assert not failures, failures


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_anonymous_user_is_sent_to_login(client, make_staff, url):
    owner = make_staff(roles.CIVIL, USER_REGION)
    kwargs = url.kwargs(owner, OWN) if url.kwargs else {}
    response = _request(client, url, reverse(url.name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("url", API_URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_api_answers_each_role_by_region(make_staff, url):
    failures = _failures(url, make_staff, _token_client)
    assert not failures, failures


@pytest.mark.parametrize("url", API_URLS, ids=lambda u: f"{u.method}-{u.name}")
def test_api_refuses_anonymous_users_with_401(make_staff, url):
    owner = make_staff(roles.CIVIL, USER_REGION)
    kwargs = url.kwargs(owner, OWN) if url.kwargs else {}
    assert _request(APIClient(), url, reverse(url.name, kwargs=kwargs)).status_code == 401


PUBLIC_OR_FOREIGN = {"login", "logout", "set_language", "healthz", "api_schema"}  # and the admin site
# An upload endpoint whose answers by role (403, 401, 200, 400 with the rows) need a file per request:
# tests/finance/test_platform_totals.py asks it as each of them.
PUBLIC_OR_FOREIGN |= {"api_platform_totals"}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_tables_name_every_url_of_the_product():
    named = {url.name for url in [*URLS, *API_URLS]}
    assert set(_url_names(get_resolver().url_patterns)) - PUBLIC_OR_FOREIGN == named


def test_sixth_wrong_password_locks_out_even_the_right_password(client, make_staff):
    make_staff(roles.CASEWORKER, USER_REGION, username="lockme")
    login = reverse("login")
    for attempt in range(1, 6):
        response = client.post(login, {"username": "lockme", "password": "wrong-password"})
        assert response.status_code == (200 if attempt < 5 else 429)  # the 5th failure locks the account
    response = client.post(login, {"username": "lockme", "password": "pass-word-123"})  # 6th attempt
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_before_the_limit(client, make_staff):
    make_staff(roles.CASEWORKER, USER_REGION, username="fine")
    client.post(reverse("login"), {"username": "fine", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "fine", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
