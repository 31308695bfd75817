"""Demo data a new user can explore at once: staff of every role per city, a few hundred synthetic claimants
per city in households, and certifications of every category. Names and ID numbers are synthetic."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from claimants import categories, idnumbers, imports
from claimants.admin_access import sync_staff_access
from claimants.models import Certification, Claimant, Household, ImportBatch, Region, User
from core.roles import ROLE_DEPARTMENT, Role

DEMO_PASSWORD = "jiuzhu-demo"
# username prefix -> city or province code; Hangzhou is the demo's city under the national guideline
CITIES = {"my": "5107", "bj": "11", "tj": "12", "hz": "3301"}
SYSTEM_ACCOUNT = "sys_admin"
ROLE_SHORT = {
    Role.TOWNSHIP_CASEWORKER: "caseworker",
    Role.MEDICAL_SECURITY_REVIEWER: "reviewer",
    Role.CIVIL_AFFAIRS_OFFICER: "civil",
    Role.RURAL_REVITALIZATION_OFFICER: "rural",
    Role.MANAGER: "manager",
    Role.FINANCE_OFFICER: "finance",
    Role.SYSTEM_ADMINISTRATOR: "admin",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文玉兰红梅志强永德海燕春雪林国庆淑珍"


def demo_township(city_code: str) -> Region:
    """The township of the demo caseworker: the first township of the first county of the city."""
    return (
        Region.objects.filter(code__startswith=city_code, level=Region.Level.TOWNSHIP)
        .order_by("code")
        .first()
    )


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def create_staff() -> list[tuple[str, str, str]]:
    accounts = []
    for prefix, city_code in CITIES.items():
        city = Region.objects.get(code=city_code)
        township = demo_township(city_code)
        for role, short in ROLE_SHORT.items():
            username = f"{prefix}_{short}"
            region = township if role == Role.TOWNSHIP_CASEWORKER else city
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "role": role,
                    "department": ROLE_DEPARTMENT[role],
                    "region": region,
                    "first_name": Role(role).label,
                    "is_superuser": False,  # a city administrator administers their city only
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            sync_staff_access(user)
            accounts.append((username, str(Role(role).label), region.full_name))
    # The one system-wide account: /admin/ for every city (schedules, regions, tokens), no product pages.
    superuser, _ = User.objects.update_or_create(
        username=SYSTEM_ACCOUNT,
        defaults={
            "first_name": "全系统管理员",
            "is_staff": True,
            "is_superuser": True,
            "region": None,
            "role": "",
        },
    )
    superuser.set_password(DEMO_PASSWORD)
    superuser.save()
    accounts.append((SYSTEM_ACCOUNT, "全系统管理员（仅 /admin/）", "全国"))
    return accounts


def create_claimants(*, per_city: int = 300, seed: int = 2023) -> int:
    rng = random.Random(seed)
    this_year = timezone.localdate().year
    created = 0
    for city_code in CITIES.values():
        township = demo_township(city_code)
        townships = list(
            Region.objects.filter(code__startswith=township.code[:6], level=Region.Level.TOWNSHIP).order_by(
                "code"
            )
        )[:6]
        jurisdiction = township.jurisdiction
        codes = categories.categories_of(jurisdiction)
        count, sequence, households = 0, 0, {}
        while count < per_city:
            # Half of the people live in the demo caseworker's own township, the rest in its neighbours.
            region = township if rng.random() < 0.5 else rng.choice(townships)
            households[region.code] = households.get(region.code, 0) + 1
            household = Household.objects.create(
                number=f"{region.code}-{households[region.code]:05d}",  # as services.create_household does
                region=region,
                address=f"{region.name}{rng.randint(1, 99)}号",
            )
            surname = rng.choice(SURNAMES)
            for position in range(rng.randint(1, 4)):
                sequence += 1
                birth = dt.date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
                name = surname + _name(rng)[1:] if position != 1 else _name(rng)
                claimant = Claimant.objects.create(
                    name=name,
                    id_number=idnumbers.build(region.code[:6], birth, sequence * 2 + rng.randint(0, 1)),
                    sex="M",
                    birth_date=birth,
                    phone=f"13{rng.randint(100000000, 999999999)}",
                    hukou_region=region,
                    insured_region=region,
                    residence=household.address,
                    scheme=rng.choice(("resident", "resident", "employee")),
                    household=household,
                    relation_to_head=("head", "spouse", "child", "child")[position],
                )
                claimant.sex = idnumbers.parse(claimant.id_number).sex
                claimant.save(update_fields=["sex"])
                count += 1
                if rng.random() < 0.45:
                    category = codes[count % len(codes)] if count <= 2 * len(codes) else rng.choice(codes)
                    start = dt.date(rng.randint(this_year - 7, this_year - 3), rng.randint(1, 12), 1)
                    Certification.objects.create(
                        claimant=claimant,
                        category=category,
                        jurisdiction=jurisdiction,
                        department=categories.certifying_department(category),
                        certificate_number=f"C{city_code}{count:06d}",
                        valid_from=start,
                        valid_to=None
                        if rng.random() < 0.8
                        else start + dt.timedelta(days=rng.randint(200, 900)),
                        source=Certification.Source.IMPORT,
                    )
        created += count
    return created


def create_import_batch() -> ImportBatch:
    """An example committed import from the Mianyang civil-affairs officer: new persons, certifications of
    registered persons, and a few rows with errors to show the per-row report."""
    officer = User.objects.get(username="my_civil")
    township = demo_township(CITIES["my"])
    lines = ["姓名,身份证号,户籍地区划代码,认定类别,证书编号,有效期起,有效期止,备注"]
    for i in range(12):
        number = idnumbers.build(township.code[:6], dt.date(1950 + i, 3, 1), 900 + i)
        category = ("低保对象", "特困人员", "marginal", "illness_impoverished")[i % 4]
        lines.append(
            f"{_name(random.Random(i))},{number},{township.code},{category},MZ2024{i:04d},2024-01-01,,"
        )
    lines.append("错号,510703195003010000,510703001,dibao,,2024-01-01,,")
    lines.append(
        f"无类,{idnumbers.build('510703', dt.date(1960, 1, 1), 77)},{township.code},贵宾,,2024-01-01,,"
    )
    lines.append(
        f"乡村,{idnumbers.build('510703', dt.date(1961, 1, 1), 79)},{township.code},monitored_rural,,2024-01-01,,"
    )
    content = ("\n".join(lines) + "\n").encode()
    batch = imports.stage(
        kind="certifications", file_name="民政认定名单-2024年1月.csv", content=content, by=officer
    )
    return imports.commit(batch=batch, by=officer)


@transaction.atomic
def seed() -> dict:
    accounts = create_staff()
    claimants = 0 if Claimant.objects.exists() else create_claimants()
    if not ImportBatch.objects.exists():
        create_import_batch()
    return {"accounts": accounts, "claimants": claimants}
