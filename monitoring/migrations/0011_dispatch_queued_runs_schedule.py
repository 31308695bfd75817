"""Beat sends the monthly-job runs that stayed queued while the task queue was unreachable, every 5 minutes.
Created idempotently, like the monthly schedule (0002)."""

from django.db import migrations

TASK_NAME = "排队中的预警任务重新派发"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="monitoring.tasks.dispatch_queued_runs_task",
        interval=every,
        expire_seconds=240,
        description="任务队列（Redis）恢复后，派发因队列不可用而排队的手动预警任务。",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0010_run_queued_progress"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
