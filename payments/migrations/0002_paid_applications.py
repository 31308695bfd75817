"""Applications paid before payment batches existed get their payment line: one historical batch per city,
already reconciled, holding a paid line per application (its paid amount, date and reference)."""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

PAID_STATES = ("paid", "closed")


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "AssistanceApplication")
    Batch = apps.get_model("payments", "PaymentBatch")
    Line = apps.get_model("payments", "PaymentLine")
    Event = apps.get_model("payments", "PaymentEvent")
    paid = (
        Application.objects.filter(state__in=PAID_STATES, paid_on__isnull=False, paid_amount__gt=0)
        .exclude(payment_lines__state="paid")
        .order_by("pk")
    )
    by_city = defaultdict(list)
    for application in paid.select_related("claimant"):
        by_city[application.region_id[:4]].append(application)
    now = timezone.now()
    for city, applications in sorted(by_city.items()):
        batch = Batch.objects.create(
            region_id=city,
            state="reconciled",
            historical=True,
            made_at=now,
            released_at=now,
            total_amount=sum((a.paid_amount for a in applications), Decimal("0.00")),
            line_count=len(applications),
        )
        Line.objects.bulk_create(
            Line(
                batch=batch,
                application=a,
                claimant_id=a.claimant_id,
                region_id=a.region_id,
                category=a.requested_category,
                fund="medical_assistance",
                amount=a.paid_amount,
                payee_name=a.claimant.name,
                reference=f"LS{a.pk:08d}",
                state="paid",
                paid_on=a.paid_on,
                result_at=now,
            )
            for a in applications
        )
        Event.objects.create(
            batch=batch, kind="migrated", at=now, data={"applications": [a.pk for a in applications]}
        )


def backwards(apps, schema_editor):
    Batch = apps.get_model("payments", "PaymentBatch")
    Line = apps.get_model("payments", "PaymentLine")
    Event = apps.get_model("payments", "PaymentEvent")
    historical = Batch.objects.filter(historical=True)
    Event.objects.filter(batch__in=historical).delete()
    Line.objects.filter(batch__in=historical).delete()
    historical.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("applications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
