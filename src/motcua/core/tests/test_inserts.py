"""``insert_rows`` writes exactly what ``save()`` writes, in one round trip on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test import TestCase, tag
from django.test.utils import CaptureQueriesContext

from motcua.core.inserts import insert_rows
from motcua.dossiers.models import DossierFee, DossierFormData, Party
from motcua.dossiers.tests.test_receive import make_world


def _rows(dossier_id: int) -> list[object]:
    return [
        Party(
            dossier_id=dossier_id,
            role="submitter",
            kind="citizen",
            full_name="Trần Văn Bình",
            search_name="tran van binh",
            identity_number="046090000001",
            phone="0905000001",
        ),
        DossierFee(dossier_id=dossier_id, kind="fee", name="Phí thẩm định", amount=Decimal(150000)),
        DossierFee(
            dossier_id=dossier_id,
            kind="levy",
            name="Lệ phí",
            amount=None,
            collection="none",
            paid_at=dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC),
        ),
        DossierFormData(
            dossier_id=dossier_id,
            definition={"fields": []},
            data={"ghi_chu": "Số 1 – “đặc biệt”", "n": [1, 2]},
        ),
    ]


@tag("gh-4")
class InsertRowsTests(TestCase):
    def test_rows_equal_what_save_writes_and_get_their_ids(self) -> None:
        world = make_world()
        mine = world.receive()
        theirs = world.receive()
        objs = _rows(mine.pk)
        with CaptureQueriesContext(connection) as queries:
            insert_rows(objs)  # type: ignore[arg-type]
        expected = 1 if connection.vendor == "postgresql" else 3  # one per model on SQLite
        self.assertEqual(len(queries.captured_queries), expected)
        for obj in _rows(theirs.pk):
            obj.save(force_insert=True)  # type: ignore[attr-defined]
        self.assertTrue(all(o.pk for o in objs))  # type: ignore[attr-defined]

        def stored(dossier_id: int, model: type) -> list[dict[str, object]]:
            rows = model.objects.filter(dossier_id=dossier_id).order_by("pk")
            if model is Party:
                rows = rows.filter(role="submitter")
            return [
                {k: v for k, v in model_to_dict(r).items() if k not in {"id", "dossier"}}
                for r in rows
            ]

        for model in (Party, DossierFee, DossierFormData):
            with self.subTest(model=model.__name__):
                if model is DossierFee:
                    mine_rows = stored(mine.pk, model)[-2:]
                    theirs_rows = stored(theirs.pk, model)[-2:]
                else:
                    mine_rows, theirs_rows = stored(mine.pk, model), stored(theirs.pk, model)
                self.assertEqual(mine_rows, theirs_rows)
                self.assertTrue(mine_rows)
        # The ids given back are the rows' own.
        for obj in objs:
            self.assertEqual(type(obj).objects.get(pk=obj.pk).dossier_id, mine.pk)  # type: ignore[attr-defined]

    def test_an_insert_that_fails_writes_nothing(self) -> None:
        world = make_world()
        dossier = world.receive()
        rows = _rows(dossier.pk)
        rows.append(Party(dossier_id=dossier.pk, role="owner", kind="citizen", full_name=None))
        before = (Party.objects.count(), DossierFee.objects.count())
        with self.assertRaises(IntegrityError), transaction.atomic():
            insert_rows(rows)  # type: ignore[arg-type]
        self.assertEqual((Party.objects.count(), DossierFee.objects.count()), before)
