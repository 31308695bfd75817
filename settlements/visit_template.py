"""The example row of the visit import's downloadable template (``claimants.import_templates``): a
consistent settlement record (the platform's sums add up) of a person of the user's region."""

import datetime as dt

from django.utils import timezone

from claimants import idnumbers
from claimants.models import User
from claimants.selectors import townships_visible_to


def example_row(user: User) -> dict[str, str]:
    township = townships_visible_to(user).order_by("code").first()
    code = township.code if township is not None else (user.region_id or "")
    year = timezone.localdate().year
    return {
        "setl_id": f"Y{year}0001",
        "certno": idnumbers.build(code[:6] if len(code) >= 6 else "110101", dt.date(1980, 1, 1), 1),
        "psn_name": "张三",
        "med_type": "住院",
        "admitted": f"{year}-01-05",
        "setl_time": f"{year}-01-15",
        "referral": "规范转诊",
        "insutype": "390",
        "hukou_admdvs": code,
        "insuplc_admdvs": code[:6],
        "total_cost": "12000.00",
        "policy_scope_cost": "10000.00",
        "basic_insurance_paid": "6000.00",
        "hifmi_pay": "300.00",
        "hifob_pay": "0.00",
        "oth_pay": "100.00",
        "cvlserv_pay": "50.00",
        "hifes_pay": "0.00",
        "fully_self_paid": "2000.00",
        "fund_pay_sumamt": "6450.00",
        "psn_part_amt": "5550.00",
        "maf_pay": "0.00",
        "refd_setl_flag": "0",
        "vali_flag": "1",
    }
