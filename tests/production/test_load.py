"""Load without loss, short: 10 supplier clients for 8 s on 2 gunicorn workers, one SIGKILLed halfway.

The run of bench/load_submit.py (which runs 50 clients for 60 s) on the suite's database flavour: a
SQLite file, or a scratch PostgreSQL database when KENSA_TEST_DATABASE_URL is set. No 5xx, no
"database is locked", the lots in the database are those the clients saw created and submitted (the
request the kill cut may have gone either way), every lot is whole and the audit chain holds.
"""

from __future__ import annotations

from pathlib import Path

from bench.load_submit import run_load
from tests.databases import scratch_database


def test_concurrent_submissions_lose_nothing_when_a_worker_is_killed(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        report = run_load(url, tmp_path, clients=10, seconds=8, kill_worker=True, workers=2, demo=False)
    assert not report.failures, report.text()
    assert report.submitted >= 10, report.text()
