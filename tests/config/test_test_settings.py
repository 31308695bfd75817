from django.conf import settings


def test_suite_runs_on_the_test_settings_whatever_the_environment_exports():
    # `make` exports DJANGO_SETTINGS_MODULE=config.settings.local for manage.py; pytest's --ds must win,
    # or with REDIS_URL set tasks would go to a broker nobody reads and passwords would hash slowly.
    assert settings.SETTINGS_MODULE == "config.settings.test"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
