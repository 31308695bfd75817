"""Exports of the settlement, visit, application and alert lists: the filtered rows of the user's region, ID
numbers masked, names as text (never a formula), every export audited, a filter the list refuses -> 400."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import AssistanceApplication
from claimants import roles
from claimants.models import AuditLog, Claimant
from monitoring.models import HighCostAlert
from settlements.models import Settlement, Visit
from tests.permissions.matrix import OTHER, OWN, USER_REGION
from tests.permissions.objects import alert_kwargs, application_kwargs, settlement_kwargs, visit_kwargs

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x","点我")'
# (export url name, the list it exports, how a row is made, its model, a query, a query the list refuses)
LISTS = [
    ("settlements:settlement_export", settlement_kwargs, Settlement, {"state": "in_force"}, {"category": "zzz"}),
    ("settlements:visit_export", visit_kwargs, Visit, {}, {"visit_type": "zzz"}),
    ("applications:application_export", application_kwargs, AssistanceApplication, {"scope": "all"}, {"state": "zzz"}),
    ("monitoring:alert_export", alert_kwargs, HighCostAlert, {"kind": "impoverished"}, {"kind": "zzz"}),
]  # fmt: skip


def _rows(make, model, user):
    """A row of the user's region (its person named like a formula) and one outside it."""
    own, other = (model.objects.get(pk=make(user, code)["pk"]) for code in (OWN, OTHER))
    Claimant.objects.filter(pk=own.claimant_id).update(name=NAME)
    own.claimant.refresh_from_db()
    return own, other


@pytest.mark.parametrize(("name", "make", "model", "query", "refused"), LISTS, ids=[n for n, *_ in LISTS])
def test_export_holds_the_filtered_rows_of_the_region_masked_and_audited(
    client, make_staff, name, make, model, query, refused
):
    user = make_staff(roles.REVIEWER, USER_REGION)
    own, other = _rows(make, model, user)
    client.force_login(user)

    response = client.get(reverse(name, args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "身份证号" in rows[0]
    assert len(rows) == 2, rows
    assert "'" + NAME in rows[1]
    assert own.claimant.masked_id_number in rows[1]
    assert own.claimant.id_number not in str(rows)
    assert other.claimant.masked_id_number not in str(rows)

    response = client.get(reverse(name, args=["xlsx"]), query)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert sheet.max_row == 2
    assert [(cell.value, cell.data_type) for cell in cells if cell.value == NAME] == [(NAME, "s")]
    assert own.claimant.id_number not in str([cell.value for cell in cells])

    logs = AuditLog.objects.order_by("pk")
    assert [(log.action, log.user, log.detail["format"]) for log in logs] == [
        ("export_masked", user, "csv"),
        ("export_masked", user, "xlsx"),
    ]
    for log in logs:
        assert log.target_type == model._meta.label_lower
        assert (log.detail["rows"], log.detail["row_ids"]) == (1, [own.pk])

    response = client.get(reverse(name, args=["csv"]), {**query, **refused})
    assert response.status_code == 400
    assert "筛选条件无效" in response.content.decode()
    assert AuditLog.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "list_name"),
    [
        ("settlements:settlement_export", "settlements:settlement_list"),
        ("settlements:visit_export", "settlements:visit_list"),
        ("applications:application_export", "applications:application_list"),
        ("monitoring:alert_export", "monitoring:alert_list"),
    ],
)
def test_list_pages_link_their_exports_with_the_current_filters(client, make_staff, name, list_name):
    client.force_login(make_staff(roles.REVIEWER, USER_REGION))
    page = client.get(reverse(list_name), {"year": "2023"}).content.decode()
    assert f"{reverse(name, args=['xlsx'])}?year=2023" in page
    assert f"{reverse(name, args=['csv'])}?year=2023" in page
