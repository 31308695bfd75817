"""Celery application.

Tasks are discovered in every installed app (``<app>/tasks.py``). Without a broker (``REDIS_URL`` unset)
the settings make Celery run every task in-process, so the product works on embedded defaults.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("jiuzhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
