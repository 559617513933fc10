"""``core.arrays.array_subquery``: a subquery's values as a list on each row, in its order, empty when none (the
SQLite form is exercised by ``tests/ops/test_embedded_default.py`` on the embedded default)."""

import pytest
from django.db.models import OuterRef

from accounts.models import MarketParticipant, MarketRole
from ercot_services.core.arrays import array_subquery
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_in_the_subquerys_order():
    rep = ParticipantFactory(role_codes=["REP", "LSE"])
    tdsp = ParticipantFactory(role_codes=["TDSP"])
    none = ParticipantFactory(role_codes=[])
    codes = MarketRole.objects.filter(participants=OuterRef("pk")).order_by("code").values("code")

    rows = dict(
        MarketParticipant.objects.filter(pk__in=[rep.pk, tdsp.pk, none.pk])
        .annotate(codes=array_subquery(codes))
        .values_list("pk", "codes")
    )

    assert rows == {rep.pk: ["LSE", "REP"], tdsp.pk: ["TDSP"], none.pk: []}
