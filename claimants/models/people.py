"""The register: regions, staff, households, people and their identity certifications (身份认定)."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claimants import categories, idnumbers
from core.certifications import CertificationStatus
from core.roles import Department, Role
from jurisdictions import registry


def jurisdiction_choices() -> list[tuple[str, str]]:
    """The installed policy jurisdictions (whose rules settle a person's visits, RULES.md 0). A callable, so
    a migration names it rather than copying the list: adding a jurisdiction package needs no migration."""
    return [(code, _(jurisdiction.name)) for code, jurisdiction in registry.installed().items()]


def category_choices() -> list[tuple[str, str]]:
    """Every identity category of the installed jurisdictions (a callable, as ``jurisdiction_choices``)."""
    return categories.category_choices()


class Region(models.Model):
    """Administrative division (行政区划). The code is the key and encodes the tree: a region's subtree is
    every code that starts with its code (province 2 digits, city 4, county 6, township 9)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡级")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    jurisdiction = models.CharField(_("政策适用地"), max_length=16, choices=jurisdiction_choices, blank=True)
    is_statistical_zone = models.BooleanField(_("统计用功能区"), default=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        # Ancestors' codes are prefixes of this one: fetch them in one query rather than one per level
        # (every page header shows the user's region), unless the parents came with select_related.
        ancestors = {}
        if self.parent_id and not Region.parent.is_cached(self):
            prefixes = [self.code[:n] for n in (2, 4, 6, 9) if n < len(self.code)]
            ancestors = {r.code: r for r in Region.objects.filter(code__in=prefixes)}
        names, node = [], self
        while node is not None:
            if node.name != "市辖区":
                names.append(node.name)
            node = ancestors.get(node.parent_id) or node.parent
        return "".join(reversed(names))

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)


class User(AbstractUser):
    """A member of staff: one role, one department, one jurisdiction region (their subtree is what they see)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role, blank=True)
    department = models.CharField(_("部门"), max_length=32, choices=Department, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("管辖区划")
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    @property
    def jurisdiction(self) -> str:
        return self.region.jurisdiction if self.region_id else ""


class Household(models.Model):
    """A household (家庭/户): members are claimants with a relation to the head."""

    number = models.CharField(_("户编号"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="households", verbose_name=_("户籍所在地")
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("claimants:household_detail", args=[self.pk])


class InsuranceScheme(models.TextChoices):
    EMPLOYEE = "employee", _("职工医保")
    RESIDENT = "resident", _("城乡居民医保")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Claimant(models.Model):
    """An insured person who may receive assistance (救助对象 / 参保人)."""

    class Origin(models.TextChoices):
        REGISTERED = "registered", _("登记")
        # SCENARIOS Clarification 26: the monthly push watches every insured person with settlement records;
        # an imported platform record of a person not yet known creates this entry (not a claimant's
        # registration: the claimant list shows such people only to a search by their whole ID number).
        PLATFORM = "platform", _("医保平台结算记录")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Both places are checked once a statement by a trigger, not once a row by a foreign key (migration 0016).
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
    residence = models.CharField(_("居住地址"), max_length=200, blank=True)
    scheme = models.CharField(_("参保类型"), max_length=16, choices=InsuranceScheme)
    # People of the platform's records have no household: indexed by ``claimant_household`` over those who do.
    household = models.ForeignKey(
        Household,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("家庭"),
        db_index=False,
    )
    relation_to_head = models.CharField(_("与户主关系"), max_length=16, choices=Relation, blank=True)
    origin = models.CharField(
        _("来源"),
        max_length=16,
        choices=Origin.choices,
        default=Origin.REGISTERED,
        db_default=Origin.REGISTERED,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # History is read by person (id) only: no index on the other columns, each of which would be written
    # with every history row (imports add one per person). Nor a foreign-key constraint on the history's
    # user (here and on Certification): each of an import's 100,000s of history rows paid a check of it at
    # commit. Staff are deactivated, not deleted (PROTECT elsewhere); Django still nulls it if one ever is.
    history = HistoricalRecords(
        excluded_fields=["created_at"],
        no_db_index=["id_number", "hukou_region", "insured_region", "household"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("救助对象")
        verbose_name_plural = _("救助对象")
        # Every person's row pays for these at creation (the platform import creates millions): each serves a
        # read (docs/monitoring.md "Indexes of visits and people"). Over everybody: the name order (lists of
        # visits, settlements and certifications sorted by person) and, PostgreSQL-only (migration 0003), the
        # name and region search indexes (trigram, prefix; the region prefix one also serves a township's
        # equality); the list's sort orders by region and birth date are over registered people only.
        indexes = [
            models.Index(fields=["name", "id"], name="claimant_name_id"),
            models.Index(
                fields=["household"], condition=Q(household__isnull=False), name="claimant_household"
            ),
            # The list shows registered people only (``ClaimantFilter.qs``), who may be few among the millions
            # the platform's records bring in: each sort order has a partial index over them alone, which the
            # platform import never writes to.
            models.Index(fields=["id"], condition=Q(origin="registered"), name="claimant_listed_id"),
            # The region order (a walk of this index in order, stopped after a page); the prefix filter
            # needs the pattern_ops one below, which cannot give that order under a non-C collation.
            models.Index(
                fields=["hukou_region", "id"],
                condition=Q(origin="registered"),
                name="claimant_listed_region_order",
            ),
            models.Index(
                fields=["hukou_region", "id"],
                opclasses=["varchar_pattern_ops", "int8_ops"],
                condition=Q(origin="registered"),
                name="claimant_listed_region_id",
            ),
            models.Index(
                fields=["name", "id"], condition=Q(origin="registered"), name="claimant_listed_name_id"
            ),
            models.Index(
                fields=["birth_date", "id"], condition=Q(origin="registered"), name="claimant_listed_birth_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def get_absolute_url(self) -> str:
        return reverse("claimants:detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return idnumbers.mask(self.id_number)

    @property
    def birth_year(self) -> int:
        """What a page shows of the birth date beside a masked number (``idnumbers.mask``)."""
        return self.birth_date.year

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def jurisdiction(self) -> str:
        return self.hukou_region.jurisdiction


class Certification(models.Model):
    """An identity certified by a department (身份认定), valid over a date range."""

    Status = CertificationStatus

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORT = "import", _("批量导入")
        REFERRAL = "referral", _("转办反馈")
        ALERT = "alert", _("预警反馈")

    claimant = models.ForeignKey(  # indexed by (claimant, valid_from) below
        Claimant, models.PROTECT, related_name="certifications", verbose_name=_("救助对象"), db_index=False
    )
    category = models.CharField(_("认定类别"), max_length=40, choices=category_choices)
    jurisdiction = models.CharField(_("政策适用地"), max_length=16, choices=jurisdiction_choices)
    department = models.CharField(_("认定部门"), max_length=32, choices=Department)
    certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    # No database constraint on the batch and the author: an import writes the same two values on each of
    # its 100,000s of rows, and PostgreSQL checked both once per row at commit (half the commit's time).
    # Deleting a batch or a user through Django is still refused (PROTECT is enforced by Django's deletion
    # collector), and neither is ever deleted: batches are kept, staff are deactivated. Nothing looks
    # certifications up by author, so that column has no index either.
    import_batch = models.ForeignKey(
        "ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
        verbose_name=_("导入批次"),
        db_constraint=False,
    )
    created_by = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # History is read by certification (id) and by person and date (settlements): no other index.
    history = HistoricalRecords(
        excluded_fields=["created_at"], no_db_index=["created_by", "import_batch"], user_db_constraint=False
    )

    class Meta:
        verbose_name = _("身份认定")
        verbose_name_plural = _("身份认定")
        indexes = [models.Index(fields=["claimant", "valid_from"], name="cert_claimant_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="cert_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.valid_from}–{self.valid_to or ''}"

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def status_on(self, day: dt.date) -> str:
        """Expired is derived from the dates (valid_to in the past), never stored: no sweep can lag behind."""
        if self.status == self.Status.ACTIVE and self.valid_to is not None and self.valid_to < day:
            return self.Status.EXPIRED
        return self.status

    def get_status_on_display(self, day: dt.date) -> str:
        return self.Status(self.status_on(day)).label
