"""Fixtures of the settlements tests: a Mianyang 2023 policy year and certified claimants."""

import datetime as dt

import pytest


@pytest.fixture
def mianyang_2023(policy_year_factory):
    """Income 33000.00, assistance cap 50000.00, tilt threshold 7000.00, tilt cap 30000.00."""
    return policy_year_factory(jurisdiction="mianyang", year=2023)


@pytest.fixture
def certified(claimant_factory, certification_factory):
    """A Mianyang claimant holding ``category`` from 2020 on."""

    def make(category: str = "dibao", **kwargs):
        claimant = claimant_factory(**kwargs)
        certification_factory(claimant=claimant, category=category, valid_from=dt.date(2020, 1, 1))
        return claimant

    return make
