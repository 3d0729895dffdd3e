"""Benchmark procedure search on SQLite (FTS5) and PostgreSQL (gh-3 item 13).

Run from the repository root:

    .venv/bin/python bench/search.py [--size 100000] [--engines sqlite,postgresql]

For each engine, in a throw-away database (an SQLite file in /tmp; a PostgreSQL
database ``motcua_bench`` created and dropped by this script, on the server of
``MOTCUA_BENCH_POSTGRES_URL``, default postgres://postgres@127.0.0.1:5432/):

1. loads the Huế demo catalogue (``src/motcua/demo/catalogue.json``: fields,
   procedures, published versions, variants — what search reads) and times
   ``procedure_search`` on the realistic queries of
   ``src/motcua/procedures/tests/search_queries.tsv`` (exact names, no
   diacritics, upper case, NFD, old tone placement, kí/ký, reordered words,
   partial words, citizens' phrasing, codes);
2. seeds ``--size`` synthetic procedures with Vietnamese names built from word
   lists (bulk inserts, one batched reindex) and times the same queries again.

Each query runs once to warm up, then ``--rounds`` times; its latency is the
median of those runs, and the table shows p50, p95 and max over the queries,
in milliseconds, with the goals of gh-3 (p95 ≤ 20 ms on the demo catalogue,
≤ 50 ms at 100,000). Every engine runs in its own process (Django settings
are per process); the parent prints the table. PostgreSQL gets ``VACUUM
ANALYZE`` after the bulk load, as autovacuum would.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CATALOGUE = SRC / "motcua" / "demo" / "catalogue.json"
QUERIES = SRC / "motcua" / "procedures" / "tests" / "search_queries.tsv"
SQLITE_FILE = Path(tempfile.gettempdir()) / "motcua-bench-search.sqlite3"
BENCH_DB = "motcua_bench"
GOALS_MS = {"demo": 20.0, "synthetic": 50.0}

# --- Synthetic names -----------------------------------------------------------------

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Cấp điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Đăng ký",
    "Đăng ký lại",
    "Đăng ký thay đổi",
    "Xác nhận",
    "Chứng thực",
    "Thẩm định",
    "Phê duyệt",
    "Công nhận",
    "Hỗ trợ",
    "Giải quyết",
    "Chấm dứt",
    "Tạm ngừng",
    "Thông báo",
    "Điều chỉnh",
    "Bổ sung",
    "Xóa đăng ký",
    "Công bố",
    "Kiểm tra",
]
OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "chứng chỉ hành nghề",
    "giấy xác nhận",
    "quyết định",
    "hồ sơ",
    "thẻ",
    "bản sao",
    "trích lục",
    "văn bản chấp thuận",
    "giấy phép hoạt động",
    "giấy chứng nhận đủ điều kiện",
    "phương án",
    "báo cáo",
    "danh mục",
    "kế hoạch",
    "chế độ",
    "trợ cấp",
    "hợp đồng",
]
DOMAINS = [
    "xây dựng",
    "kinh doanh",
    "khai thác khoáng sản",
    "vận tải hành khách",
    "khám bệnh, chữa bệnh",
    "kinh doanh dược",
    "giáo dục mầm non",
    "đào tạo nghề",
    "nuôi trồng thủy sản",
    "khai thác lâm sản",
    "bảo vệ môi trường",
    "sử dụng đất",
    "nhà ở xã hội",
    "hộ tịch",
    "người khuyết tật",
    "người có công",
    "an toàn thực phẩm",
    "phòng cháy, chữa cháy",
    "quảng cáo",
    "du lịch lữ hành",
    "biểu diễn nghệ thuật",
    "thú y",
    "bảo vệ thực vật",
    "tài nguyên nước",
    "điện lực",
    "viễn thông",
    "xuất bản",
    "thể dục, thể thao",
    "lao động nước ngoài",
    "bảo hiểm xã hội",
    "hóa chất",
    "đo đạc bản đồ",
    "thủy lợi",
    "đê điều",
    "di sản văn hóa",
    "tín ngưỡng, tôn giáo",
    "hợp tác xã",
    "doanh nghiệp nhỏ và vừa",
    "khuyến nông",
    "giao thông đường thủy",
]
QUALIFIERS = [
    "",
    "",
    "",
    "đối với doanh nghiệp",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "cấp tỉnh",
    "cấp xã",
    "trong nước",
    "lần đầu",
    "hàng tháng",
    "theo tuyến",
    "trong khu công nghiệp",
    "của hộ gia đình",
    "tại cơ sở",
    "do mất, hỏng",
    "khi thay đổi thông tin",
    "đối với công trình cấp III, cấp IV",
    "cho tổ chức, cá nhân nước ngoài",
    "trên địa bàn tỉnh",
]
KEYWORDS = [
    "xin giấy phép",
    "làm lại giấy",
    "đổi giấy",
    "hỏi thủ tục",
    "mở cơ sở",
    "nộp hồ sơ trực tuyến",
    "đăng kí",
    "xin hỗ trợ",
    "thủ tục nhanh",
    "giấy tờ cần chuẩn bị",
]


def synthetic_name(rng: random.Random) -> str:
    parts = [rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(DOMAINS)]
    if rng.random() < 0.3:
        parts.append("và " + rng.choice(DOMAINS))
    parts.append(rng.choice(QUALIFIERS))
    name = " ".join(p for p in parts if p)
    return name[0].upper() + name[1:]


# --- One engine (child process) ------------------------------------------------------


def postgres_server_url() -> str:
    return os.environ.get("MOTCUA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def recreate_postgres_database(*, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(postgres_server_url() + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")


def setup_django(engine: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["MOTCUA_DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    else:
        recreate_postgres_database()
        os.environ["MOTCUA_DATABASE_URL"] = postgres_server_url() + BENCH_DB
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.conf.test"
    os.environ["MOTCUA_DEBUG"] = "false"  # no query log
    sys.path[0] = str(SRC)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load_demo_catalogue() -> int:
    """Fields, procedures, published versions and variants of the demo catalogue.

    Only what search reads; the full import (``motcua.procedures.transfer``)
    also needs the demo agencies and departments and is not what is measured.
    """
    from motcua.procedures.models import (
        Procedure,
        ProcedureField,
        ProcedureVariant,
        ProcedureVersion,
    )

    document = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    fields = {
        f["code"]: ProcedureField.objects.create(
            code=f["code"], name=f["name"], name_en=f.get("name_en", "")
        )
        for f in document["fields"]
    }
    count = 0
    for item in document["procedures"]:
        procedure = Procedure.objects.create(national_code=item["national_code"])
        for v in item["versions"]:
            if v["status"] != "published" or v.get("valid_to"):
                continue
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=v["number"],
                status="published",
                valid_from=v["valid_from"],
                name=v["name"],
                field=fields[v["field"]],
                audience=v["audience"],
                levels=v["levels"],
                keywords=v.get("keywords", ""),
                result_type=v.get("result_type", ""),
                competent_authority=v.get("competent_authority", ""),
                online_mode=v["online_mode"],
            )
            ProcedureVariant.objects.bulk_create(
                ProcedureVariant(version=version, code=x["code"], name=x["name"], order=i)
                for i, x in enumerate(v["variants"], 1)
            )
            count += 1
    return count


def seed_synthetic(size: int) -> None:
    from motcua.procedures.models import (
        Procedure,
        ProcedureField,
        ProcedureVariant,
        ProcedureVersion,
    )

    rng = random.Random(20261126)
    fields = ProcedureField.objects.bulk_create(
        ProcedureField(code=f"BENCH-{n:02d}", name=f"Lĩnh vực {d}") for n, d in enumerate(DOMAINS)
    )
    batch = 5000
    for start in range(0, size, batch):
        n = min(batch, size - start)
        procedures = Procedure.objects.bulk_create(
            Procedure(national_code=f"8.{start + i:06d}") for i in range(n)
        )
        versions = ProcedureVersion.objects.bulk_create(
            ProcedureVersion(
                procedure=p,
                number=1,
                status="published",
                valid_from=dt.date(2025, 7, 1),
                name=synthetic_name(rng),
                field=rng.choice(fields),
                levels=rng.choice([[1], [3], [1, 3]]),
                keywords="\n".join(rng.sample(KEYWORDS, 2)),
                result_type=rng.choice(OBJECTS).capitalize(),
            )
            for p in procedures
        )
        ProcedureVariant.objects.bulk_create(
            ProcedureVariant(version=v, code="mac-dinh", name=v.name) for v in versions
        )


def load_queries() -> list[str]:
    with QUERIES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        unicodedata.normalize("NFD", r["query"]) if r["case"] == "nfd" else r["query"] for r in rows
    ]


def time_queries(queries: list[str], rounds: int) -> list[float]:
    """Per query, the median of ``rounds`` timed runs (after one warm-up run), in ms.

    The median per query keeps a moment of load on a shared machine from
    deciding the percentiles; the percentiles are then taken over queries.
    """
    from motcua.procedures.search import procedure_search

    for q in queries:  # warm-up: caches, page cache
        procedure_search(query=q)
    runs: list[list[float]] = [[] for _ in queries]
    for _ in range(rounds):
        for i, q in enumerate(queries):
            start = time.perf_counter()
            page = procedure_search(query=q)
            len(page.results)
            runs[i].append((time.perf_counter() - start) * 1000)
    return [statistics.median(r) for r in runs]


def run_engine(engine: str, size: int, rounds: int) -> dict[str, Any]:
    setup_django(engine)
    from django.db import connection

    from motcua.procedures.search import procedure_search_reindex

    result: dict[str, Any] = {"engine": engine, "rows": []}
    try:
        queries = load_queries()
        demo = load_demo_catalogue()
        procedure_search_reindex()
        result["rows"].append(row("demo", demo, time_queries(queries, rounds)))
        started = time.perf_counter()
        seed_synthetic(size)
        seeded = time.perf_counter()
        indexed = procedure_search_reindex()
        finished = time.perf_counter()
        result["seed_s"] = seeded - started
        result["index_s"] = finished - seeded
        if engine == "postgresql":
            # What autovacuum does soon after a bulk load: statistics for the planner,
            # and the GIN pending list merged (a long one slows every search down).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        result["rows"].append(row("synthetic", indexed, time_queries(queries, rounds)))
    finally:
        connection.close()
        if engine == "postgresql":
            recreate_postgres_database(drop_only=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    return result


def row(catalogue: str, procedures: int, samples: list[float]) -> dict[str, Any]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "catalogue": catalogue,
        "procedures": procedures,
        "queries": len(samples),
        "p50": cuts[49],
        "p95": cuts[94],
        "max": max(samples),
    }


# --- Parent: one process per engine, then the table ----------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic procedures")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of every query")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.size, args.rounds)))
        return

    queries = len(load_queries())
    print(f"procedure_search: {queries} queries from {QUERIES.relative_to(ROOT)},")
    print(
        f"1 warm-up + median of {args.rounds} timed runs each; {args.size:,} synthetic procedures"
    )
    results = []
    for engine in args.engines.split(","):
        done = subprocess.run(  # noqa: S603 - this script, fixed arguments
            [
                sys.executable,
                __file__,
                "--child",
                engine,
                "--size",
                str(args.size),
                "--rounds",
                str(args.rounds),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            print(f"\n{engine}: failed\n{done.stderr}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    print()
    header = f"{'engine':<11} {'catalogue':<22} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7}"
    print(f"{header} {'max ms':>7} {'goal p95':>9}")
    for result in results:
        for r in result["rows"]:
            n = r["procedures"]
            label = f"demo ({n})" if r["catalogue"] == "demo" else f"{n:,}"
            goal = GOALS_MS[r["catalogue"]]
            verdict = "ok" if r["p95"] <= goal else "MISSED"
            print(
                f"{result['engine']:<11} {label:<22} {r['queries']:>7} {r['p50']:>7.2f}"
                f" {r['p95']:>7.2f} {r['max']:>7.1f} {goal:>5.0f} {verdict}"
            )
    print()
    for result in results:
        print(
            f"{result['engine']}: seeded in {result['seed_s']:.1f} s,"
            f" indexed in {result['index_s']:.1f} s"
        )


if __name__ == "__main__":
    main()
