"""The platform import's fast path (``_FastChecks.row``, which reads a row's cells by position) accepts only rows
that the full checks (``VisitRows._clean_row``) accept without a refusal or a warning, and reads the same values
from them; it takes the ordinary rows of a file."""

import datetime as dt
from dataclasses import astuple, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from claimants.idnumbers import check_char
from claimants.imports import Row
from settlements.visit_import import SPEC, _FastChecks

FIELDS = (
    "setl_id", "certno", "psn_name", "med_type", "admitted", "setl_time", "referral", "insutype",
    "hukou_admdvs", "insuplc_admdvs", "total_cost", "policy_scope_cost", "basic_insurance_paid", "hifmi_pay",
    "hifob_pay", "oth_pay", "cvlserv_pay", "hifes_pay", "fully_self_paid", "fund_pay_sumamt", "psn_part_amt",
    "maf_pay", "refd_setl_flag", "vali_flag",
)  # fmt: skip
TODAY = dt.date(2024, 6, 30)
FIRST17 = "51070319800101123"
GOOD_ID = FIRST17 + check_char(FIRST17)
BAD_ID = FIRST17 + ("0" if check_char(FIRST17) != "0" else "1")

AMOUNTS = st.sampled_from(
    [
        "",
        " ",
        "0",
        "0.00",
        "1",
        "12.5",
        "100.005",
        "1,200.00",
        "-1",
        "abc",
        "NaN",
        "1e3",
        "99999999999",
        "300.00",
    ]
) | st.decimals(min_value=0, max_value=20000, places=2).map(str)
CELLS = {
    "setl_id": st.sampled_from(["S1", " S2 ", "", "S\t3"]),
    "certno": st.sampled_from([GOOD_ID, GOOD_ID.lower(), f" {GOOD_ID} ", BAD_ID, "", "510703800101123"]),
    "psn_name": st.sampled_from(["王平", " 李四 ", ""]),
    "med_type": st.sampled_from(["11", "14", "21", "23", "41", "99", "", " 21 ", "inpatient", "住院"]),
    "admitted": st.sampled_from(
        ["", "2023-03-01", "20230301", "2023/03/02", "2023-13-01", "2099-01-01", "x"]
    ),
    "setl_time": st.sampled_from(["2023-03-10 10:15:00", "2023-03-10", "20230310", "2023-02-28", "", "bad"]),
    "referral": st.sampled_from(["", "referred", "not_referred", "未转诊", "nonsense"]),
    "insutype": st.sampled_from(["", "310", "390", "999", " 390 ", "employee"]),
    "hukou_admdvs": st.sampled_from(["", "510703001", " 510703 "]),
    "insuplc_admdvs": st.sampled_from(["", "510703"]),
    "refd_setl_flag": st.sampled_from(["", "0", "1", " 1 "]),
    "vali_flag": st.sampled_from(["", "1", "0"]),
}


ORDINARY = {
    "setl_id": "S1", "certno": GOOD_ID, "psn_name": "王平", "med_type": "21", "admitted": "2023-03-01",
    "setl_time": "2023-03-10 10:15:00", "referral": "", "insutype": "390", "hukou_admdvs": "510703001",
    "insuplc_admdvs": "510703", "total_cost": "12000.00", "policy_scope_cost": "10000.00",
    "basic_insurance_paid": "6000.00", "hifmi_pay": "300.00", "hifob_pay": "", "oth_pay": "100.00",
    "cvlserv_pay": "50.00", "hifes_pay": "0", "fully_self_paid": "2000.00", "fund_pay_sumamt": "6450.00",
    "psn_part_amt": "5550.00", "maf_pay": "0", "refd_setl_flag": "0", "vali_flag": "1",
}  # fmt: skip
REQUIRED = ("setl_id", "certno", "med_type", "setl_time", "total_cost", "policy_scope_cost")


@st.composite
def rows(draw):
    """An ordinary row with a few cells replaced by unusual or wrong ones, some optional columns left out,
    the columns in any order."""
    optional = [name for name in FIELDS if name not in REQUIRED]
    present = [*REQUIRED, *draw(st.lists(st.sampled_from(optional), unique=True))]
    present = draw(st.permutations(present))
    changed = draw(st.lists(st.sampled_from(present), unique=True, max_size=3))
    values = {name: draw(CELLS.get(name, AMOUNTS)) if name in changed else ORDINARY[name] for name in present}
    return values, {name: index for index, name in enumerate(present)}


@settings(max_examples=600, deadline=None)
@given(rows())
def test_the_fast_path_accepts_only_what_the_full_checks_accept_with_the_same_values(drawn):
    values, positions = drawn
    cells = [values[name] for name in positions]
    fast = _FastChecks(TODAY, positions).row(cells, 2)
    full_row = Row(line=2, values=dict(values))
    full = SPEC._clean_row(full_row)
    if fast is None:
        return
    assert full is not None, values
    assert (full_row.errors, full_row.warnings, full_row.unchanged) == ([], [], False)
    assert (fast.line, fast.errors, fast.warnings, fast.values) == (2, [], [], {})
    assert astuple(replace(fast.checked, facts=None)) == astuple(full), values


def test_the_fast_path_takes_an_ordinary_platform_row_whatever_the_columns_order():
    values = {
        "setl_id": "S1", "certno": GOOD_ID, "psn_name": "王平", "med_type": "21", "setl_time": "2023-03-10",
        "total_cost": "12000.00", "policy_scope_cost": "10000.00", "basic_insurance_paid": "6000.00",
        "hifmi_pay": "300.00",
    }  # fmt: skip
    for order in (list(values), list(reversed(values))):
        fast = _FastChecks(TODAY, {name: i for i, name in enumerate(order)}).row(
            [values[n] for n in order], 7
        )
        assert fast is not None
        parsed = fast.checked
        assert (parsed.settlement_ref, parsed.id_number, parsed.critical_illness_paid) == ("S1", GOOD_ID, 300)
        assert (parsed.admitted, parsed.discharged, parsed.insurance_scheme) == (
            (dt.date(2023, 3, 10),) * 2 + (None,)
        )
