"""Write tests/data/meson_three_body/reference.json: reference numbers for P+ -> l+ X Z'.

Run from the repository root:  .venv/bin/python tests/observables/make_meson_reference.py
(about a minute; ``--check`` recomputes and compares with the stored file instead of writing).

Every case stores its inputs in full (meson, lepton, m_Z', masses, U row a = flavour of l as
re/im, calG as re/im, g_l, g_P, widths, and for model points the Parameters changes) and the
outputs of ``meson_reference``: R = Gamma/Gamma_0 with its integration error estimate, the
decomposition by final state, |M|^2 / A^2 (A = sqrt2 G_F V f_P) at a few Dalitz points
(s = (p_X + k)^2, s23 = (k + p_l)^2) per final state, and for model points the light-neutrino EFT
value R_EFT = R_1nu(m_Z') g^2 with g^2 = sum_b |(g_nu)_{b a}|^2.

Cases (brief of the reference): a = one massless neutrino (REFERENCE R.5.14 table), b = the lfvnsi
benchmark, c = the conserved B - 3 L_mu current, d = heavy states on shell (windows), e = heavy-mass
limit; f (extra) = kinetic mixing, where emission off the charged lepton and the meson (and the
contact term) enter the rate.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import meson_reference as mr

OUT = Path(__file__).resolve().parents[1] / "data" / "meson_three_body" / "reference.json"
FLAVOUR_INDEX = {"e": 0, "mu": 1, "tau": 2}
#: f_K (FLAG 2021, f_K+ = 155.7 MeV) and |V_us| (PDG CKM review): not in lfvnsi.constants; they enter
#: only BR_tree = R Gamma_0/Gamma_P, never R.
F_K, V_US = 0.1557, 0.2243
PDG_BR_ID = {("K", "mu"): "S010.1", ("K", "e"): "S010.11", ("pi", "mu"): "S008.1", ("pi", "e"): "S008.2"}
#: lightest heavy mass of the benchmark (GeV): case d scales the heavy sector to put it at 0.3 GeV
BENCHMARK_LIGHTEST_HEAVY = 0.539067973
ON_SHELL_FACTOR = 0.3 / BENCHMARK_LIGHTEST_HEAVY
HEAVY_SCALES = (1.0, 2.0, 5.0, 20.0, 100.0)
MSQ_FRACTIONS = ((0.25, 0.3), (0.5, 0.5), (0.8, 0.7))
#: cases cross-checked by plain nested scipy.integrate.quad of msq (slow path, no decomposition)
NESTED_CHECK = {"a/K_mu_0.1", "b/K_e_0.4", "c/K_mu_0.01", "c/K_mu_0.1", "d/K_mu_0.05", "f/K_mu_0.03"}


def _c(z) -> dict:
    z = np.asarray(z, complex)
    return {"re": z.real.tolist(), "im": z.imag.tolist()}


def _uc(d) -> np.ndarray:
    return np.asarray(d["re"], float) + 1j * np.asarray(d["im"], float)


def constants() -> dict:
    from lfvnsi.constants import branching_fraction, standard_model

    sm = standard_model()
    return {
        "m_K": sm.m_K, "m_pi": sm.m_pi, "m_e": sm.m_e, "m_mu": sm.m_mu, "G_F": sm.G_F,
        "f_K": F_K, "V_us": V_US, "f_pi": sm.f_pi, "V_ud": sm.V_ud,
        "Gamma_K": sm.Gamma_K, "Gamma_pi": sm.Gamma_pi,
        "BR_PDG": {f"{m}_{l}": branching_fraction(i) for (m, l), i in PDG_BR_ID.items()},
        "sources": "masses, G_F, f_pi, V_ud, widths: lfvnsi.constants.standard_model(); f_K, V_us: "
                   "FLAG 2021 / PDG (REFERENCE section 8); BR_PDG: PDG via lfvnsi.constants.branching_fraction",
    }


def gamma0(meson: str, lepton: str, const: dict) -> float:
    m_P, m_l = mr.masses_for(meson, lepton)
    f, V = (const["f_K"], const["V_us"]) if meson == "K" else (const["f_pi"], const["V_ud"])
    return const["G_F"] ** 2 * f**2 * V**2 * m_l**2 * (m_P**2 - m_l**2) ** 2 / (8 * math.pi * m_P**3)


def model_inputs(changes: dict, meson: str, lepton: str) -> tuple[dict, float]:
    """Inputs of one lfvnsi model point (benchmark with ``changes``); also g^2 of the EFT."""
    import lfvnsi
    from lfvnsi.observables import total_zprime_coupling
    from lfvnsi.pipeline import evaluate

    p = lfvnsi.Parameters.benchmark().replace(**changes)
    r = evaluate(p)
    masses = np.asarray(r.spectrum.masses, float)
    U = np.asarray(r.spectrum.mixing, complex)
    G = np.asarray(total_zprime_coupling(r.couplings, r.matter), complex)
    ps = r.per_state
    assert np.allclose(np.asarray(ps["m_N_GeV"]), masses[3:], rtol=1e-12, atol=0)
    widths = np.concatenate([np.zeros(3), np.asarray(ps["Gamma_N_to_nu_Zp_GeV"])
                             + np.asarray(ps["Gamma_N_to_N_Zp_GeV"]) + np.asarray(ps["Gamma_N_EW_GeV"])])
    a = FLAVOUR_INDEX[lepton]
    g_l = float(r.matter.g[lepton])
    # meson charge from its quark content: K+ = u sbar, pi+ = u dbar (g_s = g_d in both schemes)
    g_P = float(r.matter.g["u"] - r.matter.g["d"])
    g_nu_gauged = float(np.asarray(r.matter.g_nu_diagonal)[a])
    assert abs(g_P - (g_nu_gauged - g_l)) <= 1e-15 + 1e-12 * abs(g_l), "W vertex not U(1)' invariant"
    g_nu = np.asarray(r.couplings.g_nu, complex) + np.diag(np.asarray(r.matter.g_nu_diagonal))
    g2 = float(np.sum(np.abs(g_nu[:, a]) ** 2))
    inputs = {"masses": masses.tolist(), "U_row": _c(U[a]), "calG": _c(G), "g_l": g_l, "g_P": g_P,
              "widths": widths.tolist(), "flavour_index": a,
              "g_nu_gauged_of_flavour": g_nu_gauged}
    return inputs, g2


def eft_inputs() -> dict:
    return {"masses": [0.0], "U_row": _c([1.0]), "calG": _c([[1.0]]), "g_l": 0.0, "g_P": 0.0,
            "widths": [0.0], "flavour_index": None}


def unpack(inputs: dict) -> tuple:
    return (np.asarray(inputs["masses"], float), _uc(inputs["U_row"]), _uc(inputs["calG"]),
            float(inputs["g_l"]), float(inputs["g_P"]), np.asarray(inputs["widths"], float))


def msq_points(meson, lepton, m_Z, inputs, results) -> list[dict]:
    masses, U_row, G, g_l, g_P, widths = unpack(inputs)
    m_P, m_l = mr.masses_for(meson, lepton)
    out = []
    for st in results:
        segs = st.segments
        lengths = np.array([b - a for a, b in segs])
        for j, Rj in zip(st.indices, st.per_state):
            if Rj == 0.0:
                continue
            for xs, x23 in MSQ_FRACTIONS:
                # position xs along the allowed (window-free) s measure
                target = xs * lengths.sum()
                i = int(np.searchsorted(np.cumsum(lengths), target))
                a, b = segs[min(i, len(segs) - 1)]
                s = a + (target - (np.cumsum(lengths)[i - 1] if i else 0.0))
                s = min(max(s, a), b)
                lo, hi = mr.s23_limits(m_P, m_l, masses[j], m_Z, s)
                s23 = lo + x23 * (hi - lo)
                out.append({"j": int(j), "s": s, "s23": s23,
                            "msq": mr.msq(meson, lepton, s, s23, j, masses, U_row, G, g_l, g_P, m_Z,
                                          widths)})
    return out


_EFT_CACHE: dict = {}


def r_eft_unit(meson, lepton, m_Z) -> float:
    key = (meson, lepton, m_Z)
    if key not in _EFT_CACHE:
        _EFT_CACHE[key] = mr.ratio_eft(meson, lepton, m_Z)
    return _EFT_CACHE[key]


def compute(case: dict, const: dict, nested: bool) -> dict:
    meson, lepton, m_Z = case["meson"], case["lepton"], case["m_zprime"]
    masses, U_row, G, g_l, g_P, widths = unpack(case["inputs"])
    t0 = time.time()
    results = mr.ratio_per_state(meson, lepton, masses, U_row, G, g_l, g_P, m_Z, widths)
    R = float(sum(np.sum(st.per_state) for st in results))
    out = {
        "R": R,
        "R_error_estimate": float(sum(st.error for st in results)),
        "per_state": [{"j": int(j), "m_j": float(masses[j]), "R_j": float(v)}
                      for st in results for j, v in zip(st.indices, st.per_state)],
        "s_segments": {str(st.indices[0]): [list(map(float, sg)) for sg in st.segments]
                       for st in results},
        "msq_points": msq_points(meson, lepton, m_Z, case["inputs"], results),
        "BR_tree": R * gamma0(meson, lepton, const) / const["Gamma_K" if meson == "K" else "Gamma_pi"],
        "BR_pdg_normalised": R * const["BR_PDG"][f"{meson}_{lepton}"],
    }
    if case.get("g2_eft") is not None:
        unit = r_eft_unit(meson, lepton, m_Z)
        out["R_eft_unit"] = unit
        out["R_eft"] = unit * case["g2_eft"]
        out["R_over_R_eft"] = R / out["R_eft"] if out["R_eft"] else None
    if nested and case["name"] in NESTED_CHECK:
        tot = 0.0
        for entry in out["per_state"]:
            if entry["R_j"] != 0.0:
                tot += mr.ratio_nested_quad(meson, lepton, masses, U_row, G, g_l, g_P, m_Z, widths,
                                            entry["j"], epsrel=1e-10)
        out["R_nested_quad"] = tot
        out["nested_relative_difference"] = tot / R - 1
    out["seconds"] = round(time.time() - t0, 2)
    return out


def open_channel(meson, lepton, m_Z) -> bool:
    m_P, m_l = mr.masses_for(meson, lepton)
    return m_Z < m_P - m_l


def build_cases() -> list[dict]:
    import lfvnsi

    cases = []
    for lepton, mzs in (("mu", (0.01, 0.03, 0.1, 0.2, 0.3)), ("e", (0.01, 0.1))):
        for m in mzs:
            cases.append({"name": f"a/K_{lepton}_{m}", "group": "a", "meson": "K", "lepton": lepton,
                          "m_zprime": m, "parameters": None, "inputs": eft_inputs(), "g2_eft": None})
    for meson in ("K", "pi"):
        for lepton in ("e", "mu"):
            for m in (0.01, 0.03, 0.1, 0.2, 0.4):
                if not open_channel(meson, lepton, m):
                    continue
                ch = {"m_zprime": m}
                inp, g2 = model_inputs(ch, meson, lepton)
                cases.append({"name": f"b/{meson}_{lepton}_{m}", "group": "b", "meson": meson,
                              "lepton": lepton, "m_zprime": m, "parameters": ch, "inputs": inp,
                              "g2_eft": g2})
    for m in (0.1, 0.01):
        ch = {"beta": "tau", "a_mu": 3.0, "a_tau": 0.0, "g_B": 1e-4, "m_zprime": m}
        inp, g2 = model_inputs(ch, "K", "mu")
        cases.append({"name": f"c/K_mu_{m}", "group": "c", "meson": "K", "lepton": "mu",
                      "m_zprime": m, "parameters": ch, "inputs": inp, "g2_eft": g2})
    b = lfvnsi.Parameters.benchmark()

    def scaled(f, m):
        return {"M1": float(b.M1) * f, "M2": float(b.M2) * f, "M_N": float(b.M_N) * f,
                "mp1": float(b.mp1) * f, "mp2": float(b.mp2) * f, "m_zprime": m}

    for lepton in ("mu", "e"):
        ch = scaled(ON_SHELL_FACTOR, 0.05)
        inp, g2 = model_inputs(ch, "K", lepton)
        cases.append({"name": f"d/K_{lepton}_0.05", "group": "d", "meson": "K", "lepton": lepton,
                      "m_zprime": 0.05, "parameters": ch, "inputs": inp, "g2_eft": g2})
    for meson, lepton, m in (("K", "e", 0.1), ("K", "e", 0.4), ("K", "mu", 0.1), ("pi", "e", 0.03)):
        for f in HEAVY_SCALES:
            ch = scaled(f, m)
            inp, g2 = model_inputs(ch, meson, lepton)
            cases.append({"name": f"e/{meson}_{lepton}_{m}_x{f:g}", "group": "e", "meson": meson,
                          "lepton": lepton, "m_zprime": m, "parameters": ch, "inputs": inp,
                          "g2_eft": g2, "heavy_scale": f})
    # f (extra): kinetic mixing, so g_l = -g_P != 0 (Z' off the charged lepton, the meson and the
    # contact term all enter the rate, on top of the psi-induced neutral line)
    for lepton in ("e", "mu"):
        for m in (0.03, 0.1):
            ch = {"matter": "kinetic", "kinetic_mixing": 1e-3, "m_zprime": m}
            inp, g2 = model_inputs(ch, "K", lepton)
            cases.append({"name": f"f/K_{lepton}_{m}", "group": "f", "meson": "K", "lepton": lepton,
                          "m_zprime": m, "parameters": ch, "inputs": inp, "g2_eft": g2})
    return cases


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored file, do not write")
    ap.add_argument("--no-nested", action="store_true", help="skip the slow nested-quad cross-checks")
    args = ap.parse_args(argv)
    const = constants()
    cases = build_cases()
    for case in cases:
        case["outputs"] = compute(case, const, nested=not args.no_nested)
        o = case["outputs"]
        extra = f"  R/R_EFT = {o['R_over_R_eft']:.6g}" if o.get("R_over_R_eft") else ""
        nest = f"  nested {o['nested_relative_difference']:+.1e}" if "R_nested_quad" in o else ""
        print(f"{case['name']:<22} R = {o['R']:.10e}  BR_tree = {o['BR_tree']:.4e}{extra}{nest}"
              f"  ({o['seconds']} s)", flush=True)
    doc = {
        "description": "Reference values for P+ -> l+ X Z' (full neutral-lepton propagator), from "
                       "tests/observables/meson_reference.py (independent of lfvnsi.observables.mesons).",
        "conventions": {
            "R": "Gamma(P+ -> l+ X Z', summed over open X_j, spins, Z' polarisations) / Gamma_0, "
                 "Gamma_0 = G_F^2 f_P^2 |V|^2 m_l^2 (m_P^2 - m_l^2)^2 / (8 pi m_P^3)",
            "s": "(p_X + k_Z')^2 = missing mass squared", "s23": "(k_Z' + p_l)^2",
            "msq": "sum |M|^2 / A^2 with A = sqrt2 G_F V f_P (i M_SM = A ubar pslash_P P_L v)",
            "window": "for final state j, s with |sqrt(s) - m_k| < 0.01 m_k excluded for every k with "
                      "m_j + m_Z' < m_k < m_P - m_l",
            "inputs": "U_row = U[a, :] (a = flavour of l), calG = mass-basis Z' coupling "
                      "(L ⊃ Z'_mu calG_kl X_k-bar gamma^mu P_L X_l), g_l: L ⊃ g_l Z' l-bar gamma l, "
                      "g_P: D_mu = d_mu - i g_P Z'_mu on the P+ field; widths in every propagator",
            "BR_tree": "R Gamma_0 / Gamma_P (Gamma_0 with the constants below)",
            "BR_pdg_normalised": "R BR(P+ -> l+ nu)_PDG (Gamma_0 replaced by the measured rate)",
            "R_eft": "R of one massless neutrino with calG = 1, times g^2 = sum_b |(g_nu)_{b a}|^2 "
                     "(r.couplings.g_nu + diag(r.matter.g_nu_diagonal))",
        },
        "constants": const,
        "cases": cases,
    }
    if args.check:
        old = json.loads(OUT.read_text())
        worst = 0.0
        for new_case, old_case in zip(cases, old["cases"], strict=True):
            assert new_case["name"] == old_case["name"]
            d = abs(new_case["outputs"]["R"] / old_case["outputs"]["R"] - 1) if old_case["outputs"]["R"] else 0
            worst = max(worst, d)
        print(f"largest relative change of R: {worst:.2e}")
        return 0 if worst < 1e-8 else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
