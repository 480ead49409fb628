"""Distribution functions for Kensa's statistical checks, in pure Python (no SciPy).

* `normal_cdf`, `normal_sf`: the standard normal, from `math.erf` / `math.erfc` (the upper tail
  uses erfc so that small tail probabilities keep their relative accuracy).
* `gamma_p`, `gamma_q`: the regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x),
  Numerical Recipes style (3rd ed., section 6.2): the power series for x < a + 1, the Lentz continued
  fraction otherwise, each evaluated to relative accuracy 1e-15.
* `chi2_cdf`, `chi2_sf`: chi-square with df degrees of freedom, P(df/2, x/2) and Q(df/2, x/2).
* `beta_inc`: the regularized incomplete beta function I_x(a, b) (NR section 6.4, continued fraction),
  used by `binomial_sf` and by `f_cdf`, the F distribution (a variance ratio whose denominator
  variance is itself estimated, as in Kensa's lot-against-history variance test).
* `poisson_sf(k, lam)` = P(X >= k) = P(k, lam) and `binomial_sf(k, n, p)` = P(X >= k) = I_p(k, n - k + 1).

All functions return probabilities clamped to [0, 1] and raise ValueError naming the bad argument.
"""

from __future__ import annotations

import math

_EPS = 1e-15  # relative accuracy of series and continued fractions
_TINY = 1e-300  # Lentz's guard against division by zero
_MAX_ITER = 10_000


def _check_finite(name: str, value: float) -> float:
    """Return value as a float, or raise ValueError naming it when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r} must be a finite number")
    return float(value)


def _check_real(name: str, value: float) -> float:
    """Return value as a float, or raise ValueError naming it when it is not a number (NaN included)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{name} {value!r} must be a number")
    return float(value)


def _check_positive(name: str, value: float) -> float:
    """Return value as a float, or raise ValueError naming it when it is not finite and > 0."""
    number = _check_finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} {value!r} must be greater than 0")
    return number


def _check_count(name: str, value: int) -> int:
    """Return value, or raise ValueError naming it when it is not an int."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} {value!r} must be an integer")
    return value


def _clamp(probability: float) -> float:
    """Clamp rounding noise into [0, 1]."""
    return min(1.0, max(0.0, probability))


def normal_cdf(x: float) -> float:
    """Return P(Z <= x) for a standard normal Z."""
    z = _check_real("x", x)
    return _clamp(0.5 * math.erfc(-z / math.sqrt(2.0)))


def normal_sf(x: float) -> float:
    """Return P(Z > x) for a standard normal Z, accurate in the far upper tail."""
    z = _check_real("x", x)
    return _clamp(0.5 * math.erfc(z / math.sqrt(2.0)))


def _gamma_series(a: float, x: float) -> float:
    """Return P(a, x) by its power series (converges fast for x < a + 1)."""
    term = 1.0 / a
    total = term
    denominator = a
    for _ in range(_MAX_ITER):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_continued_fraction(a: float, x: float) -> float:
    """Return Q(a, x) by the continued fraction, modified Lentz method (x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_p(a: float, x: float) -> float:
    """Return the regularized lower incomplete gamma function P(a, x), a > 0, x >= 0."""
    shape = _check_positive("a", a)
    value = _check_real("x", x)
    if value < 0:
        raise ValueError(f"x {x!r} must not be negative")
    if value == 0:
        return 0.0
    if math.isinf(value):
        return 1.0
    if value < shape + 1.0:
        return _clamp(_gamma_series(shape, value))
    return _clamp(1.0 - _gamma_continued_fraction(shape, value))


def gamma_q(a: float, x: float) -> float:
    """Return the regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    shape = _check_positive("a", a)
    value = _check_real("x", x)
    if value < 0:
        raise ValueError(f"x {x!r} must not be negative")
    if value == 0:
        return 1.0
    if math.isinf(value):
        return 0.0
    if value < shape + 1.0:
        return _clamp(1.0 - _gamma_series(shape, value))
    return _clamp(_gamma_continued_fraction(shape, value))


def chi2_cdf(x: float, df: float) -> float:
    """Return P(X <= x) for X chi-square with df > 0 degrees of freedom (0 for x <= 0)."""
    degrees = _check_positive("df", df)
    value = _check_real("x", x)
    if value <= 0:
        return 0.0
    return gamma_p(degrees / 2.0, value / 2.0)


def chi2_sf(x: float, df: float) -> float:
    """Return P(X > x) for X chi-square with df > 0 degrees of freedom (1 for x <= 0)."""
    degrees = _check_positive("df", df)
    value = _check_real("x", x)
    if value <= 0:
        return 1.0
    return gamma_q(degrees / 2.0, value / 2.0)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Return the continued fraction of I_x(a, b) (NR betacf), modified Lentz method."""
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, _MAX_ITER):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def beta_inc(a: float, b: float, x: float) -> float:
    """Return the regularized incomplete beta function I_x(a, b), a > 0, b > 0, 0 <= x <= 1."""
    alpha = _check_positive("a", a)
    beta = _check_positive("b", b)
    point = _check_finite("x", x)
    if not 0.0 <= point <= 1.0:
        raise ValueError(f"x {x!r} must lie in [0, 1]")
    if point == 0.0:
        return 0.0
    if point == 1.0:
        return 1.0
    log_front = (
        math.lgamma(alpha + beta)
        - math.lgamma(alpha)
        - math.lgamma(beta)
        + alpha * math.log(point)
        + beta * math.log1p(-point)
    )
    front = math.exp(log_front)
    if point < (alpha + 1.0) / (alpha + beta + 2.0):
        return _clamp(front * _beta_continued_fraction(alpha, beta, point) / alpha)
    return _clamp(1.0 - front * _beta_continued_fraction(beta, alpha, 1.0 - point) / beta)


def f_cdf(x: float, df1: float, df2: float) -> float:
    """Return P(F <= x) for F with (df1, df2) degrees of freedom (0 for x <= 0)."""
    d1 = _check_positive("df1", df1)
    d2 = _check_positive("df2", df2)
    value = _check_real("x", x)
    if value <= 0:
        return 0.0
    if math.isinf(value):
        return 1.0
    return beta_inc(d1 / 2.0, d2 / 2.0, d1 * value / (d1 * value + d2))


def poisson_sf(k: int, lam: float) -> float:
    """Return P(X >= k) for X Poisson with mean lam >= 0 (1 for k <= 0)."""
    count = _check_count("k", k)
    mean = _check_finite("lam", lam)
    if mean < 0:
        raise ValueError(f"lam {lam!r} must not be negative")
    if count <= 0:
        return 1.0
    if mean == 0:
        return 0.0
    return gamma_p(float(count), mean)


def binomial_sf(k: int, n: int, p: float) -> float:
    """Return P(X >= k) for X binomial with n >= 0 trials and success probability 0 <= p <= 1."""
    count = _check_count("k", k)
    trials = _check_count("n", n)
    if trials < 0:
        raise ValueError(f"n {n!r} must not be negative")
    prob = _check_finite("p", p)
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f"p {p!r} must lie in [0, 1]")
    if count <= 0:
        return 1.0
    if count > trials:
        return 0.0
    if prob == 0.0:
        return 0.0
    if prob == 1.0:
        return 1.0
    return beta_inc(float(count), float(trials - count + 1), prob)
