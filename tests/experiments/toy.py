"""Small GLoBES configurations written on the fly for the reader and rate tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FLUX_E = np.round(np.arange(0.05, 10.0001, 0.05), 10)
XSEC_LOG10E = np.round(np.arange(-2.0, 1.50001, 0.05), 10)


def flux_columns(E: np.ndarray) -> np.ndarray:
    """(6, n) smooth test fluxes (nu_e, nu_mu, nu_tau, bars), per GeV per m^2 in file units."""
    base = E**2 * np.exp(-E)
    return np.stack([0.1 * base, base, 0.0 * base, 0.05 * base, 0.3 * base, 0.0 * base])


def xsec_columns(log10E: np.ndarray) -> np.ndarray:
    """(6, n) sigma/E in 10^-38 cm^2/GeV."""
    s = 0.7 + 0.1 * log10E
    return np.stack([s, 1.1 * s, 0.0 * s, 0.5 * s, 0.4 * s, 0.0 * s])


def write_tables(folder: Path) -> None:
    rows = np.column_stack([FLUX_E, flux_columns(FLUX_E).T])
    lines = ["# test flux: E nu_e nu_mu nu_tau nu_e-bar nu_mu-bar nu_tau-bar"]
    lines += [" ".join(f"{v:.12g}" for v in row) for row in rows]
    (folder / "flux.dat").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = np.column_stack([XSEC_LOG10E, xsec_columns(XSEC_LOG10E).T])
    lines = [" ".join(f"{v:.12g}" for v in row) for row in rows]
    (folder / "xsec.dat").write_text("\n".join(lines) + "\n", encoding="utf-8")


ONE_BIN = """%!GLoBES
$version = "3.2.17"
LENGTH = 1300.0
$profiletype = 3
$densitytab = {2.8}
$lengthtab = {LENGTH}
$target_mass = 10
$emin = 1.0
$emax = 3.0
$bins = 1
$sampling_min = 1.0
$sampling_max = 3.0
$sampling_points = N_SAMPLING
nuflux(#beam)<
  @flux_file = "flux.dat"
  @time = 2.0
  @power = 3.0
  @norm = 1e5
>
cross(#CC)<
  @cross_file = "xsec.dat"
>
energy(#all)<
  @energy = {0, LAST, ONES}
>
channel(#app)<
  @channel = #beam : + : m : e : #CC : #all
  @post_smearing_efficiencies = {0.8}
>
channel(#nc)<
  @channel = #beam : - : m : NOSC_m : #CC : #all
>
rule(#r)<
  @signal = 1.0@#app
  @background = 0.5@#nc
  @sys_on_function = "chiNoSysSpectrum"
  @sys_off_function = "chiNoSysSpectrum"
>
"""


def one_bin(folder: Path, n_sampling: int = 2000) -> Path:
    """A one-bin experiment on [1, 3] GeV with n_sampling sampling points (all in the bin)."""
    write_tables(folder)
    ones = ", ".join(["1"] * n_sampling)
    text = (ONE_BIN.replace("N_SAMPLING", str(n_sampling))
            .replace("LAST", str(n_sampling - 1)).replace("ONES", ones))
    path = folder / "toy.glb"
    path.write_text(text, encoding="utf-8")
    return path


TWO_RULES = """%!GLoBES
$profiletype = 3
$densitytab = {2.8}
$lengthtab = {1300}
$target_mass = 10
$emin = 0.0
$emax = 4.0
$binsize = {1, 1, 1, 1}
$sampling_min = 0.0
$sampling_max = 4.0
$sampling_stepsize = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}
nuflux(#beam)<
  @flux_file = "flux.dat"
  @norm = 1e6
>
cross(#CC)<
  @cross_file = "xsec.dat"
>
energy(#smr)<>
energy(#smr)<
  @energy = {0, 2, 0.7, 0.3, 0.1} : {1, 4, 0.2, 0.5, 0.3, 0.1} : {3, 6, 0.1, 0.6, 0.5, 0.2} :
            {5, 7, 0.3, 0.7, 0.9};
>
channel(#sig_nu)< @channel = #beam : + : m : e : #CC : #smr >
channel(#bkg_nu)< @channel = #beam : + : e : e : #CC : #smr >
channel(#dis_nu)< @channel = #beam : + : m : m : #CC : #smr >
sys(#common)< @error = 0.05 >
sys(#sig)< @error = 0.02 >
sys(#unused)< @error = 0.3 >
rule(#app)<
  @signal = 1.0@#sig_nu
  @sys_on_multiex_errors_sig = {#sig}
  @background = 1.0@#bkg_nu
  @sys_on_multiex_errors_bg = {#common}
  @sys_on_function = "chiMultiExp"
  @sys_off_function = "chiNoSysSpectrum"
  @energy_window = 0.5 : 3.5
>
rule(#dis)<
  @signal = 1.0@#dis_nu
  @sys_on_multiex_errors_sig = {#common}
  @sys_on_function = "chiMultiExp"
  @sys_off_function = "chiNoSysSpectrum"
>
"""


def two_rules(folder: Path) -> Path:
    """Four bins, two rules sharing the nuisance parameter #common, a redefined energy group."""
    write_tables(folder)
    path = folder / "two.glb"
    path.write_text(TWO_RULES, encoding="utf-8")
    return path
