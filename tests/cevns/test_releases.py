"""The three releases: SM predictions against the collaboration's, shapes, data integrity, fits."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from lfvnsi.cevns import flux
from lfvnsi.cevns.detectors import RELEASES, release
from lfvnsi.cevns.likelihood import likelihood
from lfvnsi.cevns.rates import predict


@pytest.mark.parametrize("name", RELEASES)
def test_sm_prediction_within_published_uncertainty(name: str) -> None:
    """CsI 2017: 173 +- 48; CsI 2021: 341 +- 43; LAr 2020: 128 +- 17 (releases.toml)."""
    rel = release(name)
    info = rel.info
    total = float(predict(rel).total)
    assert abs(total - info["published_sm_events"]) < info["published_sm_uncertainty"], total


@pytest.mark.parametrize(("name", "published", "uncertainty"),
                         [("csi2017", 134.0, 22.0), ("csi2021", 306.0, 20.0), ("lar2020", 159.0, 43.0)])
def test_fitted_cevns_events_match_published_fit(name: str, published: float, uncertainty: float) -> None:
    """The profiled likelihood's best-fit CEvNS count agrees with the collaboration's fit."""
    rel = release(name)
    sm = predict(rel).bins
    scales = np.linspace(0.0, 2.5, 251)
    chi2 = likelihood(rel).chi2(scales[:, None] * sm[None, :])
    fit = likelihood(rel).fit(scales[np.argmin(chi2)] * sm)
    fitted = float((1 + fit.nuisances[0]) * scales[np.argmin(chi2)] * sm.sum())
    assert abs(fitted - published) < uncertainty, fitted


def test_lar_prediction_matches_the_released_cevns_pdf(reference_data: Path) -> None:
    rel = release("lar2020")
    mine = predict(rel).bins.reshape(rel.bin_shape)
    theirs = np.loadtxt(reference_data / "coherent-lar-2020" / "cevnspdf.txt")[:, 3].reshape(12, 8, 10)
    e_mine, e_theirs = mine.sum(axis=(1, 2)), theirs.sum(axis=(1, 2))
    t_mine, t_theirs = mine.sum(axis=(0, 1)), theirs.sum(axis=(0, 1))
    big = e_theirs > 5
    assert np.all(np.abs(e_mine[big] / e_theirs[big] - 1) < 0.15)
    assert np.all(np.abs(t_mine / t_mine.sum() - t_theirs / t_theirs.sum()) < 0.02)


def test_csi2017_spectrum_matches_the_collaboration_prediction(reference_data: Path) -> None:
    """Shape of the SM PE spectrum vs the collaboration's histogram (digitised by bradkav/CEvNS)."""
    rel = release("csi2017")
    mine = predict(rel).bins.reshape(rel.bin_shape).sum(axis=1)
    theirs = np.loadtxt(reference_data / "bradkav-cevns-coherent2017" / "COHERENT_spectrum.txt")[:, 1]
    assert np.max(np.abs(mine / mine.sum() - theirs / theirs.sum())) < 0.01


def test_analytic_timing_reproduces_the_csi2017_arrival_pdfs(reference_data: Path) -> None:
    """The pulse x lifetime model used for CsI 2021 and LAr, with the prompt-neutron mean of the
    2017 release and a 150 ns pulse, reproduces the released neutrino arrival-time PDFs."""
    d = reference_data / "coherent-csi-2017"
    prompt = np.loadtxt(d / "arrivalTimePDF_promptNeutrinos.txt", delimiter=",")[:, 1]
    delayed = np.loadtxt(d / "arrivalTimePDF_delayedNeutrinos.txt", delimiter=",")[:, 1]
    neutrons = np.loadtxt(d / "arrivalTimePDF_promptNeutrons.txt", delimiter=",")
    mean = float(np.sum(neutrons[:, 0] * neutrons[:, 1])) - flux.lifetimes_us()[0]
    model = flux.time_bin_probabilities(np.arange(0.0, 12.01, 0.5), mean, 0.15)
    assert np.max(np.abs(model[0] - prompt)) < 0.06
    assert np.max(np.abs(model[1] - delayed)) < 0.02


def _upstream_checksums() -> dict[str, str]:
    """``release/file`` -> SHA-256 of the upstream file, as data/cevns/README.md records them."""
    readme = resources.files("lfvnsi.data").joinpath("cevns/README.md").read_text("utf-8")
    return {m[2]: m[1] for m in re.finditer(r"^ +([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)}


@pytest.mark.parametrize("name", RELEASES)
def test_packaged_release_files_are_the_upstream_copies(name: str) -> None:
    folder = resources.files("lfvnsi.data").joinpath(f"cevns/{name}")
    files = sorted(f.name for f in folder.iterdir() if f.name.endswith(".txt"))
    recorded = {k.split("/")[1]: v for k, v in _upstream_checksums().items() if k.startswith(f"{name}/")}
    assert files and files == sorted(recorded)
    for f in files:
        assert hashlib.sha256(folder.joinpath(f).read_bytes()).hexdigest() == recorded[f], f


def test_observed_counts_match_the_sources_cross_checks() -> None:
    """SOURCES.md: CsI 2017 C - AC for PE <= 30, t <= 6 us is 557 - 419; CsI 2021 1578 - 1295."""
    r17 = release("csi2017")
    on = r17.observed.reshape(r17.bin_shape)[:15, :12].sum()
    off = r17.off.reshape(r17.bin_shape)[:15, :12].sum()  # type: ignore[union-attr]
    assert (on, off) == (557, 419)
    r21 = release("csi2021")
    assert (r21.observed.sum(), r21.off.sum()) == (1578, 1295)  # type: ignore[union-attr]
    assert release("lar2020").observed.sum() == 3752


def test_backgrounds_have_their_published_normalisations() -> None:
    lar = {b.name: b.counts.sum() for b in release("lar2020").backgrounds}
    assert lar["prompt_brn"] == pytest.approx(497, abs=0.5) and lar["delayed_brn"] == pytest.approx(33, abs=0.5)
    csi = {b.name: b.counts.sum() for b in release("csi2021").backgrounds}
    assert csi == pytest.approx({"brn": 18.4, "nin": 5.6})
    neutrons = release("csi2017").backgrounds[0].counts.sum()
    assert 4 < neutrons < 10  # the 2017 paper's ~6 beam-on background events in its ROI
