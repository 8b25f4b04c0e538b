"""Compiled (numba) sums over pairs of neutral mass eigenstates, for real mixing vectors.

The numpy path (``zprime``, ``heavy``, ``higgs``) forms n x n complex coupling matrices and sums
the two-body widths of R.5.1-R.5.3 over all pairs; this kernel does the same one point at a time.
With real vectors V and Takagi phases theta_k in {1, i} (U = V diag(theta)), every coupling is
G_kl = theta_k^* theta_l G0_kl and Y_kl = theta_k theta_l Y0_kl with G0, Y0 real, so

    |G_kl|^2 = G0_kl^2,  Re(G_kl^2) = s_k s_l G0_kl^2,  s_k = theta_k^2 = +-1,

and likewise for Y: the pair sums become real arithmetic.

No ``fastmath``: it lets LLVM reassociate sums differently in a fresh compilation and in code
loaded from numba's cache, and the last bit of a result then depended on which process ran it.

References: REFERENCE.md R.5.1-R.5.3 (with the Majorana rules of section 5.1), R.5.6, R.5.8.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["neutral_lepton_kernel"]

_N_LIGHT = 3
_NT_RC = 5  # first (N~_R)^c field; the Yukawa pairs nu_f with fields 5, 6


@njit(cache=True, nogil=True)
def _sqrt_kallen(M2: float, a2: float, b2: float) -> float:
    lam = M2 * M2 + a2 * a2 + b2 * b2 - 2.0 * (M2 * a2 + M2 * b2 + a2 * b2)
    return math.sqrt(lam) if lam > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _electroweak_per_flavour(m: float, a: int, c: np.ndarray) -> float:
    """Dirac electroweak width per unit |Theta_a|^2 at mass m: ``heavy.heavy_electroweak_widths``
    written for one state (the same channels and thresholds; tested equal). c holds G_F, m_e,
    m_mu, m_tau, m_pi, m_pi0, f_pi, V_ud, sin^2 theta_W."""
    G_F, m_pi, m_pi0, f_pi, V_ud, s2 = c[0], c[4], c[5], c[6], c[7], c[8]
    unit = G_F * G_F * m**5 / (192.0 * math.pi**3)
    width = unit  # invisible nu_a nu nu-bar
    m_a = c[1 + a]
    for b in range(3):
        m_b = c[1 + b]
        if b != a and m > m_a + m_b:
            width += unit  # l_a l_b nu_b, charged current
        nc = 0.25 + s2 + 2 * s2 * s2 if b == a else 0.25 - s2 + 2 * s2 * s2
        if m > 2 * m_b:
            width += unit * nc
    if m < 1.0:
        x_pi = (m_pi / m) ** 2
        x_l = (m_a / m) ** 2
        if m > m_pi + m_a:
            lam = max((1 - x_pi - x_l) ** 2 - 4 * x_pi * x_l, 0.0)
            width += (G_F * G_F * f_pi * f_pi * V_ud * V_ud * m**3 / (16 * math.pi)
                      * math.sqrt(lam) * ((1 - x_l) ** 2 - x_pi * (1 + x_l)))
        if m > m_pi0:
            width += G_F * G_F * f_pi * f_pi * m**3 / (32 * math.pi) * (1 - (m_pi0 / m) ** 2) ** 2
    else:
        width += unit * 3 * (V_ud * V_ud + (0.25 - 2 / 3 * s2 + 8 / 9 * s2 * s2)
                             + 2 * (0.25 - 1 / 3 * s2 + 2 / 9 * s2 * s2))
    return width


@njit(cache=True, nogil=True)
def neutral_lepton_kernel(masses: np.ndarray, vectors: np.ndarray, negative: np.ndarray,
                          charged: np.ndarray, charges: np.ndarray, g_psi: np.ndarray,
                          nu_diagonal: np.ndarray, yukawa: np.ndarray, m_zprime: np.ndarray,
                          m_h: float, v: float, ew_constants: np.ndarray,
                          out_nu_nu: np.ndarray, out_nu_N: np.ndarray,
                          out_to_light: np.ndarray, out_to_heavy: np.ndarray,
                          out_higgs: np.ndarray, out_ew: np.ndarray,
                          out_psi_mass2: np.ndarray) -> None:
    """Z' -> neutral pairs, heavy N -> X Z' and electroweak, h -> neutral pairs (in place).

    Parameters
    ----------
    masses, vectors, negative : (P, n), (P, n, n) real, (P, n) bool - the spectrum.
    charged : (c,) field indices carrying a psi charge; charges : (c, c) their charge matrix.
    g_psi : (P,); nu_diagonal : (P, 3) gauged left-handed nu couplings; yukawa : (P, 3, 2) the
        nu_f -- (N~_iR)^c entries mt (GeV); m_zprime : (P,) GeV; m_h, v : GeV; ew_constants: see
        ``_electroweak_per_flavour``.

    ``out_psi_mass2`` receives the psi-weighted mean heavy mass squared (the GIM scale of the
    LFV vertex, ``observables._psi_mass_squared``).
    """
    P, n = masses.shape
    H = n - _N_LIGHT
    c = charged.shape[0]
    G0 = np.zeros((n, n))
    QV = np.zeros((c, n))
    s = np.zeros(n)
    for pt in range(P):
        m = masses[pt]
        V = vectors[pt]
        for k in range(n):
            s[k] = -1.0 if negative[pt, k] else 1.0
        M = m_zprime[pt]
        M2 = M * M
        # G0 = g_psi V^T Q V + V_f^T diag(nu) V_f (real, symmetric), with QV = g_psi Q V first
        for a in range(c):
            for j in range(n):
                acc = 0.0
                for b in range(c):
                    acc += charges[a, b] * V[charged[b], j]
                QV[a, j] = g_psi[pt] * acc
        nu_e, nu_mu, nu_tau = nu_diagonal[pt, 0], nu_diagonal[pt, 1], nu_diagonal[pt, 2]
        for k in range(n):
            for j in range(k, n):
                acc = nu_e * V[0, k] * V[0, j] + nu_mu * V[1, k] * V[1, j] + nu_tau * V[2, k] * V[2, j]
                for a in range(c):
                    acc += V[charged[a], k] * QV[a, j]
                G0[k, j] = acc
                G0[j, k] = acc
        # Z' -> X_k X_l: (1/2) sum_kl F_kl, R.5.2 with c_L = G, c_R = -G^*
        nu_nu = 0.0
        nu_N = 0.0
        for k in range(n):
            for j in range(n):
                if m[k] + m[j] >= M:
                    continue
                g2 = G0[k, j] * G0[k, j]
                if g2 == 0.0:
                    continue
                mk2, mj2 = m[k] * m[k], m[j] * m[j]
                root = _sqrt_kallen(M2, mk2, mj2)
                bracket = (2.0 * g2 * (M2 - 0.5 * (mk2 + mj2) - (mk2 - mj2) ** 2 / (2.0 * M2))
                           - 6.0 * m[k] * m[j] * g2 * s[k] * s[j])
                width = 0.5 * root / (24.0 * math.pi * M2 * M) * bracket
                if k < _N_LIGHT and j < _N_LIGHT:
                    nu_nu += width
                else:
                    nu_N += width
        out_nu_nu[pt] = max(nu_nu, 0.0)
        out_nu_N[pt] = max(nu_N, 0.0)
        # N_k -> X_l Z' for lighter l: R.5.1 with c_L = G_lk, c_R = -G_lk^*
        for h in range(H):
            k = _N_LIGHT + h
            to_light = 0.0
            to_heavy = 0.0
            mk = m[k]
            mk2 = mk * mk
            for j in range(n):
                if m[j] >= mk or m[j] + M >= mk:
                    continue
                g2 = G0[j, k] * G0[j, k]
                if g2 == 0.0:
                    continue
                mj2 = m[j] * m[j]
                root = _sqrt_kallen(mk2, mj2, M2)
                bracket = (2.0 * g2 * ((mk2 - mj2) ** 2 / M2 + mk2 + mj2 - 2.0 * M2)
                           + 12.0 * mk * m[j] * g2 * s[j] * s[k])
                width = root / (32.0 * math.pi * mk2 * mk) * bracket
                if j < _N_LIGHT:
                    to_light += width
                else:
                    to_heavy += width
            out_to_light[pt, h] = max(to_light, 0.0)
            out_to_heavy[pt, h] = max(to_heavy, 0.0)
            ew = 0.0
            for f in range(3):
                if V[f, k] != 0.0:  # structural zeros: a state of one Z2 sector mixes with one flavour
                    ew += 2.0 * V[f, k] * V[f, k] * _electroweak_per_flavour(mk, f, ew_constants)
            out_ew[pt, h] = ew  # Majorana: both charge-conjugate modes
        # psi-weighted mean of the heavy masses squared
        num = 0.0
        den = 0.0
        for h in range(H):
            k = _N_LIGHT + h
            w = 0.0
            for a in range(c):
                w += V[charged[a], k] * V[charged[a], k]
            num += w * m[k] * m[k]
            den += w
        out_psi_mass2[pt] = num / den if den > 0.0 else 0.0
        # h -> X_k X_l: Y0 = (V_f^T mt V_N + transpose)/v, (1/2) sum_kl F_kl with R.5.3
        mh2 = m_h * m_h
        gamma_h = 0.0
        for k in range(n):
            for j in range(k, n):
                if m[k] + m[j] >= m_h:
                    continue
                y = 0.0
                for f in range(3):
                    for i in range(2):
                        mt = yukawa[pt, f, i]
                        if mt != 0.0:
                            y += mt * (V[f, k] * V[_NT_RC + i, j] + V[_NT_RC + i, k] * V[f, j])
                y /= v
                y2 = y * y
                if y2 == 0.0:
                    continue
                mk2, mj2 = m[k] * m[k], m[j] * m[j]
                root = _sqrt_kallen(mh2, mk2, mj2)
                bracket = 2.0 * y2 * (mh2 - mk2 - mj2) - 4.0 * m[k] * m[j] * y2 * s[k] * s[j]
                width = root / (16.0 * math.pi * mh2 * m_h) * bracket
                gamma_h += width if k != j else 0.5 * width
        out_higgs[pt] = max(gamma_h, 0.0)


@njit(cache=True, nogil=True)
def mixing_kernel(masses: np.ndarray, vectors: np.ndarray, negative: np.ndarray, p2: float,
                  out_U2: np.ndarray, out_theta2: np.ndarray, out_eta: np.ndarray,
                  out_mbb: np.ndarray) -> None:
    """Heavy-state mixing, non-unitarity and the 0nubb mass in one pass over each point (in place).

    out_U2 (P, 3, H) = V_{f, heavy}^2; out_theta2 (P, 3) their sums over heavy states; out_eta
    (P, 3, 3) = (1/2) sum_heavy V_i V_j = (1 - N N^T)/2 (half ``Spectrum.non_unitarity``); out_mbb
    (P,) = |sum_k V_ek^2 s_k m_k p2/(p2 + m_k^2)| (GeV), s_k = -1 for a Takagi phase i.
    ``mixing.heavy_mixing_squared`` and ``effective_majorana_mass`` for real vectors (tested
    equal).
    """
    P, n = masses.shape
    for pt in range(P):
        V = vectors[pt]
        for f in range(3):
            total = 0.0
            for h in range(n - _N_LIGHT):
                u = V[f, _N_LIGHT + h] * V[f, _N_LIGHT + h]
                out_U2[pt, f, h] = u
                total += u
            out_theta2[pt, f] = total
        for i in range(3):
            for j in range(i, 3):
                acc = 0.0
                for t in range(_N_LIGHT, n):
                    acc += V[i, t] * V[j, t]
                out_eta[pt, i, j] = 0.5 * acc
                out_eta[pt, j, i] = 0.5 * acc
        acc = 0.0
        for k in range(n):
            m = masses[pt, k]
            u = V[0, k] * V[0, k]
            if negative[pt, k]:
                u = -u
            acc += u * m * p2 / (p2 + m * m)
        out_mbb[pt] = abs(acc)
