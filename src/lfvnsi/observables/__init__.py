"""Observables of the model, batched: one flat table of named predictions per point.

``compute_observables`` returns two dictionaries of arrays: ``flat`` (name -> (...,) array, the
``observables`` of the JSON document) and ``per_state`` (name -> (..., n_heavy) array, one entry
per heavy mass eigenstate, used by the bounds on heavy-neutral-lepton mixing). ``OBSERVABLES``
describes every flat name: unit, meaning and the formula's source; a name ending in
``_paper_estimate`` is the paper's own formula kept beside the exact one.

References: REFERENCE.md sections 4-6; the modules of this package cite each formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.constants import c as SPEED_OF_LIGHT

from lfvnsi.constants import standard_model
from lfvnsi.couplings import Couplings
from lfvnsi.couplings.matter import MatterCouplings
from lfvnsi.model.parameters import FLAVOURS, Parameters
from lfvnsi.nsi import NSI, medium
from lfvnsi.observables import heavy, higgs, lfv, meson_three_body, mesons, mixing, zprime
from lfvnsi.spectrum import Spectrum

__all__ = ["OBSERVABLES", "ON_DEMAND", "PER_STATE", "Observable", "compute_observables",
           "total_zprime_coupling"]

_PAIRS = {"ee": (0, 0), "mumu": (1, 1), "tautau": (2, 2), "emu": (0, 1), "etau": (0, 2),
          "mutau": (1, 2)}
_NSI_FERMIONS = ("e", "u", "d", "p", "n")
#: Matter fields of the global fit arXiv:1805.04530 (u only, d only, p = protons only): for them the
#: diagonal NSI enter oscillations only as eps_ee - eps_mumu and eps_tautau - eps_mumu.
_DIFFERENCE_FERMIONS = ("u", "d", "p")


@dataclass(frozen=True)
class Observable:
    """Unit, meaning and formula source of one flat observable."""

    unit: str
    description: str
    source: str


def _build_registry() -> dict[str, Observable]:
    o: dict[str, Observable] = {}

    def add(name: str, unit: str, description: str, source: str) -> None:
        o[name] = Observable(unit, description, source)

    add("m_Zp_GeV", "GeV", "Z' mass (input)", "input")
    add("g_e", "", "|Z' vector coupling to electrons|", "R.4.2, R.4.4")
    add("g_q", "", "|Z' vector coupling to u quarks| (= g_d for gauged B, -2 g_d with kinetic mixing)",
        "R.4.2, R.4.4")
    add("eps_DP", "", "|g_e|/e: the dark-photon kinetic mixing with the same electron coupling",
        "R.4.4")
    add("g_nu_ab", "", "|(g_nu)_{alpha beta}|, the LFV light-neutrino coupling (flavour projection)",
        "Eq. 15, R.2.8, REFERENCE 4.6")
    for f in FLAVOURS:
        add(f"g_nu_{f}_row", "", f"(sum_b |(g_nu)_{{b {f}}}|^2)^(1/2), total nu coupling of flavour {f}",
            "arXiv:1702.04187, R.5.14")
        add(f"g_nu_{f}_row_psi", "", "the same for the psi-induced coupling alone (the part not "
            "conserved at the W vertex; a gauged L_l coupling is left out, F13)", "F13, REFERENCE 4.6")
    add("g_nu_ab_g_q", "", "|(g_nu)_ab g_q|: what CEvNS with a light Z' bounds (baryonic coupling)",
        "R.4.8-R.4.9")
    add("g_nu_ab_g_p", "", "|(g_nu)_ab g_p|: the same for kinetic mixing (proton coupling)",
        "R.4.8-R.4.9")
    add("sin_alpha_sin_beta", "", "sin(alpha) sin(beta), the paper's Eq. 18 quantity", "Eq. 18")
    add("Gamma_Zp_GeV", "GeV", "total Z' width", "R.5.2, R.5.4, R.5.5")
    add("ctau_Zp_m", "m", "Z' proper decay length", "hbar c / Gamma")
    add("Gamma_Zp_to_nunu_GeV", "GeV", "Z' -> light neutrinos (all flavour pairs)", "R.5.4")
    add("Br_Zp_invisible", "", "BR(Z' -> light neutrinos)", "R.5.4")
    add("Br_Zp_to_nuN", "", "BR(Z' -> pairs with a heavy state), open when m_N < m_Z'", "R.5.2")
    for ch in ("ee", "mumu", "tautau", "hadrons"):
        add(f"Br_Zp_to_{ch}", "", f"BR(Z' -> {ch})", "R.5.2, R.5.5 (hadrons: VMD, arXiv:1801.04847)")
    add("Gamma_h_inv_GeV", "GeV", "Gamma(h -> neutral-lepton pairs), exact phase space", "R.5.3, R.5.8")
    add("Gamma_h_inv_paper_estimate_GeV", "GeV", "paper: sum lambda^2 m_H/(4 pi)", "paper II A 3, F4")
    add("Br_h_inv", "", "BR(h -> nu N, N N), SM width from constants.toml", "R.5.8")
    add("Br_h_inv_paper_estimate", "", "BR with the paper's width", "paper II A 3, F4")
    for a, b in (("tau", "e"), ("tau", "mu"), ("mu", "e")):
        add(f"Br_{a}_to_{b}_Zp", "", f"BR({a} -> {b} Z'): exact width, paper's loop-vertex estimate "
            "(kappa = 1)", "R.5.9, R.5.10")
        add(f"Br_{a}_to_{b}_Zp_paper_estimate", "", "paper's formula (prefactor 1/4 pi)", "F2")
    add("Br_mu_to_e_gamma", "", "BR(mu -> e gamma): zero at one loop in this model (each heavy state "
        "mixes with one flavour); two-loop W-Z' terms not computed", "paper II A 3")
    for nuc in lfv.NUCLEI:
        add(f"R_mue_{nuc}", "", f"mu-e conversion rate on {nuc} / capture rate (KKO)", "R.5.11")
        add(f"R_mue_{nuc}_paper_estimate", "", "paper Eq. 19 (no nuclear matrix element)", "Eq. 19, F3")
    for meson in ("K", "pi"):
        for lep in ("e", "mu"):
            add(f"Br_{meson}_to_{lep}_nu_Zp", "", f"BR({meson}+ -> {lep}+ X Z') summed over every open "
                "neutral state X, every neutral state on the internal line, emission off the lepton "
                "and the meson; on-shell heavy peaks (|m_miss - m_N| < 1% m_N) excluded",
                "R.5.13, F12, F13 (meson_three_body)")
            add(f"Br_{meson}_to_{lep}_nu_Zp_light_nu_eft", "", "the same in the light-neutrino EFT "
                "(Z' on the neutrinos only, heavy states integrated out; arXiv:1702.04187)",
                "R.5.13, R.5.14")
    add("Br_pi0_to_gamma_Zp", "", "BR(pi0 -> gamma Z')", "R.5.15")
    add("R_K_ratio", "", "R_K / R_K^SM from non-unitarity (heavy states above m_K)",
        "two-body rates scale with (N N^dagger)_ll = 1 - Theta_l^2 (mesons.r_k_ratio)")
    for key in _PAIRS:
        add(f"eta_{key}", "", f"|eta_{key}|, N N^dagger = 1 - 2 eta", "REFERENCE 4.6, section 6 row 7")
    for f in FLAVOURS:
        add(f"Theta2_{f}", "", f"sum over heavy k of |U_{{{f} k}}|^2", "REFERENCE section 3")
    for name in ("sin_alpha", "sin_alpha_prime", "sin_beta", "sin_beta_prime"):
        add(name, "", f"{name} as the paper defines it (below Eq. 14)", "REFERENCE section 3")
    add("m_N1_GeV", "GeV", "lightest heavy mass", "spectrum")
    add("N_invisible_dominance", "", "min over heavy states of Gamma(N -> nu Z', N' Z') / "
        "Gamma_EW(N)", "R.5.6, R.5.7")
    add("N_invisible_dominance_paper_estimate", "", "g_psi^2 / ((g^4/16 pi^2)(m_N/m_W)^4) at the "
        "heaviest state", "paper II A 3")
    add("m_betabeta_eV", "eV", "0nubb effective mass incl. heavy states (interpolating formula)",
        "arXiv:1912.03058")
    for f in _NSI_FERMIONS:
        for key in _PAIRS:
            add(f"eps_{f}_{key}", "", f"Re eps^{f}_{key}, eps^V (contact, per {f} density; twice "
                "the paper's Eq. 6)", "R.4.5, F11")
    for f in _DIFFERENCE_FERMIONS:  # the combinations oscillations see (arXiv:1805.04530)
        add(f"eps_{f}_tautau_minus_mumu", "", f"eps^{f}_tautau - eps^{f}_mumu", "R.4.5")
        add(f"eps_{f}_ee_minus_mumu", "", f"eps^{f}_ee - eps^{f}_mumu", "R.4.5")
    for key in _PAIRS:
        add(f"eps_earth_{key}", "", "Re of eps^e + eps^p + Y_n eps^n in the Earth (Y_n = 1.051)",
            "R.4.7")
    add("schwarz_ratio_u", "", "|eps^u_ab|^2/|eps^u_aa eps^u_bb| (inf when the diagonal vanishes)",
        "paper Eqs. 2-3")
    return o


OBSERVABLES: dict[str, Observable] = _build_registry()
#: Experiment-level observables too costly for every point: computed only when a scan keeps them
#: or a bound of the evaluated set needs them (``lfvnsi.pipeline.with_observables``).
ON_DEMAND: dict[str, Observable] = {
    "dune_delta_chi2": Observable(
        "", "DUNE (TDR GLoBES configuration, 336 kt MW yr): Delta chi^2 of Standard-Model data "
        "against the point, oscillation parameters and density profiled with priors",
        "README DUNE; lfvnsi.experiments.dune (arXiv:2103.04797)"),
}
#: Observables given per heavy mass eigenstate (arrays (..., n_heavy)).
PER_STATE = ("m_N_GeV", "U2_e", "U2_mu", "U2_tau", "Gamma_N_to_nu_Zp_GeV", "Gamma_N_to_N_Zp_GeV",
             "Gamma_N_EW_GeV")


def total_zprime_coupling(couplings: Couplings, matter: MatterCouplings,
                          points: slice | None = None) -> np.ndarray:
    """(..., n, n) mass-basis Z' coupling of the full left-handed neutral current.

    g_psi U^dagger Q U (the psi charges) plus U^dagger diag(g_nu_l on nu_l) U (gauged L_l part).
    With ``points``, (p, n, n) for that slice of the flattened batch only.
    """
    U = couplings.spectrum.mixing
    if points is None:
        U_f = U[..., :3, :]
        psi = couplings.zprime
        g_diag = matter.g_nu_diagonal
    else:
        n = U.shape[-1]
        U_f = U.reshape((-1, n, n))[points, :3, :]
        psi = couplings.zprime_of(points)
        g_diag = np.broadcast_to(matter.g_nu_diagonal, U.shape[:-2] + (3,)).reshape(-1, 3)[points]
    gauged = np.conj(np.swapaxes(U_f, -1, -2)) @ (g_diag[..., :, None] * U_f)
    return psi + gauged


#: Points per slice of the meson three-body evaluation (its n x n couplings stay small).
_MESON_SLICE = 2048


def _meson_three_body(params: Parameters, couplings: Couplings, matter: MatterCouplings,
                      heavy_widths: np.ndarray) -> dict[str, np.ndarray]:
    """BR(P+ -> l+ X Z') with the full neutral-lepton propagator for P = K, pi and l = e, mu."""
    s = couplings.spectrum
    shape = params.shape
    n = s.masses.shape[-1]
    size = params.size
    masses = np.broadcast_to(s.masses, shape + (n,)).reshape(size, n)
    widths = np.concatenate([np.zeros((size, n - heavy_widths.shape[-1])),
                             np.broadcast_to(heavy_widths, shape + heavy_widths.shape[-1:]).reshape(
                                 size, -1)], axis=-1)
    mixing = s.mixing.reshape(size, n, n)
    g_P = np.broadcast_to(meson_three_body.meson_charge(matter.g["u"], matter.g["d"]), shape
                          ).reshape(size)
    m_zp = np.broadcast_to(params.m_zprime, shape).reshape(size)
    out = {f"Br_{meson}_to_{lep}_nu_Zp": np.empty(size) for meson, lep in meson_three_body.CHANNELS}
    for start in range(0, size, _MESON_SLICE):
        part = slice(start, min(start + _MESON_SLICE, size))
        G = total_zprime_coupling(couplings, matter, part)
        for meson, lep in meson_three_body.CHANNELS:
            ch = meson_three_body.channel(meson, lep)
            g_l = np.broadcast_to(matter.g[lep], shape).reshape(size)[part]
            ratio = meson_three_body.three_body_ratio(
                ch, masses[part], widths[part], mixing[part, FLAVOURS.index(lep), :], G, g_l,
                g_P[part], m_zp[part])
            out[f"Br_{meson}_to_{lep}_nu_Zp"][part] = ch.br_two_body() * ratio
    return {name: value.reshape(shape) for name, value in out.items()}


def _psi_mass_squared(couplings: Couplings) -> np.ndarray:
    """psi-weighted mean of the heavy masses squared: the GIM scale m_psi^2 of R.5.9."""
    s = couplings.spectrum
    charged = np.flatnonzero(np.any(couplings.charges != 0, axis=0))
    rows = slice(charged[0], charged[-1] + 1)  # the psi fields are contiguous (basis_labels)
    assert len(charged) == rows.stop - rows.start
    weight = np.sum(np.abs(s.vectors[..., rows, 3:]) ** 2, axis=-2)
    m2 = s.heavy_masses**2
    return np.sum(weight * m2, axis=-1) / np.sum(weight, axis=-1)


def _pair_sums_numpy(params: Parameters, couplings: Couplings, matter: MatterCouplings,
                     yukawa: np.ndarray) -> tuple[np.ndarray, ...]:
    """Z' -> neutral pairs, N -> X Z' (and electroweak), h -> neutral pairs (numpy)."""
    s = couplings.spectrum
    G = total_zprime_coupling(couplings, matter)
    nu_nu, nu_N = zprime.neutral_pair_widths(params.m_zprime, G, s.masses)
    to_light, to_heavy = heavy.heavy_two_body_widths(params.m_zprime, G, s.masses)
    gamma_h = higgs.width_h_to_neutral_leptons(s.masses,
                                               higgs.higgs_coupling_matrix(s.mixing, yukawa))
    ew = heavy.heavy_electroweak_widths(s.masses, s.vectors)
    return nu_nu, nu_N, to_light, to_heavy, gamma_h, ew, _psi_mass_squared(couplings)


def _pair_sums_compiled(params: Parameters, couplings: Couplings, matter: MatterCouplings,
                        yukawa: np.ndarray) -> tuple[np.ndarray, ...]:
    """The same sums with the numba kernel (real vectors and Takagi phases 1 or i)."""
    from lfvnsi.observables.kernel import neutral_lepton_kernel

    sm = standard_model()
    s = couplings.spectrum
    shape = params.shape
    n = s.masses.shape[-1]
    points = params.size
    charged = np.flatnonzero(np.any(couplings.charges != 0, axis=0))
    outputs = [np.empty(points), np.empty(points), np.empty((points, n - 3)),
               np.empty((points, n - 3)), np.empty(points), np.empty((points, n - 3)),
               np.empty(points)]
    ew_constants = np.array([sm.G_F, sm.m_e, sm.m_mu, sm.m_tau, sm.m_pi, sm.m_pi0, sm.f_pi,
                             sm.V_ud, sm.sin2_theta_w_msbar_mz])
    neutral_lepton_kernel(
        np.ascontiguousarray(s.masses.reshape(points, n)),
        np.ascontiguousarray(s.vectors.reshape(points, n, n)),
        np.ascontiguousarray(s.negative.reshape(points, n)),
        charged, np.ascontiguousarray(couplings.charges[np.ix_(charged, charged)]),
        np.broadcast_to(params.g_psi, shape).reshape(points),
        np.ascontiguousarray(matter.g_nu_diagonal.reshape(points, 3)),
        np.ascontiguousarray(yukawa.reshape(points, 3, 2)),
        np.broadcast_to(params.m_zprime, shape).reshape(points), sm.m_h, sm.v, ew_constants,
        *outputs)
    return tuple(o.reshape(shape + o.shape[1:]) for o in outputs)


def _mixing_numpy(s: Spectrum) -> tuple[np.ndarray, ...]:
    """|U_{f, heavy}|^2, Theta^2_f, eta = (1 - N N^dagger)/2 and m_betabeta (GeV) (numpy)."""
    U2 = mixing.heavy_mixing_squared(s.vectors)
    return (U2, np.sum(U2, axis=-1), 0.5 * s.non_unitarity,
            mixing.effective_majorana_mass(s.masses, s.vectors, s.phases))


def _mixing_compiled(s: Spectrum) -> tuple[np.ndarray, ...]:
    """The same with one compiled pass over the (real) mixing vectors."""
    from lfvnsi.observables.kernel import mixing_kernel

    n = s.masses.shape[-1]
    batch = s.masses.shape[:-1]
    points = math.prod(batch)
    U2, theta2 = np.empty((points, 3, n - 3)), np.empty((points, 3))
    eta, m_bb = np.empty((points, 3, 3)), np.empty(points)
    mixing_kernel(np.ascontiguousarray(s.masses.reshape(points, n)),
                  np.ascontiguousarray(s.vectors.reshape(points, n, n)),
                  np.ascontiguousarray(s.negative.reshape(points, n)),
                  standard_model().p_0nubb ** 2, U2, theta2, eta, m_bb)
    return (U2.reshape(batch + (3, n - 3)), theta2.reshape(batch + (3,)),
            eta.reshape(batch + (3, 3)), m_bb.reshape(batch))


def compute_observables(params: Parameters, couplings: Couplings, matter: MatterCouplings,
                        nsi: NSI, kappa: float = 1.0, backend: str = "auto"
                        ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """All observables of a batch: (flat, per_state); see ``OBSERVABLES`` and ``PER_STATE``.

    ``kappa`` is the unknown O(1) factor of the one-loop LFV vertex (R.5.9), default 1.
    ``backend`` chooses how the sums over pairs of neutral states run: ``"numpy"``,
    ``"compiled"`` (numba; real mixing vectors only) or ``"auto"`` (compiled from
    ``COMPILED_MIN_BATCH`` points on, like the spectrum). Both give the same numbers.

    References: REFERENCE.md sections 4-5; each module of ``lfvnsi.observables``.
    """
    from lfvnsi.backend import resolve

    use = resolve(backend, params.size)
    sm = standard_model()
    s = couplings.spectrum
    m_zp = params.m_zprime
    g = matter.g
    a, b = s.flavours
    yukawa = np.zeros(params.shape + (3, 2))
    yukawa[..., a, 0] = params.mt_alpha
    yukawa[..., b, 1] = params.mt_beta
    real = not np.iscomplexobj(s.vectors)
    compiled = real and use == "compiled"
    pair_sums = _pair_sums_compiled if compiled else _pair_sums_numpy
    nu_nu, nu_N, to_light, to_heavy, gh, ew, m_psi2 = pair_sums(params, couplings, matter, yukawa)
    out: dict[str, np.ndarray] = {}
    gnu = nsi.g_nu_total
    out["m_Zp_GeV"] = m_zp
    out["g_e"] = np.abs(g["e"])
    out["g_q"] = np.abs(g["u"])
    out["eps_DP"] = np.abs(g["e"]) / sm.e
    out["g_nu_ab"] = np.abs(couplings.g_nu[..., a, b])
    for i, f in enumerate(FLAVOURS):
        out[f"g_nu_{f}_row"] = np.sqrt(np.sum(np.abs(gnu[..., :, i]) ** 2, axis=-1))
        out[f"g_nu_{f}_row_psi"] = np.sqrt(np.sum(np.abs(couplings.g_nu[..., :, i]) ** 2, axis=-1))
    out["g_nu_ab_g_q"] = out["g_nu_ab"] * np.abs(g["u"])
    out["g_nu_ab_g_p"] = out["g_nu_ab"] * np.abs(g["p"])

    zw = zprime.zprime_widths(m_zp, nu_nu, nu_N, g)
    out["Gamma_Zp_GeV"] = zw.total
    out["ctau_Zp_m"] = sm.hbar_GeV_s * SPEED_OF_LIGHT / np.where(zw.total > 0, zw.total, np.nan)
    out["Gamma_Zp_to_nunu_GeV"] = zw["nu_nu"]
    out["Br_Zp_invisible"] = zw.br("nu_nu")
    out["Br_Zp_to_nuN"] = zw.br("nu_N")
    for ch, key in (("ee", "e_e"), ("mumu", "mu_mu"), ("tautau", "tau_tau"),
                    ("hadrons", "hadrons")):
        out[f"Br_Zp_to_{ch}"] = zw.br(key)

    gh_paper = higgs.width_h_paper_estimate(yukawa)
    out["Gamma_h_inv_GeV"] = gh
    out["Gamma_h_inv_paper_estimate_GeV"] = gh_paper
    out["Br_h_inv"] = gh / (sm.Gamma_h_sm + gh)
    out["Br_h_inv_paper_estimate"] = gh_paper / (sm.Gamma_h_sm + gh_paper)

    m_psi = np.sqrt(m_psi2)
    index = {f: i for i, f in enumerate(FLAVOURS)}
    for la, lb in (("tau", "e"), ("tau", "mu"), ("mu", "e")):
        g_ab = gnu[..., index[la], index[lb]]
        C = lfv.lfv_vertex(g_ab, m_psi, kappa)
        out[f"Br_{la}_to_{lb}_Zp"] = lfv.br_lepton_to_lepton_zprime(la, lb, C, m_zp)
        out[f"Br_{la}_to_{lb}_Zp_paper_estimate"] = lfv.br_lepton_to_lepton_zprime_paper(
            la, g_ab, m_psi, m_zp)
    out["Br_mu_to_e_gamma"] = np.zeros(params.shape)
    C_emu = lfv.lfv_vertex(gnu[..., 0, 1], m_psi, kappa)
    for nuc in lfv.NUCLEI:
        out[f"R_mue_{nuc}"] = lfv.mu_e_conversion(nuc, C_emu, g["p"], g["n"], m_zp)
        out[f"R_mue_{nuc}_paper_estimate"] = lfv.mu_e_conversion_paper(gnu[..., 0, 1], g["u"],
                                                                       m_psi, m_zp)

    for meson in ("K", "pi"):
        for lep in ("e", "mu"):
            g2 = out[f"g_nu_{lep}_row"] ** 2
            out[f"Br_{meson}_to_{lep}_nu_Zp_light_nu_eft"] = mesons.br_meson_to_lepton_nu_zprime(
                meson, lep, g2, m_zp)
    out.update(_meson_three_body(params, couplings, matter, to_light + to_heavy + ew))
    out["Br_pi0_to_gamma_Zp"] = mesons.br_pi0_to_gamma_zprime(g["u"], g["d"], m_zp)
    U2, theta2, eta, m_bb = (_mixing_compiled if compiled else _mixing_numpy)(s)
    out["R_K_ratio"] = mesons.r_k_ratio(theta2[..., 0], theta2[..., 1])

    for key, (i, j) in _PAIRS.items():
        out[f"eta_{key}"] = np.abs(eta[..., i, j])
    for i, f in enumerate(FLAVOURS):
        out[f"Theta2_{f}"] = theta2[..., i]
    for name in ("sin_alpha", "sin_alpha_prime", "sin_beta", "sin_beta_prime"):
        out[name] = getattr(s, name)
    out["sin_alpha_sin_beta"] = out["sin_alpha"] * out["sin_beta"]

    two_body = to_light + to_heavy
    out["m_N1_GeV"] = s.heavy_masses[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ew > 0, two_body / np.where(ew > 0, ew, 1.0), np.inf)
    out["N_invisible_dominance"] = np.min(ratio, axis=-1)
    g2_weak = 8.0 * sm.G_F * sm.m_W**2 / np.sqrt(2.0)
    m_heavy = s.heavy_masses[..., -1]
    out["N_invisible_dominance_paper_estimate"] = params.g_psi**2 / (
        g2_weak**2 / (16 * np.pi**2) * (m_heavy / sm.m_W) ** 4)
    out["m_betabeta_eV"] = m_bb * 1e9

    gnu_re = np.real(gnu)  # eps^f = g_f scale g_nu_total: real parts without complex matrices
    for f in _NSI_FERMIONS:
        factor = nsi.g_f[f] * nsi.scale
        for key, (i, j) in _PAIRS.items():
            out[f"eps_{f}_{key}"] = factor * gnu_re[..., i, j]
    for f in _DIFFERENCE_FERMIONS:
        out[f"eps_{f}_tautau_minus_mumu"] = out[f"eps_{f}_tautau"] - out[f"eps_{f}_mumu"]
        out[f"eps_{f}_ee_minus_mumu"] = out[f"eps_{f}_ee"] - out[f"eps_{f}_mumu"]
    Y_n = medium("earth").Y_n
    for key in _PAIRS:  # R.4.7
        out[f"eps_earth_{key}"] = (out[f"eps_e_{key}"] + out[f"eps_p_{key}"]
                                   + Y_n * out[f"eps_n_{key}"])
    out["schwarz_ratio_u"] = nsi.schwarz_ratio("u")

    per_state = {
        "m_N_GeV": s.heavy_masses,
        "Gamma_N_to_nu_Zp_GeV": to_light,
        "Gamma_N_to_N_Zp_GeV": to_heavy,
        "Gamma_N_EW_GeV": ew,
    }
    for i, f in enumerate(FLAVOURS):
        per_state[f"U2_{f}"] = U2[..., i, :]
    missing = set(OBSERVABLES) - set(out)
    assert not missing, missing  # the registry and the computation stay in step
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}, per_state
