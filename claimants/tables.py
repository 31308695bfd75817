"""List tables (django-tables2) and the capped paginator of the smaller lists (see ``claimants.paging``)."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claimants import categories, paging
from claimants.models import Certification, Claimant, ImportBatch

MAX_PER_PAGE = 200


class ClampedPaginator(Paginator):
    """A page holds 1 to ``MAX_PER_PAGE`` rows whatever ``?per_page=`` says: django-tables2 passes the
    request's value straight through, and ``-1`` divided by zero while ``50000`` read a whole region."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, max(1, min(int(per_page), MAX_PER_PAGE)), *args, **kwargs)


class TableMixin(tables.SingleTableMixin):
    """``SingleTableMixin`` for every list of the product: pages through ``ClampedPaginator``."""

    paginator_class = ClampedPaginator


class CappedPaginator(ClampedPaginator):
    """Counts at most ``COUNT_CAP + 1`` rows; beyond that the list shows "10,000+" and pages stop at the
    cap, so no page ever counts or skips more than ``COUNT_CAP`` rows (narrow the filter to go further).
    The claimant list pages by key instead (``claimants.paging.KeysetPaginator``)."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        # django-tables2 hands over its BoundRows; the queryset sits in rows.data.data.
        queryset = rows.data.data if isinstance(rows, tables.rows.BoundRows) else rows
        return queryset.order_by()[: paging.COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > paging.COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else max(1, paging.COUNT_CAP // self.per_page)


class ClaimantTable(tables.Table):
    """Every sortable column orders by (column, id), matching an index on the same pair: a page at any
    depth is read from the index at its key. Sex and scheme are filters, not sort keys."""

    name = tables.Column(linkify=True, verbose_name=_("姓名"), order_by=("name", "id"))
    masked_id_number = tables.Column(verbose_name=_("身份证号"), orderable=False)
    sex = tables.Column(verbose_name=_("性别"), orderable=False)
    # The year only, beside the masked number (claimants.idnumbers.mask).
    birth_date = tables.Column(verbose_name=_("出生年份"), order_by=("birth_date", "id"))
    hukou_region = tables.Column(verbose_name=_("户籍所在地"), order_by=("hukou_region_id", "id"))
    scheme = tables.Column(verbose_name=_("参保类型"), orderable=False)
    current_category = tables.Column(verbose_name=_("当前认定类别"), empty_values=(), orderable=False)
    created_at = tables.Column(verbose_name=_("登记时间"), order_by=("id",))

    class Meta:
        model = Claimant
        fields = ()
        sequence = (
            "name",
            "masked_id_number",
            "sex",
            "birth_date",
            "hukou_region",
            "scheme",
            "current_category",
            "created_at",
        )
        attrs = {"class": "table table-sm table-striped table-hover"}
        order_by = ("-created_at",)
        template_name = "claimants/_claimant_table.html"

    def render_created_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d}"

    def render_current_category(self, record):
        return current_category_label(record) or "—"

    def rows_html(self) -> str:
        """The page's rows, one ``format_html`` each: the template's per-cell lookups cost more than the
        queries on a 200-row page. Every value is escaped; ``current_category_label`` is set by the view."""
        return mark_safe(  # noqa: S308 - a join of format_html results, each escaped
            "".join(
                format_html(
                    ROW,
                    reverse("claimants:detail", args=[c.pk]),
                    c.name,
                    c.masked_id_number,
                    c.get_sex_display(),
                    c.birth_date.year if c.birth_date else "",
                    c.hukou_region.name,
                    c.get_scheme_display(),
                    c.current_category_label or "—",
                    f"{timezone.localtime(c.created_at):%Y-%m-%d}",
                )
                for c in self.page.object_list
            )
        )


ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td></tr>\n"
)


def current_category_label(claimant) -> str:
    """The category in force today (from the ``in_force`` prefetch), highest first (就高不就低)."""
    held = {c.category for c in claimant.in_force}
    return categories.label_of(categories.best_category(claimant.hukou_region.jurisdiction, held))


class CertificationTable(tables.Table):
    claimant = tables.Column(
        linkify=lambda record: record.claimant.get_absolute_url(),
        verbose_name=pgettext_lazy("one claimant", "救助对象"),
        order_by=("claimant__name",),
    )
    category = tables.Column(verbose_name=_("认定类别"))
    department = tables.Column(verbose_name=_("认定部门"))
    certificate_number = tables.Column(verbose_name=_("证书编号"))
    valid_from = tables.Column(verbose_name=_("有效期起"))
    valid_to = tables.Column(verbose_name=_("有效期止"))
    status = tables.Column(verbose_name=_("状态"), order_by=("status", "valid_to"))
    source = tables.Column(verbose_name=_("来源"))

    class Meta:
        model = Certification
        fields = ()
        sequence = (
            "claimant",
            "category",
            "department",
            "certificate_number",
            "valid_from",
            "valid_to",
            "status",
            "source",
        )
        attrs = {"class": "table table-sm table-striped table-hover"}
        order_by = ("-valid_from",)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_status(self, record):
        status = record.status_on(self.today)
        css = {"active": "success", "revoked": "secondary", "expired": "warning"}[status]
        return format_html('<span class="badge bg-{}">{}</span>', css, Certification.Status(status).label)


class ImportBatchTable(tables.Table):
    """Batches, newest first."""

    id = tables.Column(linkify=True, verbose_name=_("批次"))
    file_name = tables.Column(verbose_name=_("文件名"))
    status = tables.Column(verbose_name=_("状态"))
    created_by = tables.Column(verbose_name=_("导入人"))
    created_at = tables.Column(verbose_name=_("上传时间"))
    rows_total = tables.Column(verbose_name=_("总行数"))
    rows_invalid = tables.Column(verbose_name=_("错误行数"))
    rows_unchanged = tables.Column(verbose_name=_("已存在行数"))
    rows_created = tables.Column(verbose_name=_("新增记录数"))

    class Meta:
        model = ImportBatch
        fields = ()
        sequence = (
            "id",
            "file_name",
            "status",
            "created_by",
            "created_at",
            "rows_total",
            "rows_invalid",
            "rows_unchanged",
            "rows_created",
        )
        attrs = {"class": "table table-sm table-striped"}
        order_by = ("-id",)

    def render_created_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
