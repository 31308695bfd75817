import pytest

from claimants import demo as claimants_demo
from monitoring import demo
from monitoring.models import HighCostAlert
from settlements import demo as settlements_demo
from settlements.models import Visit


@pytest.mark.django_db
def test_demo_alerts_come_from_visits_at_the_citys_demo_hospitals():
    claimants_demo.create_staff()
    claimants_demo.create_claimants(per_city=40)
    settlements_demo.create_hospitals()

    assert demo.seed()["alerts"] > 0
    visits = Visit.objects.filter(
        year=demo.demo_period().year, claimant__hukou_region__code__startswith="5107"
    )
    assert visits.exists()
    assert not visits.filter(hospital=None).exists()
    assert set(visits.values_list("hospital__region__code", flat=True)) <= {"510703"}
    assert HighCostAlert.objects.exists()
    assert demo.seed() == {"alerts": 0}  # idempotent
