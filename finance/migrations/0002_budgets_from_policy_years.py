"""The medical-assistance budget a policy year carried (``PolicyYear.fund_budget``, removed by settlements
0016) becomes the year's ``Budget`` of the jurisdiction's fund account, so that the budget is kept in one
place. A jurisdiction whose funds keep district sub-accounts (Beijing), or that has no one region (the
national guideline), has no single account for a whole-city figure: its budgets are set per account on the
finance page, and the figure is left in the policy year's history."""

from django.db import migrations

from jurisdictions import registry
from jurisdictions.catalogue import MEDICAL_ASSISTANCE_FUND


def _account(jurisdiction_code):
    if jurisdiction_code not in registry.codes():
        return None
    jurisdiction = registry.get(jurisdiction_code)
    if jurisdiction.district_accounts or len(jurisdiction.region_roots) != 1:
        return None
    return jurisdiction.region_roots[0]


def forwards(apps, schema_editor):
    policy_year = apps.get_model("settlements", "PolicyYear")
    history = apps.get_model("settlements", "HistoricalPolicyYear")
    budget = apps.get_model("finance", "Budget")
    region = apps.get_model("claimants", "Region")
    user = apps.get_model("claimants", "User")
    setter = user.objects.filter(is_superuser=True).order_by("pk").first()
    for year in policy_year.objects.filter(fund_budget__isnull=False).order_by("pk"):
        account = _account(year.jurisdiction)
        latest = history.objects.filter(id=year.pk).order_by("-history_date").first()
        by = (latest.history_user if latest is not None else None) or setter
        if account is None or by is None or not region.objects.filter(code=account).exists():
            continue
        budget.objects.get_or_create(
            fund=MEDICAL_ASSISTANCE_FUND,
            region_id=account,
            year=year.year,
            defaults={"amount": year.fund_budget, "set_by": by},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_initial"),
        ("settlements", "0015_settlement_tier_rows"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
