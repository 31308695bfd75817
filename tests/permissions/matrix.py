"""The permission matrix: every URL of the product, the roles allowed on it, how it is asked.

One table, ``URLS``, for the pages of every app: (url name, kwargs factory, roles allowed, method, data). The
kwargs factories (``tests.permissions.objects``) make the target row in the region they are given: ``OWN``
lies inside the requesting users' region ``USER_REGION``, ``OTHER`` does not. The token-authenticated REST
API has its own table, ``API_URLS``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from claimants import roles
from payments.models import BatchState
from tests.permissions.objects import (
    BANK_RESULT,
    action_kwargs,
    alert_kwargs,
    application_kwargs,
    batch_kwargs,
    certification_kwargs,
    claimant_kwargs,
    claimant_year_kwargs,
    document_kwargs,
    fmt_kwargs,
    hospital_kwargs,
    household_kwargs,
    key_kwargs,
    member_kwargs,
    payee_kwargs,
    payment_batch_kwargs,
    policy_year_kwargs,
    push_batch_kwargs,
    refused_application_kwargs,
    register_kwargs,
    released_batch_kwargs,
    run_kwargs,
    settlement_kwargs,
    statement_kwargs,
    visit_batch_kwargs,
    visit_kwargs,
)

OWN, OTHER = "510703001", "510704001"
USER_REGION = "510703"  # a county: OWN lies inside it, OTHER does not


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
