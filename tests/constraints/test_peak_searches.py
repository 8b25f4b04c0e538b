"""Heavy-neutral-lepton peak searches (K+ -> l+ N, pi+ -> l+ N) and the mass-dependent
non-unitarity limits: every packaged curve equals, row by row, the table it was read from (a
verbatim copy packaged under ``data/curves/source/``, identified by its sha256), and constructed
points on each side of each curve are allowed or excluded by it.

The peak searches apply whatever N decays into (no ``requires``), so they exclude light heavy
states that decay invisibly, which the decay searches cannot (paper, Sec. II A 3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from curve_tables import COMMIT, DATA, SOURCE, record, source_rows, with_states

from lfvnsi import Parameters, evaluate
from lfvnsi.constraints import evaluate_constraints
from lfvnsi.constraints.evaluate import DOMINANCE, INVISIBLE_BR

NA62_E = "NA62 HNL U2_e peak search K->eN (Cortina Gil 2020)"
NA62_MU = "NA62 HNL U2_mu peak search K->muN (Cortina Gil 2021)"
PIENU = "PIENU HNL U2_e peak search pi->eN (Aguilar-Arevalo 2018)"
TRIUMF = "TRIUMF HNL U2_e peak search pi->eN (Britton 1992)"
PIENU_MU_LOW = "PIENU HNL U2_mu peak search pi->muN (Aguilar-Arevalo 2019, T_mu < 1.2 MeV)"
PIENU_MU_HIGH = "PIENU HNL U2_mu peak search pi->muN (Aguilar-Arevalo 2019, T_mu > 1.2 MeV)"
NA62_PI = "NA62 HNL U2_e peak search pi->eN (2025)"
PEAK = (NA62_E, NA62_MU, PIENU, TRIUMF, PIENU_MU_LOW, PIENU_MU_HIGH, NA62_PI)


def unitarity(f: str) -> str:
    return f"Blennow et al. 2023 non-unitarity Theta2_{f} (heavy states above m_tau)"


# record id -> (verbatim source copy, factor from the table's x to GeV, sha256 of the source,
# verified: true only for the collaborations' HEPData tables and the fit authors' table)
TABLES = {
    NA62_E: ("NA62_2020__HEPdata_NA62_positron.csv", 1e-3,
             "aab8ad6846c942c182e7818f5ffc1cfcb5e1fc16aa2ab1481539be4a019eebc8", True),
    PIENU: ("PIONEER__HEPData-ins1642434-v1-Table_1.csv", 1e-3,
            "042fd8a871524f9d8ac768c72655beae7bd7abe1b1f101bec37cdccc5cc418ff", True),
    PIENU_MU_LOW: ("PIENU_2019__tmu_greater_1p2MeV.dat.csv", 1e-3,
                   "74d05eb6822f0ec482f818d206b3f35e6ac89a21eba0890aff55fb1131811a94", True),
    PIENU_MU_HIGH: ("PIENU_2019__tmu_smaller_1p2MeV.dat.csv", 1e-3,
                    "5c66c4e5cbf0126b3d1d19f0c727d3d24092ff461412a476ff813df8b6fa465b", True),
    NA62_MU: ("umu4__NA62_2021_mu.dat", 1e-3,
              "2a57144467182be07da996db95896bf5276b0a2a5627eadf481747b188c91dd1", False),
    NA62_PI: ("NA62_pion_2025__Ue4sqr.dat", 1e-3,
              "19a457c05c7c7d338c52b891e682670d462949b85a08d193c2881bdcff6077ab", False),
    TRIUMF: ("ue4__TRIUMF_1992.dat", 1e-3,
             "0d245ac5fb1053b756685404c1b037a1c6c6919ff44c15964d4f8c7d40d1281d", False),
    unitarity("e"): ("PMNS_unitarity__PMNS_NU_Ue42_90_last.dat", 1.0,
                     "0d27be97aa20db295381bf9f23284e2c6b54f0596c0f8e8a235e9dde4c3af207", True),
    unitarity("mu"): ("PMNS_unitarity__PMNS_NU_Um42_90_last.dat", 1.0,
                      "f2b448f916d40f560c5f3b37ba7f13e9f64b89989d93d61115f6a01c909d243c", True),
    unitarity("tau"): ("PMNS_unitarity__PMNS_NU_Ut42_90_last.dat", 1.0,
                       "ed3b9717d369845f1ef847fee4b9716e910e2af386a5b162b6ebb2a0e3eca9d8", True),
}


@pytest.mark.parametrize("record_id", sorted(TABLES))
def test_packaged_curve_equals_the_source_table_at_every_row(record_id: str) -> None:
    name, to_gev, sha, verified = TABLES[record_id]
    b = record(record_id)
    curve = b.curve
    assert b.kind == "excluded_curve" and b.status == "current" and curve is not None
    assert b.verified is verified
    # provenance: the packaged copy is the file the record and the curve header name
    data = (SOURCE / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha
    assert sha in b.note
    header = (DATA / "curves" / Path(curve.path).name).read_text(encoding="utf-8")
    assert sha in header and name in header and COMMIT in header
    table = source_rows(name)
    assert len(table) >= 20
    x, limit = table[:, 0] * to_gev, table[:, 1]
    # every row of the table is a row of the curve, and the curve has no other row
    for xi, li in zip(x, limit):
        k = int(np.argmin(np.abs(curve.x - xi)))
        assert curve.x[k] == pytest.approx(xi, rel=1e-12) and curve.limit[k] == pytest.approx(li, rel=1e-9)
    assert len(curve.x) == len(np.unique(x))
    assert curve.x[0] == pytest.approx(x.min(), rel=1e-12) and curve.x[-1] == pytest.approx(x.max(), rel=1e-12)
    # and the interpolated limit at the table's masses is the table's limit
    np.testing.assert_allclose(curve(x), limit, rtol=1e-9)


@pytest.mark.parametrize("record_id", PEAK)
def test_peak_searches_hold_whatever_n_decays_into(record_id: str) -> None:
    b = record(record_id)
    assert b.observable in ("U2_e", "U2_mu") and b.curve is not None and b.curve.x_name == "m_N_GeV"
    assert b.applies_to.requires == () and b.cl == 0.9
    assert b.curve.x[-1] < 0.5  # all below the paper's 0.5 GeV: they are what sets it


@pytest.mark.parametrize("record_id", PEAK)
@pytest.mark.parametrize("factor", [0.8, 1.25])
def test_constructed_heavy_state_on_each_side_of_the_curve(record_id: str, factor: float) -> None:
    """A heavy state at a tabulated mass, with |U|^2 = 0.8 or 1.25 times the table's limit there
    (the benchmark's other states pushed to 5 GeV, outside every curve): allowed, then excluded."""
    b = record(record_id)
    assert b.curve is not None
    k = len(b.curve.x) // 2
    mass, limit = float(b.curve.x[k]), float(b.curve.limit[k])
    r = with_states(evaluate(Parameters.benchmark()), [mass], **{b.observable: [factor * limit]})
    c = evaluate_constraints(r, bounds=(b,))
    assert bool(c.applicable[0])
    assert float(c.ratio[0]) == pytest.approx(factor, rel=1e-9)
    assert bool(c.allowed) is (factor < 1)


def test_peak_search_excludes_a_light_heavy_state_that_decays_invisibly() -> None:
    """Heavy states at 0.27 GeV with |U_e|^2 = 5e-3 that decay to nu Z', Z' -> nu nu: the decay
    searches are void (REFERENCE F10), NA62 K -> e N is not, and excludes the point."""
    r = evaluate(Parameters.benchmark().replace(M1=0.3, mp1=0.6, m_zprime=0.1))
    m, u2 = r.per_state["m_N_GeV"], r.per_state["U2_e"]
    light = (m > 0.25) & (m < 0.3) & (u2 > 0)
    assert light.any()
    # N decays invisibly: the condition N_invisible of the evaluation holds
    assert float(r.observables["Br_Zp_invisible"]) >= INVISIBLE_BR
    assert float(r.observables["N_invisible_dominance"]) >= DOMINANCE
    c = evaluate_constraints(r)
    ids = [b.id for b in c.bounds]
    k = ids.index(NA62_E)
    assert c.applicable[k] and c.reason(k) == ""
    na62 = c.bounds[k].curve
    assert na62 is not None
    expected = float(np.max(u2[light] / na62(m[light])))
    assert float(c.ratio[k]) == pytest.approx(expected, rel=1e-9) and expected > 1e6
    assert not c.allowed
    for j, b in enumerate(c.bounds):  # every decay search is void here
        if "N_visible" in b.applies_to.requires:
            assert not c.applicable[j] and "visible N decays" in c.reason(j)
    # the lightest heavy state is below m_K: R_K (non-unitarity seen by K decays) does not apply
    k = ids.index("NA62 2013 R_K")
    assert not c.applicable[k] and c.reason(k).startswith("lightest heavy state below 0.493677 GeV")


def test_peak_searches_do_not_reach_heavy_states_above_half_a_gev() -> None:
    """The benchmark's heavy states are all above 0.5 GeV: outside every peak-search curve."""
    r = evaluate(Parameters.benchmark())
    assert float(np.min(r.per_state["m_N_GeV"])) > 0.5
    c = evaluate_constraints(r)
    ids = [b.id for b in c.bounds]
    for record_id in PEAK:
        k = ids.index(record_id)
        assert not c.applicable[k] and "curve" in c.reason(k)
    assert c.allowed


def heavier_benchmark(e: float = 1.0, mu: float = 1.0) -> Parameters:
    """The benchmark with every mass scaled by 4 (heavy states 2.2-12.7 GeV, above m_tau) and the
    Yukawas mt_alpha, mt_beta by 4 e, 4 mu: Theta^2_e = 2.2e-3 e^2, Theta^2_mu = 3.6e-4 mu^2."""
    b = Parameters.benchmark()
    return b.replace(M1=4 * b.M1, M2=4 * b.M2, M_N=4 * b.M_N, mp1=4 * b.mp1, mp2=4 * b.mp2,
                     mt_alpha=4 * e * b.mt_alpha, mt_beta=4 * mu * b.mt_beta)


def test_non_unitarity_applies_only_when_every_heavy_state_is_above_m_tau() -> None:
    c = evaluate_constraints(evaluate(Parameters.benchmark()))
    ids = [b.id for b in c.bounds]
    for f in ("e", "mu", "tau"):
        k = ids.index(unitarity(f))
        assert not c.applicable[k]
        assert c.reason(k) == "lightest heavy state outside [1.777, 1000] GeV (the bound's heavy-mass range)"
    r = evaluate(heavier_benchmark())
    assert float(r.observables["m_N1_GeV"]) > 1.777
    c = evaluate_constraints(r)
    for f in ("e", "mu"):
        k = ids.index(unitarity(f))
        assert c.applicable[k]
        limit = {"e": 2.601e-3, "mu": 1.69e-4}[f]  # the table, flat between 1.777 and 90.7 GeV
        assert float(c.ratio[k]) == pytest.approx(float(r.observables[f"Theta2_{f}"]) / limit, rel=1e-9)


@pytest.mark.parametrize(("flavour", "scale", "excluded"),
                         [("e", 1.05, False), ("e", 1.15, True), ("mu", 0.6, False), ("mu", 0.75, True)])
def test_constructed_points_on_each_side_of_the_non_unitarity_limits(flavour: str, scale: float,
                                                                     excluded: bool) -> None:
    """Theta^2_e = 2.2e-3 x 1.05^2 = 2.43e-3 < 2.601e-3 < 2.91e-3 (x 1.15^2); Theta^2_mu = 3.6e-4 x
    0.6^2 = 1.3e-4 < 1.69e-4 < 2.0e-4 (x 0.75^2), with every heavy state above 2 GeV."""
    p = heavier_benchmark(e=scale) if flavour == "e" else heavier_benchmark(mu=scale)
    c = evaluate_constraints(evaluate(p))
    k = [b.id for b in c.bounds].index(unitarity(flavour))
    assert c.applicable[k]
    assert (float(c.ratio[k]) > 1) is excluded
