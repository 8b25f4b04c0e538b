"""Heavy-neutral-lepton decay searches newer than the FORESEE set (T2K ND280, MicroBooNE, CMS in
B-meson decays, Belle tau -> pi N) and the BaBar tau -> 3 pi N limit: each packaged curve is its
source file (row by row, or the lower edge of a digitised contour), the decay searches apply only
when N decays visibly (REFERENCE F10), BaBar whatever N decays into, and constructed heavy states on
each side of each curve are allowed or excluded."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from curve_tables import COMMIT, DATA, SOURCE, record, source_rows, with_states

from lfvnsi import Parameters, evaluate
from lfvnsi.constraints import evaluate_constraints

T2K_E = "T2K ND280 HNL U2_e (Abe 2019, profiled re-analysis)"
T2K_MU = "T2K ND280 HNL U2_mu (Abe 2019, profiled re-analysis)"
UB_2022 = "MicroBooNE HNL U2_mu N -> mu pi (2022, Majorana)"
UB_2023 = "MicroBooNE HNL U2_mu N -> nu ee, nu pi0 (2023)"
CMS_B = "CMS HNL U2_mu in B-meson decays (2024, Majorana)"
BELLE = "Belle HNL U2_tau tau -> pi N, N -> mu mu nu (2024, Dirac)"
BABAR = "BaBar HNL U2_tau (Lees 2023)"

# record -> (source copy, x factor to GeV, sha256, the file is an outline: the curve is its lower edge)
SOURCES = {
    T2K_E: ("T2K_2019__T2K_2019_profiled_Ue4.dat", 1e-3,
            "4ea531534af05f41ead40ced7a56e045051154261657c3dade04250731448d77", False),
    T2K_MU: ("T2K_2019__T2K_2019_profiled_Umu4.dat", 1e-3,
             "dcf68360e72621ea1244b54142cb853ce0af6f17cfd6cddd65ab628ee9afb982", False),
    UB_2022: ("MicroBooNE_2022__umu4_majorana.dat", 1e-3,
              "23ebc7b3838fafff273f167b569be1c0e4308fc8074fb38ffcef49de0d74657d", False),
    UB_2023: ("MicroBooNE_2023__Umu4.dat", 1e-3,
              "a14125767c21e33adfb1610e1cabab414aa49500dd0468837f4908c62acb3d75", False),
    CMS_B: ("CMS_24_3__Umu4_majorana.dat", 1.0,
            "6b828812d7946db45bc6c0a333d38e0b756506d85077acbaba9b1dc3746a0f3a", False),
    BELLE: ("belle_2024__dirac_utau4.dat", 1.0,
            "fe572aba98ec4cf44d425b804e33be7fd3802a926166875ce96977d2f4e21c5c", True),
    BABAR: ("BaBar_tau_2022__with_sys.dat", 1e-3,
            "f93322ea5978146f6eb2798227d974f56213e1bc56acd5ee906b7460ed0f96e6", False),
}


def lowest_on_outline(points: np.ndarray, m: float) -> float:
    """The smallest y of the polyline through the points (in order, log-log segments) at mass m."""
    lx, ly, t = np.log(points[:, 0]), np.log(points[:, 1]), np.log(m)
    best = np.inf
    for a, b, ya, yb in zip(lx[:-1], lx[1:], ly[:-1], ly[1:]):
        if min(a, b) <= t <= max(a, b):
            best = min(best, min(ya, yb) if a == b else ya + (yb - ya) * (t - a) / (b - a))
    return float(np.exp(best))


@pytest.mark.parametrize("record_id", sorted(SOURCES))
def test_packaged_curve_is_its_source_file(record_id: str) -> None:
    name, to_gev, sha, outline = SOURCES[record_id]
    b = record(record_id)
    curve = b.curve
    assert b.kind == "excluded_curve" and curve is not None and curve.x_name == "m_N_GeV"
    assert not b.verified  # digitisations, re-analyses or tables without a HEPData header
    assert hashlib.sha256((SOURCE / name).read_bytes()).hexdigest() == sha and sha in b.note
    header = (DATA / "curves" / curve.path).read_text(encoding="utf-8")
    assert sha in header and name in header and COMMIT in header
    table = source_rows(name) * np.array([to_gev, 1.0])
    if outline:
        for x, limit in zip(curve.x, curve.limit):
            assert limit == pytest.approx(lowest_on_outline(table, x), rel=1e-9)
        assert curve.x[0] == pytest.approx(table[:, 0].min()) and curve.x[-1] == pytest.approx(table[:, 0].max())
        assert np.all(curve(table[:, 0]) <= table[:, 1] * (1 + 1e-9))  # the lower edge
    else:
        assert len(curve.x) == len(table)
        np.testing.assert_allclose(curve.x, np.sort(table[:, 0]), rtol=1e-12)
        np.testing.assert_allclose(curve(table[:, 0]), table[:, 1], rtol=1e-9)


@pytest.mark.parametrize("record_id", sorted(set(SOURCES) - {BABAR}))
def test_decay_searches_need_visible_n_decays(record_id: str) -> None:
    assert record(record_id).applies_to.requires == ("N_visible",)


def test_babar_tau_to_3pi_n_holds_whatever_n_decays_into() -> None:
    b = record(BABAR)
    assert b.applies_to.requires == () and b.arxiv == "2207.09575"


def visible_point():
    """The benchmark with a 5 GeV Z' (N -> nu Z' closed): its heavy states decay visibly."""
    r = evaluate(Parameters.benchmark().replace(m_zprime=5.0, g_psi=1.0))
    c = evaluate_constraints(r)
    k = [b.id for b in c.bounds].index("BEBC HNL U2_e (Cooper-Sarkar 1985 (BEBC WA66))")
    assert c.reason(k) != "needs visible N decays, but N -> nu Z', Z' -> nu nu dominate (REFERENCE F10)"
    return r


@pytest.mark.parametrize("record_id", sorted(SOURCES))
@pytest.mark.parametrize("factor", [0.8, 1.25])
def test_constructed_heavy_state_on_each_side_of_the_curve(record_id: str, factor: float) -> None:
    b = record(record_id)
    assert b.curve is not None
    k = len(b.curve.x) // 2
    mass, limit = float(b.curve.x[k]), float(b.curve.limit[k])
    r = with_states(visible_point(), [mass], **{b.observable: [factor * limit]})
    c = evaluate_constraints(r, bounds=(b,))
    assert bool(c.applicable[0]) and float(c.ratio[0]) == pytest.approx(factor, rel=1e-9)
    assert bool(c.allowed) is (factor < 1)


def test_decay_searches_are_void_when_n_decays_invisibly() -> None:
    """The benchmark's heavy states decay to nu Z', Z' -> nu nu: a state at a T2K mass with |U_e|^2
    100 times the limit is not excluded by T2K (but BaBar, on U2_tau, would still apply)."""
    b = record(T2K_E)
    assert b.curve is not None
    mass, limit = float(b.curve.x[10]), float(b.curve.limit[10])
    r = with_states(evaluate(Parameters.benchmark()), [mass], U2_e=[100 * limit])
    c = evaluate_constraints(r, bounds=(b, record(BABAR)))
    assert not c.applicable[0] and "visible N decays" in c.reason(0)
    assert bool(c.allowed)
