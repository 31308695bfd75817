"""A policy year's city-specific parameters move from one column each to the JSON field ``parameters``, whose
keys are the jurisdiction package's schema (``jurisdictions/<code>/parameters.py``). Every row and every
history row keeps its values (money as "12.34" texts, as the schema writes them); the way back restores the
columns from the keys they had."""

from decimal import Decimal

from django.db import migrations, models

AMOUNTS = ("assistance_annual_cap", "tilt_threshold", "tilt_annual_cap", "critical_illness_threshold")
DOCUMENTS = ("critical_illness_segments", "ratios", "deductible_rates")
MOVED = (*AMOUNTS, *DOCUMENTS, "other_special_as")
EMPTY = {"critical_illness_segments": list, "ratios": dict, "deductible_rates": dict}


def parameters_from_columns(columns: dict) -> dict:
    """The ``parameters`` JSON of a row's old column values: the values given (a NULL cap meant no cap, as
    a missing key now does)."""
    parameters = {}
    for name in AMOUNTS:
        if columns.get(name) is not None:
            parameters[name] = f"{Decimal(columns[name]):.2f}"
    for name in DOCUMENTS:
        if columns.get(name):
            parameters[name] = columns[name]
    if columns.get("other_special_as"):
        parameters["other_special_as"] = columns["other_special_as"]
    return parameters


def columns_from_parameters(parameters: dict) -> dict:
    """The old column values of a ``parameters`` JSON (keys the columns never had are left out)."""
    columns = {name: None for name in AMOUNTS} | {name: EMPTY[name]() for name in DOCUMENTS}
    columns["other_special_as"] = ""
    for name in AMOUNTS:
        if parameters.get(name) is not None:
            columns[name] = Decimal(parameters[name])
    for name in DOCUMENTS:
        if parameters.get(name):
            columns[name] = parameters[name]
    if parameters.get("other_special_as"):
        columns["other_special_as"] = parameters["other_special_as"]
    return columns


def _models(apps):
    return (apps.get_model("settlements", "PolicyYear"), apps.get_model("settlements", "HistoricalPolicyYear"))


def forward(apps, schema_editor):
    for model in _models(apps):
        rows = list(model.objects.all())
        for row in rows:
            row.parameters = parameters_from_columns({name: getattr(row, name) for name in MOVED})
        model.objects.bulk_update(rows, ["parameters"], batch_size=500)


def backward(apps, schema_editor):
    for model in _models(apps):
        rows = list(model.objects.all())
        for row in rows:
            for name, value in columns_from_parameters(row.parameters or {}).items():
                setattr(row, name, value)
        model.objects.bulk_update(rows, list(MOVED), batch_size=500)


def _removed(model_name: str) -> list:
    return [migrations.RemoveField(model_name=model_name, name=name) for name in MOVED]


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0012_applications_moved_to_own_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="policyyear",
            name="parameters",
            field=models.JSONField(blank=True, default=dict, verbose_name="政策参数"),
        ),
        migrations.AddField(
            model_name="historicalpolicyyear",
            name="parameters",
            field=models.JSONField(blank=True, default=dict, verbose_name="政策参数"),
        ),
        migrations.RunPython(forward, backward),
        *_removed("policyyear"),
        *_removed("historicalpolicyyear"),
    ]
