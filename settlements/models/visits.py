"""Policy years, hospitals and visits (就医记录): what the settlement engine reads."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claimants.models import Claimant, ImportBatch, InsuranceScheme, Region, User, jurisdiction_choices
from settlements.history import ChangeHistory

MONEY = {"max_digits": 14, "decimal_places": 2}


class PolicyYear(models.Model):
    """One jurisdiction's locally set parameters for one calendar year (RULES.md 9: every value is dated).

    Which parameters a year has, their labels and bounds, is the jurisdiction package's schema
    (``jurisdictions/<code>/parameters.py``); ``settlements.adapter`` reads them for the engine.
    """

    jurisdiction = models.CharField(_("政策适用地"), max_length=16, choices=jurisdiction_choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    effective_from = models.DateField(_("生效日期"))
    income_last_year = models.DecimalField(_("上年居民人均可支配收入"), **MONEY)
    # The values of the jurisdiction's parameter schema (``Jurisdiction.parameters``, e.g. Mianyang's
    # tilt_threshold) that are not columns, as the schema writes them (money and rates as texts): a new city
    # or a new parameter needs no migration.
    parameters = models.JSONField(_("政策参数"), default=dict, blank=True)
    # RULES 3.9: the push threshold is this share of last year's income (50% by the texts); a share above 1
    # or at 0 would push everybody or nobody.
    alert_threshold_rate = models.DecimalField(
        _("高额费用预警比例"),
        max_digits=5,
        decimal_places=4,
        default="0.5000",
        validators=[MinValueValidator(Decimal("0.0100")), MaxValueValidator(Decimal("1.0000"))],
        help_text=_("上年居民人均可支配收入的比例，0.01 至 1，政策文件为 0.5"),
    )
    # Bumped on every save: a settlement stores the version of the parameters it was computed with.
    version = models.PositiveIntegerField(_("参数版本"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策年度")
        verbose_name_plural = _("政策年度")
        ordering = ["jurisdiction", "-year"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="policy_year_unique")]

    def __str__(self) -> str:
        return f"{self.get_jurisdiction_display()} {self.year}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
        super().save(*args, **kwargs)


class Hospital(models.Model):
    """A designated medical institution (定点医药机构)."""

    class Level(models.TextChoices):
        LEVEL_1 = "1", _("一级")
        LEVEL_2 = "2", _("二级")
        LEVEL_3 = "3", _("三级")
        UNRATED = "0", _("未定级")

    code = models.CharField(_("机构编码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=100)
    level = models.CharField(_("等级"), max_length=1, choices=Level.choices, default=Level.UNRATED)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("所在地"))
    in_province = models.BooleanField(_("省内"), default=True)
    assistance_enabled = models.BooleanField(_("开展医疗救助服务"), default=True)

    class Meta:
        verbose_name = _("定点医药机构")
        verbose_name_plural = _("定点医药机构")

    def __str__(self) -> str:
        return self.name


class VisitType(models.TextChoices):
    INPATIENT = "inpatient", _("住院")
    OUTPATIENT_CHRONIC_SPECIAL = "outpatient_chronic_special", _("门诊慢特病")
    OUTPATIENT_GENERAL = "outpatient_general", _("普通门诊")
    EMERGENCY_OBSERVATION = "emergency_observation", _("急诊留观")


class Referral(models.TextChoices):
    REFERRED = "referred", _("规范转诊")
    NOT_REQUIRED = "not_required", _("无需转诊")
    UNREFERRED = "unreferred", _("未按规定转诊")


class Visit(models.Model):
    """A visit or stay (就医记录) with its costs after basic insurance, entered or imported."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORT = "import", _("批量导入")

    # Indexes cost every imported visit a write each: only those a read uses are kept (docs/monitoring.md
    # "Indexes of visits and people"). The person's lookups (a person's visits and years, the totals' ranges,
    # the PROTECT check) use the leading column of ``visit_claimant_year``, not an index of their own. The
    # person is checked once a statement by a trigger, not once a row by a foreign key (migration 0022).
    claimant = models.ForeignKey(
        Claimant,
        models.PROTECT,
        related_name="visits",
        verbose_name=_("就诊人"),
        db_index=False,
        db_constraint=False,
    )
    # Imported visits name no hospital: indexed by ``visit_hospital`` over the visits that do.
    hospital = models.ForeignKey(
        Hospital,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("医疗机构"),
        db_index=False,
    )
    # Looked up whole only (the import's ``ON CONFLICT`` and look-ups, the duplicate check), by its unique
    # index: the prefix-search index PostgreSQL would add beside it is dropped (migration 0020).
    settlement_ref = models.CharField(_("医保结算ID"), max_length=64, null=True, blank=True, unique=True)
    visit_type = models.CharField(_("就诊类型"), max_length=32, choices=VisitType)
    admitted = models.DateField(_("入院（就诊）日期"))
    discharged = models.DateField(_("出院（结算）日期"))
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    referral = models.CharField(_("转诊"), max_length=16, choices=Referral)
    in_province = models.BooleanField(_("省内就医"), default=True)
    in_city = models.BooleanField(_("市内就医"), default=True)
    offsite_filed = models.BooleanField(_("异地就医已备案"), default=False)
    total_cost = models.DecimalField(_("医疗总费用"), **MONEY)
    policy_scope_cost = models.DecimalField(_("政策范围内费用"), **MONEY)
    basic_insurance_paid = models.DecimalField(_("基本医保统筹支付"), default=0, **MONEY)
    critical_illness_paid = models.DecimalField(_("大病保险支付"), null=True, blank=True, **MONEY)
    # SCENARIOS Clarification 26: for a visit without a given 大病 amount, the 大病 tier its settlement in
    # force computed (what the person did not pay); NULL when none is in force. Kept by the settlement
    # services so that the monthly job reads each person's cost in its one pass over the visits.
    critical_illness_settled = models.DecimalField(
        _("结算计算的大病保险"), null=True, blank=True, editable=False, **MONEY
    )
    other_insurance_paid = models.DecimalField(_("其他补充保险支付"), default=0, **MONEY)
    # SCENARIOS Clarification 23: 公务员医疗补助 and 企业补充医疗保险 (the platform's cvlserv_pay + hifes_pay)
    # pay before assistance; commercial insurance (other_insurance_paid, oth_pay) pays after it.
    supplementary_paid = models.DecimalField(
        _("公务员医疗补助及企业补充医疗保险支付"), default=0, db_default=0, **MONEY
    )
    # Clarification 24: the visit's basic insurance (insutype, 310 = employee). An employee visit's 大病 tier
    # is the 大额医疗费用补助 the platform gives (critical_illness_paid) or 0, never a resident 大病.
    insurance_scheme = models.CharField(
        _("就诊参保类型"),
        max_length=16,
        choices=InsuranceScheme.choices,
        default=InsuranceScheme.RESIDENT,
        db_default=InsuranceScheme.RESIDENT,
    )
    fully_self_paid = models.DecimalField(_("全自费金额"), default=0, **MONEY)
    # maf_pay (OPERATIONS.md 3): assistance the hospital already paid at one-stop settlement; the back
    # office then owes only the difference (``Settlement.assistance_owed``).
    assistance_paid_at_hospital = models.DecimalField(
        _("医院已垫付医疗救助"),
        default=0,
        db_default=0,
        help_text=_("一站式结算时医院已支付的医疗救助基金"),
        **MONEY,
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    # The batch that created an imported visit. PROTECT: the batch keeps the uploaded file the visit came
    # from, so a batch that created visits cannot be deleted from under them. Its index stays: the import's
    # person-year totals read the batch's visits by it in the commit (``monitoring.totals.add_import``), as
    # do the visit list's batch filter and the PROTECT check. No foreign-key check per row: all of a batch's
    # 100,000 visits checked the one batch row at commit (a tenth of an import's time); only the import's
    # commit sets it, to the batch it holds locked, and on PostgreSQL a trigger refuses deleting a batch (or
    # changing its key) while visits name it (migration 0021), as the constraint did.
    import_batch = models.ForeignKey(
        ImportBatch,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        db_constraint=False,
        verbose_name=_("导入批次"),
    )
    # Who entered the visit, or imported it (the batch's importer). No foreign-key check per row on the import's
    # path: users are deactivated, never deleted, and the ORM keeps PROTECT.
    created_by = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # Every change after creation, the as-created state included (settlements.history: written on change).
    # Read by visit only (``settlements.history``): no index on the other columns the history copies.
    history = ChangeHistory(
        created_at="created_at",
        created_by="created_by_id",
        no_db_index=["claimant", "hospital", "import_batch", "settlement_ref", "created_by"],
    )

    class Meta:
        verbose_name = _("就医记录")
        verbose_name_plural = _("就医记录")
        indexes = [
            models.Index(fields=["claimant", "year"], name="visit_claimant_year"),
            models.Index(fields=["hospital"], condition=Q(hospital__isnull=False), name="visit_hospital"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0)
                & Q(policy_scope_cost__gte=0)
                & Q(basic_insurance_paid__gte=0)
                & Q(other_insurance_paid__gte=0)
                & Q(supplementary_paid__gte=0)
                & Q(fully_self_paid__gte=0)
                & Q(assistance_paid_at_hospital__gte=0)
                & (Q(critical_illness_paid__isnull=True) | Q(critical_illness_paid__gte=0)),
                name="visit_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(policy_scope_cost__lte=F("total_cost")), name="visit_scope_le_total"
            ),
            models.CheckConstraint(
                condition=Q(basic_insurance_paid__lte=F("policy_scope_cost")), name="visit_basic_le_scope"
            ),
            models.CheckConstraint(
                condition=Q(discharged__gte=F("admitted")), name="visit_discharge_after_admit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} {self.admitted}–{self.discharged}"

    def save(self, *args, **kwargs):
        self.year = self.discharged.year  # a visit belongs to the year of its discharge (RULES.md 1.4)
        super().save(*args, **kwargs)
