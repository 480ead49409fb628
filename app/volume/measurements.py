"""The measured values of every dataset, streamed as tuples (5 million at the default size).

A complete record would be every sample of the lot's plan (n = 50, 80, 125 or 200, 114 on average)
times the revision's 4 characteristics: 455 values per dataset, 50 million for 100,000 lots, ten
times the issue's "about 5 million". So each dataset stores a tenth of its samples
(`MEASURED_SHARE`, rounded up: 5, 8, 13 or 20 samples, 11.5 on average) for all 4
characteristics: 46 values per dataset, about 5.1 million for the 110,000 datasets of 100,000 lots.
The samples kept are those with a finding (the parts an inspector writes up), then the lowest
numbers; so about 8 % of the stored attribute checks fail, against 1 % of all the samples. That
keeps what the volume is for (the size and spread of the `measurement` table, datasets of
different sizes, every characteristic of every dataset) at the size asked for; `share=1` stores
the complete samples. The lots still say their plan's n, so a lot's grid shows
a tenth of its rows filled and a re-evaluation would call the sample incomplete: the pages and
the KPIs read the stored results, which the values follow.

A variable value is drawn around its stored result (normal with the result's mean and standard
deviation, kept within its minimum and maximum, 3 decimals); a draft dataset, which has no
result yet, gets values around the nominal. The attribute check fails exactly on the samples
with a finding. The values come from a generator of their own (`seed`), so no other row changes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from itertools import count, islice
from typing import Any

from app.volume.scorecard import CHARACTERISTICS, TOLERANCE, characteristic_id, nominal_of

MEASURED_SHARE = 0.1
PLACES = 3  # decimals of every variable value (the gauge's resolution, 0.001 mm)
DRAFT_SD = 0.008  # spread of the values of a draft dataset (no result to follow)
COLUMNS = ("id", "supplier_id", "dataset_id", "characteristic_id", "sample", "value", "places", "passed")

Measurement = tuple[int, int, int, int, int, float | None, int, bool | None]


def measured_samples(sample_size: int, share: float = MEASURED_SHARE) -> int:
    """How many samples of a dataset have values: `share` of the lot's sample size, rounded up."""
    return min(sample_size, max(1, math.ceil(round(sample_size * share, 9))))


def measurement_rows(
    lots: Sequence[dict[str, Any]],
    tables: dict[str, list[dict[str, Any]]],
    seed: int,
    share: float = MEASURED_SHARE,
) -> Iterator[Measurement]:
    """Every dataset's values, in the order of the datasets, with ids from 1 (COLUMNS' order)."""
    gauss = random.Random(seed).gauss
    results = tables["characteristic_result"]
    first_result: dict[int, int] = {}
    for index, result in enumerate(results):
        first_result.setdefault(result["dataset_id"], index)
    failed: dict[int, set[int]] = {}
    for finding in tables["finding"]:
        failed.setdefault(finding["dataset_id"], set()).add(finding["sample"])
    ids = count(1)
    for dataset in tables["lot_dataset"]:
        lot = lots[dataset["lot_id"] - 1]
        supplier, dataset_id = lot["supplier_id"], dataset["id"]
        bad = failed.get(dataset_id, set())
        samples = _samples(measured_samples(lot["sample_size"], share), bad)
        start = first_result.get(dataset_id)
        for k, (_code, kind, _class) in enumerate(CHARACTERISTICS):
            char = characteristic_id(lot["revision_id"], k)
            if kind != "variable":
                yield from [
                    (next(ids), supplier, dataset_id, char, s, None, 0, s not in bad) for s in samples
                ]
                continue
            if start is None:
                mean, sd = nominal_of(k), DRAFT_SD
                low, high = mean - TOLERANCE, mean + TOLERANCE
            else:
                result = results[start + k]
                mean, sd, low, high = result["mean"], result["sd"], result["minimum"], result["maximum"]
            yield from [
                (
                    next(ids),
                    supplier,
                    dataset_id,
                    char,
                    s,
                    round(min(high, max(low, gauss(mean, sd))), PLACES),
                    PLACES,
                    None,
                )
                for s in samples
            ]


def _samples(measured: int, with_findings: set[int]) -> Sequence[int]:
    """The `measured` sample numbers kept: those with a finding first, then the lowest others."""
    if not with_findings:
        return range(1, measured + 1)
    kept = sorted(with_findings)[:measured]
    others = (s for s in range(1, measured + len(kept) + 1) if s not in with_findings)
    return sorted(kept + list(islice(others, measured - len(kept))))
