"""The paper's quantitative claims, each recomputed by the tool: paper number, ours, verdict.

Every "ours" below is computed by lfvnsi's own functions at the inputs the paper states; the
paper's number is typed from the paper (equation or page given). The verdict follows from the
ratio ours/paper: within 25% (the paper quotes one or two digits) "reproduced", within a factor 10 "order-of-magnitude estimate",
otherwise "does not follow" - each with the reason (REFERENCE.md section 0 findings F1-F8).
Qualitative claims (a determinant vanishing, an inequality violated) have ratio 1 when the tool
confirms them and 0 when it does not.

References: paper arXiv:1912.09408 (equations as cited per row); REFERENCE.md sections 0 and 7.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from lfvnsi.nsi import NSI
    from lfvnsi.pipeline import Results

__all__ = ["Claim", "claims", "reproduction_table"]


@dataclass(frozen=True)
class Claim:
    """One quantitative statement of the paper and how the tool recomputes it."""

    id: str
    where: str
    statement: str
    paper: float
    compute: Callable[[], float]
    reason: str  # what explains a difference (or what the agreement means)
    kind: str = "value"  # "value" (an estimate), "exact", "at_most" (ours <= paper), "at_least"


def _paper_nsi_point(g_psi: float, matter: dict[str, Any]) -> NSI:
    """NSI of (g_nu)_ab = 1e-3 g_psi (e mu), m_Z' = 0.5 GeV g_psi (the paper's section II B inputs)."""
    from lfvnsi import Parameters
    from lfvnsi.couplings.matter import matter_couplings
    from lfvnsi.nsi import nsi_from_couplings

    g = np.zeros((3, 3), dtype=complex)
    g[0, 1] = g[1, 0] = 1e-3 * g_psi
    return nsi_from_couplings(g, matter_couplings(Parameters(**matter)), np.asarray(0.5 * g_psi))


def _nsi_e() -> float:
    """V1: g_e = 0.1 g_nu (kinetic mixing, eps e c_W = -g_e) -> eps^e_ab in the paper's Eq. 6 convention."""
    from lfvnsi.constants import standard_model

    g_psi = 0.1
    sm = standard_model()
    eps = -0.1 * 1e-3 * g_psi / (sm.e * math.sqrt(1.0 - sm.sin2_theta_w_msbar_mz))
    nsi = _paper_nsi_point(g_psi, {"matter": "kinetic", "kinetic_mixing": eps, "g_B": 0.0})
    return float(nsi.eps_paper_convention["e"][0, 1].real)


def _nsi_q_times_g_psi() -> float:
    """V2: g_q = 1e-3 (B - 3 L_tau), same g_nu and m_Z': eps^q_ab g_psi in the paper's convention."""
    g_psi = 0.2
    nsi = _paper_nsi_point(g_psi, {"g_B": 3e-3, "a_tau": 3.0})
    return float(nsi.eps_paper_convention["u"][0, 1].real) * g_psi


def _nsi_q_standard_times_g_psi() -> float:
    """F11: the same eps^q_ab g_psi as eps^V = eps^L + eps^R, the convention of every NSI bound."""
    g_psi = 0.2
    return float(_paper_nsi_point(g_psi, {"g_B": 3e-3, "a_tau": 3.0}).eps["u"][0, 1].real) * g_psi


def _eq14_det_zero() -> float:
    """Eq. 14 at mu = 0: the lightest mass of the exact spectrum (1 if exactly zero)."""
    from lfvnsi import Parameters, compute_spectrum

    s = compute_spectrum(Parameters(version="lnv", texture="paper", mt_alpha=0.07, mt_beta=0.05,
                                    M1=1.1, M2=1.0, m1=0.8, m2=1.0, M_N=1.0))
    return 1.0 if np.all(s.light_masses == 0) else 0.0


def _textures_point(texture: str) -> Results:
    """The check point of TEXTURES.md in the given texture."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    values: dict[str, Any] = {"version": "lnc", "alpha": "e", "beta": "mu", "g_psi": 1.0,
                              "mt_alpha": 0.05, "mt_beta": 0.03, "M1": 1.0, "M2": 1.2,
                              "M_N": 1.3, "mu_L1": 1e-9, "mu_L2": 2e-9, "texture": texture}
    if texture == "consistent":
        values.update(mp1=0.9, mp2=1.1)
    else:
        values.update(m1=0.9, m2=1.1)
    return evaluate(Parameters.from_mapping(values))


def _eq15_paper_texture() -> float:
    """Eq. 15 for the texture as written: exact |g_nu|/(g_psi sin(a) sin(b)) with the paper's
    angles computed in the consistent texture at the same point (TEXTURES.md)."""
    literal = _textures_point("paper")
    consistent = _textures_point("consistent")
    return float(literal.couplings.g_nu_offdiagonal / consistent.couplings.g_nu_offdiagonal)


def _eq15_consistent() -> float:
    r = _textures_point("consistent")
    return float(r.couplings.g_nu_offdiagonal / (r.spectrum.sin_alpha * r.spectrum.sin_beta))


def _eq16() -> float:
    """m_Z' = sqrt2 g_psi v_phi (F6) against the paper's g_psi v_phi: ratio sqrt2 (exact)."""
    return math.sqrt(2.0)


def _eq18() -> float:
    """(g_nu)_ab/g_psi at sin(a) sin(b) = 1e-3 (effective texture), over 1e-3."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    s = math.sqrt(1e-3)
    r = evaluate(Parameters(texture="effective", sin_alpha=s, sin_beta=s, mt_alpha=0.04,
                            mt_beta=0.05, M1=1.0, M2=1.1, M_N=1.2, mp1=0.0, mp2=0.0, m1=0.0,
                            m2=0.0, mu_L1=1e-8))
    return float(r.couplings.g_nu_offdiagonal / r.params.g_psi)


def _eq19_coefficient() -> float:
    from lfvnsi.observables.lfv import mu_e_conversion_paper

    return float(mu_e_conversion_paper(1e-3, 1e-4, 1.0, 0.0))


def _eq19_kko() -> float:
    """mu-e conversion on Au, KKO-normalised (R.5.11), at the Eq. 19 reference inputs."""
    from lfvnsi.observables.lfv import lfv_vertex, mu_e_conversion

    return float(mu_e_conversion("Au", lfv_vertex(1e-3, 1.0), 3e-4, 3e-4, 0.0))


def _mu2e_reach() -> float:
    """(g_nu)_emu g_q that gives R = 5e-17 with Eq. 19 (m_psi = 1 GeV, m_Z' << m_mu)."""
    from lfvnsi.observables.lfv import mu_e_conversion_paper

    return math.sqrt(5e-17 / float(mu_e_conversion_paper(1.0, 1.0, 1.0, 0.0)))


def _mu2e_reach_kko() -> float:
    """The same reach with the KKO normalisation on Al (the Mu2e target)."""
    from lfvnsi.observables.lfv import lfv_vertex, mu_e_conversion

    per_unit = float(mu_e_conversion("Al", lfv_vertex(1.0, 1.0), 3.0, 3.0, 0.0))  # g_nu g_q = 1
    return math.sqrt(5e-17 / per_unit)


def _eq23() -> float:
    """eps^q_tautau / (-3 a_tau g_q eps^q_ab/(g_nu)_ab) from the NSI layer (1 if Eq. 23 holds)."""
    from lfvnsi import Parameters
    from lfvnsi.couplings.matter import matter_couplings
    from lfvnsi.nsi import nsi_from_couplings

    g_q, g_nu, a_tau = 1e-4, 1e-3, 3.0
    g = np.zeros((3, 3), dtype=complex)
    g[0, 1] = g[1, 0] = g_nu
    e = nsi_from_couplings(g, matter_couplings(Parameters(g_B=3 * g_q, a_tau=a_tau)),
                           np.asarray(0.1)).eps["u"]
    return float(e[2, 2].real / (-3 * a_tau * g_q * e[0, 1].real / g_nu))


def _schwarz() -> float:
    """a_e = a_mu = 0, a_tau = 3: |eps_emu|^2 > |eps_ee eps_mumu| (1 if violated as claimed)."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    r = evaluate(Parameters.benchmark().replace(a_e=0.0, a_mu=0.0, a_tau=3.0))
    return 1.0 if float(r.observables["schwarz_ratio_u"]) > 1 else 0.0


def _tau_bound() -> float:
    """BR(tau -> mu Z') with the paper's formula at g_nu = 1e-3, m_psi = 1 GeV, m_Z' = 10 MeV,
    to compare with the ARGUS bound 5e-3 the paper quotes."""
    from lfvnsi.observables.lfv import br_lepton_to_lepton_zprime_paper

    return float(br_lepton_to_lepton_zprime_paper("tau", 1e-3, 1.0, 0.01))


def _mu_to_e_zprime() -> float:
    from lfvnsi.observables.lfv import br_lepton_to_lepton_zprime, lfv_vertex

    return float(br_lepton_to_lepton_zprime("mu", "e", lfv_vertex(1e-3, 1.0), 0.01))


def _higgs_point() -> dict[str, np.ndarray]:
    """One flavour with mt = 2 GeV, heavy states near 2 GeV << m_h; the other sector decoupled."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    return evaluate(Parameters(version="lnc", texture="paper", mt_alpha=2.0, M1=1.5, mt_beta=0.0,
                               M2=2.0, m1=0.0, m2=0.0, M_N=1.0, mu_L1=1e-9)).observables


def _higgs_width_paper() -> float:
    return float(_higgs_point()["Gamma_h_inv_paper_estimate_GeV"])


def _higgs_width() -> float:
    return float(_higgs_point()["Gamma_h_inv_GeV"])


def _higgs_br_at_2_gev() -> float:
    return float(_higgs_point()["Br_h_inv"])


def _higgs_one_percent() -> float:
    """BR(h -> inv) of the built-in benchmark (heavy states ~1 GeV), over 1e-2."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    return float(evaluate(Parameters.benchmark()).observables["Br_h_inv"]) / 1e-2


def _kinetic_eps_p() -> float:
    """eps^p/eps^e in the kinetic scheme (paper: -1)."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    r = evaluate(Parameters.benchmark().replace(matter="kinetic", kinetic_mixing=1e-4))
    return float(r.nsi.eps["p"][0, 1].real / r.nsi.eps["e"][0, 1].real)


def _eq22_factor() -> float:
    """g_f for the paper's delta Z'_{mu nu} B^{mu nu} (Eq. 21) over Eq. 22's Q e c_W delta: the
    standard normalisation -(eps/2) Z' B has eps = -2 delta, so |g_f| = 2 |delta| e c_W (F5)."""
    from lfvnsi import Parameters
    from lfvnsi.constants import standard_model
    from lfvnsi.couplings.matter import matter_couplings

    sm = standard_model()
    delta = 1e-4
    g_e = float(matter_couplings(Parameters(matter="kinetic", kinetic_mixing=-2 * delta)).g["e"])
    return abs(g_e) / (sm.e * math.sqrt(1 - sm.sin2_theta_w_msbar_mz) * delta)


def _dominance_paper() -> float:
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    return float(evaluate(Parameters.benchmark()).observables[
        "N_invisible_dominance_paper_estimate"])


def _dominance() -> float:
    """Exact min Gamma(N -> nu Z')/Gamma_EW(N) of the benchmark (R.5.6, R.5.7)."""
    from lfvnsi import Parameters
    from lfvnsi.pipeline import evaluate

    return float(evaluate(Parameters.benchmark()).observables["N_invisible_dominance"])


def _pi0_saturation() -> float:
    from lfvnsi.observables.mesons import br_pi0_to_gamma_zprime

    return float(br_pi0_to_gamma_zprime(1e-3, 1e-3, 0.01))


def _k_bound() -> float:
    """BR(K -> mu nu Z') at g = 1e-3, m_Z' = 10 MeV (the bound of arXiv:1702.04187 ~ 1e-5)."""
    from lfvnsi.observables.mesons import br_meson_to_lepton_nu_zprime

    return float(br_meson_to_lepton_nu_zprime("K", "mu", 1e-6, 0.01))


def _economic() -> float:
    """sqrt(m_nu/m_N) at m_nu = 0.05 eV, m_N = 0.5 GeV (the paper's economic-version bound)."""
    return math.sqrt(0.05e-9 / 0.5)


def claims() -> list[Claim]:
    """The table's rows, in the paper's order."""
    return [
        Claim("eq6-eps-e", "Eq. 6, II B", "eps^e_ab = 0.01 for (g_nu)_ab = 1e-3 g_psi, "
              "m_Z' = 500 MeV g_psi, g_e = 0.1 g_nu (paper's Eq. 1/6 convention)", 0.01, _nsi_e,
              "exact evaluation 0.0121: the paper rounds; as eps^V, the convention of the "
              "bounds, it is 0.0242 (F11)"),
        Claim("eps-q", "II B", "eps^q_ab = 0.12/g_psi for g_q = 1e-3 (here times g_psi; paper's "
              "Eq. 1/6 convention)", 0.12, _nsi_q_times_g_psi, "exact 0.1213; with "
              "m_Z' = sqrt2 g_psi v_phi (F6) it would be 0.061/g_psi"),
        Claim("eps-q-bounds", "II B, F11", "eps^q_ab = 0.12/g_psi is what the NSI bounds see "
              "(here eps^V g_psi, the global fits' convention)", 0.12,
              _nsi_q_standard_times_g_psi, "the fits' eps^V = eps^L + eps^R is twice the paper's "
              "Eq. 6: the point saturating the bounds has eps^V = 0.24/g_psi (F11)",
              kind="exact"),
        Claim("eq14-det", "Eq. 14", "the mu = 0 matrix of Eq. 14 has a zero eigenvalue", 1.0,
              _eq14_det_zero, "exact zero light masses at mu = 0 (REFERENCE R.2.3)"),
        Claim("eq15-paper-texture", "Eqs. 13-15", "(g_nu)_ab = g_psi sin(a) sin(b) with the "
              "Yukawa of Eq. 13 (here: texture paper / texture consistent, same point)", 1.0,
              _eq15_paper_texture, "with Eq. 13 as written the massless states contain no psi "
              "(null vector (M, -mt, 0, 0)): g_nu vanishes up to mu^2 terms (F1, TEXTURES.md); "
              "the psi_L -- N~_L Yukawa of texture consistent restores Eq. 15"),
        Claim("eq15-consistent", "Eq. 15", "(g_nu)_ab = g_psi sin(a) sin(b), texture consistent",
              1.0, _eq15_consistent, "holds to O(Theta^2) (flavour projection, REFERENCE 4.6)"),
        Claim("eq16", "Eq. 16", "m_Z' ~ g_psi v_phi (M_i g_psi/Y_i)", 1.0, _eq16,
              "with <phi> = v_phi (m_i = Y_i v_phi) the gauge boson mass is sqrt2 g_psi v_phi (F6)"),
        Claim("eq18", "Eq. 18", "(g_nu)_ab / g_psi < 1e-3 when sin(a) sin(b) < 1e-3", 1e-3, _eq18,
              "exact: equality at sin(a) sin(b) = 1e-3 up to O(Theta^2)", kind="at_most"),
        Claim("eq19-coefficient", "Eq. 19", "R = 5e-15 at g_nu = 1e-3, g_q = 1e-4, m_psi = 1 GeV",
              5e-15, _eq19_coefficient, "Eq. 19's own expression gives 3.2e-15: the 5e-15 is "
              "rounded up"),
        Claim("eq19-nuclear", "Eq. 19", "the same R, with the coherent nuclear matrix element "
              "(KKO, gold)", 5e-15, _eq19_kko, "Eq. 19 omits the overlap integrals and the "
              "capture-rate normalisation: the exact rate is 1.4e4 larger (F3); the reference "
              "point is then above SINDRUM II (7e-13)"),
        Claim("mu2e-reach", "II A 3", "Mu2e/COMET (R = 5e-17) reach (g_nu)_emu g_q ~ 1e-8", 1e-8,
              _mu2e_reach, "from Eq. 19 itself"),
        Claim("mu2e-reach-kko", "II A 3", "the same reach with the KKO rate on aluminium", 1e-8,
              _mu2e_reach_kko, "the nuclear matrix element makes the experiments ~70x more "
              "sensitive than the paper says (F3)"),
        Claim("eq23", "Eq. 23", "eps^q_gg = -3 a_g g_q eps^q_ab/(g_nu)_ab", 1.0, _eq23,
              "exact, with the sign g_l = -a_l g_B (R.4.2)"),
        Claim("schwarz", "Eqs. 2-3, II B", "a_e = a_mu = 0, a_tau = 3 violate "
              "|eps_ab|^2 <= |eps_aa eps_bb|", 1.0, _schwarz,
              "eps_ee = eps_mumu = 0 exactly while eps_emu != 0 (valid for ab = e mu only, F8)"),
        Claim("tau-bounds", "II A 3", "BR(tau -> mu Z') below the ARGUS 5e-3 for g_nu < 1e-3, "
              "m_Z' > 10 MeV (paper formula)", 5e-3, _tau_bound,
              "satisfied (3.4e-4); the exact width is 8x smaller, Belle 2025 (2.8e-4) is close "
              "to the paper formula", kind="at_most"),
        Claim("mu-e-Zp", "II A 3", "BR(mu -> e Z') ~ 1e-5 at g_nu = 1e-3, m_psi ~ GeV, "
              "m_Z' ~ 10 MeV", 1e-5, _mu_to_e_zprime, "the paper's own estimate gives 0.55 and "
              "the exact two-body width with its vertex 0.068 (F2): mu -> e Z' is a strong "
              "constraint below m_mu"),
        Claim("higgs-width", "II A 3", "Gamma(h -> nu-bar N~) = lambda^2 m_H/(4 pi) (mt = 2 GeV, "
              "N~ at 2.5 GeV)", _higgs_width_paper(), _higgs_width, "the exact tree-level width "
              "is lambda^2 m_h (1 - m_N^2/m_h^2)^2/(16 pi): 4x smaller (F4)", kind="exact"),
        Claim("higgs-mt", "II A 3", "mt < 2 GeV keeps BR(h -> inv) below 0.2 (exact BR at 2 GeV)",
              0.2, _higgs_br_at_2_gev, "holds, with room: the exact limit is mt < 3.5 GeV",
              kind="at_most"),
        Claim("higgs-1-percent", "II A 3", "a 1% BR(h -> inv) measurement probes the whole "
              "parameter space (benchmark BR / 1e-2)", 1.0, _higgs_one_percent,
              "for heavy states near 1 GeV, mt ~ sin(a') M is small and BR ~ 1e-5; only heavy "
              "states above ~20-30 GeV are probed at 1%"),
        Claim("kinetic-eps-p", "II B", "kinetic mixing: eps^p = -eps^e", -1.0, _kinetic_eps_p,
              "exact (neutral matter sees no NSI)"),
        Claim("eq22", "Eq. 22", "g_f = Q_f e cos(theta_W) delta for delta Z'_{mu nu} B^{mu nu}",
              1.0, _eq22_factor, "with the kinetic term as written in Eq. 21 (no 1/2) the "
              "coupling is 2 delta e c_W Q_f (F5)", kind="exact"),
        Claim("n-dominance", "II A 3", "N -> nu Z' dominates when g_psi^2 >> "
              "(g^4/16 pi^2)(m_N/m_W)^4 (benchmark: the paper's ratio, the exact one)",
              _dominance_paper(), _dominance, "the paper's condition is conservative: the "
              "exact ratio carries an extra (m_N/m_Z')^2 enhancement", kind="at_least"),
        Claim("economic", "II A 1", "economic version: sin(a) < 1e-5 at m_N ~ 500 MeV", 1e-5,
              _economic, "m_nu ~ m_N sin^2(a) with m_nu = 0.05 eV"),
        Claim("pi0-saturation", "II B", "g_q = 1e-3 saturates pi0 -> gamma Z' (BR at 10 MeV; "
              "the E787-era limit ~ few 1e-4)", 3e-4, _pi0_saturation,
              "true of the old limit; NA62 (BR < few 1e-7) now gives g_q < 2-8e-5 (F7)"),
        Claim("k-bound", "II A 3", "K -> mu nu Z' bounds the row coupling at ~1e-3 (BR at "
              "g = 1e-3, m_Z' = 10 MeV, vs the ~1e-5 limits used)", 1e-5, _k_bound,
              "BR = 9.3 g^2 at 10 MeV: g ~ 1e-3 sits at the 1e-5 level"),
    ]


def _verdict(ratio: float, kind: str) -> str:
    if kind == "at_most":
        return "reproduced" if ratio <= 1 else "does not follow"
    if kind == "at_least":
        return "reproduced" if ratio >= 1 else "does not follow"
    if not math.isfinite(ratio) or ratio <= 0:
        return "does not follow"
    if abs(math.log(ratio)) <= math.log(1.25):
        return "reproduced"
    if kind == "value" and abs(math.log10(ratio)) <= 1:
        return "order-of-magnitude estimate"
    return "does not follow"


def reproduction_table() -> list[dict[str, object]]:
    """One row per claim: id, where, statement, paper, ours, ratio, verdict, reason."""
    rows = []
    for c in claims():
        ours = float(c.compute())
        ratio = ours / c.paper if c.paper else math.nan
        rows.append({"id": c.id, "where": c.where, "claim": c.statement, "paper": c.paper,
                     "ours": ours, "ratio": ratio, "verdict": _verdict(ratio, c.kind),
                     "reason": c.reason})
    return rows
