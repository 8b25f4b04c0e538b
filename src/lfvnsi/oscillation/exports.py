"""eps^m of a model point in the conventions of other oscillation codes.

All three take the NSI of propagation normalised to the electron density's potential
V_CC = sqrt2 G_F N_e, as here (eps^m of R.4.7); they differ in layout:

* GLoBES with the snu.c NSI engine (J. Kopp et al., arXiv:0708.0152): parameters EPS_M_EE,
  EPS_M_MUMU, EPS_M_TAUTAU (real) and ABS_EPS_M_EMU / ARG_EPS_M_EMU, ABS_EPS_M_ETAU /
  ARG_EPS_M_ETAU, ABS_EPS_M_MUTAU / ARG_EPS_M_MUTAU for eps_ab = |eps_ab| exp(i arg), a < b
  (upper triangle); H = H_vac + V_CC (diag(1,0,0) + eps_m). Source and detector NSI of snu.c are
  charged-current effects the model does not produce: they stay zero.
* nuSQuIDS: its NSI example (examples/NSI, class nuSQUIDSNSI) adds 3 V_CC M to the flavour-basis
  Hamiltonian, with V_CC = sqrt2 G_F N_A rho Y_e; the matrix to hand it is M = eps^m / 3.
* NuOscProbExact (arXiv:1904.12391): ``hamiltonians3nu.hamiltonian_3nu_nsi(h_vac, E, VCC, eps)``
  with eps = [eps_ee, eps_emu, eps_etau, eps_mumu, eps_mutau, eps_tautau] (upper triangle).

For antineutrinos every one of these codes applies the conjugation itself: export the neutrino
eps^m.
"""

from __future__ import annotations

import cmath

import numpy as np

from lfvnsi.oscillation.propagation import as_eps_matter

__all__ = ["globes_snu", "globes_snu_lines", "nuoscprobexact", "nusquids"]

_NAMES = ("E", "MU", "TAU")


def globes_snu(eps_matter: object) -> dict[str, float]:
    """Parameter name -> value for GLoBES's snu.c engine (propagation NSI only)."""
    E = as_eps_matter(eps_matter)
    out: dict[str, float] = {}
    for a in range(3):
        out[f"EPS_M_{_NAMES[a]}{_NAMES[a]}"] = float(E[a, a].real)
        for b in range(a + 1, 3):
            z = complex(E[a, b])
            out[f"ABS_EPS_M_{_NAMES[a]}{_NAMES[b]}"] = abs(z)
            out[f"ARG_EPS_M_{_NAMES[a]}{_NAMES[b]}"] = cmath.phase(z)
    return out


def globes_snu_lines(eps_matter: object, params_variable: str = "p") -> str:
    """C lines ``glbSetOscParamByName(p, value, "NAME");`` setting eps^m in a glb_params."""
    return "\n".join(f'glbSetOscParamByName({params_variable}, {value!r}, "{name}");'
                     for name, value in globes_snu(eps_matter).items())


def nusquids(eps_matter: object) -> dict[str, list[list[float]]]:
    """The 3x3 matrix M = eps^m / 3 of nuSQuIDS's NSI example, as {"re": ..., "im": ...}."""
    M = as_eps_matter(eps_matter) / 3.0
    return {"re": M.real.tolist(), "im": M.imag.tolist()}


def nuoscprobexact(eps_matter: object) -> list[complex]:
    """[eps_ee, eps_emu, eps_etau, eps_mumu, eps_mutau, eps_tautau] for hamiltonian_3nu_nsi."""
    E = np.asarray(as_eps_matter(eps_matter))
    return [complex(E[0, 0].real), complex(E[0, 1]), complex(E[0, 2]), complex(E[1, 1].real),
            complex(E[1, 2]), complex(E[2, 2].real)]
