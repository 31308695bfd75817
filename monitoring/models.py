"""Monthly high-cost alerts (高额医疗费用支出预警), push batches, department feedback and job runs.

Implements RULES.md 3.9 MY-W1: 「各地医疗保障部门将基本医保参保对象…个人年度累计自付医疗费用超过绵阳市上年居民
人均可支配收入 50% 的人员信息…每月 10 日前推送至同级民政、乡村振兴部门」 and MY-W2, the feedback loop.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claimants.models import Certification, Claimant, Region, User, jurisdiction_choices
from core.roles import Department
from settlements.models import MONEY
from settlements.money import YEAR_SUM


class AmountBasis(models.TextChoices):
    """RULES.md A-MY5: what 「自付」 means. Default: policy-scope self-pay."""

    POLICY_SCOPE = "policy_scope", _("政策范围内个人自付")
    ALL_PERSONAL = "all_personal", _("个人负担（含全自费）")


class MonitoringRule(models.Model):
    """Per-jurisdiction switches of the monthly alert. Without a row the defaults apply (enabled, 30 days,
    policy-scope); the threshold itself is a policy-year value (``PolicyYear.alert_threshold_rate``)."""

    jurisdiction = models.CharField(_("政策适用地"), max_length=16, choices=jurisdiction_choices, unique=True)
    enabled = models.BooleanField(_("启用月度预警"), default=True)
    feedback_days = models.PositiveSmallIntegerField(_("反馈时限（天）"), default=30)
    amount_basis = models.CharField(
        _("自付口径"), max_length=16, choices=AmountBasis, default=AmountBasis.POLICY_SCOPE
    )

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self) -> str:
        return self.get_jurisdiction_display()


class AlertRun(models.Model):
    """One execution of the monthly job for a period; its counters are updated by the county subtasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中（等待任务队列）")
        RUNNING = "running", _("运行中")
        FINISHED = "finished", _("已完成")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定时任务")
        MANUAL = "manual", _("手动运行")

    period = models.DateField(_("预警月份"))
    cutoff = models.DateField(_("数据截止日"))
    trigger = models.CharField(_("触发方式"), max_length=16, choices=Trigger.choices)
    started_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    # The region whose counties the run covers: a manager's run now covers their region only; the scheduled
    # run (null) covers every city.
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("范围")
    )
    regions_total = models.PositiveIntegerField(_("区县数"), default=0)
    regions_done = models.PositiveIntegerField(_("已完成区县"), default=0)
    hits = models.PositiveIntegerField(_("超标人数"), default=0)
    pushed = models.PositiveIntegerField(_("新推送"), default=0)
    carried_over = models.PositiveIntegerField(_("结转未反馈"), default=0)
    reported = models.PositiveIntegerField(_("已救助（仅报告）"), default=0)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The last sign of life of a running run (a county finished, or the run started): a run with no
    # progress for STUCK_AFTER is shown as stuck and can be resumed (services.resume_run).
    progressed_at = models.DateTimeField(_("最近进展"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警运行记录")
        verbose_name_plural = _("预警运行记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.pk}"


class PushBatch(models.Model):
    """What was pushed for one month to one county (both departments): the hand-over record."""

    period = models.DateField(_("预警月份"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("区县"))
    run = models.ForeignKey(AlertRun, models.PROTECT, related_name="batches", verbose_name=_("运行记录"))
    threshold = models.DecimalField(_("预警标准"), **MONEY)
    created_at = models.DateTimeField(_("推送时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送批次")
        verbose_name_plural = _("推送批次")
        ordering = ["-period", "region"]
        constraints = [models.UniqueConstraint(fields=["period", "region"], name="push_batch_period_region")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.region}"


# What a run counts, in all and in each county: the people over the threshold, and the alerts it inserted by
# disposition (``HighCostAlert.Disposition``'s values).
COUNTED = ("hits", "pushed", "carried_over", "reported")


class RunCounty(models.Model):
    """One county's part of a run, finished or not: what the run's progress counts. A county with nobody over
    the threshold is finished with no push batch (there is nothing to hand over); resuming a run sends again
    only the counties it has not finished."""

    run = models.ForeignKey(AlertRun, models.CASCADE, related_name="counties", verbose_name=_("运行记录"))
    county = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_constraint=False, verbose_name=_("区县")
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # What this run found and pushed in the county (the run's own counters are their sums): a county manager's
    # view of a city's run, even when the county's batch of the month was handed over by an earlier run.
    hits = models.PositiveIntegerField(_("超标人数"), default=0)
    pushed = models.PositiveIntegerField(_("新推送"), default=0)
    carried_over = models.PositiveIntegerField(_("结转未反馈"), default=0)
    reported = models.PositiveIntegerField(_("已救助（仅报告）"), default=0)

    class Meta:
        verbose_name = _("运行区县")
        verbose_name_plural = _("运行区县")
        constraints = [models.UniqueConstraint(fields=["run", "county"], name="run_county_once")]

    def __str__(self) -> str:
        return f"#{self.run_id} {self.county_id}"


class HighCostAlert(models.Model):
    """One person over the threshold in one month, for one department's queue (or reported only)."""

    class Kind(models.TextChoices):
        IMPOVERISHED = "impoverished", _("因病致贫")
        RETURNED = "returned", _("因病返贫")
        ASSISTED = "assisted", _("已救助")

    class Disposition(models.TextChoices):
        PUSHED = "pushed", _("新推送")
        CARRIED_OVER = "carried_over", _("结转（上月已推送未反馈）")
        REPORTED = "reported", _("仅报告（已救助）")

    class Result(models.TextChoices):
        NO_RISK = "no_risk", _("经核实无致贫返贫风险")
        CERTIFIED = "certified", _("已认定救助身份")
        NOT_ELIGIBLE = "not_eligible", _("不符合条件")
        ALREADY_ASSISTED = "already_assisted", _("已在救助")

    # Only the indexes that reads use: the monthly job writes tens of thousands of rows at once and every
    # index costs it an insertion per row. The unique constraint (claimant, ...) serves lookups by person,
    # ``alert_queue`` the queues and lists, the batch index the hand-over file. The person and region columns
    # are copied in the same statement from the claimant's own (constrained) columns and are never changed
    # after, so they carry no database foreign key: its per-row checks (a share lock on every person's row)
    # cost the job about as much as its aggregate. Django's PROTECT still refuses deleting a referenced row.
    claimant = models.ForeignKey(
        Claimant,
        models.PROTECT,
        related_name="alerts",
        verbose_name=_("人员"),
        db_index=False,
        db_constraint=False,
    )
    period = models.DateField(_("预警月份"))
    department = models.CharField(_("接收部门"), max_length=32, choices=Department.choices)
    county = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="+",
        verbose_name=_("户籍区县"),
        db_index=False,
        db_constraint=False,
    )
    hukou_region = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="+",
        verbose_name=_("户籍所在地"),
        db_index=False,
        db_constraint=False,
    )
    insured_region = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="+",
        verbose_name=_("参保地"),
        db_index=False,
        db_constraint=False,
    )
    amount = models.DecimalField(_("年度累计自付费用"), **YEAR_SUM)  # any accepted year of visits
    threshold = models.DecimalField(_("预警标准"), **MONEY)
    kind = models.CharField(_("预警类型"), max_length=16, choices=Kind.choices)
    category_held = models.CharField(_("截止日所持类别"), max_length=40, blank=True)
    # SCENARIOS Clarification 26: the person was not on the previous month's list (any department).
    new_this_month = models.BooleanField(_("本月新增"), default=False, db_default=False)
    disposition = models.CharField(_("处理方式"), max_length=16, choices=Disposition.choices)
    carried_from = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("首次推送"),
        db_index=False,
    )
    batch = models.ForeignKey(
        PushBatch, models.PROTECT, null=True, blank=True, related_name="alerts", verbose_name=_("推送批次")
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    result = models.CharField(_("反馈结果"), max_length=20, choices=Result.choices, blank=True)
    certification = models.ForeignKey(
        Certification,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("认定"),
        db_index=False,
    )
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反馈人"),
        db_index=False,
    )
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("高额费用预警")
        verbose_name_plural = _("高额费用预警")
        ordering = ["-period", "county", "claimant"]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "period", "department"], name="alert_once_per_person_month_department"
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(answered_at__isnull=False), name="alert_answer_has_time"
            ),
        ]
        indexes = [models.Index(fields=["department", "county", "period"], name="alert_queue")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.claimant} {self.get_department_display()}"

    @property
    def already_certified(self) -> bool:
        """The person held a category at the cut-off (Clarification 26: on the list with it, so that civil
        affairs can raise it)."""
        return bool(self.category_held)

    @property
    def root(self) -> "HighCostAlert":
        """The alert that was pushed first: feedback is recorded there."""
        return self.carried_from or self


class PersonYearTotal(models.Model):
    """One person's visits of one year, summed as the monthly job measures them (SCENARIOS Clarification 26):
    ``self_pay`` is Σ policy-scope cost − basic insurance − 大病保险 (given, or the tier the visit's
    settlement computed) − supplementary insurance; ``fully_self_paid`` is added for the ``all_personal``
    basis. Kept current by the import, the settlements and reversals and every visit saved or deleted
    (``monitoring.totals``), so the job reads these rows instead of every visit. ``last_discharged`` is the
    latest discharge counted (never lowered): a person whose year runs past a run's cut-off has the later
    visits subtracted.

    Derived from the visits, which carry the person's constraint; no database constraint of its own (a check
    per written row at import).
    """

    claimant = models.ForeignKey(
        Claimant,
        models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("人员"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    self_pay = models.DecimalField(_("年度累计自付费用"), default=0, **YEAR_SUM)
    fully_self_paid = models.DecimalField(_("全自费金额"), default=0, **YEAR_SUM)
    visits = models.IntegerField(_("就医次数"), default=0)
    last_discharged = models.DateField(_("最近出院（结算）日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度个人自付累计")
        verbose_name_plural = _("年度个人自付累计")
        constraints = [models.UniqueConstraint(fields=["claimant", "year"], name="person_year_total_key")]
        indexes = [models.Index(fields=["year", "self_pay"], name="person_year_total_self_pay")]

    def __str__(self) -> str:
        return f"{self.claimant_id} {self.year} {self.self_pay}"


class PendingHit(models.Model):
    """A person over the threshold, found by a run's single pass over the visits and waiting for the county
    subtask that classifies and routes them; that subtask deletes its county's rows in its transaction.

    Written straight from the aggregate (``INSERT … SELECT``) and short-lived, so the references carry no
    database constraint: their values come from rows that do.
    """

    run = models.ForeignKey(AlertRun, models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    claimant = models.ForeignKey(
        Claimant, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    county = models.ForeignKey(
        Region, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    hukou_region = models.ForeignKey(
        Region, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    insured_region = models.ForeignKey(
        Region, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    amount = models.DecimalField(_("年度累计自付费用"), **YEAR_SUM)  # any accepted year of visits

    class Meta:
        verbose_name = _("待处理超标人员")
        verbose_name_plural = _("待处理超标人员")
        indexes = [models.Index(fields=["run", "county"], name="pending_hit_run_county")]

    def __str__(self) -> str:
        return f"#{self.run_id} {self.claimant_id} {self.amount}"


from monitoring.dashboards.models import (  # noqa: E402, F401
    HospitalRollup,
    PersonYearRollup,
    SettlementRollup,
    TierRollup,
)
