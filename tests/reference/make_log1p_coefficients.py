#!/usr/bin/python3
"""The polynomial behind detail::log1p_unit (include/logistic_neuron/detail/objective.hpp).

Run with Debian's interpreter (python3-mpmath, python3-numpy):

    /usr/bin/python3 tests/reference/make_log1p_coefficients.py

The elementwise kernel needs log1p(e) for e = exp(-|z|) in [0, 1]. It reduces e to f in
[-1/4, 1/2) exactly (f = e below 1/2, else f = (e - 1)/2 and log1p(e) = ln 2 + log1p(f)) and
writes log1p(f) = f + f^2 Q(f - 1/8). This script fits Q(g) = (log1p(g + 1/8) - (g + 1/8)) /
(g + 1/8)^2 on g in [-3/8, 3/8] by interpolation at Chebyshev nodes (near-minimax), at 60
digits, converts it to monomial coefficients, rounds them to the target type, and keeps the
fewest terms whose relative error on a 4001-point grid, with the rounded coefficients, is below
2^-53 (double) or 2^-25 (float). Q's error enters log1p(f) scaled by at most |f Q / (1 + f Q)|,
about 1/4, so it adds at most about a quarter of an ulp. It prints the C++ constants, with ln 2
split into a rounded part and the remainder. tests/test_math.cpp checks the result against long
double log1p, in ulps.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 60
CENTER = mp.mpf(1) / 8
HALF = mp.mpf(3) / 8


def Q(g):
    f = g + CENTER
    if f == 0:
        return mp.mpf(-1) / 2
    return (mp.log1p(f) - f) / f ** 2


def chebyshev_monomial(terms):
    nodes = [HALF * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / terms) for k in range(terms)]
    A = mp.matrix(terms, terms)
    b = mp.matrix(terms, 1)
    for i, x in enumerate(nodes):
        for j in range(terms):
            A[i, j] = x ** j
        b[i] = Q(x)
    c = mp.lu_solve(A, b)
    return [c[j] for j in range(terms)]


def rounded(x, kind):
    return float(np.float32(float(x))) if kind == "float" else float(x)


def worst_error(coefficients):
    worst = mp.mpf(0)
    for k in range(4001):
        g = -HALF + 2 * HALF * k / 4000
        p = mp.mpf(0)
        for v in reversed(coefficients):
            p = p * g + v
        worst = max(worst, abs(p / Q(g) - 1))
    return worst


def main():
    for kind, target in (("double", mp.mpf(2) ** -53), ("float", mp.mpf(2) ** -25)):
        for terms in range(4, 40):
            exact = chebyshev_monomial(terms)
            coefficients = [rounded(v, kind) for v in exact]
            worst = worst_error([mp.mpf(v) for v in coefficients])
            if worst < target:
                break
        ln2 = mp.log(2)
        hi = rounded(ln2, kind)
        lo = rounded(ln2 - mp.mpf(hi), kind)
        suffix = "f" if kind == "float" else ""
        print("// %s: %d terms, relative error of Q %s" % (kind, terms, mp.nstr(worst, 3)))
        print("q = {%s};" % ", ".join("%r%s" % (v, suffix) for v in coefficients))
        print("ln2_hi = %r%s; ln2_lo = %r%s;" % (hi, suffix, lo, suffix))


if __name__ == "__main__":
    main()
