"""Writes of visits (就医记录): the checks a visit passes and its recording, by hand or imported."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claimants.models import Claimant, InsuranceScheme, User
from claimants.services import check_date
from core.errors import DomainError
from core.regions import in_region
from settlements.context import policy_year_for
from settlements.errors import VisitError
from settlements.models import Hospital, Referral, Visit, VisitType
from settlements.money import MAX_BILL_AMOUNT, ZERO


def check_visit_values(
    *,
    visit_type: str,
    referral: str,
    admitted: dt.date,
    discharged: dt.date,
    total_cost: Decimal,
    policy_scope_cost: Decimal,
    basic_insurance_paid: Decimal,
    fully_self_paid: Decimal = ZERO,
    critical_illness_paid: Decimal | None = None,
    other_insurance_paid: Decimal = ZERO,
    assistance_paid_at_hospital: Decimal = ZERO,
    supplementary_paid: Decimal = ZERO,
    insurance_scheme: str = InsuranceScheme.RESIDENT,
) -> None:
    """The checks a visit passes before it is stored (form, import and service share them)."""
    if visit_type not in VisitType.values:
        raise DomainError(VisitError.UNKNOWN_VISIT_TYPE, value=visit_type)
    if referral not in Referral.values:
        raise DomainError(VisitError.UNKNOWN_REFERRAL, value=referral)
    amounts = {
        "total_cost": total_cost,
        "policy_scope_cost": policy_scope_cost,
        "basic_insurance_paid": basic_insurance_paid,
        "fully_self_paid": fully_self_paid,
        "other_insurance_paid": other_insurance_paid,
        "assistance_paid_at_hospital": assistance_paid_at_hospital,
        "supplementary_paid": supplementary_paid,
    }
    if insurance_scheme not in InsuranceScheme.values:
        raise DomainError(VisitError.UNKNOWN_INSURANCE_SCHEME, value=insurance_scheme)
    if critical_illness_paid is not None:
        amounts["critical_illness_paid"] = critical_illness_paid
    for name, value in amounts.items():
        if value < 0:
            label = Visit._meta.get_field(name).verbose_name
            raise DomainError(VisitError.NEGATIVE_AMOUNT, field=label)
        if value > MAX_BILL_AMOUNT:
            label = Visit._meta.get_field(name).verbose_name
            raise DomainError(VisitError.AMOUNT_TOO_LARGE, field=label, maximum=f"{MAX_BILL_AMOUNT:,}")
    if policy_scope_cost > total_cost:
        raise DomainError(VisitError.SCOPE_ABOVE_TOTAL)
    if basic_insurance_paid > policy_scope_cost:
        raise DomainError(VisitError.BASIC_ABOVE_SCOPE)
    if critical_illness_paid is not None and critical_illness_paid > policy_scope_cost - basic_insurance_paid:
        raise DomainError(VisitError.CRITICAL_ILLNESS_ABOVE_REST)
    if supplementary_paid > policy_scope_cost - basic_insurance_paid - (critical_illness_paid or ZERO):
        raise DomainError(VisitError.SUPPLEMENTARY_ABOVE_REST)
    if discharged < admitted:
        raise DomainError(VisitError.DISCHARGE_BEFORE_ADMISSION)
    today = timezone.localdate()
    check_date(admitted, label=str(Visit._meta.get_field("admitted").verbose_name), not_after=today)
    check_date(discharged, label=str(Visit._meta.get_field("discharged").verbose_name), not_after=today)


@transaction.atomic
def record_visit(
    *,
    by: User | None,
    claimant: Claimant,
    visit_type: str,
    admitted: dt.date,
    discharged: dt.date,
    referral: str,
    total_cost: Decimal,
    policy_scope_cost: Decimal,
    basic_insurance_paid: Decimal = ZERO,
    fully_self_paid: Decimal = ZERO,
    critical_illness_paid: Decimal | None = None,
    other_insurance_paid: Decimal = ZERO,
    assistance_paid_at_hospital: Decimal = ZERO,
    supplementary_paid: Decimal = ZERO,
    insurance_scheme: str | None = None,
    hospital: Hospital | None = None,
    in_province: bool | None = None,
    in_city: bool = True,
    offsite_filed: bool = False,
    settlement_ref: str | None = None,
    source: str = Visit.Source.MANUAL,
) -> Visit:
    """Record a visit (就医记录) entered by hand or imported. Refused when its year has no policy year.
    ``insurance_scheme`` None: the scheme the person is registered with."""
    if by is not None and not in_region(claimant.hukou_region_id, by):
        raise DomainError(VisitError.OUTSIDE_REGION)
    insurance_scheme = insurance_scheme or claimant.scheme
    check_visit_values(
        visit_type=visit_type,
        referral=referral,
        admitted=admitted,
        discharged=discharged,
        total_cost=total_cost,
        policy_scope_cost=policy_scope_cost,
        basic_insurance_paid=basic_insurance_paid,
        fully_self_paid=fully_self_paid,
        critical_illness_paid=critical_illness_paid,
        other_insurance_paid=other_insurance_paid,
        assistance_paid_at_hospital=assistance_paid_at_hospital,
        supplementary_paid=supplementary_paid,
        insurance_scheme=insurance_scheme,
    )
    policy_year_for(jurisdiction=claimant.jurisdiction, year=discharged.year)
    if in_province is None:
        in_province = hospital.in_province if hospital is not None else True
    if settlement_ref and Visit.objects.filter(settlement_ref=settlement_ref).exists():
        raise DomainError(VisitError.DUPLICATE_SETTLEMENT_REF, settlement_ref=settlement_ref)
    return Visit.objects.create(
        created_by=by,
        claimant=claimant,
        hospital=hospital,
        settlement_ref=settlement_ref or None,
        visit_type=visit_type,
        admitted=admitted,
        discharged=discharged,
        referral=referral,
        in_province=in_province,
        in_city=in_city,
        offsite_filed=offsite_filed,
        total_cost=total_cost,
        policy_scope_cost=policy_scope_cost,
        basic_insurance_paid=basic_insurance_paid,
        critical_illness_paid=critical_illness_paid,
        other_insurance_paid=other_insurance_paid,
        fully_self_paid=fully_self_paid,
        assistance_paid_at_hospital=assistance_paid_at_hospital,
        supplementary_paid=supplementary_paid,
        insurance_scheme=insurance_scheme,
        source=source,
    )
