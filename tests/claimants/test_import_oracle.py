"""An import or a registration is never a lookup of who is registered in another city (issue: existence
oracles). A row or a form for a person outside the user's region says only that it cannot be done there."""

import pytest
from django.urls import reverse

from claimants import idnumbers, imports
from claimants.models import Region
from tests.claimants.support import csv_bytes, number, stage

pytestmark = pytest.mark.django_db


def test_a_row_for_someone_registered_in_another_city_reveals_nothing_about_them(
    make_staff, claimant_factory
):
    beijing = (
        Region.objects.filter(jurisdiction="beijing", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    officer = make_staff("civil_affairs_officer", beijing.code[:2])
    registered = claimant_factory(name="绵阳人", hukou_region=Region.objects.get(code="510703001"))
    never = number(77)
    rows = [
        ["错名", registered.id_number, "510703001", "dibao", "", "2023-01-01", "", ""],
        ["错名", never, "510703001", "dibao", "", "2023-01-01", "", ""],
    ]
    batch = stage(csv_bytes(rows), officer)
    first, second = batch.report
    assert first["errors"] == second["errors"] == ["不能在您的管辖范围内导入此人"]
    assert first["warnings"] == second["warnings"]
    assert "绵阳人" not in str(batch.report)
    assert registered.id_number not in str(batch.report)
    assert imports.outside_region() == "不能在您的管辖范围内导入此人"


def test_registering_a_number_held_in_another_city_does_not_say_where_or_who(
    client, make_staff, claimant_factory
):
    claimant_factory(
        name="绵阳人", id_number="510703199101010071", hukou_region=Region.objects.get(code="510703001")
    )
    beijing = (
        Region.objects.filter(jurisdiction="beijing", level=Region.Level.TOWNSHIP).order_by("code").first()
    )
    client.force_login(make_staff("township_caseworker", beijing.code))
    data = {
        "name": "新登记",
        "id_number": "510703199101010071",
        "hukou_region": beijing.code,
        "insured_region": beijing.code,
        "scheme": "resident",
    }
    page = client.post(reverse("claimants:create"), data).content.decode()
    assert "该身份证号不能在您的管辖范围内登记" in page
    assert "已在您的管辖范围内登记" not in page
    assert "绵阳人" not in page
    assert idnumbers.mask("510703199101010071") not in page
