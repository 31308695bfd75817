"""Business actions on assistance applications. Each is one transaction: it locks the application row,
checks region, role and state, takes the transition, records the case event, and returns the application.

Refusals are ``DomainError(CaseError.X)``; views, admin, the API and commands all call these functions. The
actions are grouped by who takes them: ``registration``, ``township``, ``referrals``, ``medical_security``;
``workflow`` holds what they share.
"""

from applications.services.medical_security import (
    approve_application,
    close_application,
    preview_approval,
    record_payment,
    reject_application,
    return_application,
)
from applications.services.referrals import certify_referral, decline_referral
from applications.services.registration import add_document, register_application
from applications.services.township import (
    accept_application,
    accept_applications,
    refer_application,
    refuse_application,
    resubmit_application,
    withdraw_application,
)
from applications.services.workflow import (
    ACTION_EVENTS,
    APPLICATION_FOLLOWERS,
    PAYMENT_DESCRIBERS,
    action_roles,
    allowed_actions,
    payment_of,
)

__all__ = [
    "ACTION_EVENTS",
    "APPLICATION_FOLLOWERS",
    "PAYMENT_DESCRIBERS",
    "accept_application",
    "accept_applications",
    "action_roles",
    "add_document",
    "allowed_actions",
    "approve_application",
    "certify_referral",
    "close_application",
    "decline_referral",
    "payment_of",
    "preview_approval",
    "record_payment",
    "refer_application",
    "refuse_application",
    "register_application",
    "reject_application",
    "resubmit_application",
    "return_application",
    "withdraw_application",
]
