"""The monthly high-cost alert job (runs and their county steps) and the department feedback on its alerts."""

from core.errors import DomainError
from monitoring.errors import MonitoringError
from monitoring.services.alerts import alert_county, run_monthly_alerts
from monitoring.services.feedback import export_batch, record_feedback
from monitoring.services.runs import (
    STUCK_AFTER,
    aggregate_settings,
    begin_run,
    counties_to_run,
    describe_failure,
    dispatch_queued_runs,
    fail_run,
    finish_empty_run,
    is_stuck,
    measure_run,
    month_end,
    previous_period,
    request_run,
    resume_run,
    rule_for,
    start_run,
    threshold_for,
)

__all__ = [
    "STUCK_AFTER",
    "DomainError",
    "MonitoringError",
    "aggregate_settings",
    "alert_county",
    "begin_run",
    "counties_to_run",
    "describe_failure",
    "dispatch_queued_runs",
    "export_batch",
    "fail_run",
    "finish_empty_run",
    "is_stuck",
    "measure_run",
    "month_end",
    "previous_period",
    "record_feedback",
    "request_run",
    "resume_run",
    "rule_for",
    "run_monthly_alerts",
    "start_run",
    "threshold_for",
]
