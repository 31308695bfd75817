"""factory_boy factories for the whole suite. Regions are the real division codes (see conftest)."""

import datetime as dt
from decimal import Decimal

import factory

from claimants import categories, idnumbers
from claimants.models import Certification, Claimant, Household, Region, User
from core.roles import ROLE_DEPARTMENT, Role
from settlements import adapter
from settlements.models import Hospital, PolicyYear, Visit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.TOWNSHIP_CASEWORKER
    department = factory.LazyAttribute(lambda o: ROLE_DEPARTMENT[o.role])
    region = factory.LazyFunction(lambda: Region.objects.get(code="510703001"))
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:08d}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="510703001"))


def _id_number(n: int, region_code: str) -> str:
    return idnumbers.build(region_code, dt.date(1960, 1, 1) + dt.timedelta(days=(n * 37) % 20000), n % 1000)


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"张{n}")
    hukou_region = factory.LazyFunction(lambda: Region.objects.get(code="510703001"))
    insured_region = factory.SelfAttribute("hukou_region")
    id_number = factory.LazyAttributeSequence(lambda o, n: _id_number(n, o.hukou_region.code[:6]))
    sex = factory.LazyAttribute(lambda o: idnumbers.parse(o.id_number).sex)
    birth_date = factory.LazyAttribute(lambda o: idnumbers.parse(o.id_number).birth_date)
    scheme = "resident"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    claimant = factory.SubFactory(ClaimantFactory)
    category = "dibao"
    jurisdiction = factory.LazyAttribute(lambda o: o.claimant.hukou_region.jurisdiction)
    department = factory.LazyAttribute(lambda o: categories.certifying_department(o.category))
    valid_from = dt.date(2020, 1, 1)
    valid_to = None


class PolicyYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyYear
        django_get_or_create = ("jurisdiction", "year")

    class Params:
        # Mianyang's values; a city whose schema does not declare one leaves it out.
        assistance_annual_cap = Decimal("50000.00")
        tilt_threshold = Decimal("7000.00")
        tilt_annual_cap = Decimal("30000.00")
        extra = None  # other schema values, e.g. {"ratios": {"dibao": "0.75"}}

    jurisdiction = "mianyang"
    year = 2023
    effective_from = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    income_last_year = Decimal("33000.00")
    parameters = factory.LazyAttribute(
        lambda o: (
            adapter.assign_values(
                PolicyYear(jurisdiction=o.jurisdiction),
                {
                    name: value
                    for name, value in {
                        "assistance_annual_cap": o.assistance_annual_cap,
                        "tilt_threshold": o.tilt_threshold,
                        "tilt_annual_cap": o.tilt_annual_cap,
                        **(o.extra or {}),
                    }.items()
                    if name in adapter.schema_of(o.jurisdiction).specs()
                },
            ).parameters
        )
    )


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital

    code = factory.Sequence(lambda n: f"H51070{n:04d}")
    name = factory.Sequence(lambda n: f"绵阳市第{n}人民医院")
    level = Hospital.Level.LEVEL_3
    region = factory.LazyFunction(lambda: Region.objects.get(code="510703"))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    claimant = factory.SubFactory(ClaimantFactory)
    hospital = factory.SubFactory(HospitalFactory)
    visit_type = "inpatient"
    admitted = dt.date(2023, 3, 10)
    discharged = dt.date(2023, 3, 22)
    referral = "referred"
    total_cost = Decimal("15000.00")
    policy_scope_cost = Decimal("12000.00")
    basic_insurance_paid = Decimal("0.00")
