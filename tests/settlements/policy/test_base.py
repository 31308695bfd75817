"""The shared arithmetic: half-up rounding to the cent, ``above``, capped payments, 大病 bands."""

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from settlements.policy.base import above, amount_text, capped, exact, percent_text, round_half_up
from settlements.policy.rules import CiSchedule
from settlements.policy.types import Segment

D = Decimal


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("2437.565", "2437.57"),  # the Mianyang example's 大病 payment
        ("3250.065", "3250.07"),
        ("6693.771", "6693.77"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("1.115", "1.12"),  # a binary float would give 1.11
        ("2.675", "2.68"),  # a binary float would give 2.67
        ("1.125", "1.13"),  # half-even would give 1.12
        ("100", "100.00"),
        ("0", "0.00"),
    ],
)
def test_round_half_up_to_the_cent(amount, rounded):
    result = round_half_up(D(amount))
    assert result == D(rounded)
    assert str(result) == rounded


def test_the_rounding_mode_is_a_switch():
    assert round_half_up(D("1.125"), ROUND_HALF_EVEN) == D("1.12")


@pytest.mark.parametrize(
    ("before", "after", "threshold", "part"),
    [
        ("0", "12000.10", "8250.00", "3750.10"),  # crosses the threshold
        ("12000.10", "17000.20", "8250.00", "5000.10"),  # wholly above
        ("0", "5000.00", "8250.00", "0"),  # wholly below
        ("8250.00", "8250.01", "8250.00", "0.01"),
        ("3000.00", "3300.00", "3300.00", "0"),  # ends exactly on the threshold
        ("100", "200", "0", "100"),  # no threshold
        ("1666.6665", "2000.00", "1666.6665", "333.3335"),  # exact thresholds are not rounded
    ],
)
def test_above_is_the_part_of_the_increase_over_the_threshold(before, after, threshold, part):
    assert above(D(before), D(after), D(threshold)) == D(part)


@pytest.mark.parametrize(
    ("raw", "cap", "paid", "pay"),
    [
        ("800.00", "8000.00", "0.00", "800.00"),
        ("800.00", "8000.00", "7500.00", "500.00"),
        ("800.00", "8000.00", "8000.00", "0.00"),
        ("800.00", "8000.00", "9000.00", "0.00"),  # paid above a lower cap after a category change
        ("800.00", None, "1000000.00", "800.00"),  # no cap
        ("500.00", "8000.00", "7500.00", "500.00"),  # exactly the room left
    ],
)
def test_capped_payment(raw, cap, paid, pay):
    assert capped(D(raw), None if cap is None else D(cap), D(paid)) == D(pay)


def test_thresholds_stay_exact_and_read_in_cents_when_they_can():
    assert str(exact(D("48976.00") * D("0.25"))) == "12244.00"
    assert exact(D("33333.33") * D("0.05")) == D("1666.6665")  # never rounded


def test_texts_of_amounts_and_ratios():
    assert amount_text(D("8250.0000")) == "8250.00"
    assert amount_text(D("1666.6665")) == "1666.6665"
    assert amount_text(D("0")) == "0.00"
    assert percent_text(D("0.65")) == "65%"
    assert percent_text(D("0.7")) == "70%"
    assert percent_text(D("1.00")) == "100%"
    assert percent_text(D("0.055")) == "5.5%"


BANDS = (Segment(D("10000.00"), D("0.60")), Segment(D("30000.00"), D("0.70")), Segment(None, D("0.80")))


@pytest.mark.parametrize(
    ("before", "after", "pay"),
    [
        ("0", "5000.00", "0"),  # below the threshold 10000.00
        ("0", "15000.00", "3000.00"),  # 5000.00 above x 60%
        ("12000.00", "15000.00", "1800.00"),  # 3000.00 above x 60%
    ],
)
def test_relative_bands_start_at_the_threshold(before, after, pay):
    schedule = CiSchedule(threshold=D("10000.00"), segments=BANDS)
    assert schedule.pay(D(before), D(after)) == D(pay)


def test_relative_bands_over_several_segments_and_visits():
    schedule = CiSchedule(threshold=D("10000.00"), segments=BANDS)
    # Above the threshold: 0..10000 at 60%, 10000..30000 at 70%, above 30000 at 80%.
    assert schedule.pay(D("0"), D("50000.00")) == D("6000.00") + D("14000.00") + D("8000.00")
    # The same year in two visits: 0 -> 25000 (above 0..15000) then 25000 -> 50000 (above 15000..40000).
    first = schedule.pay(D("0"), D("25000.00"))
    second = schedule.pay(D("25000.00"), D("50000.00"))
    assert first == D("6000.00") + D("3500.00")
    assert second == D("10500.00") + D("8000.00")
    assert first + second == D("28000.00")


def test_a_last_finite_band_pays_nothing_above_it():
    schedule = CiSchedule(threshold=D("1000.00"), segments=(Segment(D("5000.00"), D("0.50")),))
    assert schedule.pay(D("0"), D("100000.00")) == D("2500.00")


def test_tilted_bands_halve_the_threshold_and_add_five_points():
    tilted = CiSchedule(threshold=D("10000.00"), segments=BANDS).tilted(D("0.50"), D("0.05"))
    assert tilted.threshold == D("5000.00")
    assert [s.ratio for s in tilted.segments] == [D("0.65"), D("0.75"), D("0.85")]
    assert [s.up_to for s in tilted.segments] == [D("10000.00"), D("30000.00"), None]


def test_absolute_bands_are_bounds_of_the_cumulative_base():
    schedule = CiSchedule(threshold=D("10000.00"), segments=BANDS, relative=False)
    # Cumulative 0 -> 50000: 10000..30000 at 70% and 30000..50000 at 80% (below 10000 nothing).
    assert schedule.pay(D("0"), D("50000.00")) == D("14000.00") + D("16000.00")
