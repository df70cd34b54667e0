"""The clone catalogue and the agroforestry models, in pages and API, on the demo and the
scenario: figures from the records, for every role that sees aggregates, and no producer."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.urls import reverse

from chacra.nurseries.models import AgroforestryModel
from tests.nurseries.scenario import build

PRODUCER_CODE = re.compile(r"\bP\d{6}\b")


def _catalogue(client: Any) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in client.get(reverse("api:clone-catalogue-list")).json()}


def test_the_catalogue_counts_what_the_scenario_adds(login: Any) -> None:
    """The scenario keeps ICS-95 mother plant MP (100 sticks cut) and TSH-565 garden G (40
    sticks); B1 is grafted 0.20 ha with ICS-95 and 0.10 ha with TSH-565."""
    investor = login("investor")
    before = _catalogue(investor)
    build()
    after = _catalogue(investor)
    change = {
        code: (
            after[code]["mother_plants"] - before[code]["mother_plants"],
            after[code]["budwood_gardens"] - before[code]["budwood_gardens"],
            after[code]["budwood_sticks"] - before[code]["budwood_sticks"],
            Decimal(after[code]["grafted_ha"]) - Decimal(before[code]["grafted_ha"]),
        )
        for code in after
    }
    assert change.pop("ICS-95") == (1, 0, 100, Decimal("0.20"))
    assert change.pop("TSH-565") == (0, 1, 40, Decimal("0.10"))
    assert set(change.values()) == {(0, 0, 0, Decimal(0))}
    assert after["CCN-51"]["self_compatible"] is True
    assert not PRODUCER_CODE.search(str(after))


def test_agroforestry_models_show_their_composition_and_clone_mix(login: Any) -> None:
    model = AgroforestryModel.objects.prefetch_related("clones__clone").first()
    assert model is not None
    body = login("buyer").get(reverse("api:agroforestry-model-list")).json()
    shown = next(m for m in body if m["code"] == model.code)
    assert shown["cacao_per_ha"] == model.cacao_per_ha
    assert sum(Decimal(c["share"]) for c in shown["clone_mix"]) == 100
    assert {c["clone"] for c in shown["clone_mix"]} == {c.clone.code for c in model.clones.all()}
    page = login("investor").get(reverse("nursery-clones")).content.decode()
    assert model.name in page
    assert 'id="clones"' in page
    assert not PRODUCER_CODE.search(page)
