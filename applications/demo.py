"""Demo applications: for each city, applications in every state of the workflow, walked through the
services by the demo staff (so every queue, timeline and count has content). Idempotent."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications import kinds, services
from applications.models import DIRECT_CATEGORIES, AssistanceApplication, State
from claimants.models import Certification, Claimant, User
from core.errors import DomainError
from settlements.models import Visit

# prefix -> category to request
CITIES = {"my": "marginal", "bj": "illness_impoverished", "tj": "marginal", "hz": "marginal"}
STEPS = {
    State.SUBMITTED: [],
    State.ACCEPTED: ["accept"],
    State.REFUSED: ["refuse"],
    State.REFERRED: ["accept", "refer"],
    State.CERTIFIED: ["accept", "refer", "certify"],
    State.DECLINED: ["accept", "refer", "decline"],
    State.RETURNED: ["accept", "refer", "certify", "send_back"],
    State.APPROVED: ["accept", "refer", "certify", "approve"],
    State.REJECTED: ["accept", "refer", "certify", "reject"],
    State.CLOSED: ["accept", "refer", "certify", "approve", "close"],
    State.WITHDRAWN: ["accept", "withdraw"],
}


def _staff(prefix: str) -> dict[str, User]:
    return {
        short: User.objects.get(username=f"{prefix}_{short}") for short in ("caseworker", "civil", "reviewer")
    }


def _take(application, action, staff, on):
    reason = {
        "refuse": "申请材料不全：缺少户口簿复印件和医疗费用发票",
        "decline": "经入户核查，家庭人均收入高于低保边缘家庭标准",
        "send_back": "请补充出院小结和费用明细清单",
        "reject": "经审核，所报费用不属于医疗救助政策范围",
        "withdraw": "申请人书面撤回申请",
    }.get(action, "")
    calls = {
        "accept": lambda: services.accept_application(application=application, by=staff["caseworker"], on=on),
        "refuse": lambda: services.refuse_application(
            application=application, by=staff["caseworker"], reason=reason, on=on
        ),
        "refer": lambda: services.refer_application(application=application, by=staff["caseworker"], on=on),
        "certify": lambda: services.certify_referral(
            application=application,
            by=staff["civil"],
            valid_from=on,
            certificate_number=f"MZ{application.pk:06d}",
            reason="经家庭经济状况核查，符合认定条件",
            on=on,
        ),
        "decline": lambda: services.decline_referral(
            application=application, by=staff["civil"], reason=reason, on=on
        ),
        "approve": lambda: services.approve_application(application=application, by=staff["reviewer"], on=on),
        "send_back": lambda: services.return_application(
            application=application, by=staff["reviewer"], reason=reason, on=on
        ),
        "reject": lambda: services.reject_application(
            application=application, by=staff["reviewer"], reason=reason, on=on
        ),
        "close": lambda: services.close_application(application=application, by=staff["reviewer"], on=on),
        "withdraw": lambda: services.withdraw_application(
            application=application, by=staff["caseworker"], reason=reason, on=on
        ),
    }
    return calls[action]()


def _candidates(caseworker: User, category: str):
    held = Certification.objects.filter(Q(category__in=DIRECT_CATEGORIES) | Q(category=category)).values(
        "claimant_id"
    )
    return (
        Claimant.objects.filter(hukou_region_id=caseworker.region_id)
        .exclude(pk__in=held)
        .order_by("pk")
        .iterator()
    )


def _claims(staff, on) -> int:
    """Claims for costs paid in advance on visits nobody settled yet: one approved (to be paid through a
    payment batch), one accepted and waiting for the reviewer (whose page then previews what approving it
    would pay)."""
    visits = Visit.objects.filter(
        claimant__hukou_region_id=staff["caseworker"].region_id,
        settlements__isnull=True,
        application_links__isnull=True,
    ).select_related("claimant")
    approved = waiting = 0
    for visit in visits.order_by("pk")[:20]:
        with transaction.atomic():  # an attempt the rules refuse, or one worth nothing, leaves nothing behind
            try:
                application = _accepted_claim(staff["caseworker"], visit, on)
                amount = services.preview_approval(
                    application=application, by=staff["reviewer"], on=on
                ).amount
            except DomainError:
                amount = None
            if not amount:
                transaction.set_rollback(True)
                continue
            if approved:
                waiting = 1
                break
            # Approved: the payments demo pays it through a batch.
            services.approve_application(application=application, by=staff["reviewer"], on=on)
            approved = 1
    return approved + waiting


def _accepted_claim(caseworker, visit, on):
    # A written claim is settled on its own date, which must fall after discharge in the visit's year
    # (A-MY8), and is not after today: it is dated 20 days after discharge, within the visit's year.
    application = services.register_application(
        by=caseworker,
        claimant=visit.claimant,
        kind=kinds.REIMBURSEMENT,
        visits=[visit],
        statement="住院时未能“一站式”结算，个人已垫付，申请报销",
        submitted_on=min(visit.discharged + dt.timedelta(days=20), dt.date(visit.year, 12, 31), on),
    )
    return services.accept_application(application=application, by=caseworker, on=on)


def seed() -> dict:
    if AssistanceApplication.objects.exists():
        return {"applications": 0}
    today = timezone.localdate()
    created = 0
    for prefix, category in CITIES.items():
        staff = _staff(prefix)
        people = _candidates(staff["caseworker"], category)
        for index, (state, steps) in enumerate(STEPS.items()):
            claimant = next(people, None)
            if claimant is None:
                break
            # Older applications first, so some steps are overdue in every queue.
            on = today - dt.timedelta(days=40 - index * 3)
            try:
                application = services.register_application(
                    by=staff["caseworker"],
                    claimant=claimant,
                    kind=kinds.CERTIFICATION,
                    requested_category=category,
                    statement="家庭因病支出大，生活困难，申请认定救助身份",
                    submitted_on=on,
                )
                for action in steps:
                    application = _take(application, action, staff, on)
            except DomainError:
                continue
            created += application.state == state
        created += _claims(staff, today)
    return {"applications": created}
