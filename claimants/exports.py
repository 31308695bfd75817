"""Exports of the filtered claimant list to CSV (streamed) and XLSX (write-only workbook).

An export writes exactly the people its audit row names (``claimant_ids``), read in chunks of their ids;
every text cell goes through ``claimants.spreadsheets`` (never a live formula). The birth date is given as
a year; ID numbers are masked unless the export is a full-number one (``full_ids``)."""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from claimants import categories, idnumbers, selectors, spreadsheets
from claimants.models import Certification, Claimant, ImportBatch
from core.certifications import in_force_on

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header() -> list[str]:
    return [
        _("姓名"),
        _("身份证号"),
        _("性别"),
        _("出生年份"),
        _("联系电话"),
        _("户籍地区划代码"),
        _("户籍所在地"),
        _("参保地"),
        _("参保类型"),
        _("户编号"),
        _("与户主关系"),
        _("当前认定类别"),
    ]


CHUNK = 2000


def _people(claimant_ids: list[int]):
    today = selectors.today()
    for start in range(0, len(claimant_ids), CHUNK):
        yield from (
            Claimant.objects.filter(id__in=claimant_ids[start : start + CHUNK])
            .select_related("hukou_region", "insured_region", "household")
            .prefetch_related(
                Prefetch(
                    "certifications",
                    queryset=Certification.objects.filter(in_force_on(today)),
                    to_attr="in_force",
                )
            )
            .order_by("id")
        )


def _rows(claimant_ids: list[int], *, full_ids: bool):
    for c in _people(claimant_ids):
        best = categories.best_category(c.hukou_region.jurisdiction, {x.category for x in c.in_force})
        yield [
            c.name,
            c.id_number if full_ids else idnumbers.mask(c.id_number),
            c.get_sex_display(),
            c.birth_date.year,
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


def csv_response(claimant_ids: list[int], *, full_ids: bool) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
        yield writer.writerow(_header())
        for row in _rows(claimant_ids, full_ids=full_ids):
            yield writer.writerow(spreadsheets.csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
    return response


def _xlsx_response(title: str, header: list[str], rows, file_name: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    spreadsheets.append(sheet, header)
    for row in rows:
        spreadsheets.append(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def xlsx_response(claimant_ids: list[int], *, full_ids: bool) -> HttpResponse:
    return _xlsx_response(
        _("救助对象"), _header(), _rows(claimant_ids, full_ids=full_ids), _file_name("xlsx")
    )


RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}


def import_report_response(batch: ImportBatch, *, row_label: str) -> HttpResponse:
    """A batch's whole per-row report (its page shows the first lines): line, row label (ID numbers
    masked, as the report keeps them), errors and warnings."""
    rows = ([r["line"], r["row"], "；".join(r["errors"]), "；".join(r["warnings"])] for r in batch.report)
    header = [_("行号"), row_label, _("错误"), _("提示")]
    return _xlsx_response(_("逐行报告"), header, rows, f"import-{batch.pk}-report.xlsx")


# Exports of the other lists (settlements, visits, applications, alerts) -----------------------------------


@dataclass(frozen=True)
class ListExport:
    """One list's export: the audit's name for its rows (``app.model``), the sheet title, the file name stem,
    and the columns as (header, value of one record). A value is a number, a date or a text; ID numbers are
    given masked by the columns themselves."""

    target_type: str
    title: str
    file_stem: str
    columns: tuple[tuple[str, Callable], ...]

    def header(self) -> list[str]:
        return [str(label) for label, _value in self.columns]

    def rows(self, queryset, ids: list[int]) -> Iterator[list]:
        """The records of ``ids`` in that order, read in chunks of ``CHUNK``."""
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            records = queryset.in_bulk(chunk)
            for pk in chunk:
                record = records[pk]
                yield [value(record) for _label, value in self.columns]


def list_export_response(export: ListExport, queryset, ids: list[int], fmt: str) -> HttpResponse:
    """The rows of ``ids`` as CSV (streamed) or XLSX, every text cell written as text, never as a formula."""
    file_name = f"{export.file_stem}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "xlsx":
        return _xlsx_response(str(export.title), export.header(), export.rows(queryset, ids), file_name)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow(export.header())
        for row in export.rows(queryset, ids):
            yield writer.writerow(spreadsheets.csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
