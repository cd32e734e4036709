"""Storage: database bytes per couple-year of typical use.

The couple of ``bench.dataset`` lived two years through the real bot (daily questions answered
by both most days, daily check-ins with a note on some, goodnight notes, gratitude rounds, a
weekly call, ~100 memories, appreciations, wins, the delivery ledger of everything Closer
posted). This copies it ``COPIES`` times into one database, so the fixed cost of the schema and
of part-filled pages is spread as it is on a real host, and divides what the copies added over
an empty database by the couple-years they hold. Photos are files beside the database (the
photo store), not counted here.

- ``bytes_per_couple_year``: the whole database (tables, indexes, the full-text index);
- ``<table>_bytes_per_couple_year``: the same split by table (its indexes included; the
  memories' full-text index is ``memories_fts``), from SQLite's ``dbstat``;
- ``<table>_rows_per_couple_year``: how many rows a couple writes in a year.

The figure is deterministic for a given template (a single measurement, not a median).

Run: ``python -m bench.storage`` (``--quick``: 30 days of history, 20 copies).
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.dataset import (
    DAYS,
    Template,
    build_template,
    copied_tables,
    database_bytes,
    quiet_logs,
    replicate,
    template_argument,
)

COPIES = 200


async def run(template: Template | None = None, *, quick: bool = False) -> dict[str, float]:
    quiet_logs()
    copies = 20 if quick else COPIES
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if template is None:
            template = await build_template(tmp / "template.sqlite3", 30 if quick else DAYS)
        empty, full = tmp / "empty.sqlite3", tmp / "copies.sqlite3"
        replicate(template, empty, 0)
        replicate(template, full, copies)
        couple_years = copies * template.years
        added = database_bytes(full) - database_bytes(empty)
        figures: dict[str, float] = {
            "couples": float(copies),
            "years_each": template.years,
            "bytes_per_couple_year": added / couple_years,
            "database_mb_for_1000_couples_2_years": added / copies * 1000 * 2 / template.years / 1e6,
        }
        with sqlite3.connect(full) as conn:
            owners = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE name IS NOT NULL"))
            by_table: dict[str, int] = {}
            for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
                owner = owners.get(name, name)
                if owner.startswith("memories_fts"):
                    owner = "memories_fts"
                by_table[owner] = by_table.get(owner, 0) + size
            for table, size in sorted(by_table.items(), key=lambda pair: -pair[1]):
                if size > 4096 * 4 and not table.startswith("sqlite_"):
                    figures[f"{table}_bytes_per_couple_year"] = size / couple_years
            for table in copied_tables(conn):
                rows = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                if rows:
                    figures[f"{table}_rows_per_couple_year"] = rows / couple_years
    return figures


if __name__ == "__main__":
    began = time.perf_counter()
    for key, value in asyncio.run(run(template_argument(sys.argv), quick="--quick" in sys.argv)).items():
        print(f"{key}: {value:,.1f}")
    print(f"took {time.perf_counter() - began:.0f} s")
