"""``chacra backup`` then ``chacra restore``: every table comes back, row for row."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chacra.ops.backup import table_fingerprints
from chacra.registry.models import Producer
from chacra.registry.services import plot_register
from tests.factories import ProducerFactory, plot_polygon


@pytest.mark.django_db(transaction=True)
def test_a_restore_reproduces_every_table(tmp_path: Path) -> None:
    plots = [
        plot_register(actor=None, producer=ProducerFactory(), boundary=plot_polygon(seed=i))
        for i in range(3)
    ]
    before = table_fingerprints()
    assert before["registry_plot"][0] >= 3
    out = tmp_path / "chacra.backup"
    call_command("backup", "--out", str(out))
    assert out.stat().st_size > 0

    # a change after the backup, which the restore must undo
    Producer.objects.filter(pk=plots[0].producer_id).update(surnames="CAMBIADO")
    plot_register(actor=None, producer=ProducerFactory(), boundary=plot_polygon(seed=9))
    assert table_fingerprints() != before

    call_command("restore", str(out))
    after = table_fingerprints()
    assert {t: n for t, (n, _) in after.items()} == {t: n for t, (n, _) in before.items()}
    assert after == before
    assert Producer.objects.get(pk=plots[0].producer_id).surnames == plots[0].producer.surnames


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "nothing.backup"))
