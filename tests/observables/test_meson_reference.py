"""Tests of the independent P+ -> l+ X Z' reference (meson_reference.py) and of its stored numbers.

These test the reference itself: the Ward identity with explicit spinors, spinors against traces,
the light-neutrino EFT against REFERENCE R.5.14, invariances, the window logic, and that the
stored tests/data/meson_three_body/reference.json regenerates.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_meson_reference as mk
import meson_reference as mr

DATA = Path(__file__).resolve().parents[1] / "data" / "meson_three_body" / "reference.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(DATA.read_text())


def _case(reference, name):
    return next(c for c in reference["cases"] if c["name"] == name)


def _point(meson, lepton, m_j, m_Z, xs=0.37, x23=0.61):
    m_P, m_l = mr.masses_for(meson, lepton)
    lo, hi = (m_j + m_Z) ** 2, (m_P - m_l) ** 2
    s = lo + xs * (hi - lo)
    a, b = mr.s23_limits(m_P, m_l, m_j, m_Z, s)
    return s, a + x23 * (b - a)


def _random_model(seed, n=4):
    rng = np.random.default_rng(seed)
    masses = np.sort(np.concatenate([[0.0], rng.uniform(0.02, 0.8, n - 1)]))
    U_row = rng.normal(size=n) + 1j * rng.normal(size=n)
    H = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    widths = rng.uniform(0, 0.02, n) * (masses > 0)
    return masses, U_row, H + H.conj().T, widths


# ---------------------------------------------------------------- algebra and kinematics
def test_dirac_algebra() -> None:
    for m in range(4):
        for n in range(4):
            anti = mr.GAMMA[m] @ mr.GAMMA[n] + mr.GAMMA[n] @ mr.GAMMA[m]
            assert np.allclose(anti, 2 * mr.METRIC[m, n] * np.eye(4))
    assert np.allclose(mr.G5 @ mr.G5, np.eye(4))
    assert np.allclose(mr.PL @ mr.PR, 0)


@pytest.mark.parametrize(("m_j", "m_Z"), [(0.0, 0.01), (0.2, 0.05)])
def test_kinematics_spinors_polarisations(m_j, m_Z) -> None:
    m_P, m_l = mr.masses_for("K", "mu")
    s, s23 = _point("K", "mu", m_j, m_Z)
    p, k, l = mr.kinematics(m_P, m_l, m_j, m_Z, s, s23)
    assert mr.mdot(p + k, p + k) == pytest.approx(s, rel=1e-13)
    assert mr.mdot(k + l, k + l) == pytest.approx(s23, rel=1e-13)
    assert mr.mdot(p + k + l, p + k + l) == pytest.approx(m_P**2, rel=1e-13)
    for v, m in ((p, m_j), (k, m_Z), (l, m_l)):
        assert mr.mdot(v, v) == pytest.approx(m**2, abs=1e-13)
    uu = sum(np.outer(u, u.conj() @ mr.GAMMA[0]) for u in mr.u_spinors(p, m_j))
    vv = sum(np.outer(v, v.conj() @ mr.GAMMA[0]) for v in mr.v_spinors(l, m_l))
    assert np.allclose(uu, mr.slash(p) + m_j * np.eye(4), atol=1e-14)
    assert np.allclose(vv, mr.slash(l) - m_l * np.eye(4), atol=1e-14)
    pol = sum(np.outer(mr.lower(e), mr.lower(e)) for e in mr.polarisations(k, m_Z))
    assert np.allclose(pol, -mr.METRIC + np.outer(mr.lower(k), mr.lower(k)) / m_Z**2, atol=1e-10)


# ---------------------------------------------------------------- |M|^2: two independent paths
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("meson", "lepton"), [("K", "mu"), ("K", "e"), ("pi", "e")])
def test_spinors_equal_traces(seed, meson, lepton) -> None:
    """msq (explicit spinors and polarisation vectors, simplified chirality structures) equals
    msq_traces (Dirac traces of the raw diagrams, -g + k k/m^2), random complex couplings, widths."""
    masses, U_row, G, widths = _random_model(seed)
    m_Z = 0.007 if meson == "pi" else 0.03
    for j in range(len(masses)):
        m_P, m_l = mr.masses_for(meson, lepton)
        if masses[j] + m_Z >= m_P - m_l:
            continue
        s, s23 = _point(meson, lepton, masses[j], m_Z)
        a = mr.msq(meson, lepton, s, s23, j, masses, U_row, G, 0.3, -0.8, m_Z, widths)
        b = mr.msq_traces(meson, lepton, s, s23, j, masses, U_row, G, 0.3, -0.8, m_Z, widths)
        assert a == pytest.approx(b, rel=1e-12)


def test_batch_form_equals_scalar_form() -> None:
    m_P, m_l = mr.masses_for("K", "e")
    for m_j in (0.0, 0.1):
        s, _ = _point("K", "e", m_j, 0.02)
        lo, hi = mr.s23_limits(m_P, m_l, m_j, 0.02, s)
        xs = np.linspace(lo, hi, 9)[1:-1]
        batch = mr.structure_form_batch(m_P, m_l, m_j, 0.02, s, xs)
        scalar = np.array([mr.structure_form(m_P, m_l, m_j, 0.02, s, x) for x in xs])
        assert np.max(np.abs(batch - scalar)) <= 1e-13 * np.max(np.abs(scalar))
        assert np.allclose(batch, np.conj(np.swapaxes(batch, 1, 2)))


def test_fixed_rule_inner_integral_equals_adaptive() -> None:
    """The n/2n Gauss-Legendre inner rule against scipy quad_vec on the scalar path, including the
    electron with a light Z' (l-propagator pole just below the range)."""
    for lepton, m_Z in (("e", 0.01), ("mu", 0.05)):
        m_P, m_l = mr.masses_for("K", lepton)
        for xs in (0.01, 0.5):
            s, _ = _point("K", lepton, 0.0, m_Z, xs=xs)
            a = mr._inner_form(m_P, m_l, 0.0, m_Z, s, 1e-12)
            b = mr._inner_form_quad(m_P, m_l, 0.0, m_Z, s, 1e-12)
            assert np.max(np.abs(a - b)) <= 1e-10 * np.max(np.abs(b))


# ---------------------------------------------------------------- Ward identity
@pytest.mark.parametrize("charges", [(1.0, 1.0, -1.0, -1.0), (1.0, 1.0, 1.0, -1.0, -1.0)])
@pytest.mark.parametrize(("g_l", "g_P"), [(0.7, 0.0), (0.0, 0.7), (0.25, 0.45)])
def test_ward_identity_conserved_toy(charges, g_l, g_P) -> None:
    """U(1)' conserved by the mass matrix and by the W vertex (g_P = g_nu - g_l, g_nu = 0.7):
    k.M = 0 for every final state, spin and several m_Z', to 1e-12 of the largest single diagram."""
    m, U, Q, M = mr.toy_conserved(5, 0.0, charges)
    assert np.max(np.abs(U.T @ M @ U - np.diag(m))) < 1e-14
    G = 0.7 * U.conj().T @ np.diag(Q) @ U
    for meson, lepton in (("K", "mu"), ("K", "e"), ("pi", "e")):
        m_P, m_l = mr.masses_for(meson, lepton)
        for j in range(len(m)):
            for m_Z in (0.001, 0.02, 0.09):
                if m[j] + m_Z >= m_P - m_l:
                    continue
                s, s23 = _point(meson, lepton, m[j], m_Z)
                w = mr.ward(meson, lepton, s, s23, j, m, U[0], G, g_l, g_P, m_Z)
                assert w["scale"] > 0
                assert np.max(np.abs(w["total"])) <= 1e-12 * w["scale"]
                assert np.max(np.abs(w["simplified"] - w["total"])) <= 1e-13 * w["scale"]
                # every class of diagram is needed: the neutral line alone is not transverse
                assert np.max(np.abs(w["neutral"])) > 0.1 * w["scale"]


def test_ward_identity_fails_with_wrong_sign_or_charge() -> None:
    """The cancellation is not automatic: a wrong meson charge, or a charge-violating mass term
    (the psi-like situation), leaves k.M of the size of the diagrams."""
    m, U, Q, _ = mr.toy_conserved(5, 0.0)
    G = 0.7 * U.conj().T @ np.diag(Q) @ U
    s, s23 = _point("K", "mu", m[0], 0.02)
    w = mr.ward("K", "mu", s, s23, 0, m, U[0], G, 0.25, -0.45, 0.02)
    assert np.max(np.abs(w["total"])) > 0.1 * w["scale"]
    m, U, Q, _ = mr.toy_conserved(5, 1.0)
    G = 0.7 * U.conj().T @ np.diag(Q) @ U
    w = mr.ward("K", "mu", s, s23, 0, m, U[0], G, 0.25, 0.45, 0.02)
    assert np.max(np.abs(w["total"])) > 0.1 * w["scale"]


def test_ward_identity_benchmark_gauged_and_psi(reference) -> None:
    """lfvnsi inputs. B - 3 L_mu (case c, nu_mu unmixed): conserved, k.M = 0. The benchmark psi
    coupling (K -> e nu_mu Z'): k.M of the size of the diagrams (the longitudinal enhancement)."""
    c = _case(reference, "c/K_mu_0.01")
    masses, U_row, G, g_l, g_P, _ = mk.unpack(c["inputs"])
    assert g_l == pytest.approx(-3e-4) and g_P == 0.0
    for j in range(len(masses)):
        if U_row[j] == 0 and not np.any(np.conj(U_row) * G[j]):
            continue
        for m_Z in (0.01, 0.1):
            s, s23 = _point("K", "mu", masses[j], m_Z)
            w = mr.ward("K", "mu", s, s23, j, masses, U_row, G, g_l, g_P, m_Z)
            assert np.max(np.abs(w["total"])) <= 1e-12 * w["scale"]
            assert np.max(np.abs(w["lepton"])) > 0.1 * w["scale"]
    b = _case(reference, "b/K_e_0.4")
    masses, U_row, G, g_l, g_P, _ = mk.unpack(b["inputs"])
    j = 1  # the nu_mu-like light state: the LFV final state
    s, s23 = _point("K", "e", masses[j], 0.1)
    w = mr.ward("K", "e", s, s23, j, masses, U_row, G, g_l, g_P, 0.1)
    assert np.max(np.abs(w["total"])) > 0.1 * w["scale"]


# ---------------------------------------------------------------- invariances
def test_rephasing_and_degenerate_rotation_invariance() -> None:
    """Sign flips of Takagi vectors change nothing; for an exactly degenerate (Dirac) pair a real
    rotation inside the pair leaves sum over the pair of |M|^2 unchanged."""
    m, U, Q, M = mr.toy_conserved(7, 0.0, (1.0, 1.0, 1.0, -1.0, -1.0))
    G = 0.7 * U.conj().T @ np.diag(Q) @ U
    Gpsi = U.conj().T @ np.diag([0.0, 0.3, -0.2, 0.5, 0.1]) @ U  # arbitrary Hermitian, non-conserved
    m_Z = 0.03
    s, s23 = _point("K", "mu", m[1], m_Z)

    def pair_sum(Uc, Gc):
        return sum(mr.msq("K", "mu", s, s23, j, m, Uc[0], Gc, 0.2, 0.5, m_Z, np.zeros(5))
                   for j in (1, 2))

    ref = pair_sum(U, G + Gpsi)
    flip = np.diag([1.0, -1.0, 1.0, -1.0, 1.0])
    U2 = U @ flip
    assert pair_sum(U2, U2.conj().T @ np.diag(Q) @ U2 * 0.7
                    + U2.conj().T @ np.diag([0.0, 0.3, -0.2, 0.5, 0.1]) @ U2) == pytest.approx(ref, rel=1e-12)
    assert abs(m[1] - m[2]) < 1e-12
    c, sn = math.cos(0.7), math.sin(0.7)
    R = np.eye(5)
    R[1:3, 1:3] = [[c, -sn], [sn, c]]
    U3 = U @ R
    assert np.max(np.abs(U3.T @ M @ U3 - np.diag(m))) < 1e-13
    G3 = 0.7 * U3.conj().T @ np.diag(Q) @ U3 + U3.conj().T @ np.diag([0.0, 0.3, -0.2, 0.5, 0.1]) @ U3
    assert pair_sum(U3, G3) == pytest.approx(ref, rel=1e-12)


def test_majorana_diagonal_vertex_is_axial() -> None:
    """One massive Majorana state emitting the Z' and staying itself: the vertex rule
    gamma (G P_L - G* P_R) is the axial -G gamma gamma5 (Lagrangian -1/2 G Xbar gamma gamma5 X,
    doubled). Built here directly with gamma5 and traced."""
    m, g, u = 0.1, 0.4, 0.6 + 0.3j
    m_P, m_l = mr.masses_for("K", "mu")
    m_Z = 0.05
    s, s23 = _point("K", "mu", m, m_Z)
    p, k, l = mr.kinematics(m_P, m_l, m, m_Z, s, s23)
    D = 1.0 / (s - m**2)
    pP = p + k + l
    gam = [np.conj(u) * D * (-g * mr.GAMMA[a] @ mr.G5) @ (mr.slash(p + k) + m * np.eye(4))
           @ mr.slash(pP) @ mr.PL for a in range(4)]
    P = -mr.METRIC + np.outer(mr.lower(k), mr.lower(k)) / m_Z**2
    tr = sum(P[a, b] * np.trace((mr.slash(p) + m * np.eye(4)) @ gam[a] @ (mr.slash(l) - m_l * np.eye(4))
                                @ mr.dirac_bar(gam[b])) for a in range(4) for b in range(4))
    val = mr.msq("K", "mu", s, s23, 0, [m], [u], [[g]], 0.0, 0.0, m_Z, [0.0])
    assert val == pytest.approx(tr.real, rel=1e-12)


@pytest.mark.parametrize(("charges", "label"), [((1.0, 0.0), "left"), ((1.0, -1.0), "vector")])
def test_dirac_pair_equals_dirac_fermion(charges, label) -> None:
    """A Dirac fermion N of mass m is two degenerate Majorana states (Weyl n1 = N_L, n2 = (N_R)^c,
    mass term -m n1 n2). With charges (1, 0) the Z' couples to g Nbar gamma P_L N, with (1, -1) to
    g Nbar gamma N. The W vertex makes N only and the Z' conserves N number, so sum_j |M_j|^2 over
    the Majorana pair must equal the Dirac |M|^2 (final N), computed here by a separate trace with
    the Dirac vertex and propagator. Tests the Majorana vertex rule gamma (G_jk P_L - G_kj P_R) and
    the m_k G* insertion."""
    m, g, m_Z = 0.12, 0.8, 0.03
    mm, U = mr.takagi(np.array([[0.0, m], [m, 0.0]]))
    assert np.allclose(mm, [m, m])
    G = g * U.conj().T @ np.diag(charges) @ U
    m_P, m_l = mr.masses_for("K", "mu")
    widths = np.array([0.004, 0.004])
    for xs, x23 in ((0.3, 0.2), (0.6, 0.8)):
        s, s23 = _point("K", "mu", m, m_Z, xs, x23)
        majorana = sum(mr.msq("K", "mu", s, s23, j, mm, U[0], G, 0.0, 0.0, m_Z, widths) for j in (0, 1))
        p, k, l = mr.kinematics(m_P, m_l, m, m_Z, s, s23)
        D = 1.0 / (s - m**2 + 1j * m * 0.004)
        vertex = mr.PL if label == "left" else np.eye(4)
        gam = [g * D * mr.GAMMA[a] @ vertex @ (mr.slash(p + k) + m * np.eye(4)) @ mr.slash(p + k + l)
               @ mr.PL for a in range(4)]
        P = -mr.METRIC + np.outer(mr.lower(k), mr.lower(k)) / m_Z**2
        dirac = sum(P[a, b] * np.trace((mr.slash(p) + m * np.eye(4)) @ gam[a]
                                       @ (mr.slash(l) - m_l * np.eye(4)) @ mr.dirac_bar(gam[b]))
                    for a in range(4) for b in range(4)).real
        assert majorana == pytest.approx(dirac, rel=1e-11)


# ---------------------------------------------------------------- windows
def test_windows() -> None:
    m_P, m_l = mr.masses_for("K", "mu")
    s_lo, s_hi = 0.05**2, (m_P - m_l) ** 2
    masses = [0.0, 0.2, 0.2005, 0.3, 0.386, 0.6]
    w = mr.windows(0.0, 0.05, s_lo, s_hi, masses)
    # 0.2 and 0.2005 merge; 0.386 is clipped at the end of the range; 0.6 and 0 are outside
    assert len(w) == 3
    assert w[0] == pytest.approx((0.198**2, (1.01 * 0.2005) ** 2))
    assert w[1] == pytest.approx((0.297**2, 0.303**2))
    assert w[2] == pytest.approx((0.99**2 * 0.386**2, s_hi))
    segs = mr.segments(0.0, 0.05, s_lo, s_hi, masses)
    assert segs[0][0] == s_lo and segs[-1][1] == pytest.approx(0.99**2 * 0.386**2)
    # a state below m_j + m_Z' opens no window for that final state
    assert mr.windows(0.25, 0.05, 0.3**2, s_hi, masses) == [(pytest.approx(0.99**2 * 0.386**2), s_hi)]


# ---------------------------------------------------------------- light-neutrino EFT (case a)
REFERENCE_TABLE = [("mu", 0.01, "14.6"), ("mu", 0.03, "1.61"), ("mu", 0.1, "0.125"),
                   ("mu", 0.2, "0.0139"), ("mu", 0.3, "6.9e-4"), ("e", 0.01, "6.0e5"),
                   ("e", 0.1, "5.5e3")]


def _agrees_to_quoted_digits(value: float, quoted: str) -> bool:
    digits = len(quoted.split("e")[0].replace(".", "").lstrip("0"))
    return float(f"{value:.{digits - 1}e}") == float(quoted)


@pytest.mark.parametrize(("lepton", "m_Z", "quoted"), REFERENCE_TABLE)
def test_eft_against_reference_table(lepton, m_Z, quoted, reference) -> None:
    """REFERENCE 5.7 table: Gamma(K -> l nu Z')/Gamma(K -> l nu) per g^2. Gamma_0 is exactly the
    tree-level Gamma(K -> l nu) of a massless neutrino (with its (1 - m_l^2/m_K^2)^2), so R is the
    table's ratio itself."""
    R = mr.ratio_eft("K", lepton, m_Z)
    assert _agrees_to_quoted_digits(R, quoted)
    assert R == pytest.approx(_case(reference, f"a/K_{lepton}_{m_Z}")["outputs"]["R"], rel=1e-9)


def test_eft_light_zprime_closed_form() -> None:
    """R.5.14: R -> g^2 m_K^4 / (384 pi^2 m_Z'^2 m_l^2 (1 - m_l^2/m_K^2)^2) for m_Z', m_l << m_K."""
    m_K, m_e = mr.masses_for("K", "e")
    for m_Z, tol in ((0.01, 2e-4), (0.003, 3e-5)):
        closed = m_K**4 / (384 * math.pi**2 * m_Z**2 * m_e**2 * (1 - m_e**2 / m_K**2) ** 2)
        assert mr.ratio_eft("K", "e", m_Z) == pytest.approx(closed, rel=tol)


# ---------------------------------------------------------------- stored numbers
def test_stored_json_regenerates(reference) -> None:
    for name in ("a/K_mu_0.3", "b/pi_mu_0.03", "d/K_e_0.05"):
        case = _case(reference, name)
        masses, U_row, G, g_l, g_P, widths = mk.unpack(case["inputs"])
        R = mr.ratio(case["meson"], case["lepton"], masses, U_row, G, g_l, g_P, case["m_zprime"],
                     widths)
        assert R == pytest.approx(case["outputs"]["R"], rel=1e-9)
        for pt in case["outputs"]["msq_points"]:
            v = mr.msq(case["meson"], case["lepton"], pt["s"], pt["s23"], pt["j"], masses, U_row,
                       G, g_l, g_P, case["m_zprime"], widths)
            assert v == pytest.approx(pt["msq"], rel=1e-12)


def test_stored_inputs_follow_from_lfvnsi(reference) -> None:
    """The benchmark inputs recomputed from lfvnsi give the stored R (physical, so insensitive to
    Takagi phase conventions inside degenerate pairs)."""
    case = _case(reference, "b/K_e_0.4")
    inputs, g2 = mk.model_inputs(case["parameters"], "K", "e")
    masses, U_row, G, g_l, g_P, widths = mk.unpack(inputs)
    R = mr.ratio("K", "e", masses, U_row, G, g_l, g_P, 0.4, widths)
    assert R == pytest.approx(case["outputs"]["R"], rel=1e-7)
    assert g2 == pytest.approx(case["g2_eft"], rel=1e-7)


def test_stored_cross_checks_and_limits(reference) -> None:
    cases = reference["cases"]
    nested = [c for c in cases if "R_nested_quad" in c["outputs"]]
    assert len(nested) >= 5
    for c in nested:  # plain nested scipy quad of msq, no structure decomposition
        assert abs(c["outputs"]["nested_relative_difference"]) < 1e-8
    for c in cases:
        assert c["outputs"]["R_error_estimate"] <= 1e-7 * c["outputs"]["R"]
    # heavy-mass limit: R / R_EFT -> 1 like 1/scale^2
    for prefix in ("e/K_e_0.1", "e/K_e_0.4", "e/K_mu_0.1", "e/pi_e_0.03"):
        seq = [c["outputs"]["R_over_R_eft"] for c in cases if c["name"].startswith(prefix + "_x")]
        dev = np.abs(np.array(seq) - 1)
        assert np.all(np.diff(dev) < 0) and dev[-1] < 2e-4
    # conserved current: far below the nu-only EFT (F13)
    for name in ("c/K_mu_0.1", "c/K_mu_0.01"):
        assert _case(reference, name)["outputs"]["R_over_R_eft"] < 0.3
