"""The files of payments: the bank file of a released batch (the only place a full account number is
written), the bank's result file read back, and the public notice (公示) of a township's month.

Every text cell goes through ``claimants.spreadsheets`` (never a live formula)."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from claimants import categories, spreadsheets
from claimants.imports import Column, RowSpec, parse_date, parse_rows, read_table
from payments.models import FailureReason, PaymentBatch
from payments.services import BankResult, BankResultError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(rows: list[list], *, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(spreadsheets.csv_row(row))
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in rows:
            spreadsheets.append(sheet, row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The bank file -------------------------------------------------------------------------------------------


def bank_file_header() -> list[str]:
    return [_("序号"), _("收款人姓名"), _("开户银行"), _("银行账号"), _("金额"), _("支付参考号"), _("用途")]


def bank_file_rows(batch: PaymentBatch) -> list[list]:
    rows: list[list] = [bank_file_header()]
    for index, line in enumerate(batch.lines.order_by("pk"), start=1):
        rows.append(
            [
                index,
                line.payee_name,
                line.bank_name,
                line.account_number,  # in full: the bank pays this account
                line.amount,
                line.reference,
                _("医疗救助金"),
            ]
        )
    return rows


def bank_file(batch: PaymentBatch, fmt: str) -> HttpResponse:
    return _response(bank_file_rows(batch), fmt=fmt, name=f"bank-{batch.number}")


# The bank's result file ----------------------------------------------------------------------------------


class BankResultColumns(RowSpec):
    """The result file's columns: the reference and amount of each line, paid or failed, and why."""

    columns = (
        Column("reference", ("支付参考号", "参考号", "reference")),
        Column("amount", ("金额", "amount")),
        Column("result", ("结果", "处理结果", "result")),
        Column("paid_on", ("到账日期", "日期", "paid_on"), required=False),
        Column("reason", ("失败原因", "reason"), required=False, max_length=200),
    )


PAID_WORDS = {"成功", "已到账", "paid", "success"}
FAILED_WORDS = {"失败", "退回", "failed", "failure"}
REASON_WORDS = {
    FailureReason.WRONG_ACCOUNT: ("账号有误", "账号错误", "账号不存在", "无此账户", "wrong_account"),
    FailureReason.CLOSED_ACCOUNT: ("账户已销户", "已销户", "销户", "closed_account"),
    FailureReason.NAME_MISMATCH: ("户名与账号不符", "户名不符", "name_mismatch"),
}


def failure_reason_of(text: str) -> str:
    for reason, words in REASON_WORDS.items():
        if any(word in text for word in words):
            return reason
    return FailureReason.OTHER


def read_bank_results(file_name: str, content: bytes) -> list[BankResult]:
    """The result file's lines, checked for form; a file with any bad line raises ``BankResultError`` with
    every problem (the caller stores nothing)."""
    rows = parse_rows(BankResultColumns(), read_table(file_name, content))
    results, errors = [], []
    for row in rows:
        where = _("第%(line)s行") % {"line": row.line}
        values = row.values
        problems = list(row.errors)
        try:
            amount = Decimal(values["amount"].replace(",", ""))
            if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(_("金额无效：%(value)s") % {"value": values["amount"]})
            amount = Decimal("0")
        outcome = values["result"].strip().lower()
        paid = outcome in PAID_WORDS
        if not paid and outcome not in FAILED_WORDS:
            problems.append(_("结果应为“成功”或“失败”：%(value)s") % {"value": values["result"]})
        paid_on = None
        if paid:
            try:
                paid_on = parse_date(values.get("paid_on", ""))
            except ValueError:
                problems.append(_("到账日期无效：%(value)s") % {"value": values.get("paid_on", "")})
        reason_text = values.get("reason", "").strip()
        if not paid and not reason_text:
            problems.append(_("失败的一笔须写明失败原因"))
        if not values["reference"].strip():
            problems.append(_("缺少支付参考号"))
        errors.extend(f"{where}：{problem}" for problem in problems)
        results.append(
            BankResult(
                line=row.line,
                reference=values["reference"].strip(),
                amount=amount.quantize(Decimal("0.01")) if not problems else amount,
                paid=paid,
                paid_on=paid_on,
                failure_reason="" if paid else failure_reason_of(reason_text),
                failure_note="" if paid else reason_text,
            )
        )
    if errors:
        raise BankResultError(errors)
    return results


# The public notice (公示) ---------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """A name as the public notice shows it: the middle masked (张*三, 欧**锋); two characters 张*."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def notice_rows(lines) -> list[dict]:
    return [
        {
            "name": mask_name(line.claimant.name),
            "category": str(categories.CATEGORIES[line.category].label)
            if line.category in categories.CATEGORIES
            else "",
            "amount": line.amount,
            "paid_on": line.paid_on,
        }
        for line in lines
    ]


def notice_file(rows: list[dict], *, title: str, name: str) -> HttpResponse:
    table: list[list] = [[title], [_("序号"), _("姓名"), _("救助类别"), _("救助金额"), _("发放日期")]]
    for index, row in enumerate(rows, start=1):
        table.append([index, row["name"], row["category"], row["amount"], row["paid_on"]])
    table.append(["", _("合计"), "", sum((r["amount"] for r in rows), Decimal("0.00")), ""])
    return _response(table, fmt="xlsx", name=name)
