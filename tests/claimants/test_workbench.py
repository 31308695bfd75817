"""The home page's workbench: what it leads to for each role."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_administrators_workbench_leads_to_policy_years_and_system_administration(client, make_staff):
    from claimants.admin_access import sync_staff_access

    admin = make_staff("system_administrator", "5107", username="my_admin_wb")
    sync_staff_access(admin)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("settlements:policy_year_list")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    caseworker = make_staff("township_caseworker", "510703001", username="cw_wb")
    client.force_login(caseworker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in page
