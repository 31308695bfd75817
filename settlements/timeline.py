"""The settlements app's entries on the claimant's timeline (``claimants.timeline``): visits, settlements,
reversals, and a link to the year's resettlement check."""

from django.urls import reverse
from django.utils.translation import gettext as _

from claimants import roles
from claimants.timeline import TimelineEntry
from settlements.models import Settlement, Visit
from settlements.money import format_money

SETTLEMENT_VIEWERS = {roles.REVIEWER, roles.MANAGER, roles.ADMIN}


def settlement_entries(claimant, user) -> list[TimelineEntry]:
    """The claimant is already scoped to the user; only settlement staff get links to settlement pages."""
    linked = user.role in SETTLEMENT_VIEWERS
    entries = []
    for visit in Visit.objects.filter(claimant=claimant).select_related("hospital").order_by("pk"):
        entries.append(
            TimelineEntry(
                at=visit.discharged,
                kind="visit",
                title=_("就医：%(type)s") % {"type": visit.get_visit_type_display()},
                detail=f"{visit.hospital or ''} {visit.admitted}–{visit.discharged} {format_money(visit.policy_scope_cost)}",
                url=reverse("settlements:visit_detail", args=[visit.pk]) if linked else "",
            )
        )
    settlements = list(Settlement.objects.filter(claimant=claimant).order_by("settled_at", "pk"))
    for settlement in settlements:
        url = settlement.get_absolute_url() if linked else ""
        entries.append(
            TimelineEntry(
                at=settlement.settled_at,
                kind="settlement",
                title=_("结算：医疗救助 %(amount)s") % {"amount": format_money(settlement.assistance)},
                detail=f"{settlement.discharged}",
                url=url,
            )
        )
        if settlement.reversed_at:
            entries.append(
                TimelineEntry(
                    at=settlement.reversed_at,
                    kind="reversal",
                    title=_("冲正结算 #%(pk)s") % {"pk": settlement.pk},
                    detail=settlement.reversal_reason,
                    url=url,
                )
            )
    latest_by_year = {settlement.year: settlement.settled_at for settlement in settlements}
    if linked:
        entries.extend(
            TimelineEntry(
                at=at,
                kind="resettlement",
                title=_("%(year)s年度：待重新结算核对") % {"year": year},
                url=reverse("settlements:claimant_resettlement", args=[claimant.pk, year]),
            )
            for year, at in latest_by_year.items()
        )
    return entries
