"""Exports of the filtered claimant list to CSV (streamed) and XLSX (write-only workbook)."""

import csv
import io

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import categories, idnumbers, selectors
from claimants.models import Certification, Claimant, ImportBatch

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header() -> list[str]:
    return [
        _("姓名"),
        _("身份证号"),
        _("性别"),
        _("出生日期"),
        _("联系电话"),
        _("户籍地区划代码"),
        _("户籍所在地"),
        _("参保地"),
        _("参保类型"),
        _("户编号"),
        _("与户主关系"),
        _("当前认定类别"),
    ]


def _rows(queryset: QuerySet[Claimant], *, full_ids: bool):
    today = selectors.today()
    queryset = queryset.select_related("hukou_region", "insured_region", "household").prefetch_related(
        Prefetch(
            "certifications",
            queryset=Certification.objects.filter(selectors.in_force_on(today)),
            to_attr="in_force",
        )
    )
    for c in queryset.iterator(chunk_size=2000):
        best = categories.best_category(c.hukou_region.jurisdiction, {x.category for x in c.in_force})
        yield [
            c.name,
            c.id_number if full_ids else idnumbers.mask(c.id_number),
            c.get_sex_display(),
            c.birth_date.isoformat(),
            c.phone,
            c.hukou_region_id,
            c.hukou_region.full_name,
            c.insured_region.name,
            c.get_scheme_display(),
            c.household.number if c.household_id else "",
            c.get_relation_to_head_display(),
            categories.CATEGORIES[best].label if best else "",
        ]


def _file_name(ext: str) -> str:
    return f"claimants-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset: QuerySet[Claimant], *, full_ids: bool) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
        yield writer.writerow(_header())
        for row in _rows(queryset, full_ids=full_ids):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
    return response


def _xlsx_response(title: str, header: list[str], rows, file_name: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def xlsx_response(queryset: QuerySet[Claimant], *, full_ids: bool) -> HttpResponse:
    return _xlsx_response(_("救助对象"), _header(), _rows(queryset, full_ids=full_ids), _file_name("xlsx"))


def import_report_response(batch: ImportBatch, *, row_label: str) -> HttpResponse:
    """A batch's whole per-row report (its page shows the first lines): line, row label (ID numbers
    masked, as the report keeps them), errors and warnings."""
    rows = ([r["line"], r["row"], "；".join(r["errors"]), "；".join(r["warnings"])] for r in batch.report)
    header = [_("行号"), row_label, _("错误"), _("提示")]
    return _xlsx_response(_("逐行报告"), header, rows, f"import-{batch.pk}-report.xlsx")
