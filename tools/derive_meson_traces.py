"""Derive the kinematic matrix T_xy of P+ -> l+ X Z' in closed form and write it as code.

The structures S_a..S_d (``lfvnsi.observables.meson_kinematics``) are products of slashed
momenta, the free index of the Z' (here a formal vector E), chirality projectors and scalars.
This script expands

    T_xy = sum_pol Tr[(p-slash + m_j) S_x (l-slash - m_l) S-bar_y],   sum_pol = -g + k k/m_Z'^2,

by the standard recursion Tr[a1 ... an] = sum_i (-1)^i (a1.ai) Tr[a2 .. (no ai) .. an] after moving
every projector to the right end (gamma^mu P_L = P_R gamma^mu; P_L P_R = 0). The gamma_5 half of
the remaining projector gives epsilon tensors of at most three independent momenta and vanishes,
so Tr[X P] = Tr[X]/2. The polarisation sum then contracts the two formal vectors E1, E2:
-g: (E1.X)(E2.Y) -> -X.Y, E1.E2 -> -4; k k/m^2: (E1.X)(E2.Y) -> (k.X)(k.Y)/m^2, E1.E2 -> 1.
Dot products are finally written in the Dalitz variables s = (p + k)^2, t = (l + k)^2.

Output: ``src/lfvnsi/observables/meson_kinematics.py`` (a compiled function, common
subexpressions shared). Run from the repository root: ``python tools/derive_meson_traces.py``.
Needs sympy, a development tool the package does not depend on (install it in an environment of its
own: sympy pins mpmath < 1.4, older than the test suite needs). The generated formulas are
tested against an independent explicit-spinor evaluation (tests/observables/test_meson_three_body.py).
"""

from __future__ import annotations

import itertools
import sys
from functools import cache
from pathlib import Path

import sympy as sp

s, t, mj, mz, ml, mP = sp.symbols("s t m_j m_zp m_l m_P", real=True)
w3, w4 = sp.symbols("w3 w4", real=True)  # 1/(t - m_l^2) and 1/(u - m_P^2)

BASIS = ("p", "k", "l", "E1", "E2")
#: momenta in the basis p (final neutral state), k (Z'), l (charged lepton)
VECTORS = {
    "p": {"p": 1}, "k": {"k": 1}, "l": {"l": 1}, "E1": {"E1": 1}, "E2": {"E2": 1},
    "P": {"p": 1, "k": 1, "l": 1},        # meson
    "q": {"p": 1, "k": 1},                # neutral line
    "Lk": {"l": 1, "k": 1},               # charged-lepton line
    "Rp": {"p": 1, "l": 1},               # meson line after emission
    "V": {"p": 2, "k": 1, "l": 2},        # 2P - k, the scalar-QED vertex
}
DOTS = {}
for _a, _b in itertools.combinations_with_replacement(BASIS, 2):
    DOTS[(_a, _b)] = DOTS[(_b, _a)] = sp.Symbol(f"d_{_a}_{_b}")
PROJECTORS = ("PL", "PR")


def dot(u: str, v: str) -> sp.Expr:
    return sp.Add(*[cu * cv * DOTS[(a, b)] for a, cu in VECTORS[u].items()
                    for b, cv in VECTORS[v].items()])


@cache
def trace(string: tuple[str, ...]) -> sp.Expr:
    """Tr[v1-slash ... vn-slash] without projectors."""
    if not string:
        return sp.Integer(4)
    if len(string) % 2:
        return sp.Integer(0)
    first, rest = string[0], string[1:]
    total = sp.Integer(0)
    for i, v in enumerate(rest):
        total += (-1) ** i * dot(first, v) * trace(rest[:i] + rest[i + 1:])
    return sp.expand(total)


def _flip(chi: str) -> str:
    return "PR" if chi == "PL" else "PL"


def _normal(items: list[str]) -> tuple[str | None, tuple[str, ...]] | None:
    """(projector at the right end or None, vectors) of a product; None if it vanishes."""
    vectors: list[str] = []
    proj: str | None = None
    for it in reversed(items):
        if it in PROJECTORS:
            moved = it if len(vectors) % 2 == 0 else _flip(it)  # passes len(vectors) gammas
            if proj is None:
                proj = moved
            elif proj != moved:
                return None
        else:
            vectors.insert(0, it)
    return proj, tuple(vectors)


def _structures(E: str) -> list[list[tuple[sp.Expr, list[str]]]]:
    """S_a..S_d as sums of (coefficient, product); E is the free index."""
    dV = DOTS_V[E]
    return [
        [(sp.Integer(1), [E, "PL", "q", "P"])],                       # gamma^s P_L q P
        [(sp.Integer(-1), [E, "PR", "P"])],                            # -gamma^s P_R P
        [(w3 * ml, ["P", "PL", E]), (-w3, ["P", "PL", "Lk", E])],      # P P_L (m_l - L) g^s w3
        [(w4 * dV, ["Rp", "PL"]), (sp.Integer(-1), [E, "PL"])],        # R P_L V^s w4 - g^s P_L
    ]


DOTS_V = {E: dot("V", E) for E in ("E1", "E2")}


def _bar(term: tuple[sp.Expr, list[str]]) -> tuple[sp.Expr, list[str]]:
    """gamma^0 X^dagger gamma^0: reversed order, P_L <-> P_R (real coefficients)."""
    c, items = term
    return c, [_flip(it) if it in PROJECTORS else it for it in reversed(items)]


def entry(x: int, y: int) -> sp.Expr:
    """T_xy before contraction: linear in E1 and in E2."""
    left = [(sp.Integer(1), ["p"]), (mj, [])]
    right = [(sp.Integer(1), ["l"]), (-ml, [])]
    Sx = _structures("E1")[x]
    Sy = [_bar(term) for term in _structures("E2")[y]]
    total = sp.Integer(0)
    for (c1, i1), (c2, i2), (c3, i3), (c4, i4) in itertools.product(left, Sx, right, Sy):
        res = _normal(i1 + i2 + i3 + i4)
        if res is None:
            continue
        proj, vec = res
        total += c1 * c2 * c3 * c4 * (sp.Rational(1, 2) if proj else 1) * trace(vec)
    return sp.expand(total)


def contract(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(-g part, k k/m^2 part) of the polarisation sum applied to E1, E2."""
    e1 = {b: DOTS[("E1", b)] for b in ("p", "k", "l")}
    e2 = {b: DOTS[("E2", b)] for b in ("p", "k", "l")}
    e12 = DOTS[("E1", "E2")]
    poly = sp.Poly(expr, *e1.values(), *e2.values(), e12)
    g_part = sp.Integer(0)
    k_part = sp.Integer(0)
    for monom, coeff in poly.terms():
        powers = dict(zip(poly.gens, monom, strict=True))
        if powers[e12] == 1:
            g_part += -4 * coeff
            k_part += coeff * DOTS[("k", "k")] / mz**2
            continue
        (a,) = [b for b, sym in e1.items() if powers[sym] == 1]
        (b,) = [c for c, sym in e2.items() if powers[sym] == 1]
        g_part += -coeff * DOTS[(a, b)]
        k_part += coeff * DOTS[("k", a)] * DOTS[("k", b)] / mz**2
    return g_part, k_part


def invariants() -> dict[sp.Symbol, sp.Expr]:
    u = mP**2 + mj**2 + mz**2 + ml**2 - s - t
    return {DOTS[("p", "p")]: mj**2, DOTS[("k", "k")]: mz**2, DOTS[("l", "l")]: ml**2,
            DOTS[("p", "k")]: (s - mj**2 - mz**2) / 2, DOTS[("k", "l")]: (t - ml**2 - mz**2) / 2,
            DOTS[("p", "l")]: (u - mj**2 - ml**2) / 2}


HEADER = '''"""Closed-form kinematic matrix of P+ -> l+ X Z' (generated by tools/derive_meson_traces.py).

Do not edit: regenerate with ``python tools/derive_meson_traces.py``. ``node(m_P, m_l, m_j,
m_zp, s, t, longitudinal, out)`` writes T (4, 4) of ``lfvnsi.observables.meson_three_body``
(structures a, b, c, d) at the Dalitz point (s, t); ``longitudinal`` keeps only the k k/m_Z'^2
part of the polarisation sum. ``node_ab`` writes only the block of the neutral-line structures
a, b (all a point needs when the charged lepton and the meson do not couple); that block is a
quadratic polynomial in t, and ``integral_ab`` is its exact integral over [t_lo, t_hi]. Tested
against explicit Dirac-matrix traces.

References: REFERENCE.md section 5.7, F12, F13 (the amplitude: ``meson_three_body``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["integral_ab", "node", "node_ab"]
'''

SIGNATURE = '''

@njit(cache=True, nogil=True)
def {name}(m_P: float, m_l: float, m_j: float, m_zp: float, s: float, t: float, longitudinal: bool,
         out: np.ndarray) -> None:  # pragma: no cover - compiled
    """{doc}"""
'''


def _function(name: str, doc: str, entries: list[tuple[int, int]]) -> list[str]:
    from sympy.printing.pycode import PythonCodePrinter

    sub = invariants()
    g_exprs, k_exprs = [], []
    for x, y in entries:
        g, k = contract(entry(x, y))
        g_exprs.append(sp.factor_terms(sp.expand(g.subs(sub))))
        k_exprs.append(sp.factor_terms(sp.expand(k.subs(sub))))
        print(f"{name}: T_{x}{y} done", file=sys.stderr)
    reps, reduced = sp.cse(g_exprs + k_exprs, symbols=sp.numbered_symbols("c"))
    printer = PythonCodePrinter({"standard": "python3"})
    lines = SIGNATURE.format(name=name, doc=doc).rstrip("\n").split("\n")
    used = set().union(*(e.free_symbols for e in g_exprs + k_exprs))
    if w3 in used:
        lines.append("    w3 = 1.0 / (t - m_l * m_l)")
    if w4 in used:  # 1/(u - m_P^2), u = m_P^2 + m_j^2 + m_zp^2 + m_l^2 - s - t
        lines.append("    w4 = 1.0 / (m_j * m_j + m_zp * m_zp + m_l * m_l - s - t)")
    for sym, expr in reps:
        lines.append(f"    {sym} = {printer.doprint(expr)}")
    n = len(entries)
    for i, (x, y) in enumerate(entries):
        g_code, k_code = printer.doprint(reduced[i]), printer.doprint(reduced[n + i])
        lines.append(f"    out[{x}, {y}] = ({k_code}) if longitudinal else ({g_code}) + ({k_code})")
        if x != y:
            lines.append(f"    out[{y}, {x}] = out[{x}, {y}]")
    return lines


INTEGRAL_SIGNATURE = '''

@njit(cache=True, nogil=True)
def integral_ab(m_P: float, m_l: float, m_j: float, m_zp: float, s: float, t_lo: float,
                t_hi: float, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """int_{t_lo}^{t_hi} T dt of the (a, b) block (quadratic in t, so exact); others untouched."""
    t_mid = 0.5 * (t_lo + t_hi)
    width = t_hi - t_lo
    moment = t_mid * t_mid + width * width / 12.0  # int t^2 dt / width
'''


def _integral_ab() -> list[str]:
    """The t-integral of the (a, b) block: T = c0 + c1 t + c2 t^2 on [t_lo, t_hi]."""
    from sympy.printing.pycode import PythonCodePrinter

    sub = invariants()
    coefficients = []
    for x, y in [(0, 0), (0, 1), (1, 1)]:
        g, k = contract(entry(x, y))
        poly = sp.Poly(sp.expand((g + k).subs(sub)), t)
        assert poly.degree() <= 2, poly.degree()
        c = [poly.coeff_monomial(t**n) for n in range(3)]
        coefficients += [sp.factor_terms(ci) for ci in c]
    reps, reduced = sp.cse(coefficients, symbols=sp.numbered_symbols("c"))
    printer = PythonCodePrinter({"standard": "python3"})
    lines = INTEGRAL_SIGNATURE.rstrip("\n").split("\n")
    for sym, expr in reps:
        lines.append(f"    {sym} = {printer.doprint(expr)}")
    for i, (x, y) in enumerate([(0, 0), (0, 1), (1, 1)]):
        c0, c1, c2 = (printer.doprint(reduced[3 * i + n]) for n in range(3))
        lines.append(f"    out[{x}, {y}] = width * (({c0}) + ({c1}) * t_mid + ({c2}) * moment)")
        if x != y:
            lines.append(f"    out[{y}, {x}] = out[{x}, {y}]")
    return lines


def main(out: str = "src/lfvnsi/observables/meson_kinematics.py") -> None:
    full = [(x, y) for x in range(4) for y in range(x, 4)]
    lines = HEADER.rstrip("\n").split("\n")
    lines += _function("node", "T_xy (4, 4) at one Dalitz point (GeV units; see the module docstring).",
                       full)
    lines += _function("node_ab", "The (a, b) block of T at one Dalitz point; other entries untouched.",
                       [(0, 0), (0, 1), (1, 1)])
    lines += _integral_ab()
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
