"""The policy-year editor: generated from the jurisdiction's parameter schema, no JSON to type, category names,
the values in force beside each input, every problem at once, an unchanged save that succeeds in both
languages, and the history of each change on the page."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from claimants.models import Region
from core.roles import Role
from settlements import adapter
from settlements.models import PolicyYear

pytestmark = pytest.mark.django_db


def posted_values(response) -> dict:
    """What the browser sends back when the administrator saves the page as it was shown."""
    form = response.context["form"]
    data = {}
    for field in form:
        value = field.value()
        data[field.html_name] = (
            "" if value is None else str(value) if not hasattr(value, "isoformat") else value.isoformat()
        )
    for formset in form.segment_sets.values():
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for row in formset.forms:
            for field in row:
                if field.name != "DELETE":
                    data[field.html_name] = field.value() or ""
    return data


@pytest.fixture
def national_admin(make_staff):
    """An administrator of a place under the national guideline (a region of no city with rules of its own)."""
    Region.objects.filter(code="510704").update(jurisdiction="national")
    return make_staff(Role.SYSTEM_ADMINISTRATOR, "510704")


def test_the_page_shows_the_schemas_fields_by_name_with_the_values_in_force(client, sysadmin, mianyang_2023):
    client.force_login(sysadmin)
    page = client.get(reverse("settlements:policy_year_edit", args=[mianyang_2023.pk])).content.decode()
    assert "<textarea" not in page
    assert "防止返贫监测收入标准（倾斜救助起付线）" in page
    assert 'name="tilt_threshold"' in page
    assert 'value="7000.00"' in page
    assert "50,000.00" in page  # the cap in force, beside its input
    # The ratios Mianyang's text sets, by category name, shown (not edited).
    assert "救助比例（政策文件规定）" in page
    assert "低保边缘家庭成员" in page
    assert 'value="2023-01-01"' in page  # an ISO date the browser keeps


def test_the_national_rate_tables_name_categories_and_show_the_built_in_values(client, national_admin):
    client.force_login(national_admin)
    page = client.get(reverse("settlements:policy_year_create")).content.decode()
    table = page.split("救助比例</h2>")[1].split("</table>")[0]
    assert "低保对象" in table
    assert "特困人员" in table
    assert re.search(r"低保对象.*?0\.70.*?内置", table, re.S)
    assert ">dibao<" not in table


def test_every_problem_is_shown_at_its_field_at_once_and_nothing_is_stored(client, national_admin):
    client.force_login(national_admin)
    response = client.post(
        reverse("settlements:policy_year_create"),
        {
            "jurisdiction": "national",
            "year": "2023",
            "effective_from": "2024-01-01",
            "income_last_year": "-5",
            "alert_threshold_rate": "0.5",
            "assistance_annual_cap": "1.234",
            "ratios__dibao": "0.60",
            "deductible_rates__monitored_rural": "abc",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {
        "effective_from",
        "income_last_year",
        "assistance_annual_cap",
        "ratios__dibao",
        "deductible_rates__monitored_rural",
    }
    page = response.content.decode()
    for words in ("不能小于 0", "最多保留两位小数", "低于国家指导意见规定的下限 0.70", "须为数字"):
        assert words in page
    assert not PolicyYear.objects.exists()


def test_an_unchanged_save_succeeds_in_both_languages_and_makes_no_new_version(
    client, sysadmin, mianyang_2023
):
    client.force_login(sysadmin)
    url = reverse("settlements:policy_year_edit", args=[mianyang_2023.pk])
    for language, told in (("zh-hans", "参数未改动，未生成新版本"), ("en", "Nothing was changed")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        shown = client.get(url)
        assert 'value="2023-01-01"' in shown.content.decode()
        response = client.post(url, posted_values(shown), follow=True)
        assert response.redirect_chain, response.context["form"].errors
        assert told in response.content.decode()
    mianyang_2023.refresh_from_db()
    assert mianyang_2023.version == 1
    assert mianyang_2023.parameters == {
        "assistance_annual_cap": "50000.00",
        "tilt_threshold": "7000.00",
        "tilt_annual_cap": "30000.00",
    }
    assert not mianyang_2023.history.filter(history_user=sysadmin).exists()


def test_a_change_is_listed_with_its_previous_value_and_author(client, sysadmin, mianyang_2023):
    client.force_login(sysadmin)
    url = reverse("settlements:policy_year_edit", args=[mianyang_2023.pk])
    data = posted_values(client.get(url)) | {
        "assistance_annual_cap": "60000",
        "change_reason": "市医保局发布限额",
    }
    assert client.post(url, data).status_code == 302
    mianyang_2023.refresh_from_db()
    assert mianyang_2023.parameters["assistance_annual_cap"] == "60000.00"
    latest = mianyang_2023.history.latest()
    assert latest.prev_record.parameters["assistance_annual_cap"] == "50000.00"
    page = client.get(url).content.decode()
    history = page.split("修改记录")[1]
    assert "医疗救助年度限额：50000.00 → 60000.00" in history
    assert "市医保局发布限额" in history
    assert sysadmin.username in history


def test_a_blank_cap_means_no_cap(client, sysadmin, mianyang_2023):
    client.force_login(sysadmin)
    url = reverse("settlements:policy_year_edit", args=[mianyang_2023.pk])
    assert client.post(url, posted_values(client.get(url)) | {"tilt_annual_cap": ""}).status_code == 302
    mianyang_2023.refresh_from_db()
    assert "tilt_annual_cap" not in mianyang_2023.parameters
    (tilt,) = adapter.policy_of(mianyang_2023).layers
    assert (tilt.tier.code, tilt.cap) == ("tilted_assistance", None)
    assert "不设限额" in client.get(url).content.decode()


@pytest.fixture
def beijing_admin(make_staff, policy_year_factory):
    policy_year_factory(jurisdiction="beijing", year=2023, income_last_year=Decimal("77415.00"))
    return make_staff(Role.SYSTEM_ADMINISTRATOR, "11")


def _segment_rows(data: dict, rows: list[tuple[str, str]], deleted: tuple[int, ...] = ()) -> dict:
    prefix = "critical_illness_segments"
    data = {k: v for k, v in data.items() if not k.startswith(f"{prefix}-")}
    data |= {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (up_to, ratio) in enumerate(rows):
        data |= {f"{prefix}-{index}-up_to": up_to, f"{prefix}-{index}-ratio": ratio}
        if index in deleted:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return data


def test_segments_are_rows_added_in_blank_rows_and_removed_with_their_box(client, beijing_admin):
    client.force_login(beijing_admin)
    year = PolicyYear.objects.get(jurisdiction="beijing")
    url = reverse("settlements:policy_year_edit", args=[year.pk])
    shown = client.get(url)
    assert len(shown.context["form"].segment_sets["critical_illness_segments"].forms) == 2  # two blank rows
    data = posted_values(shown) | {"critical_illness_threshold": "40000"}
    rows = [("50000", "0.60"), ("", ""), ("99999", "0.99"), ("", "0.70")]
    r = client.post(url, _segment_rows(data, rows, deleted=(2,)))
    assert r.status_code == 302
    year.refresh_from_db()
    assert year.parameters["critical_illness_segments"] == [
        {"up_to": "50000.00", "ratio": "0.60"},
        {"up_to": None, "ratio": "0.70"},
    ]
    page = client.get(url).content.decode()
    in_force = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("现行分段")[1].split("</table>")[0]))
    assert "0.00 50,000.00 0.60 50,000.00 不设上限 0.70" in in_force
    assert 'data-add-segment="critical_illness_segments"' in page  # a row more without reloading


def test_every_segment_problem_is_shown_in_its_row(client, beijing_admin):
    client.force_login(beijing_admin)
    year = PolicyYear.objects.get(jurisdiction="beijing")
    url = reverse("settlements:policy_year_edit", args=[year.pk])
    data = posted_values(client.get(url)) | {"critical_illness_threshold": "40000"}
    rows = [("50000", "0.60"), ("", "0.65"), ("30000", ""), ("20000", "1.5")]
    response = client.post(url, _segment_rows(data, rows))
    assert response.status_code == 200
    forms = response.context["form"].segment_sets["critical_illness_segments"].forms
    assert [sorted(form.errors) for form in forms] == [[], ["up_to"], ["ratio", "up_to"], ["ratio", "up_to"]]
    page = response.content.decode()
    assert "只有最后一段可不设上限" in page
    assert "请填写该段的比例" in page
    assert "不能大于 1" in page
    year.refresh_from_db()
    assert year.parameters == {}
