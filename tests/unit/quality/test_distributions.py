"""Tests of app.quality.distributions against printed tables, closed forms and exact small cases.

Table values: NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.4 "Critical values of
the chi-square distribution" (upper and lower tail), 1.3.6.7.3 "Upper critical values of the F
distribution" and 1.3.6.7.1 "Cumulative distribution function of the standard normal distribution".
A value printed to 3 decimals only pins the probability between its neighbours +-0.0005, and that is
what is asserted.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from app.quality.distributions import (
    beta_inc,
    binomial_sf,
    chi2_cdf,
    chi2_sf,
    f_cdf,
    gamma_p,
    gamma_q,
    normal_cdf,
    normal_sf,
    poisson_sf,
)

# (df, probability below the critical value, printed critical value)
CHI2_TABLE = [
    (1, 0.95, 3.841),
    (1, 0.99, 6.635),
    (1, 0.999, 10.828),
    (2, 0.95, 5.991),
    (5, 0.95, 11.070),
    (9, 0.95, 16.919),
    (9, 0.99, 21.666),
    (10, 0.95, 18.307),
    (10, 0.999, 29.588),
    (20, 0.95, 31.410),
    (30, 0.95, 43.773),
    (30, 0.99, 50.892),
    (100, 0.95, 124.342),
    # lower tail
    (10, 0.05, 3.940),
    (10, 0.01, 2.558),
    (30, 0.05, 18.493),
]

# (df1, df2, probability below, printed critical value)
F_TABLE = [
    (1, 10, 0.95, 4.965),
    (4, 20, 0.95, 2.866),
    (5, 10, 0.99, 5.636),
    (10, 10, 0.95, 2.978),
]


@pytest.mark.parametrize(("df", "probability", "critical"), CHI2_TABLE)
def test_chi2_matches_the_printed_table(df: int, probability: float, critical: float) -> None:
    assert chi2_cdf(critical - 0.0005, df) < probability < chi2_cdf(critical + 0.0005, df)
    assert chi2_sf(critical + 0.0005, df) < 1 - probability < chi2_sf(critical - 0.0005, df)


@pytest.mark.parametrize(("df1", "df2", "probability", "critical"), F_TABLE)
def test_f_matches_the_printed_table(df1: int, df2: int, probability: float, critical: float) -> None:
    assert f_cdf(critical - 0.0005, df1, df2) < probability < f_cdf(critical + 0.0005, df1, df2)


def test_normal_matches_the_printed_table() -> None:
    assert normal_cdf(1.96) == pytest.approx(0.97500, abs=5e-6)
    assert normal_cdf(-3.0) == pytest.approx(0.00135, abs=5e-6)
    assert normal_cdf(0.0) == 0.5
    assert normal_sf(8.0) == pytest.approx(6.22096057427178e-16, rel=1e-10)
    assert normal_cdf(-math.inf) == 0.0 and normal_sf(-math.inf) == 1.0


@pytest.mark.parametrize("x", [1e-6, 0.01, 0.3, 1.0, 2.0, 4.5, 10.0, 37.0, 150.0])
def test_chi2_closed_forms_to_1e_10(x: float) -> None:
    # df = 2: exponential; df = 1: erf; even df: a finite Poisson sum
    assert chi2_cdf(x, 2) == pytest.approx(-math.expm1(-x / 2), rel=1e-12, abs=1e-15)
    assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-10)
    assert chi2_cdf(x, 1) == pytest.approx(math.erf(math.sqrt(x / 2)), rel=1e-12, abs=1e-15)
    assert chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-10)
    for k in (2, 5, 12):
        poisson = math.fsum(math.exp(-x / 2) * (x / 2) ** j / math.factorial(j) for j in range(k))
        assert chi2_sf(x, 2 * k) == pytest.approx(poisson, rel=1e-10)
        assert chi2_cdf(x, 2 * k) + chi2_sf(x, 2 * k) == pytest.approx(1.0, abs=1e-14)


def test_gamma_p_and_q_on_both_sides_of_the_switch() -> None:
    # a = 1: P(1, x) = 1 - exp(-x), on either side of x = a + 1
    for x in (0.5, 1.99, 2.0, 2.01, 30.0):
        assert gamma_p(1.0, x) == pytest.approx(-math.expm1(-x), rel=1e-12)
        assert gamma_q(1.0, x) == pytest.approx(math.exp(-x), rel=1e-12)
    assert gamma_p(3.0, 0.0) == 0.0 and gamma_q(3.0, 0.0) == 1.0
    assert gamma_p(3.0, math.inf) == 1.0 and gamma_q(3.0, math.inf) == 0.0


def _binomial_tail(k: int, n: int, p: Fraction) -> float:
    """Exact P(X >= k) for X binomial(n, p), in rational arithmetic."""
    return float(sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(max(k, 0), n + 1)))


@pytest.mark.parametrize(
    ("k", "n", "p"),
    [(0, 5, "1/2"), (1, 1, "1/2"), (3, 10, "1/5"), (5, 20, "7/50"), (13, 13, "1/7"), (10, 315, "3/100"),
     (50, 100, "1/2"), (80, 100, "1/2"), (2, 400, "1/1000")],
)  # fmt: skip
def test_binomial_sf_is_exact_on_small_cases(k: int, n: int, p: str) -> None:
    exact = _binomial_tail(k, n, Fraction(p))
    assert binomial_sf(k, n, float(Fraction(p))) == pytest.approx(exact, rel=1e-10)


def test_binomial_sf_edges() -> None:
    assert binomial_sf(0, 10, 0.3) == 1.0
    assert binomial_sf(11, 10, 0.3) == 0.0
    assert binomial_sf(3, 10, 0.0) == 0.0
    assert binomial_sf(3, 10, 1.0) == 1.0
    assert binomial_sf(0, 0, 0.5) == 1.0


@pytest.mark.parametrize(("k", "lam"), [(1, 0.1), (3, 1.9), (5, 0.001), (20, 10.0), (3, 30.0), (60, 40.0)])
def test_poisson_sf_is_exact_on_small_cases(k: int, lam: float) -> None:
    # P(X >= k) = sum over j >= k, summed upwards so that tiny tails keep their precision
    terms = [math.exp(-lam + j * math.log(lam) - math.lgamma(j + 1)) for j in range(k, k + 400)]
    assert poisson_sf(k, lam) == pytest.approx(math.fsum(terms), rel=1e-10)


def test_poisson_sf_edges() -> None:
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(-2, 3.0) == 1.0
    assert poisson_sf(1, 0.0) == 0.0


def test_f_and_beta_closed_forms() -> None:
    # F(2, 2): x / (1 + x); I_x(1, 1) = x; I_x(a, 1) = x**a
    for x in (0.01, 0.5, 1.0, 3.0, 99.0):
        assert f_cdf(x, 2, 2) == pytest.approx(x / (1 + x), rel=1e-12)
    for x in (0.0, 0.2, 0.7, 1.0):
        assert beta_inc(1.0, 1.0, x) == pytest.approx(x, abs=1e-15)
        assert beta_inc(3.5, 1.0, x) == pytest.approx(x**3.5, abs=1e-14)
    assert f_cdf(0.0, 3, 4) == 0.0 and f_cdf(math.inf, 3, 4) == 1.0


def test_f_tends_to_chi2_for_a_large_denominator() -> None:
    # s**2 / sigma**2 with sigma known: F(n - 1, infinity) = chi2(n - 1) / (n - 1)
    assert f_cdf(0.3, 9, 10**7) == pytest.approx(chi2_cdf(0.3 * 9, 9), rel=1e-5)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: chi2_cdf(1.0, 0), "df 0"),
        (lambda: chi2_sf(float("nan"), 3), "x nan"),
        (lambda: gamma_p(-1.0, 1.0), "a -1.0"),
        (lambda: gamma_q(1.0, -1.0), "x -1.0"),
        (lambda: poisson_sf(2, -0.5), "lam -0.5"),
        (lambda: poisson_sf(2.5, 1.0), "k 2.5"),  # type: ignore[arg-type]
        (lambda: binomial_sf(2, 10, 1.5), "p 1.5"),
        (lambda: binomial_sf(2, -1, 0.5), "n -1"),
        (lambda: beta_inc(1.0, 1.0, 2.0), "x 2.0"),
        (lambda: f_cdf(1.0, 3, 0), "df2 0"),
        (lambda: normal_cdf("1"), "x '1'"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]
