"""MCMC over a scan spec's axes: emcee's affine-invariant ensemble sampler on the bounds' likelihood.

The spec of ``lfvnsi scan`` (``lfvnsi.scan.spec``) doubles as the fit's model: its axes are the
fitted parameters, its ``[parameters]`` the fixed ones, its ``bounds`` the bound set of the
likelihood (``lfvnsi.scan.likelihood``) and its ``outputs`` the observables stored with every
sample. An optional ``[fit]`` table sets the sampler (command-line options win)::

    [fit]
    walkers = 32          # emcee walkers (>= 2 x number of axes)
    steps = 1000          # steps per walker
    burn = 200            # first steps dropped from the summary and the corner plot
    seed = 1              # initial positions and emcee's random state
    mode = "gaussian"     # likelihood: "gaussian" | "step"
    out = "chain.parquet" # optional: the chain
    corner = "corner.png" # optional: corner plot (.png or .pdf)

Priors are flat in each axis' scale inside its range: uniform for ``scale = "linear"``,
log-uniform (uniform in log10 x) for ``scale = "log"``; the walkers move in those coordinates.
The posterior is the likelihood times the prior, so the chain's log-probability equals the
log-likelihood (-chi2/2) inside the ranges.

The walkers proposed in one emcee step are evaluated as one batch of the vectorised pipeline
(emcee's stretch move proposes half the ensemble at a time, so a step is two batches), with
``evaluate(..., invalid="flag")``: a point the inverse seesaw cannot handle (mu terms not far
below the heavy masses, a ``HierarchyError`` otherwise) comes back flagged and gets
log-likelihood -inf. A batch the pipeline still refuses as a whole (any other ``LfvnsiError``) is
evaluated again point by point, and the points that fail get -inf too: such a proposal is
rejected and the fit goes on. Initial positions are drawn from the prior
until every walker has a finite likelihood (in step mode: lies in the allowed region).

Needs the ``fit`` extra (emcee, corner, matplotlib) and pyarrow for the chain.

References: D. Foreman-Mackey, D. W. Hogg, D. Lang, J. Goodman, PASP 125 (2013) 306
(emcee); J. Goodman, J. Weare, Comm. App. Math. Comp. Sci. 5 (2010) 65 (the stretch move);
DESIGN.md (``lfvnsi.scan``: likelihood and MCMC).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.constraints import Bound, evaluate_constraints, select
from lfvnsi.exceptions import ConfigError, LfvnsiError, MissingExtraError
from lfvnsi.model.parameters import Parameters
from lfvnsi.pipeline import evaluate
from lfvnsi.scan.likelihood import MODES, chi2
from lfvnsi.scan.results import require_pyarrow
from lfvnsi.scan.spec import Axis, ScanSpec

__all__ = ["FIT_OPTIONS", "INIT_ROUNDS", "FitOptions", "FitResult", "Posterior", "fit_options",
           "format_summary", "require_emcee", "run_fit", "write_chain"]

#: Keys a [fit] table may hold.
FIT_OPTIONS = ("walkers", "steps", "burn", "seed", "mode", "out", "corner")
#: Rounds of redrawing the walkers without a finite likelihood before giving up.
INIT_ROUNDS = 100


def require_emcee() -> Any:
    """The emcee module, or a one-line error naming the extra to install."""
    try:
        import emcee
    except ImportError:
        raise MissingExtraError("emcee", "fit", "lfvnsi fit") from None
    return emcee


def _option(name: str, value: Any, message: str) -> ConfigError:
    return ConfigError(f"option {name!r} = {value!r}: {message}")


@dataclass(frozen=True)
class FitOptions:
    """Sampler settings (see the module docstring); ``out`` and ``corner`` are file names."""

    walkers: int = 32
    steps: int = 1000
    burn: int = 200
    seed: int = 0
    mode: str = "gaussian"
    out: str | None = None
    corner: str | None = None

    def check(self, n_axes: int) -> FitOptions:
        """Validate against the number of fitted parameters; returns self."""
        for name, low in (("walkers", 2 * n_axes), ("steps", 1), ("burn", 0), ("seed", 0)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                why = f" (2 x the {n_axes} fitted parameters)" if name == "walkers" else ""
                raise _option(name, value, f"must be an integer >= {low}{why}")
        if self.burn >= self.steps:
            raise _option("burn", self.burn, f"must be less than steps = {self.steps}")
        if self.mode not in MODES:
            raise _option("mode", self.mode, f"must be one of {', '.join(MODES)}")
        if self.out is not None and not str(self.out).lower().endswith(".parquet"):
            raise _option("out", self.out, "the file name must end in .parquet")
        if self.corner is not None and Path(str(self.corner)).suffix.lower() not in (".png", ".pdf"):
            raise _option("corner", self.corner, "the file name must end in .png or .pdf")
        return self


def fit_options(table: Mapping[str, Any], overrides: Mapping[str, Any], n_axes: int,
                default_seed: int = 0) -> FitOptions:
    """Options from a ``[fit]`` table, overridden by the non-None entries of ``overrides``."""
    unknown = sorted(set(table) - set(FIT_OPTIONS))
    if unknown:
        raise ConfigError(f"[fit]: unknown key(s) {', '.join(unknown)} "
                          f"(allowed: {', '.join(FIT_OPTIONS)})")
    values: dict[str, Any] = {"seed": default_seed, **table}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return FitOptions(**values).check(n_axes)


def _bounds(axis: Axis) -> tuple[float, float]:
    """The prior range of an axis in the sampled coordinate (log10 for a log axis)."""
    if axis.scale == "log":
        return float(np.log10(axis.low)), float(np.log10(axis.high))
    return axis.low, axis.high


class Posterior:
    """Log-posterior of a spec for emcee (``vectorize=True``): rows of walkers in, rows out.

    Calling it on theta (n, n_axes), the walkers in sampled coordinates, returns (n, 3 + k):
    column 0 the log-probability (= log-likelihood inside the priors, -inf outside or where the
    point cannot be evaluated), then emcee's blobs: ``allowed`` (1/0), ``max_ratio``, and the k
    kept observables of ``spec.outputs`` (NaN where not evaluated).
    """

    def __init__(self, spec: ScanSpec, mode: str = "gaussian",
                 bounds: tuple[Bound, ...] | None = None) -> None:
        if mode not in MODES:
            raise _option("mode", mode, f"must be one of {', '.join(MODES)}")
        self.spec = spec
        self.mode = mode
        self.base = spec.base_parameters()
        self.bounds = select(spec.bounds) if bounds is None else bounds
        self.names = tuple(a.name for a in spec.axes)
        self.outputs = spec.outputs
        edges = np.array([_bounds(a) for a in spec.axes])
        self.low, self.high = edges[:, 0], edges[:, 1]
        self.log_axis = np.array([a.scale == "log" for a in spec.axes])

    @property
    def width(self) -> int:
        """Columns returned per walker: log-probability, allowed, max_ratio, outputs."""
        return 3 + len(self.outputs)

    def physical(self, theta: np.ndarray) -> np.ndarray:
        """Sampled coordinates (..., n_axes) -> parameter values (GeV for masses)."""
        return np.where(self.log_axis, 10.0 ** np.where(self.log_axis, theta, 0.0), theta)

    def inside(self, theta: np.ndarray) -> np.ndarray:
        """(n,) True where every coordinate lies inside its prior range."""
        return np.all((theta >= self.low) & (theta <= self.high), axis=-1)

    def _evaluate(self, x: np.ndarray) -> np.ndarray:
        """(n, width) for parameter rows x (n, n_axes) that the pipeline accepts as a batch."""
        params: Parameters = self.base.replace(**{n: x[:, i] for i, n in enumerate(self.names)})
        results = evaluate(params, invalid="flag")
        constraints = evaluate_constraints(results, bounds=self.bounds)
        out = np.empty((len(x), self.width))
        out[:, 0] = 0.0 - 0.5 * chi2(constraints, self.mode)  # 0.0 - : no -0.0
        out[:, 1] = constraints.allowed
        out[:, 2] = constraints.max_ratio()
        for j, name in enumerate(self.outputs):
            out[:, 3 + j] = np.real(results.observables[name])
        out[~np.asarray(results.valid, dtype=bool), 1:] = np.nan  # chi2 is inf there
        return out

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        out = np.full((len(theta), self.width), np.nan)
        out[:, 0] = -np.inf
        inside = self.inside(theta)
        if not np.any(inside):
            return out
        x = self.physical(theta[inside])
        try:
            rows = self._evaluate(x)
        except LfvnsiError:  # the batch holds a point the pipeline refuses: one at a time
            rows = np.full((len(x), self.width), np.nan)
            rows[:, 0] = -np.inf
            for i in range(len(x)):
                try:
                    rows[i] = self._evaluate(x[i:i + 1])[0]
                except LfvnsiError:
                    pass
        rows[np.isnan(rows[:, 0]), 0] = -np.inf
        out[inside] = rows
        return out


@dataclass(frozen=True)
class FitResult:
    """A finished fit.

    Attributes
    ----------
    spec, options : what was run.
    names : fitted parameters (the spec's axes, in order).
    scales : "linear" or "log" per parameter (the prior and the corner plot's coordinate).
    chain : (steps, walkers, n_axes) parameter values (GeV for masses).
    log_likelihood : (steps, walkers) -chi2/2 of each sample.
    allowed : (steps, walkers) bool, every applicable bound passes.
    max_ratio : (steps, walkers) largest applicable ratio.
    outputs : name -> (steps, walkers) kept observables.
    acceptance_fraction : (walkers,) emcee's acceptance fraction of each walker.
    autocorr_steps : (n_axes,) integrated autocorrelation time per parameter, in steps (emcee's
        estimate; NaN when it cannot be estimated). A chain should be ~50 times longer.
    """

    spec: ScanSpec
    options: FitOptions
    names: tuple[str, ...]
    scales: tuple[str, ...]
    chain: np.ndarray
    log_likelihood: np.ndarray
    allowed: np.ndarray
    max_ratio: np.ndarray
    outputs: dict[str, np.ndarray]
    acceptance_fraction: np.ndarray
    autocorr_steps: np.ndarray

    def samples(self) -> np.ndarray:
        """(n, n_axes) the samples after burn-in, all walkers flattened (step-major)."""
        return self.chain[self.options.burn:].reshape(-1, len(self.names))

    def summary(self) -> dict[str, Any]:
        """Acceptance, per-parameter median and 68% interval after burn-in, the best sample."""
        post = self.samples()
        q16, q50, q84 = np.quantile(post, [0.16, 0.5, 0.84], axis=0)
        flat_chain = self.chain.reshape(-1, len(self.names))
        best = int(np.argmax(self.log_likelihood.reshape(-1)))
        return {
            "name": self.spec.name,
            "mode": self.options.mode,
            "bounds": self.spec.bounds,
            "walkers": self.options.walkers,
            "steps": self.options.steps,
            "burn": self.options.burn,
            "seed": self.options.seed,
            "n_samples": len(post),
            "acceptance_fraction": float(np.mean(self.acceptance_fraction)),
            "fraction_allowed": float(np.mean(self.allowed[self.options.burn:])),
            "parameters": {
                name: {"scale": self.scales[i], "median": float(q50[i]), "low_68": float(q16[i]),
                       "high_68": float(q84[i]),
                       "autocorr_steps": (float(self.autocorr_steps[i])
                                          if np.isfinite(self.autocorr_steps[i]) else None)}
                for i, name in enumerate(self.names)},
            "best": {"log_likelihood": float(self.log_likelihood.reshape(-1)[best]),
                     **{name: float(flat_chain[best, i]) for i, name in enumerate(self.names)}},
        }


def _initial(posterior: Posterior, walkers: int, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray]:
    """Walker positions drawn from the prior with finite log-probability, and their rows."""
    n = len(posterior.names)
    theta = np.empty((walkers, n))
    rows = np.empty((walkers, posterior.width))
    todo = np.arange(walkers)
    for _ in range(INIT_ROUNDS):
        trial = posterior.low + (posterior.high - posterior.low) * rng.random((len(todo), n))
        got = posterior(trial)
        ok = np.isfinite(got[:, 0])
        theta[todo[ok]], rows[todo[ok]] = trial[ok], got[ok]
        todo = todo[~ok]
        if not len(todo):
            return theta, rows
    hint = " (step mode: no allowed point drawn)" if posterior.mode == "step" else ""
    raise LfvnsiError(f"fit: {len(todo)} of {walkers} walkers found no point with a finite "
                      f"likelihood in {INIT_ROUNDS} draws from the prior ranges{hint}; widen the "
                      f"ranges or change the fixed parameters")


def _autocorr(sampler: Any, n_axes: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        try:
            tau = np.asarray(sampler.get_autocorr_time(tol=0), dtype=float)
        except Exception:  # noqa: BLE001 - a diagnostic only: never fail a finished fit on it
            tau = np.full(n_axes, np.nan)
    return np.where(np.isfinite(tau), tau, np.nan)


def run_fit(spec: ScanSpec, options: FitOptions | None = None,
            progress: Callable[[int], None] | None = None) -> FitResult:
    """Sample the likelihood of ``spec`` with emcee.

    Parameters
    ----------
    spec : the fitted axes (with their prior ranges and scales), the fixed parameters, the bound
        set and the observables to keep.
    options : walkers, steps, burn-in, seed and likelihood mode (``FitOptions``).
    progress : called with the number of steps done after each step.

    Returns
    -------
    FitResult; reproducible: the same spec and options give the same chain.

    References: module docstring (emcee, the stretch move, the priors).
    """
    emcee = require_emcee()
    options = (options or FitOptions(seed=spec.seed)).check(len(spec.axes))
    posterior = Posterior(spec, options.mode)
    rng = np.random.default_rng(options.seed)
    theta0, rows0 = _initial(posterior, options.walkers, rng)
    sampler = emcee.EnsembleSampler(options.walkers, len(spec.axes), posterior, vectorize=True)
    random_state = np.random.RandomState(options.seed).get_state()
    state = emcee.State(theta0, log_prob=rows0[:, 0], blobs=rows0[:, 1:],
                        random_state=random_state)
    for k, _ in enumerate(sampler.sample(state, iterations=options.steps), start=1):
        if progress is not None:
            progress(k)
    blobs = np.asarray(sampler.get_blobs(), dtype=float)  # (steps, walkers, 2 + k)
    theta = sampler.get_chain()
    return FitResult(
        spec=spec, options=options, names=posterior.names,
        scales=tuple(a.scale for a in spec.axes),
        chain=posterior.physical(theta),
        log_likelihood=sampler.get_log_prob(),
        allowed=blobs[..., 0] > 0.5,
        max_ratio=blobs[..., 1],
        outputs={name: blobs[..., 2 + j] for j, name in enumerate(posterior.outputs)},
        acceptance_fraction=np.asarray(sampler.acceptance_fraction, dtype=float),
        autocorr_steps=_autocorr(sampler, len(spec.axes)),
    )


def write_chain(result: FitResult, path: str | Path) -> Path:
    """The chain as one Parquet file: one row per (step, walker).

    Columns: ``walker``, ``step`` (int32), ``burn_in`` (step < burn), one float64 column per
    fitted parameter, ``log_likelihood``, ``allowed``, ``max_ratio`` and the kept observables.
    The schema metadata ``lfvnsi.fit`` holds the spec, the options and the summary as JSON.
    """
    pq = require_pyarrow()
    import pyarrow as pa

    from lfvnsi import __version__

    path = Path(path)
    steps, walkers = result.log_likelihood.shape
    step, walker = np.meshgrid(np.arange(steps, dtype=np.int32), np.arange(walkers, dtype=np.int32),
                               indexing="ij")
    columns: dict[str, Any] = {"walker": walker.ravel(), "step": step.ravel(),
                               "burn_in": step.ravel() < result.options.burn}
    for i, name in enumerate(result.names):
        columns[name] = result.chain[..., i].ravel()
    columns["log_likelihood"] = result.log_likelihood.ravel()
    columns["allowed"] = result.allowed.ravel()
    columns["max_ratio"] = result.max_ratio.ravel()
    for name, values in result.outputs.items():
        columns.setdefault(name, values.ravel())
    meta = {"spec": result.spec.to_json(), "fingerprint": result.spec.fingerprint(),
            "options": asdict(result.options), "summary": result.summary(),
            "lfvnsi": __version__}
    table = pa.table(columns).replace_schema_metadata(
        {b"lfvnsi.fit": json.dumps(meta, default=str).encode()})
    try:
        pq.write_table(table, path)
    except OSError as exc:
        raise ConfigError(f"cannot write the chain to {str(path)!r}: {exc}") from None
    return path


def format_summary(summary: dict[str, Any], written: list[Path] | None = None) -> str:
    """The summary of ``FitResult.summary`` as a few readable lines (units: GeV for masses)."""
    lines = [(f"lfvnsi fit  {summary['name']}: {summary['walkers']} walkers x {summary['steps']} "
              f"steps, burn-in {summary['burn']}, seed {summary['seed']}, {summary['mode']} "
              f"likelihood, bounds {summary['bounds']}"),
             (f"acceptance fraction {summary['acceptance_fraction']:.3f}; "
              f"{summary['n_samples']} samples after burn-in, "
              f"{summary['fraction_allowed']:.1%} of them allowed"),
             f"{'parameter':12} {'median':>11} {'68% interval':>25} {'autocorr':>9}"]
    for name, p in summary["parameters"].items():
        tau = "-" if p["autocorr_steps"] is None else f"{p['autocorr_steps']:.1f}"
        lines.append(f"{name:12} {p['median']:11.4g} [{p['low_68']:11.4g}, {p['high_68']:11.4g}] "
                     f"{tau:>9}")
    best = summary["best"]
    lines.append("best sample: log L = {:.4g}, ".format(best["log_likelihood"])
                 + ", ".join(f"{k} = {v:.4g}" for k, v in best.items() if k != "log_likelihood"))
    for path in written or []:
        lines.append(f"wrote {path}")
    return "\n".join(lines)
