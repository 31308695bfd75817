"""Pages of the finance office: the month's hospital clearing, statements and their steps, the platform's
totals, the fund report, income and budgets.

Each view checks the role (403), scopes through a selector (a hospital outside the region: 404), calls a
service and shows its refusal as a message.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from claimants import roles
from claimants.models import Region
from core.errors import DomainError
from core.regions import in_region
from finance import clearing, funds, platform_totals, selectors, services, statements
from finance.forms import ApproveForm, BudgetForm, ImportUploadForm, IncomeForm, NoteForm, PaymentForm
from finance.models import StatementState
from finance.reconciliation import unresolved_mismatches

VIEWERS = {roles.FINANCE, roles.MANAGER}
FINANCE = {roles.FINANCE}
MANAGERS = {roles.MANAGER}


def last_month() -> dt.date:
    return clearing.month_start(clearing.month_start(timezone.localdate()) - dt.timedelta(days=1))


def month_from(request) -> tuple[dt.date, str]:
    """The ``month`` query parameter, or last month; with the error to show when it is malformed."""
    raw = request.GET.get("month", "")
    if not raw:
        return last_month(), ""
    month = clearing.parse_month(raw)
    if month is None or not 2000 <= month.year <= 2100:
        return last_month(), _("月份应写作 2026-11：%(value)s") % {"value": raw[:20]}
    return month, ""


class ClearingView(roles.RoleRequiredMixin, TemplateView):
    """The month overview of all hospitals: statement, state, platform total, mismatches."""

    template_name = "finance/clearing.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        month, error = month_from(self.request)
        if error:
            messages.error(self.request, error)
        region = self.request.GET.get("region", "").strip()
        if region and not (region.isdigit() and in_region(region, self.request.user)):
            messages.error(self.request, _("地区不在您的管辖范围内：%(value)s") % {"value": region[:12]})
            region = ""
        user = self.request.user
        rows = selectors.month_overview(user=user, month=month, region=region)
        return super().get_context_data(**kwargs) | {
            "month": month,
            "region": region,
            "rows": rows,
            "to_build": selectors.hospitals_to_clear(user=user, month=month) if user.role in FINANCE else [],
            "may_build": user.role in FINANCE,
            "month_ended": clearing.next_month(month) <= timezone.localdate(),
        }


class BuildStatementView(roles.RoleRequiredMixin, View):
    allowed_roles = FINANCE

    def post(self, request, pk):
        month = clearing.parse_month(request.POST.get("month", ""))
        hospital = get_object_or_404(selectors.hospitals_visible_to(request.user), pk=pk)
        if month is None:
            messages.error(
                request, _("月份应写作 2026-11：%(value)s") % {"value": request.POST.get("month", "")[:20]}
            )
            return redirect("finance:clearing")
        try:
            statement = clearing.build_statement(hospital=hospital, month=month, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('finance:clearing')}?month={month:%Y-%m}")
        messages.success(request, _("已生成对账单"))
        return redirect(statement)


class StatementDetailView(roles.RoleRequiredMixin, TemplateView):
    template_name = "finance/statement_detail.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        user = self.request.user
        statement = selectors.get_statement_for_user(user=user, statement_id=self.kwargs["pk"])
        state = statement.state
        found = statements.mismatches(statement)
        unresolved = unresolved_mismatches(statement)
        is_finance, is_manager = user.role in FINANCE, user.role in MANAGERS
        return (
            super().get_context_data(**kwargs)
            | statements.context(statement)
            | {
                "events": statement.events.select_related("by"),
                "accounts": _accounts(statement),
                "mismatches": found,
                "unresolved": unresolved,
                "may_refresh": is_finance and state == StatementState.DRAFT,
                "may_check": is_finance
                and state == StatementState.DRAFT
                and statement.created_by_id != user.pk,
                "may_return": (is_finance or is_manager) and state == StatementState.CHECKED,
                "may_accept": (is_finance or is_manager)
                and state in (StatementState.DRAFT, StatementState.CHECKED)
                and bool(unresolved)
                and statement.created_by_id != user.pk,
                "may_approve": is_manager and state == StatementState.CHECKED,
                "may_pay": is_finance
                and state == StatementState.APPROVED
                and statement.approved_by_id != user.pk,
                "may_reconcile": (is_finance or is_manager)
                and state == StatementState.PAID
                and statement.paid_by_id != user.pk,
                "note_form": NoteForm(),
                "approve_form": ApproveForm(),
                "payment_form": PaymentForm(),
            }
        )


def _accounts(statement) -> list[tuple[str, str, object]]:
    """(fund name, account region name, amount to repay) of a statement."""
    amounts = clearing.amounts_by_account(statement)
    names = dict(
        Region.objects.filter(code__in={region for _fund, region in amounts}).values_list("code", "name")
    )
    return [
        (funds.fund_name(fund), names.get(region, region), amount)
        for (fund, region), amount in sorted(amounts.items())
    ]


# action -> roles that may ask for it (the service checks the rest: state, separation of duties)
ACTIONS = {
    "refresh": FINANCE,
    "check": FINANCE,
    "return": VIEWERS,
    "accept": VIEWERS,
    "approve": MANAGERS,
    "pay": FINANCE,
    "reconcile": VIEWERS,
}


class StatementActionView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        if request.user.role not in ACTIONS[action]:
            raise PermissionDenied
        statement = selectors.get_statement_for_user(user=request.user, statement_id=pk)
        try:
            done = self.act(request, statement, action)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if done:
                messages.success(request, done)
        return redirect(statement)

    def act(self, request, statement, action) -> str:
        by = request.user
        if action == "refresh":
            clearing.refresh_statement(statement=statement, by=by)
            return _("已按当前结算重新生成")
        if action == "check":
            clearing.check_statement(statement=statement, by=by)
            return _("复核通过")
        if action in ("return", "accept"):
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            if action == "return":
                clearing.return_statement(statement=statement, by=by, reason=note)
                return _("已退回修改")
            clearing.accept_mismatches(statement=statement, by=by, note=note)
            return _("已记录差异说明")
        if action == "approve":
            form = ApproveForm(request.POST)
            reason = form.cleaned_data["override_reason"] if form.is_valid() else ""
            approval = clearing.approve_statement(statement=statement, by=by, override_reason=reason or None)
            for check in approval.warnings:
                messages.warning(request, services.budget_warning(check))
            return _("已批准支付")
        if action == "pay":
            form = PaymentForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
                return ""
            clearing.pay_statement(
                statement=statement,
                by=by,
                reference=form.cleaned_data["reference"],
                payment_date=form.cleaned_data["payment_date"],
            )
            return _("已登记支付")
        clearing.reconcile_statement(statement=statement, by=by)
        return _("已确认对账")


class StatementPrintView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def get(self, request, pk):
        statement = selectors.get_statement_for_user(user=request.user, statement_id=pk)
        return HttpResponse(statements.html(statement, request=request))


class StatementPdfView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def get(self, request, pk):
        statement = selectors.get_statement_for_user(user=request.user, statement_id=pk)
        response = HttpResponse(
            statements.pdf(statement, base_url=request.build_absolute_uri("/")),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="clearing-{statement.hospital.code}-{statement.month:%Y-%m}.pdf"'
        )
        return response


class StatementXlsxView(roles.RoleRequiredMixin, View):
    allowed_roles = VIEWERS

    def get(self, request, pk):
        statement = selectors.get_statement_for_user(user=request.user, statement_id=pk)
        response = HttpResponse(
            statements.xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="clearing-{statement.hospital.code}-{statement.month:%Y-%m}.xlsx"'
        )
        return response


class PlatformImportView(roles.RoleRequiredMixin, FormView):
    """Upload of the platform's monthly totals (对总账), all or nothing, with every wrong row listed."""

    template_name = "finance/platform_import.html"
    allowed_roles = FINANCE
    form_class = ImportUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            result = platform_totals.import_platform_totals(
                file_name=upload.name, content=upload.read(), by=self.request.user
            )
        except platform_totals.PlatformImportRefused as exc:
            return self.render_to_response(
                self.get_context_data(form=form, error=exc.message, errors=exc.errors)
            )
        except DomainError as exc:
            return self.render_to_response(self.get_context_data(form=form, error=exc.message))
        messages.success(
            self.request,
            _("已导入：新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("finance:clearing")


class FundReportView(roles.RoleRequiredMixin, TemplateView):
    """Income, spending, balance and budget execution per fund and account: the month and its year."""

    template_name = "finance/funds.html"
    allowed_roles = VIEWERS

    def get_context_data(self, **kwargs):
        month, error = month_from(self.request)
        if not self.request.GET.get("month"):
            month = clearing.month_start(timezone.localdate())
        if error:
            messages.error(self.request, error)
        user = self.request.user
        return super().get_context_data(**kwargs) | {
            "month": month,
            "rows": selectors.fund_report(user=user, month=month),
            "income": selectors.recent_income(user),
            "may_record_income": user.role in services.INCOME_ROLES,
            "may_set_budget": user.role in services.BUDGET_ROLES,
        }


class _AccountFormView(roles.RoleRequiredMixin, FormView):
    template_name = "finance/account_form.html"
    title = ""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"title": self.title}

    def form_valid(self, form):
        try:
            self.save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存"))
        return redirect("finance:funds")


class IncomeCreateView(_AccountFormView):
    allowed_roles = services.INCOME_ROLES
    form_class = IncomeForm
    title = gettext_lazy("登记基金收入")

    def save(self, data):
        services.record_income(by=self.request.user, **data)


class BudgetSetView(_AccountFormView):
    allowed_roles = services.BUDGET_ROLES
    form_class = BudgetForm
    title = gettext_lazy("设置年度预算")

    def save(self, data):
        services.set_budget(by=self.request.user, **data)
