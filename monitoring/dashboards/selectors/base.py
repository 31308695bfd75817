"""The dashboards' aggregates, for one region subtree and one year, always inside the user's scope.

Every figure comes from the roll-ups (``models.py``): settlements kept current by every settlement and
reversal, alerts by the monthly job and the departments' answers, applications and their steps by the case
actions (``casework.py``). What depends on the clock (overdue) is a sum over the rows before a cut-off. Each
panel is a table (the figures a person reads) with the columns its chart draws, so the chart, the table beside
it and its XLSX export never disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from html import escape

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from claimants import categories
from claimants.models import Region, User
from claimants.selectors import regions_visible_to
from monitoring.dashboards.models import PersonYearRollup
from settlements.money import format_count, format_money, to_cent

ZERO = Decimal("0.00")
# TJ-F4: 「医疗救助对象住院就医，政策范围内医疗费用原则上达到总发生费用的90%」.
HOSPITAL_SCOPE_TARGET = Decimal("0.90")
CHILD_CODE_LENGTH = {Region.Level.PROVINCE: 4, Region.Level.CITY: 6, Region.Level.COUNTY: 9}
LARGEST_BURDENS = 10


@dataclass(frozen=True)
class PeopleCounts:
    assisted: int
    capped: int


@dataclass(frozen=True)
class Scope:
    """What a dashboard shows: a region in the user's subtree and a calendar year."""

    region: Region
    year: int

    @property
    def child_length(self) -> int:
        return CHILD_CODE_LENGTH.get(self.region.level, len(self.region.code))

    @cached_property
    def people(self) -> "PeopleCounts":
        """How many people of the scope received assistance in the year and how many reached an annual cap:
        one pass over their year roll-ups, read by the headline and the caps panel."""
        counts = PersonYearRollup.objects.filter(
            year=self.year, region__code__startswith=self.region.code
        ).aggregate(
            assisted=Count("pk", filter=Q(assistance__gt=0)), capped=Count("pk", filter=Q(cap_reached__gt=0))
        )
        return PeopleCounts(**counts)

    @cached_property
    def child_names(self) -> dict[str, str]:
        """Names of the regions the panels break the scope into, read once for all of them."""
        children = Region.objects.filter(code__startswith=self.region.code).annotate(length=Length("code"))
        return dict(children.filter(length=self.child_length).values_list("code", "name"))


@dataclass
class Panel:
    """A table, and the chart drawn from it: ``chart_columns`` are the column indexes it plots,
    ``money_columns`` those that hold amounts (written 12,362.50 on the page, numbers in the XLSX),
    ``total_columns`` those added up in the 合计 row under the table on the page."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    chart: str = "bar"
    chart_columns: tuple[int, ...] = (1,)
    note: str = ""
    money_columns: tuple[int, ...] = ()
    total_columns: tuple[int, ...] = ()

    def __post_init__(self):
        # Sums of money come back from SQLite with float noise in the last places (7419.10000000000): every
        # amount is shown, charted and exported to the cent, half-up.
        self.rows = [[to_cent(cell) for cell in row] for row in self.rows]

    @property
    def cells(self) -> list[list[tuple[object, bool]]]:
        """The rows as the page writes them: each cell with whether it is an amount."""
        return [[(cell, i in self.money_columns) for i, cell in enumerate(row)] for row in self.rows]

    @property
    def totals(self) -> list[tuple[object, bool]] | None:
        """The 合计 row (its label in the first column, a blank where a sum means nothing), or ``None``."""
        if not self.total_columns or not self.rows:
            return None
        row: list[tuple[object, bool]] = [(_("合计"), False)]
        for i in range(1, len(self.columns)):
            if i in self.total_columns:
                total = sum((r[i] or 0 for r in self.rows), ZERO if i in self.money_columns else 0)
                row.append((total, i in self.money_columns))
            else:
                row.append(("", False))
        return row

    @property
    def html_rows(self) -> list[SafeString]:
        """The table's rows as the page writes them, each a run of ``<td>`` cells: formatted here in one pass,
        as the dashboard writes some thousand cells and the template language pays for each of them."""
        return [_cells(row) for row in self.cells]

    @property
    def html_totals(self) -> SafeString | None:
        totals = self.totals
        return None if totals is None else _cells(totals)

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.key}"

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [_number(row[i]) for row in self.rows]}
                for i in self.chart_columns
            ],
        }


def _cells(row: list[tuple[object, bool]]) -> SafeString:
    """A row's cells: an amount 12,362.50 (right-aligned), a count 27,018, a missing value —; every text
    escaped (``html.escape``, as Django's ``escape`` does, without a SafeString per cell)."""
    html = []
    for value, money in row:
        if money:
            html.append(f'<td class="money">{"—" if value is None else escape(format_money(value))}</td>')
        else:
            html.append(f"<td>{'—' if value is None else escape(str(format_count(value)))}</td>")
    return mark_safe("".join(html))  # noqa: S308 - every text escaped above


def _number(value) -> float | int:
    if isinstance(value, Decimal):
        return float(value)  # chart coordinates only; tables and exports keep the Decimal
    return value or 0


def region_choices(user: User) -> QuerySet[Region]:
    """The user's region and the regions under it down to counties (the dashboards' region filter)."""
    # With their ancestors, so the chosen region's full name in the page header costs no query.
    return (
        regions_visible_to(user)
        .filter(level__lte=max(Region.Level.COUNTY, user.region.level))
        .select_related("parent__parent__parent")
    )


def category_label(code: str) -> str:
    return categories.CATEGORIES[code].label if code in categories.CATEGORIES else str(_("无救助身份"))


# Settlements ------------------------------------------------------------------------------------------
