import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from claimants.categories import label_of
from monitoring.models import HighCostAlert, PushBatch
from settlements.tables import MoneyColumn


class AlertTable(tables.Table):
    claimant = tables.Column(
        verbose_name=_("姓名"),
        accessor="claimant__name",
        linkify=("monitoring:alert_detail", {"pk": tables.A("pk")}),
    )
    id_number = tables.Column(
        verbose_name=_("身份证号"), accessor="claimant__masked_id_number", orderable=False
    )
    hukou_region = tables.Column(verbose_name=_("户籍所在地"), accessor="hukou_region__name")
    insured_region = tables.Column(verbose_name=_("参保地"), accessor="insured_region__name")
    period = tables.DateColumn(format="Y-m")
    amount = MoneyColumn()
    threshold = MoneyColumn()

    class Meta:
        model = HighCostAlert
        fields = (
            "claimant",
            "id_number",
            "hukou_region",
            "insured_region",
            "amount",
            "threshold",
            "period",
            "kind",
            "category_held",
            "department",
            "disposition",
            "result",
        )
        attrs = {"class": "table table-sm table-striped"}

    def render_category_held(self, value):
        return label_of(value)


class BatchTable(tables.Table):
    period = tables.DateColumn(format="Y-m")
    threshold = MoneyColumn()
    download = tables.TemplateColumn(
        template_code="<a href=\"{% url 'monitoring:batch_download' record.pk %}\">XLSX</a>",
        verbose_name=_("下载"),
        orderable=False,
    )

    class Meta:
        model = PushBatch
        fields = ("period", "region", "threshold", "created_at", "finished_at")
        attrs = {"class": "table table-sm table-striped"}
