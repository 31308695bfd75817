"""The rows the permission matrix asks for, each made in the region it is given.

A kwargs factory receives the requesting user and the region code where the target row must live, and
returns the URL kwargs of a row made there (a person, a household, a certification, an import batch, a
visit, a settlement, an application, an alert, a push or payment batch, a hospital statement).
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import documents
from applications.models import AssistanceApplication, State
from claimants import idnumbers, roles
from claimants.models import Certification, Claimant, Household, ImportBatch, Region
from core.roles import Department, officer_department
from monitoring.models import AlertRun, HighCostAlert, PushBatch
from payments.models import BatchState, LineState, PaymentBatch, PaymentLine
from settlements import services, visit_import
from tests.factories import CertificationFactory, PolicyYearFactory, VisitFactory

_sequence = iter(range(1, 10_000))


def _claimant(region_code: str) -> Claimant:
    n = next(_sequence)
    region = Region.objects.get(code=region_code)
    return Claimant.objects.create(
        name=f"测试{n}",
        id_number=idnumbers.build(region_code[:6], dt.date(1980, 1, 1) + dt.timedelta(days=n), n),
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        hukou_region=region,
        insured_region=region,
        scheme="resident",
    )


def claimant_kwargs(user, region_code):
    return {"pk": _claimant(region_code).pk}


def _hospital(region_code: str):
    from settlements.models import Hospital

    n = next(_sequence)
    return Hospital.objects.create(code=f"HP{n:05d}", name=f"测试医院{n}", region_id=region_code[:6])


def hospital_kwargs(user, region_code):
    return {"pk": _hospital(region_code).pk}


def statement_kwargs(user, region_code, **extra):
    from finance.models import HospitalStatement

    statement = HospitalStatement.objects.create(
        hospital=_hospital(region_code), month=dt.date(2023, 3, 1), created_by=user, built_at=timezone.now()
    )
    return {"pk": statement.pk, **extra}


def household_kwargs(user, region_code):
    n = next(_sequence)
    return {"pk": Household.objects.create(number=f"HP{n}", region_id=region_code).pk}


def member_kwargs(user, region_code):
    person = _claimant(region_code)
    household = Household.objects.create(number=f"HM{person.pk}", region_id=region_code)
    person.household, person.relation_to_head = household, "head"
    person.save()
    return {"pk": household.pk, "claimant_pk": person.pk}


def certification_kwargs(user, region_code):
    category = "monitored_rural" if user.role == roles.RURAL else "dibao"
    cert = Certification.objects.create(
        claimant=_claimant(region_code),
        category=category,
        jurisdiction="mianyang",
        department="rural_revitalization" if category == "monitored_rural" else "civil_affairs",
        valid_from=dt.date(2023, 1, 1),
    )
    return {"pk": cert.pk}


def batch_kwargs(user, region_code, kind="certifications"):
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name="x.csv",
        file_sha256="0" * 64,
        content=b"",
        region_id=region_code,
        created_by=user,
    )
    return {"pk": batch.pk}


def fmt_kwargs(fmt):
    return lambda user, region_code: {"fmt": fmt}


def visit_batch_kwargs(user, region_code):
    return batch_kwargs(user, region_code, visit_import.KIND)


def _visit(region_code: str):
    """A visit of a dibao holder in 2023 (Mianyang policy year 2023), awaiting settlement."""
    PolicyYearFactory()  # get_or_create
    claimant = _claimant(region_code)
    CertificationFactory(claimant=claimant)
    return VisitFactory(claimant=claimant)


def visit_kwargs(user, region_code):
    return {"pk": _visit(region_code).pk}


def settlement_kwargs(user, region_code):
    return {"pk": services.settle_visit(visit=_visit(region_code), by=None).pk}


def claimant_year_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk, "year": 2023}


def register_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk}


def policy_year_kwargs(user, region_code):
    return {"pk": PolicyYearFactory().pk}


def _application(user, region_code: str) -> AssistanceApplication:
    """An application referred to the user's department (civil affairs for other roles): visible to all."""
    rural = user.role == roles.RURAL
    return AssistanceApplication.objects.create(
        kind="certification",
        claimant=_claimant(region_code),
        region_id=region_code,
        state=State.REFERRED,
        requested_category="monitored_rural" if rural else "marginal",
        referred_department=Department.RURAL_REVITALIZATION if rural else Department.CIVIL_AFFAIRS,
        submitted_on=dt.date(2024, 3, 4),
        aid_year=2024,
        created_by=user,
    )


def application_kwargs(user, region_code):
    return {"pk": _application(user, region_code).pk}


def refused_application_kwargs(user, region_code):
    application = _application(user, region_code)
    AssistanceApplication.objects.filter(pk=application.pk).update(state=State.REFUSED)
    return {"pk": application.pk}


def action_kwargs(action):
    return lambda user, region_code: {"pk": _application(user, region_code).pk, "action": action}


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_kwargs(user, region_code):
    application = _application(user, region_code)
    upload = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    document = documents.store(application=application, by=user, kind="invoice", uploaded=upload)
    return {"pk": application.pk, "document_id": document.pk}


def alert_kwargs(user, region_code):
    """A pushed alert of the user's department's queue (civil affairs for other roles)."""
    claimant = _claimant(region_code)
    alert = HighCostAlert.objects.create(
        claimant=claimant,
        period=dt.date(2023, 3, 1),
        department=officer_department(user) or Department.CIVIL_AFFAIRS,
        county_id=region_code[:6],
        hukou_region_id=region_code,
        insured_region_id=region_code,
        amount=Decimal("20000.00"),
        threshold=Decimal("16500.00"),
        kind=HighCostAlert.Kind.IMPOVERISHED,
        disposition=HighCostAlert.Disposition.PUSHED,
    )
    return {"pk": alert.pk}


def _run() -> AlertRun:
    return AlertRun.objects.create(
        period=dt.date(2023, 3, 1), cutoff=dt.date(2023, 3, 31), trigger=AlertRun.Trigger.MANUAL
    )


def run_kwargs(user, region_code):
    return {"pk": _run().pk}


def push_batch_kwargs(user, region_code):
    period = dt.date(2023, 1, 1) + dt.timedelta(days=next(_sequence))  # one batch per county and period
    batch = PushBatch.objects.create(
        period=period, region_id=region_code[:6], run=_run(), threshold=Decimal("16500.00")
    )
    return {"pk": batch.pk}


def payment_batch_kwargs(state):
    """A payment batch of the region in ``state``, made by someone else (so the user may check it)."""

    def make(user, region_code):
        maker = type(user).objects.create(username=f"maker{next(_sequence)}", role=roles.REVIEWER)
        batch = PaymentBatch.objects.create(region_id=region_code, state=state, made_by=maker)
        return {"pk": batch.pk}

    return make


MATRIX_REFERENCE = "ZF-MATRIX"


def released_batch_kwargs(user, region_code):
    """A released batch with one line under the reference the result file below names (earlier batches'
    lines of that reference are renamed first)."""
    for line in PaymentLine.objects.filter(reference=MATRIX_REFERENCE):
        PaymentLine.objects.filter(pk=line.pk).update(reference=f"ZF-OLD{line.pk}")
    settlement = services.settle_visit(visit=_visit(region_code), by=None)
    batch = PaymentBatch.objects.create(region_id=region_code, state=BatchState.RELEASED)
    PaymentLine.objects.create(
        batch=batch,
        settlement=settlement,
        claimant=settlement.claimant,
        region_id=region_code,
        fund="medical_assistance",
        amount=Decimal("10.00"),
        reference=MATRIX_REFERENCE,
        state=LineState.SENT,
    )
    return {"pk": batch.pk}


class _RereadableFile(SimpleUploadedFile):
    """An upload the table sends once per role: each request reads it from the start."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


BANK_RESULT = _RereadableFile(
    "result.csv",
    f"支付参考号,金额,结果,到账日期,失败原因\n{MATRIX_REFERENCE},10.00,失败,,账号有误\n".encode(),
)


def payee_kwargs(user, region_code):
    return {"claimant_id": _claimant(region_code).pk}


def key_kwargs(key):
    return lambda user, region_code: {"key": key}
