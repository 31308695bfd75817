import datetime as dt

import pytest

from claimants import idnumbers

# Published examples (OPERATIONS.md 4).
VALID = ["11010519491231002X", "360426199101010071", "44011320141005001X"]


@pytest.mark.parametrize("number", VALID)
def test_published_valid_numbers_are_accepted(number):
    assert idnumbers.is_valid(number)


def test_birth_date_and_sex_come_from_the_number():
    facts = idnumbers.parse("11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.sex == "F"  # sequence 002 is even
    assert idnumbers.parse("360426199101010071").sex == "M"


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(idnumbers.InvalidIdNumber, match="校验位错误：应为 3"):
        idnumbers.parse("36042619910102009X")


def test_month_thirteen_is_refused():
    with pytest.raises(idnumbers.InvalidIdNumber, match="出生日期（第7至14位）无效"):
        idnumbers.parse("360426199113010079")


@pytest.mark.parametrize(
    "raw", ["", "1234", "51070319800101123", "5107031980010112345", "51070319800101123Y"]
)
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(idnumbers.InvalidIdNumber, match="18位"):
        idnumbers.parse(raw)


def test_lowercase_x_is_accepted_and_normalised():
    assert idnumbers.parse("11010519491231002x").number == "11010519491231002X"


def test_region_code_that_did_not_exist_at_birth_is_still_valid():
    # 涪城区 510703 with a 1980 birth date: real people carry such numbers.
    number = idnumbers.build("510703", dt.date(1980, 5, 1), 123)
    assert idnumbers.is_valid(number)


def test_fifteen_digit_legacy_number_is_upgraded_only_when_allowed():
    legacy = "110105491231002"
    with pytest.raises(idnumbers.InvalidIdNumber):
        idnumbers.parse(legacy)
    facts = idnumbers.parse(legacy, allow_legacy=True)
    assert facts.number == "11010519491231002X"
    assert facts.upgraded_from_15


def test_mask_keeps_region_and_last_two_hiding_birth_date_and_sequence():
    assert idnumbers.mask("510703198005011234") == "510703**********34"


def test_a_masked_number_and_the_birth_year_leave_thousands_of_candidates():
    """What a page shows beside a masked number (region, birth year, sex) does not give it back."""
    number = idnumbers.build("510703", dt.date(1980, 5, 1), 123)
    masked = idnumbers.mask(number)
    candidates = [
        candidate
        for day in range(366)
        for sequence in range(100)
        if (birth := dt.date(1980, 1, 1) + dt.timedelta(days=day)).year == 1980
        and idnumbers.mask(candidate := idnumbers.build("510703", birth, sequence * 10 + int(number[16])))
        == masked
    ]
    assert number in candidates
    assert len(candidates) > 1000


@pytest.mark.parametrize("raw", ["51070319800501123", "510703198013011234", "510703190001011234"])
def test_a_refusal_never_repeats_the_number_or_its_birth_date(raw):
    with pytest.raises(idnumbers.InvalidIdNumber) as refused:
        idnumbers.parse(raw)
    assert raw not in str(refused.value)
    assert raw[6:14] not in str(refused.value)
