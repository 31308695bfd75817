"""The application models moved from ``settlements`` to their own app: an existing database upgrades in
place (same tables, rows kept), permissions and audit rows follow, and the upgrade can be undone."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("settlements", "0011_visit_critical_illness_settled"), ("applications", None)]
AFTER = [("settlements", "0012_applications_moved_to_own_app"), ("applications", "0001_initial")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    # The models as the database now has them (the applied migrations).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_applications_permissions_and_audit_rows(user_factory):
    auditor = user_factory()
    try:
        old = _migrate(BEFORE)
        holiday = old.get_model("settlements", "PublicHoliday").objects.create(
            day=dt.date(2026, 10, 1), name="国庆节"
        )
        content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="settlements", model="publicholiday"
        )[0]
        permission = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename="view_publicholiday", defaults={"name": "Can view"}
        )[0]
        old.get_model("claimants", "AuditLog").objects.create(
            user_id=auditor.pk,
            action="view",
            target_type="settlements.publicholiday",
            target_id=str(holiday.pk),
        )

        new = _migrate(AFTER)

        assert new.get_model("applications", "PublicHoliday").objects.get(pk=holiday.pk).name == "国庆节"
        moved = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
        assert (moved.content_type.app_label, moved.codename) == ("applications", "view_publicholiday")
        audit = new.get_model("claimants", "AuditLog").objects.get(target_id=str(holiday.pk))
        assert audit.target_type == "applications.publicholiday"

        back = _migrate(BEFORE)
        assert back.get_model("settlements", "PublicHoliday").objects.filter(pk=holiday.pk).exists()
        assert back.get_model("claimants", "AuditLog").objects.get(target_id=str(holiday.pk)).target_type == (
            "settlements.publicholiday"
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
