"""The beat schedule of the monthly alert job: 02:00 Asia/Shanghai on the 1st of each month.

Created idempotently (get_or_create), so re-running migrations keeps an administrator's edits to the
crontab in the admin (django-celery-beat's DatabaseScheduler reads it from there).
"""

from django.db import migrations

TASK_NAME = "高额医疗费用支出月度预警"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="monitoring.tasks.run_monthly_alerts_task",
        crontab=crontab,
        expire_seconds=6 * 60 * 60,
        description="每月1日02:00（北京时间）运行上月数据的高额医疗费用支出预警，推送至民政、乡村振兴部门（绵办规〔2022〕6号：每月10日前推送）。",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
