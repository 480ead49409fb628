"""Tests of app.quality.capability against published worked examples (tests/fixtures/capability).

Expected numbers are the ones the sources printed (see the README in the fixture folder); none is
computed with the code under test.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from app.quality.capability import (
    Capability,
    SubgroupCapability,
    capability,
    capability_subgrouped,
    share_out_of_spec,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "capability"

# SAS Cans: LSL 11.95, target 12, USL 12.05.
CANS_SPEC = {"lsl": 11.95, "usl": 12.05, "target": 12.0}
# Piston rings: LSL 73.95, USL 74.05 mm.
RINGS_SPEC = {"lsl": 73.95, "usl": 74.05}


@cache
def _cans() -> tuple[float, ...]:
    """The 100 fluid weights of the SAS data set Cans."""
    with (FIXTURES / "sas_cans.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(float(row["weight"]) for row in csv.DictReader(handle))


@cache
def _rings(trial_only: bool = True) -> tuple[tuple[float, ...], ...]:
    """The piston-ring diameters grouped by sample (the 25 trial samples by default)."""
    groups: dict[int, list[float]] = {}
    with (FIXTURES / "qcc_pistonrings.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["trial"] == "TRUE" or not trial_only:
                groups.setdefault(int(row["sample"]), []).append(float(row["diameter"]))
    return tuple(tuple(groups[key]) for key in sorted(groups))


# --- the fixtures are the published data ---------------------------------------------------------


def test_cans_fixture_matches_published_frequency_table() -> None:
    """SAS Figure 5.2 'Frequency Counts' (values up to 12.05, cumulative 84 %)."""
    published = {
        "11.90": 1, "11.91": 3, "11.93": 1, "11.94": 2, "11.95": 3, "11.96": 8, "11.97": 6,
        "11.98": 6, "11.99": 10, "12.00": 11, "12.01": 5, "12.02": 6, "12.03": 6, "12.04": 6,
        "12.05": 10,
    }  # fmt: skip
    counts = Counter(f"{value:.2f}" for value in _cans())
    assert len(_cans()) == 100
    assert {key: counts[key] for key in published} == published
    assert sum(count for key, count in counts.items() if key > "12.05") == 16


def test_rings_fixture_shape_and_first_samples() -> None:
    """qcc: 40 samples of 5, the first 25 are trial samples; rows 1 and 6 as printed by qcc.groups."""
    assert len(_rings()) == 25
    assert len(_rings(trial_only=False)) == 40
    assert all(len(group) == 5 for group in _rings(trial_only=False))
    assert _rings()[0] == (74.030, 74.002, 74.019, 73.992, 74.008)
    assert _rings()[5] == (74.009, 73.994, 73.997, 73.985, 73.993)


# --- SAS CAPABILITY, data set Cans -----------------------------------------------------------------


def test_sas_cans_indices() -> None:
    """SAS/QC CAPABILITY 'Computing Capability Indices', Figure 5.2 (sigma = s, n - 1)."""
    result = capability(_cans(), **CANS_SPEC)
    assert isinstance(result, Capability)
    assert result.n == 100
    assert result.mean == pytest.approx(12.0093, abs=5e-5)
    assert result.cp == pytest.approx(0.354967, abs=5e-7)
    assert result.cpl == pytest.approx(0.420991, abs=5e-7)
    assert result.cpu == pytest.approx(0.288943, abs=5e-7)
    assert result.cpk == pytest.approx(0.288943, abs=5e-7)
    assert result.cpm == pytest.approx(0.348203, abs=5e-7)


def test_sas_cans_observed_percent_out_of_spec() -> None:
    """SAS: 7 % < LSL, 77 % between, 16 % > USL; only reproduced when a value on a limit is in spec."""
    below, above = share_out_of_spec(_cans(), CANS_SPEC["lsl"], CANS_SPEC["usl"])
    assert (below, above) == (7, 16)
    assert len(_cans()) - below - above == 77


def test_sas_cans_lower_limit_only() -> None:
    """One-sided: CPL does not depend on USL, so SAS's CPL 0.420991 holds; Cp and Cpm are undefined."""
    result = capability(_cans(), lsl=11.95, target=12.0)
    assert result.cpl == pytest.approx(0.420991, abs=5e-7)
    assert result.cpk == result.cpl
    assert result.cpu is None
    assert result.cp is None
    assert result.cpm is None


def test_sas_cans_upper_limit_only() -> None:
    result = capability(_cans(), usl=12.05, target=12.0)
    assert result.cpu == pytest.approx(0.288943, abs=5e-7)
    assert result.cpk == result.cpu
    assert result.cpl is None
    assert result.cp is None
    assert result.cpm is None


def test_cpm_needs_a_target() -> None:
    """No target: Cpm is None (the spec midpoint is not substituted)."""
    result = capability(_cans(), lsl=11.95, usl=12.05)
    assert result.cpm is None
    assert result.cp == pytest.approx(0.354967, abs=5e-7)


# --- qcc piston rings (Montgomery), pooled within sigma ----------------------------------------------


def test_qcc_pistonrings_pooled_within_sigma() -> None:
    """qcc (R News 2004): 25 samples of 5, std. dev. 0.009887547, Cp 1.686, Cpk 1.646, center 74.00118."""
    result = capability_subgrouped(_rings(), **RINGS_SPEC)
    assert isinstance(result, SubgroupCapability)
    assert (result.n, result.subgroups, result.method) == (125, 25, "pooled")
    assert result.mean == pytest.approx(74.00118, abs=5e-6)
    assert result.sigma_within == pytest.approx(0.009887547, abs=5e-10)
    assert result.cp == pytest.approx(1.686, abs=5e-4)
    assert result.cpk == pytest.approx(1.646, abs=5e-4)
    assert result.cpk == result.cpu
    assert result.cpl is not None and result.cpu is not None
    assert result.cpl > result.cpu
    assert result.cpm is None  # no target given


def test_pistonrings_overall_pp() -> None:
    """Pp on the overall s of the 125 values: 1.6551 (NOTES 2.2, 'overall s (Pp)')."""
    result = capability_subgrouped(_rings(), **RINGS_SPEC)
    assert result.pp == pytest.approx(1.6551, abs=5e-5)
    assert result.ppk is not None and result.ppu is not None and result.ppl is not None
    assert result.ppk == min(result.ppl, result.ppu)
    assert result.pp is not None and result.cp is not None
    assert result.pp < result.cp  # here the overall spread exceeds the within spread


def test_pistonrings_overall_sd_equals_one_lot_sd() -> None:
    """The overall sd of the subgrouped analysis is the plain sample sd of all 125 values."""
    flat = [value for group in _rings() for value in group]
    lot = capability(flat, **RINGS_SPEC)
    grouped = capability_subgrouped(_rings(), **RINGS_SPEC)
    assert grouped.sd_overall == pytest.approx(lot.sd, rel=1e-12)
    assert grouped.pp == pytest.approx(lot.cp, rel=1e-12)
    assert grouped.ppk == pytest.approx(lot.cpk, rel=1e-12)


def test_pistonrings_cpm_equals_qcc_form() -> None:
    """Cpm = Cp / sqrt(1 + ((mu - T)/sigma)^2) (qcc's form, NOTES 2.1), on the published mean and sigma."""
    result = capability_subgrouped(_rings(), **RINGS_SPEC, target=74.0)
    sigma, mean = 0.009887547, 74.00118
    assert result.cpm == pytest.approx(1.686 / math.sqrt(1 + ((mean - 74.0) / sigma) ** 2), abs=1e-3)
    assert result.cpm is not None and result.cp is not None and result.cpm < result.cp


# --- hand-checkable cases -----------------------------------------------------------------------------


def test_simple_values_by_hand() -> None:
    """9, 10, 11: mean 10, s 1; LSL 8, USL 12, T 10 -> Cp = 4/6, Cpu = Cpl = 2/3, Cpm = 4/6."""
    result = capability([9, 10, 11], lsl=8, usl=12, target=10)
    assert result == Capability(n=3, mean=10.0, sd=1.0, cp=4 / 6, cpk=2 / 3, cpl=2 / 3, cpu=2 / 3, cpm=4 / 6)


def test_off_target_cpm_by_hand() -> None:
    """9, 10, 11 with T 11: Cpm = 4 / (6 sqrt(1 + 1)) ."""
    result = capability([9.0, 10.0, 11.0], lsl=8.0, usl=12.0, target=11.0)
    assert result.cpm == pytest.approx(4 / (6 * math.sqrt(2)), rel=1e-15)


def test_no_limits_gives_no_indices() -> None:
    result = capability([1.0, 2.0, 4.0])
    assert result.sd == pytest.approx(math.sqrt(7 / 3), rel=1e-15)
    assert (result.cp, result.cpk, result.cpl, result.cpu, result.cpm) == (None,) * 5


def test_single_value_has_no_sd_and_no_indices() -> None:
    result = capability([10.0], lsl=9.0, usl=11.0, target=10.0)
    assert result == Capability(n=1, mean=10.0, sd=None, cp=None, cpk=None, cpl=None, cpu=None, cpm=None)


@pytest.mark.parametrize("values", [[5.0] * 4, [0.1] * 3, [74.03] * 125])
def test_zero_variance_gives_undefined_not_infinite_indices(values: list[float]) -> None:
    result = capability(values, lsl=0.0, usl=100.0, target=50.0)
    assert result.sd == 0.0
    assert result.mean == values[0]
    assert (result.cp, result.cpk, result.cpl, result.cpu, result.cpm) == (None,) * 5


def test_mean_outside_the_limits_gives_negative_cpk() -> None:
    result = capability([12.0, 13.0, 14.0], lsl=8.0, usl=12.0)
    assert result.cpu == pytest.approx(-1 / 3, rel=1e-15)
    assert result.cpk == result.cpu


def test_values_on_the_limits_are_in_spec() -> None:
    assert share_out_of_spec([1.0, 1.5, 2.0], 1.0, 2.0) == (0, 0)
    assert share_out_of_spec([0.999, 1.0, 2.0, 2.001], 1.0, 2.0) == (1, 1)
    assert share_out_of_spec([0.5, 3.0], None, 2.0) == (0, 1)
    assert share_out_of_spec([0.5, 3.0], 1.0, None) == (1, 0)
    assert share_out_of_spec([0.5, 3.0]) == (0, 0)
    assert share_out_of_spec([], 1.0, 2.0) == (0, 0)


# --- subgroups -------------------------------------------------------------------------------------


def test_subgroup_of_one_adds_no_degrees_of_freedom() -> None:
    """(1, 3) and (5): d = 1, s_p^2 = 2, sigma = sqrt(2) / c4(2) = sqrt(2) / sqrt(2/pi) = sqrt(pi)."""
    result = capability_subgrouped([[1.0, 3.0], [5.0]], lsl=-10.0, usl=16.0)
    assert result.n == 3
    assert result.subgroups == 2
    assert result.mean == 3.0
    assert result.sigma_within == pytest.approx(math.sqrt(math.pi), rel=1e-14)
    assert result.sd_overall == pytest.approx(2.0, rel=1e-15)
    assert result.cp == pytest.approx(26 / (6 * math.sqrt(math.pi)), rel=1e-14)
    assert result.pp == pytest.approx(26 / 12, rel=1e-15)


def test_only_single_value_subgroups_have_no_within_sigma() -> None:
    result = capability_subgrouped([[1.0], [3.0], [5.0]], lsl=-10.0, usl=16.0, target=3.0)
    assert result.sigma_within is None
    assert (result.cp, result.cpk, result.cpl, result.cpu, result.cpm) == (None,) * 5
    assert result.pp == pytest.approx(26 / 12, rel=1e-15)


def test_single_subgroup_of_one() -> None:
    result = capability_subgrouped([[2.0]], lsl=1.0, usl=3.0)
    assert (result.n, result.sigma_within, result.sd_overall, result.cp, result.pp) == (
        1,
        None,
        None,
        None,
        None,
    )


def test_zero_within_variance_leaves_cp_undefined() -> None:
    result = capability_subgrouped([[1.0, 1.0], [2.0, 2.0]], lsl=0.0, usl=3.0)
    assert result.sigma_within == 0.0
    assert result.cp is None and result.cpk is None
    assert result.pp is not None


def test_unequal_subgroup_sizes_grand_mean_is_mean_of_all_values() -> None:
    result = capability_subgrouped([[1.0, 2.0, 3.0], [10.0, 12.0]])
    assert result.mean == pytest.approx(28 / 5, rel=1e-15)
    # s_p^2 = (2 + 2) / (2 + 1) -> sigma = sqrt(4/3) / c4(4); c4(4) = 0.921317732 (constants table)
    assert result.sigma_within == pytest.approx(math.sqrt(4 / 3) / 0.921317732, rel=1e-9)


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lsl", "usl"), [(2.0, 1.0), (1.0, 1.0)])
def test_lsl_not_below_usl_is_rejected(lsl: float, usl: float) -> None:
    with pytest.raises(ValueError, match="LSL"):
        capability([1.0, 2.0], lsl=lsl, usl=usl)
    with pytest.raises(ValueError, match="LSL"):
        capability_subgrouped([[1.0, 2.0]], lsl=lsl, usl=usl)
    with pytest.raises(ValueError, match="LSL"):
        share_out_of_spec([1.0], lsl, usl)


def test_empty_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        capability([])
    with pytest.raises(ValueError, match="empty"):
        capability_subgrouped([])
    with pytest.raises(ValueError, match=r"subgroups\[1\] is empty"):
        capability_subgrouped([[1.0], []])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1.0", None, True])
def test_non_finite_or_non_numeric_values_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match=r"values\[1\]"):
        capability([1.0, bad, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"subgroups\[0\]\[1\]"):
        capability_subgrouped([[1.0, bad]])  # type: ignore[list-item]


@pytest.mark.parametrize("name", ["lsl", "usl", "target"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, "1"])
def test_non_finite_limits_are_rejected(name: str, bad: object) -> None:
    with pytest.raises(ValueError, match="finite number or None"):
        capability([1.0, 2.0], **{name: bad})  # type: ignore[arg-type]


def test_results_are_frozen() -> None:
    result = capability([1.0, 2.0])
    with pytest.raises(AttributeError):
        result.cp = 1.0  # type: ignore[misc]
