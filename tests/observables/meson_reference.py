r"""Independent reference for P+ -> l+ X_j Z' (P = K, pi; l = e, mu) with the full neutral line.

Written for the tests of ``lfvnsi.observables.mesons`` and deliberately independent of it (nothing
here imports that module; lfvnsi is used only for the particle masses and, in the generator
script, for the spectrum). Everything is explicit numpy: 4x4 Dirac matrices in the Dirac
representation, explicit u/v spinors, explicit Z' polarisation vectors, and (as a second,
independent path) explicit Dirac traces with the polarisation sum -g + k k/m_Z'^2.

Derivation (metric (+,-,-,-); D_mu = d_mu - i g Q Z'_mu for every field)
=======================================================================

Fields. n left-handed Weyl fields, n = U chi with U^T M U = diag(m_k >= 0) for
L_mass = -1/2 n^T M n + h.c.; X_k = (chi_k, chi_k^dagger) are Majorana with L = -1/2 m_k X_k-bar X_k,
so every internal X_k has the propagator i(qslash + m_k)/(q^2 - m_k^2 + i m_k Gamma_k), q along the
fermion flow. The flavour field is P_L nu_a = sum_k U[a,k] P_L X_k, hence nu_a-bar gamma P_L l =
sum_k U[a,k]^* X_k-bar gamma P_L l.

Lagrangian used (phi annihilates P+, charge g_P; l annihilates l^-, charge g_l):

    L_W   = C (D_mu phi) sum_k U*_{ak} X_k-bar gamma^mu P_L l + h.c.,   D_mu phi = (d_mu - i g_P Z'_mu) phi
    L_Z'  = Z'_mu sum_{kl} calG_{kl} X_k-bar gamma^mu P_L X_l + g_l Z'_mu l-bar gamma^mu l
            + i g_P Z'^mu (phi^dagger d_mu phi - (d_mu phi^dagger) phi)      [from |D phi|^2]

L_W is U(1)'-invariant iff g_P - g_{nu_a} + g_l = 0, i.e. g_P = g_{nu_a} - g_l (the contact term
-i g_P C Z'_mu phi X-bar gamma^mu P_L l is what makes the derivative covariant). The overall
constant is fixed by the Standard-Model amplitude: the W vertex with meson momentum p is
i C (-i p_mu) gamma^mu P_L, so i M(P -> l nu) = C ubar pslash P_L v and C = A = sqrt2 G_F V f_P.

Majorana Z' vertex. With X_k-bar gamma P_L X_l = -X_l-bar gamma P_R X_k, L_Z' = 1/2 sum_{kl}
X_k-bar Gamma_kl X_l with Gamma_kl = gamma^s (calG_kl P_L - calG_lk P_R); the two Wick contractions
cancel the 1/2, so for fermion flow X_k -> X_j the vertex is  i gamma^s (calG_jk P_L - calG_kj P_R)
(diagonal: -i calG_kk gamma^s gamma5). Fermion flow is taken from the outgoing l+ (spinor v(l))
through the diagram to the outgoing X_j (spinor ubar(p)); every diagram has the same external
spinor order, so there are no relative fermionic signs.

Feynman rules (momenta: p = X_j, k = Z', l = l+, p_P = p + k + l; q = p + k):
  W vertex, meson momentum p_M:      A pslash_M P_L            (times U*_{ak} for X_k)
  Z' off X:  k -> j                  i gamma^s (calG_jk P_L - calG_kj P_R)
  Z' off the l+ line                 i g_l gamma^s,  propagator i(-(lslash + kslash) + m_l)/((l+k)^2 - m_l^2)
  Z' off the meson P+(p) -> P+(p')   i g_P (p + p')^s,  propagator i/((p_P - k)^2 - m_P^2)
  contact (from D_mu phi in L_W)      A (-i g_P) ... : i C (-i g_P) gamma^s P_L = A g_P gamma^s P_L

Amplitudes, written as i M = -A eps*_s M^s:
  M_X^s = sum_k U*_{ak} D_k(s) ubar gamma^s (calG_jk P_L - calG_kj P_R)(qslash + m_k) pslash_P P_L v
        = alpha_j(s) ubar gamma^s qslash pslash_P P_L v + beta_j(s) ubar gamma^s pslash_P P_L v,
          alpha_j = sum_k U*_{ak} calG_jk D_k,   beta_j = - sum_k U*_{ak} m_k calG*_jk D_k,
          D_k(s) = 1/(s - m_k^2 + i m_k Gamma_k),  s = q^2      (neutral line, [X])
  M_l^s = + g_l U*_{aj} ubar pslash_P P_L (m_l - lslash - kslash) gamma^s v / ((l+k)^2 - m_l^2)   [l]
  M_P^s = + g_P U*_{aj} (2 p_P - k)^s ubar (pslash_P - kslash) P_L v / ((p_P-k)^2 - m_P^2)     [P]
  M_c^s = - g_P U*_{aj} ubar gamma^s P_L v                                                     [contact]
(the i^2 = -1 of vertex x propagator gives the common -A; the contact term has a single i and
so the opposite relative sign.) Only the mass insertion m_k of the Majorana propagator connects
to the calG* (P_R) half of the vertex: that is beta.

Ward identity. Contracting with k_s (ubar(p) kslash = ubar (qslash - m_j), kslash v(l) =
(lslash + kslash + m_l) v(l)):
  k.M_l = -g_l U*_{aj} S,  k.(M_P + M_c) = -g_P U*_{aj} S,  S = ubar pslash_P P_L v,
  k.M_X = [(calG U^dagger)_{ja} + sum_k U*_{ak} D_k m_k (calG_jk m_k + calG*_jk m_j)] S
          - sum_k U*_{ak} D_k (calG_jk m_j + calG*_jk m_k) ubar qslash pslash_P P_L v      (Gamma = 0).
If calG = U^dagger Q U with Q the charges of the Weyl fields and the mass matrix conserves them
(Q M + M Q = 0  <=>  calG* diag(m) + diag(m) calG = 0), the last two terms vanish and
(calG U^dagger)_{ja} = (U^dagger Q)_{ja} = U*_{aj} Q_a, so k.M = (g_{nu_a} - g_l - g_P) U*_{aj} S = 0.
The psi-type coupling (charges broken by <phi> in the mass matrix) does not satisfy this and its
k.M stays of the size of the individual diagrams (tested).

Spin sums: sum u ubar = pslash + m_j, sum v vbar = lslash - m_l, sum eps_s eps*_t = -g_st + k_s k_t/m_Z'^2.

Rate. dGamma = |M|^2 ds ds23 / ((2 pi)^3 32 m_P^3), s = (p + k)^2 (missing mass squared),
s23 = (k + l)^2. With Gamma_0 = G_F^2 f_P^2 |V|^2 m_l^2 (m_P^2 - m_l^2)^2 / (8 pi m_P^3)
= A^2 m_l^2 (m_P^2-m_l^2)^2/(16 pi m_P^3) (exactly Gamma(P -> l nu) for one massless neutrino):

    R = Gamma / Gamma_0 = [16 pi^2 m_l^2 (m_P^2 - m_l^2)^2]^(-1) sum_j int ds int ds23 sum |M^s eps*_s|^2.

Continuum definition: for final state j, every state k with m_j + m_Z' < m_k < m_P - m_l has
its window |sqrt(s) - m_k| < 0.01 m_k removed from the s range (windows merged when they overlap);
widths still enter every propagator.

Numerics. The spin-summed |M|^2 is the Hermitian form sum_ab c_a c_b* T_ab with four kinematic
structures (alpha, beta, l-emission, meson + contact) whose coefficients c = (alpha_j(s),
beta_j(s), g_l U*_aj, g_P U*_aj) depend on s only. At each s the 4x4 matrix of s23 integrals of
T is computed in the variable w = log(s23 - m_l^2) (which resolves the l-propagator pole) by
Gauss-Legendre rules of n and 2n nodes, doubled until they agree to 1e-11 (at fixed s the
integrand is rational in s23 with its poles outside the range, so this converges exponentially;
tested against scipy quad_vec). The s integral is ``scipy.integrate.quad_vec`` (adaptive
Gauss-Kronrod, epsrel 1e-9) over each segment between windows, variable theta with
s = a + (b - a)(1 - cos theta)/2 (removes the square-root endpoints), with break points on a
geometric grid from s_min (the 1/s-like rise for small m_Z'). Final states whose masses differ by
less than ``MASS_GROUP_TOL`` share one set of kinematics (the three light states: an error of
order (delta m/m_Z')^2 < 1e-14). ``ratio_nested_quad`` is a slow, decomposition-free cross-check
(nested ``scipy.integrate.quad`` of ``msq`` in s and s23).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate

__all__ = [
    "G5", "GAMMA", "MASS_GROUP_TOL", "METRIC", "PL", "PR", "WINDOW", "coefficients", "dirac_bar",
    "kinematics", "masses_for", "mdot", "msq", "msq_traces", "polarisations", "ratio", "ratio_eft",
    "ratio_nested_quad", "ratio_per_state", "s23_limits", "segments", "slash", "structure_amplitudes",
    "structure_form", "structure_form_batch", "takagi", "toy_conserved", "u_spinors", "v_spinors",
    "ward", "windows",
]

# ---------------------------------------------------------------- Dirac algebra (Dirac representation)
_I2 = np.eye(2, dtype=complex)
_Z2 = np.zeros((2, 2), dtype=complex)
SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
GAMMA = np.array([np.block([[_I2, _Z2], [_Z2, -_I2]])]
                 + [np.block([[_Z2, s], [-s, _Z2]]) for s in SIGMA])  #: gamma^mu, upper index
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
PL = (ONE - G5) / 2
PR = (ONE + G5) / 2
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])

MASS_GROUP_TOL = 1e-9  # GeV
WINDOW = 0.01  # |sqrt(s) - m_k| < WINDOW m_k is excluded
ROUNDING_FLOOR = 1e-10  # accepted relative n/2n difference of the inner rule once it stops falling


def lower(p: np.ndarray) -> np.ndarray:
    return METRIC @ p


def mdot(a: np.ndarray, b: np.ndarray) -> complex:
    """Minkowski product a.b of two upper-index vectors."""
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]


def slash(p: np.ndarray) -> np.ndarray:
    """pslash = gamma^mu p_mu for an upper-index p (complex allowed)."""
    return GAMMA[0] * p[0] - GAMMA[1] * p[1] - GAMMA[2] * p[2] - GAMMA[3] * p[3]


def dirac_bar(m: np.ndarray) -> np.ndarray:
    """gamma^0 Gamma^dagger gamma^0."""
    return GAMMA[0] @ m.conj().T @ GAMMA[0]


# ---------------------------------------------------------------- masses
def masses_for(meson: str, lepton: str) -> tuple[float, float]:
    """(m_P, m_l) in GeV from lfvnsi.constants (which reads `particle`)."""
    from lfvnsi.constants import standard_model

    sm = standard_model()
    m_P = {"K": sm.m_K, "pi": sm.m_pi}[meson]
    m_l = {"e": sm.m_e, "mu": sm.m_mu}[lepton]
    return float(m_P), float(m_l)


def _kallen(a: float, b: float, c: float) -> float:
    return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c


# ---------------------------------------------------------------- kinematics
def s23_limits(m_P: float, m_l: float, m_j: float, m_Z: float, s: float) -> tuple[float, float]:
    """Range of s23 = (k + l)^2 at fixed s = (p + k)^2."""
    rs = math.sqrt(s)
    E_k = (s + m_Z**2 - m_j**2) / (2 * rs)
    p_star = math.sqrt(max(_kallen(s, m_j**2, m_Z**2), 0.0)) / (2 * rs)
    E_l = (m_P**2 - s - m_l**2) / (2 * rs)
    l_star = math.sqrt(max(_kallen(m_P**2, s, m_l**2), 0.0)) / (2 * rs)
    base = m_Z**2 + m_l**2 + 2 * E_k * E_l
    return base - 2 * p_star * l_star, base + 2 * p_star * l_star


def kinematics(m_P: float, m_l: float, m_j: float, m_Z: float, s: float, s23: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Momenta (p = X_j, k = Z', l = l+) in the rest frame of q = p + k, l along +z.

    s = (p + k)^2, s23 = (k + l)^2; returns upper-index 4-vectors.
    """
    rs = math.sqrt(s)
    E_k = (s + m_Z**2 - m_j**2) / (2 * rs)
    p_star = math.sqrt(max(_kallen(s, m_j**2, m_Z**2), 0.0)) / (2 * rs)
    E_l = (m_P**2 - s - m_l**2) / (2 * rs)
    l_star = math.sqrt(max(_kallen(m_P**2, s, m_l**2), 0.0)) / (2 * rs)
    c = (m_Z**2 + m_l**2 + 2 * E_k * E_l - s23) / (2 * p_star * l_star)
    c = min(1.0, max(-1.0, c))
    sn = math.sqrt(max(0.0, 1.0 - c * c))
    k = np.array([E_k, p_star * sn, 0.0, p_star * c])
    q = np.array([rs, 0.0, 0.0, 0.0])
    p = q - k
    l = np.array([E_l, 0.0, 0.0, l_star])
    return p, k, l


# ---------------------------------------------------------------- spinors, polarisations
def _sigma_dot(v: np.ndarray) -> np.ndarray:
    return SIGMA[0] * v[0] + SIGMA[1] * v[1] + SIGMA[2] * v[2]


_XI = (np.array([1.0, 0.0], dtype=complex), np.array([0.0, 1.0], dtype=complex))


def u_spinors(p: np.ndarray, m: float) -> list[np.ndarray]:
    """u(p, s), s = 1, 2 (Dirac rep.), normalised ubar u = 2m; sum u ubar = pslash + m."""
    n = math.sqrt(p[0] + m)
    sp = _sigma_dot(p[1:])
    return [np.concatenate([n * xi, sp @ xi / n]) for xi in _XI]


def v_spinors(p: np.ndarray, m: float) -> list[np.ndarray]:
    """v(p, s): sum v vbar = pslash - m."""
    n = math.sqrt(p[0] + m)
    sp = _sigma_dot(p[1:])
    return [np.concatenate([sp @ xi / n, n * xi]) for xi in _XI]


def polarisations(k: np.ndarray, m: float) -> list[np.ndarray]:
    """Three real polarisation vectors (upper index) of a massive vector: k.eps = 0, eps.eps = -1."""
    kv = k[1:]
    kk = float(np.linalg.norm(kv))
    if kk == 0.0:
        return [np.array([0.0, 1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0, 0.0]),
                np.array([0.0, 0.0, 0.0, 1.0])]
    n = kv / kk
    trial = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = trial - n * (trial @ n)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(n, e1)
    return [np.concatenate([[0.0], e1]), np.concatenate([[0.0], e2]),
            np.concatenate([[kk / m], k[0] * n / m])]


# ---------------------------------------------------------------- couplings along the neutral line
def propagator_denominators(s: float, masses: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """D_k(s) = 1/(s - m_k^2 + i m_k Gamma_k)."""
    return 1.0 / (s - masses**2 + 1j * masses * widths)


def coefficients(s: float, masses, U_row, calG, widths) -> tuple[np.ndarray, np.ndarray]:
    """(alpha_j(s), beta_j(s)) for every final state j (arrays of length n)."""
    masses = np.asarray(masses, float)
    D = propagator_denominators(s, masses, np.asarray(widths, float))
    w = np.conj(np.asarray(U_row, complex)) * D
    G = np.asarray(calG, complex)
    alpha = G @ w
    beta = -(np.conj(G) @ (w * masses))
    return alpha, beta


# ---------------------------------------------------------------- amplitudes
def _structure_matrices(p, k, l, m_l, m_P, eps):
    """Gamma matrices of the four structures contracted with eps (lower index taken inside slash).

    Returns a list of 4x4 matrices Gamma_a with M_a = ubar Gamma_a v:
      0: epsslash qslash pslash_P P_L      (alpha)
      1: epsslash pslash_P P_L             (beta)
      2: pslash_P P_L (m_l - lslash - kslash) epsslash / ((l+k)^2 - m_l^2)   (l emission)
      3: (2p_P - k).eps (pslash_P - kslash) P_L / ((p_P - k)^2 - m_P^2) - epsslash P_L   (meson + contact)
    eps may be any 4-vector (k for the Ward identity); it multiplies as M^s eps_s with eps upper-index,
    i.e. pass eps* for a physical polarisation.
    """
    pP = p + k + l
    q = p + k
    es = slash(eps)
    qs, pPs, ls, ks = slash(q), slash(pP), slash(l), slash(k)
    den_l = mdot(l + k, l + k) - m_l**2
    den_P = mdot(pP - k, pP - k) - m_P**2
    g0 = es @ qs @ pPs @ PL
    g1 = es @ pPs @ PL
    g2 = pPs @ PL @ (m_l * ONE - ls - ks) @ es / den_l
    g3 = mdot(2 * pP - k, eps) * (pPs - ks) @ PL / den_P - es @ PL
    return [g0, g1, g2, g3]


def structure_amplitudes(m_P, m_l, m_j, m_Z, s, s23, vectors=None) -> np.ndarray:
    """A[a, lambda, h_j, h_l] = ubar_j(h_j) Gamma_a(eps*_lambda) v_l(h_l) at (s, s23).

    ``vectors`` replaces the three polarisation vectors (e.g. [k] for the Ward identity).
    """
    p, k, l = kinematics(m_P, m_l, m_j, m_Z, s, s23)
    ubars = np.array([u.conj() @ GAMMA[0] for u in u_spinors(p, m_j)])  # (2, 4)
    vs = np.array(v_spinors(l, m_l)).T  # (4, 2)
    pols = polarisations(k, m_Z) if vectors is None else vectors
    out = np.empty((4, len(pols), 2, 2), dtype=complex)
    for lam, eps in enumerate(pols):
        for a, G in enumerate(_structure_matrices(p, k, l, m_l, m_P, np.conj(eps))):
            out[a, lam] = ubars @ G @ vs
    return out


def structure_form(m_P, m_l, m_j, m_Z, s, s23) -> np.ndarray:
    """T_ab = sum over spins and polarisations of A_a A_b^*: |M|^2 = c^T T c^* (4x4 Hermitian)."""
    A = structure_amplitudes(m_P, m_l, m_j, m_Z, s, s23).reshape(4, -1)
    return A @ A.conj().T


def _c_vector(s, j, masses, U_row, calG, g_l, g_P, widths) -> np.ndarray:
    alpha, beta = coefficients(s, masses, U_row, calG, widths)
    uj = np.conj(np.asarray(U_row, complex)[j])
    return np.array([alpha[j], beta[j], g_l * uj, g_P * uj])


def msq(meson, lepton, s, s23, j, masses, U_row, calG, g_l, g_P, m_zprime, widths) -> float:
    """sum_{spins, pols} |M|^2 / A^2 (A = sqrt2 G_F V f_P) at Dalitz point (s, s23) for X_j.

    Explicit spinors and polarisation vectors. s = (p_X + k)^2, s23 = (k + p_l)^2 (GeV^2).
    """
    m_P, m_l = masses_for(meson, lepton) if isinstance(meson, str) else (meson, lepton)
    masses = np.asarray(masses, float)
    c = _c_vector(s, j, masses, U_row, calG, g_l, g_P, widths)
    A = structure_amplitudes(m_P, m_l, masses[j], m_zprime, s, s23)
    M = np.tensordot(c, A, axes=(0, 0))
    return float(np.sum(np.abs(M) ** 2))


def _gamma_sigma_raw(p, k, l, j, s, m_l, m_P, masses, U_row, calG, g_l, g_P, widths):
    """Gamma^sigma (sigma = 0..3, upper index) of M^sigma = ubar Gamma^sigma v, diagram by diagram,
    written from the Feynman rules *without* the chirality simplification (independent path)."""
    masses = np.asarray(masses, float)
    U_row = np.asarray(U_row, complex)
    G = np.asarray(calG, complex)
    D = propagator_denominators(s, masses, np.asarray(widths, float))
    pP = p + k + l
    q = p + k
    qs, pPs, ls, ks = slash(q), slash(pP), slash(l), slash(k)
    den_l = mdot(l + k, l + k) - m_l**2
    den_P = mdot(pP - k, pP - k) - m_P**2
    uj = np.conj(U_row[j])
    out = []
    for sig in range(4):
        gs = GAMMA[sig]
        neutral = sum(np.conj(U_row[kk]) * D[kk]
                      * gs @ (G[j, kk] * PL - G[kk, j] * PR) @ (qs + masses[kk] * ONE) @ pPs @ PL
                      for kk in range(len(masses)))
        lep = g_l * uj * pPs @ PL @ (m_l * ONE - ls - ks) @ gs / den_l
        mes = g_P * uj * (2 * pP - k)[sig] * (pPs - ks) @ PL / den_P
        con = -g_P * uj * gs @ PL
        out.append(neutral + lep + mes + con)
    return out


def msq_traces(meson, lepton, s, s23, j, masses, U_row, calG, g_l, g_P, m_zprime, widths) -> float:
    """Same as ``msq`` by explicit traces: sum P_st Tr[(pslash + m_j) Gamma^s (lslash - m_l) Gammabar^t]."""
    m_P, m_l = masses_for(meson, lepton) if isinstance(meson, str) else (meson, lepton)
    masses = np.asarray(masses, float)
    m_j = masses[j]
    p, k, l = kinematics(m_P, m_l, m_j, m_zprime, s, s23)
    Gs = _gamma_sigma_raw(p, k, l, j, s, m_l, m_P, masses, U_row, calG, g_l, g_P, widths)
    Gbar = [dirac_bar(g) for g in Gs]
    kl = lower(k)
    P = -METRIC + np.outer(kl, kl) / m_zprime**2
    left = slash(p) + m_j * ONE
    right = slash(l) - m_l * ONE
    tot = 0.0
    for a in range(4):
        for b in range(4):
            if P[a, b] != 0.0:
                tot += P[a, b] * np.trace(left @ Gs[a] @ right @ Gbar[b])
    return float(tot.real)


def ward(meson, lepton, s, s23, j, masses, U_row, calG, g_l, g_P, m_zprime, widths=None) -> dict:
    """k_sigma M^sigma for every (h_j, h_l), with explicit spinors; and the same per diagram.

    Returns {"total": (2, 2) complex, "neutral", "lepton", "meson", "contact": (2, 2) each, and
    "scale": the largest |k.M| of a single diagram (the neutral line counted per intermediate k)}.
    """
    m_P, m_l = masses_for(meson, lepton) if isinstance(meson, str) else (meson, lepton)
    masses = np.asarray(masses, float)
    n = len(masses)
    widths = np.zeros(n) if widths is None else np.asarray(widths, float)
    m_j = masses[j]
    p, k, l = kinematics(m_P, m_l, m_j, m_zprime, s, s23)
    ubars = np.array([u.conj() @ GAMMA[0] for u in u_spinors(p, m_j)])
    vs = np.array(v_spinors(l, m_l)).T
    U_row = np.asarray(U_row, complex)
    G = np.asarray(calG, complex)
    D = propagator_denominators(s, masses, widths)
    pP = p + k + l
    q = p + k
    ks, qs, pPs, ls = slash(k), slash(q), slash(l + p + k), slash(l)
    uj = np.conj(U_row[j])
    den_l = mdot(l + k, l + k) - m_l**2
    den_P = mdot(pP - k, pP - k) - m_P**2
    per_k = [ubars @ (np.conj(U_row[kk]) * D[kk] * ks @ (G[j, kk] * PL - G[kk, j] * PR)
                      @ (qs + masses[kk] * ONE) @ pPs @ PL) @ vs for kk in range(n)]
    neutral = sum(per_k)
    lep = ubars @ (g_l * uj * pPs @ PL @ (m_l * ONE - ls - ks) @ ks / den_l) @ vs
    mes = ubars @ (g_P * uj * mdot(2 * pP - k, k) * (pPs - ks) @ PL / den_P) @ vs
    con = ubars @ (-g_P * uj * ks @ PL) @ vs
    # the same contraction through the simplified structures (checks the chirality algebra)
    c = _c_vector(s, j, masses, U_row, calG, g_l, g_P, widths)
    A = structure_amplitudes(m_P, m_l, m_j, m_zprime, s, s23, vectors=[k])[:, 0]
    # structure_amplitudes contracts M^s with conj(vector)_s: k is real, so this is k_s M^s
    simplified = np.tensordot(c, A, axes=(0, 0))
    scale = max([np.max(np.abs(x)) for x in [*per_k, lep, mes, con]])
    return {"total": neutral + lep + mes + con, "neutral": neutral, "lepton": lep, "meson": mes,
            "contact": con, "simplified": simplified, "scale": float(scale)}


# ---------------------------------------------------------------- integration
def windows(m_j: float, m_Z: float, s_lo: float, s_hi: float, masses) -> list[tuple[float, float]]:
    """Merged excluded s intervals for final-state mass m_j, clipped to [s_lo, s_hi]."""
    lo_m, hi_m = m_j + m_Z, math.sqrt(s_hi)
    wins = []
    for m in np.asarray(masses, float):
        if lo_m < m < hi_m:
            a, b = ((1 - WINDOW) * m) ** 2, ((1 + WINDOW) * m) ** 2
            wins.append((max(a, s_lo), min(b, s_hi)))
    wins.sort()
    merged: list[list[float]] = []
    for a, b in wins:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged if b > a]


def segments(m_j, m_Z, s_lo, s_hi, masses) -> list[tuple[float, float]]:
    out, start = [], s_lo
    for a, b in windows(m_j, m_Z, s_lo, s_hi, masses):
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if s_hi > start:
        out.append((start, s_hi))
    return out


# ---------------------------------------------------------------- vectorised form (for the integrals)
def _slash_batch(p):
    """(N, 4) upper-index vectors -> (N, 4, 4) slashes."""
    return np.einsum("nm,mab->nab", p * np.array([1.0, -1.0, -1.0, -1.0]), GAMMA)


def _mdot_batch(a, b):
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


def _kinematics_batch(m_P, m_l, m_j, m_Z, s, s23):
    rs = math.sqrt(s)
    E_k = (s + m_Z**2 - m_j**2) / (2 * rs)
    p_star = math.sqrt(max(_kallen(s, m_j**2, m_Z**2), 0.0)) / (2 * rs)
    E_l = (m_P**2 - s - m_l**2) / (2 * rs)
    l_star = math.sqrt(max(_kallen(m_P**2, s, m_l**2), 0.0)) / (2 * rs)
    c = np.clip((m_Z**2 + m_l**2 + 2 * E_k * E_l - s23) / (2 * p_star * l_star), -1.0, 1.0)
    sn = np.sqrt(np.maximum(0.0, 1.0 - c * c))
    N = len(s23)
    k = np.stack([np.full(N, E_k), p_star * sn, np.zeros(N), p_star * c], axis=1)
    p = np.array([rs, 0.0, 0.0, 0.0]) - k
    l = np.tile(np.array([E_l, 0.0, 0.0, l_star]), (N, 1))
    return p, k, l


def structure_form_batch(m_P, m_l, m_j, m_Z, s, s23) -> np.ndarray:
    """``structure_form`` for an array of s23 at one s: (N, 4, 4). Same spinors and polarisations."""
    s23 = np.atleast_1d(np.asarray(s23, float))
    N = len(s23)
    p, k, l = _kinematics_batch(m_P, m_l, m_j, m_Z, s, s23)
    # spinors (Dirac representation, as u_spinors / v_spinors)
    xi = np.eye(2, dtype=complex)
    sp = np.einsum("ni,iab->nab", p[:, 1:], SIGMA)
    sl = np.einsum("ni,iab->nab", l[:, 1:], SIGMA)
    npn = np.sqrt(p[:, 0] + m_j)[:, None, None]
    nl = np.sqrt(l[:, 0] + m_l)[:, None, None]
    u = np.concatenate([npn * xi[None], sp @ xi / npn], axis=1)  # (N, 4, 2): columns = spins
    v = np.concatenate([sl @ xi / nl, nl * np.broadcast_to(xi, (N, 2, 2))], axis=1)
    ubar = np.conj(np.swapaxes(u, 1, 2)) @ GAMMA[0]  # (N, 2, 4)
    # polarisations (as polarisations(): real, so eps* = eps)
    kv = k[:, 1:]
    kk = np.linalg.norm(kv, axis=1)
    nvec = kv / kk[:, None]
    trial = np.where((np.abs(nvec[:, 0]) < 0.9)[:, None], np.array([1.0, 0.0, 0.0]),
                     np.array([0.0, 1.0, 0.0]))
    e1 = trial - nvec * np.sum(trial * nvec, axis=1)[:, None]
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = np.cross(nvec, e1)
    zero = np.zeros((N, 1))
    eps = np.stack([np.concatenate([zero, e1], 1), np.concatenate([zero, e2], 1),
                    np.concatenate([(kk / m_Z)[:, None], k[:, :1] * nvec / m_Z], 1)], axis=1)
    pP = p + k + l
    q = p + k
    qs, pPs, ls, ks = _slash_batch(q), _slash_batch(pP), _slash_batch(l), _slash_batch(k)
    den_l = (_mdot_batch(l + k, l + k) - m_l**2)[:, None, None, None]
    den_P = (_mdot_batch(pP - k, pP - k) - m_P**2)[:, None, None, None]
    es = np.einsum("nlm,mab->nlab", eps * np.array([1.0, -1.0, -1.0, -1.0]), GAMMA)  # (N, 3, 4, 4)
    epk = _mdot_batch(2 * pP[:, None, :] - k[:, None, :], eps)[:, :, None, None]
    right = (pPs @ PL)[:, None]
    g0 = es @ (qs @ pPs @ PL)[:, None]
    g1 = es @ right
    g2 = (pPs @ PL @ (m_l * ONE - ls - ks))[:, None] @ es / den_l
    g3 = epk * ((pPs - ks) @ PL)[:, None] / den_P - es @ PL
    G = np.stack([g0, g1, g2, g3], axis=1)  # (N, 4, 3, 4, 4)
    A = ubar[:, None, None] @ G @ v[:, None, None]  # (N, 4, 3, 2, 2)
    A = A.reshape(N, 4, -1)
    return A @ np.conj(np.swapaxes(A, 1, 2))


_GL_CACHE: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _gauss_legendre(n):
    if n not in _GL_CACHE:
        _GL_CACHE[n] = np.polynomial.legendre.leggauss(n)
    return _GL_CACHE[n]


def _inner_form_fixed(m_P, m_l, m_j, m_Z, s, n):
    lo, hi = s23_limits(m_P, m_l, m_j, m_Z, s)
    if hi <= lo:
        return np.zeros((4, 4), complex)
    w0, w1 = math.log(lo - m_l**2), math.log(hi - m_l**2)
    x, wts = _gauss_legendre(n)
    w = 0.5 * (w1 - w0) * x + 0.5 * (w1 + w0)
    e = np.exp(w)
    T = structure_form_batch(m_P, m_l, m_j, m_Z, s, m_l**2 + e)
    return np.einsum("n,nab->ab", 0.5 * (w1 - w0) * wts * e, T)


def _inner_form(m_P, m_l, m_j, m_Z, s, epsrel, n0=24):
    """int ds23 T_ab(s, s23) as a 4x4 Hermitian matrix.

    Variable w = log(s23 - m_l^2) (resolves the l-propagator pole); Gauss-Legendre with n and 2n
    nodes, doubled until the two agree to ``epsrel`` (max norm). At fixed s the integrand is a
    rational function of s23 with poles at s23 = m_l^2 and at the meson pole s13 = m_P^2, both
    outside the range, so the rule converges exponentially.
    """
    n = n0
    prev = _inner_form_fixed(m_P, m_l, m_j, m_Z, s, n)
    prev_diff = math.inf
    while True:
        n *= 2
        cur = _inner_form_fixed(m_P, m_l, m_j, m_Z, s, n)
        scale = np.max(np.abs(cur))
        diff = np.max(np.abs(cur - prev)) / scale if scale else 0.0
        if diff <= epsrel:
            return cur
        # rounding floor (very close to the s threshold the s23 range is tiny): the difference no
        # longer falls with n, and it is far below anything that matters
        if n >= 192 and diff > 0.25 * prev_diff and diff < ROUNDING_FLOOR:
            return cur
        if n > 3000:
            raise RuntimeError(f"inner s23 integral did not converge at s = {s}")
        prev, prev_diff = cur, diff


def _inner_form_quad(m_P, m_l, m_j, m_Z, s, epsrel):
    """Adaptive alternative (scipy quad_vec on the scalar path), for tests."""
    lo, hi = s23_limits(m_P, m_l, m_j, m_Z, s)
    w0, w1 = math.log(lo - m_l**2), math.log(hi - m_l**2)

    def f(w):
        x = math.exp(w)
        T = structure_form(m_P, m_l, m_j, m_Z, s, m_l**2 + x) * x
        return np.concatenate([T.real.ravel(), T.imag.ravel()])

    val, _err = integrate.quad_vec(f, w0, w1, epsrel=epsrel, epsabs=0.0, norm="max", limit=2000)
    return (val[:16] + 1j * val[16:]).reshape(4, 4)


@dataclass
class StateResult:
    """Contribution of one group of (mass-)degenerate final states."""

    indices: list[int]
    m_j: float
    per_state: np.ndarray  # R contribution of each index
    error: float
    segments: list[tuple[float, float]]


def _group_states(masses, tol=MASS_GROUP_TOL):
    order = np.argsort(masses)
    groups: list[list[int]] = []
    for i in order:
        if groups and abs(masses[i] - masses[groups[-1][0]]) < tol:
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    return groups


def ratio_per_state(meson, lepton, masses, U_row, calG, g_l, g_P, m_zprime, widths,
                    epsrel=1e-9, inner_epsrel=1e-11) -> list[StateResult]:
    """R = Gamma(P+ -> l+ X Z')/Gamma_0 decomposed by final state X_j (see module docstring)."""
    m_P, m_l = masses_for(meson, lepton) if isinstance(meson, str) else (meson, lepton)
    masses = np.asarray(masses, float)
    U_row = np.asarray(U_row, complex)
    G = np.asarray(calG, complex)
    widths = np.asarray(widths, float)
    n = len(masses)
    norm = 16 * math.pi**2 * m_l**2 * (m_P**2 - m_l**2) ** 2
    s_hi = (m_P - m_l) ** 2
    results = []
    for group in _group_states(masses):
        m_j = float(np.mean(masses[group]))
        if m_j + m_zprime >= m_P - m_l:
            continue
        # skip final states that couple to nothing
        active = [j for j in group
                  if np.any(np.conj(U_row) * G[j] != 0) or (U_row[j] != 0 and (g_l != 0 or g_P != 0))]
        if not active:
            continue
        s_lo = (m_j + m_zprime) ** 2
        segs = segments(m_j, m_zprime, s_lo, s_hi, masses)
        total = np.zeros(len(active))
        err = 0.0
        for a, b in segs:
            def f(theta, a=a, b=b, m_j=m_j, active=active):
                s = a + (b - a) * (1 - math.cos(theta)) / 2
                jac = (b - a) * math.sin(theta) / 2
                I = _inner_form(m_P, m_l, m_j, m_zprime, s, inner_epsrel)
                out = np.empty(len(active))
                for i, j in enumerate(active):
                    c = _c_vector(s, j, masses, U_row, G, g_l, g_P, widths)
                    out[i] = float(np.real(c @ I @ np.conj(c)))
                return out * jac
            # break points: geometric grid from the lower end (the 1/s-like rise) mapped to theta
            pts = []
            x = 4 * a
            while x < b:
                pts.append(math.acos(1 - 2 * (x - a) / (b - a)))
                x *= 4
            val, e = integrate.quad_vec(f, 0.0, math.pi, epsrel=epsrel, epsabs=0.0, norm="max",
                                        points=pts or None, limit=4000)
            total += val
            err += e
        per_state = np.zeros(n)
        per_state[active] = total / norm
        results.append(StateResult([int(i) for i in group], m_j, per_state[group], err / norm, segs))
    return results


def ratio(meson, lepton, masses, U_row, calG, g_l, g_P, m_zprime, widths, **kw) -> float:
    """R = Gamma(P+ -> l+ X Z') / Gamma_0, summed over every open final state."""
    return float(sum(np.sum(r.per_state) for r in ratio_per_state(
        meson, lepton, masses, U_row, calG, g_l, g_P, m_zprime, widths, **kw)))


def ratio_eft(meson, lepton, m_zprime, **kw) -> float:
    """One massless neutrino, calG = [[1]], g_l = g_P = 0: R per unit g^2 (REFERENCE R.5.13)."""
    return ratio(meson, lepton, [0.0], [1.0], [[1.0]], 0.0, 0.0, m_zprime, [0.0], **kw)


def ratio_nested_quad(meson, lepton, masses, U_row, calG, g_l, g_P, m_zprime, widths, j,
                      epsrel=1e-8) -> float:
    """Slow cross-check: R contribution of final state j by plain nested scipy.integrate.quad of msq
    in the physical variables (s, s23), with the windows. No structure decomposition."""
    m_P, m_l = masses_for(meson, lepton) if isinstance(meson, str) else (meson, lepton)
    masses = np.asarray(masses, float)
    m_j = masses[j]
    s_lo, s_hi = (m_j + m_zprime) ** 2, (m_P - m_l) ** 2
    norm = 16 * math.pi**2 * m_l**2 * (m_P**2 - m_l**2) ** 2

    def inner(s):
        lo, hi = s23_limits(m_P, m_l, m_j, m_zprime, s)
        return integrate.quad(lambda t: msq(m_P, m_l, s, t, j, masses, U_row, calG, g_l, g_P,
                                            m_zprime, widths), lo, hi, epsrel=epsrel / 10,
                              epsabs=0.0, limit=200)[0]

    tot = 0.0
    for a, b in segments(m_j, m_zprime, s_lo, s_hi, masses):
        tot += integrate.quad(inner, a, b, epsrel=epsrel, epsabs=0.0, limit=200)[0]
    return tot / norm


# ---------------------------------------------------------------- toy models for the tests
def takagi(M: np.ndarray, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Takagi factorisation U^T M U = diag(m), m >= 0 ascending, U unitary, of complex symmetric M.

    Massive vectors from the positive eigenvalues of the real form [[Re M, Im M], [Im M, -Re M]]
    (eigenvector (x, y) <-> u = x + i y with M u* = m u; degenerate values are fine); massless ones
    are an orthonormal basis of conj(null(M)).
    """
    M = np.asarray(M, complex)
    n = M.shape[0]
    R = np.block([[M.real, M.imag], [M.imag, -M.real]])
    w, V = np.linalg.eigh(R)
    scale = max(np.max(np.abs(w)), 1.0)
    pos = w > tol * scale
    Um = V[:n, pos] + 1j * V[n:, pos]
    m = w[pos]
    n0 = n - Um.shape[1]
    if n0:
        Vh = np.linalg.svd(M)[2]
        null = np.conj(Vh[-n0:].conj().T)  # columns c with M conj(c) = 0 (conjugated below)
        Um = np.concatenate([null, Um], axis=1)
        m = np.concatenate([np.zeros(n0), m])
    # the eigenvectors give M conj(u) = m u, i.e. M = U diag(m) U^T; the convention here is
    # U^T M U = diag(m), i.e. the complex conjugate
    order = np.argsort(m, kind="stable")
    return m[order], np.conj(Um[:, order])


def toy_conserved(seed: int = 0, break_charge: float = 0.0, charges=(1.0, 1.0, -1.0, -1.0)):
    """A toy neutral sector with an exactly conserved U(1)' (if break_charge = 0).

    Weyl fields with the given charges (field 0 = nu_a) and a random complex mass matrix with
    entries only between opposite charges (Q M + M Q = 0): Dirac-like pairs mixed with nu_a, plus
    massless states if the charges are unbalanced (e.g. (1, 1, 1, -1, -1)). ``break_charge`` adds
    charge-violating nu_a--N and N--N entries (Majorana masses of charged fields).
    Returns (masses, U, Q, M) with U^T M U = diag(masses).
    """
    rng = np.random.default_rng(seed)
    Q = np.asarray(charges, float)
    n = len(Q)
    M = np.zeros((n, n), complex)
    for i in range(n):
        for j in range(i + 1, n):
            if Q[i] + Q[j] == 0:
                M[i, j] = M[j, i] = (rng.uniform(0.2, 0.9) * np.exp(2j * np.pi * rng.uniform())
                                     * (0.2 if i == 0 else 1.0))
    if break_charge:
        M[0, 1] = M[1, 0] = break_charge * 0.3
        M[1, 1] = break_charge * 0.5
    m, U = takagi(M)
    return m, U, Q, M
