"""The case timeline: one row per action, written by the service in the action's transaction."""

from applications.models import AssistanceApplication, CaseEvent


def application_event(
    *,
    application: AssistanceApplication,
    kind: str,
    by,
    from_state: str = "",
    reason: str = "",
    **data,
) -> CaseEvent:
    return CaseEvent.objects.create(
        application=application,
        kind=kind,
        actor=by,
        from_state=from_state,
        to_state=application.state,
        reason=reason,
        data=data,
    )
