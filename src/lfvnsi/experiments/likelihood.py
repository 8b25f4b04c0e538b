"""GLoBES's chi^2: Poisson terms per bin, normalisation pulls, priors, and their minimisation.

For data N (simulated rates) and a test hypothesis T, per reconstructed bin of each rule's
energy window (``glb_likelihood``)

    chi^2_bin = 2 (T - N + N ln(N/T))   (N > 0),     2 |T|   (N = 0),

with T <= 0 at N > 0 counting 1e100. With systematics on, a rule whose function is
``chiMultiExp`` predicts T = sum_e coeff_e (1 + sum_{k in S_e} a_k) R_e over its signal and
background entries e, S_e the ``sys`` names of the entry: a nuisance parameter that several
rules name is one parameter (correlated). Each a_k adds (a_k/sigma_k)^2 once. ``chiNoSysSpectrum``
(and every rule with systematics off, in the DUNE files) predicts T = signal + background with no
nuisance; ``chiZero`` rules add nothing. Priors: ((x_p - x0_p)/sigma_p)^2 for each free
parameter p with sigma_p >= 1e-12 (GLoBES's built-in prior, ``glb_prior.c``); fixed parameters
have none.

Minimisation (``minimise``) is over the free parameters and every nuisance parameter at once, a
Levenberg-Marquardt iteration on the exact gradient and the Gauss-Newton Hessian of the Poisson
chi^2 (its nuisance-oscillation cross terms included, which are exact because T is linear in
a), the oscillation derivatives by forward differences of the rates. It converges to the local
minimum reached from the starting point, as GLoBES's ``glbChiNP`` does; the chi^2 returned is
evaluated exactly at the final point. Batched: every point of a batch iterates at once.

References: GLoBES 3.2 manual, "The chi^2 function" and "Systematics"; GLoBES source
``glb_sys.c`` (``glb_likelihood``, ``glbChiMultiExp``, ``glbChiNoSysSpectrum``),
``glb_minimize.c`` (pulls and priors of the hybrid minimiser), 3.2.17.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.exceptions import ParameterError
from lfvnsi.experiments.rates import PARAMETER_NAMES, RateEngine

__all__ = ["Chi2Model", "FitResult", "Priors", "minimise", "poisson_chi2"]

#: chi^2 of a bin predicted empty (or negative) where data are not (GLoBES's 1e100).
_EMPTY = 1e100
#: Forward-difference steps: this fraction of max(|x_p|, _FLOOR_p).
_RELATIVE_STEP = 1e-7
_FLOOR = np.array([1e-2, 1e-2, 1e-2, 1e-2, 1e-6, 1e-5, 1e-2])
_ANGLES = slice(0, 3)


def poisson_chi2(data: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Sum over the last axis of GLoBES's Poisson chi^2 terms (see the module docstring)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where((data > 0) & (fit > 0), data * np.log(data / np.where(fit > 0, fit, 1)),
                            0.0)
    terms = np.where(data > 0, np.where(fit > 0, fit - data + log_term, _EMPTY),
                     np.abs(fit - data))
    return 2.0 * np.sum(terms, axis=-1)


@dataclass(frozen=True)
class Priors:
    """Gaussian priors: central values x0 (7,) or (n, 7) and errors sigma (7,) (0: none)."""

    central: np.ndarray
    error: np.ndarray

    def __post_init__(self) -> None:
        if np.shape(self.error) != (len(PARAMETER_NAMES),):
            raise ParameterError("prior errors", np.shape(self.error),
                                 f"{len(PARAMETER_NAMES)} values ({', '.join(PARAMETER_NAMES)})")
        if np.any(~np.isfinite(self.error)) or np.any(np.asarray(self.error) < 0):
            raise ParameterError("prior errors", np.asarray(self.error).tolist(), ">= 0")

    @property
    def active(self) -> np.ndarray:
        """(7,) True where a prior applies (GLoBES: sigma >= 1e-12)."""
        return np.asarray(self.error) >= 1e-12


@dataclass(frozen=True)
class FitResult:
    """Minimum of a batch: chi2 (n,), x (n, 7), nuisance a (n, K) named ``nuisance``."""

    chi2: np.ndarray
    x: np.ndarray
    a: np.ndarray
    nuisance: tuple[str, ...]
    converged: np.ndarray
    iterations: np.ndarray


@dataclass(frozen=True, eq=False)
class Chi2Model:
    """How an experiment's rates become the test prediction of its chi^2 (systematics on/off)."""

    engine: RateEngine
    systematics: bool = True

    @cached_property
    def _structure(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
        e = self.engine.experiment
        n_rules, n_ch, n_b = len(e.rules), len(e.channels), e.bins.size
        mask = np.zeros((n_rules, n_b), dtype=bool)
        W0 = np.zeros((n_rules, n_ch))
        Wk = np.zeros((len(e.systematics), n_rules, n_ch))
        for r, rule in enumerate(e.rules):
            function = rule.chi2_on if self.systematics else rule.chi2_off
            if function == "chiZero":
                continue
            mask[r, rule.bins] = True
            for entry in (*rule.signal, *rule.background):
                W0[r, entry.channel] += entry.coefficient
                if function == "chiMultiExp":
                    for k in (entry.sys_on if self.systematics else entry.sys_off):
                        Wk[k, r, entry.channel] += entry.coefficient
        used = np.flatnonzero(np.any(Wk != 0, axis=(1, 2)))
        errors = np.array([e.systematics[k].error for k in used])
        names = tuple(e.systematics[k].name for k in used)
        return mask, W0, Wk[used], errors, names

    @property
    def nuisance(self) -> tuple[str, ...]:
        """Names of the nuisance parameters this chi^2 minimises over."""
        return self._structure[4]

    @property
    def nuisance_errors(self) -> np.ndarray:
        return self._structure[3]

    def components(self, x: np.ndarray, eps_matter: object = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(T0 (n, N), J (n, K, N)): the prediction at a = 0 and its derivative in each a_k,
        over the N bins the chi^2 uses (each rule's window, rules in order)."""
        mask, W0, Wk, _, _ = self._structure
        chan = self.engine.channel_rates(np.asarray(x).reshape(-1, len(PARAMETER_NAMES)),
                                         eps_matter)
        T0 = np.matmul(W0, chan)[:, mask]
        J = np.einsum("krc,ncb->nkrb", Wk, chan)[:, :, mask] if Wk.size else np.zeros(
            (chan.shape[0], 0, int(mask.sum())))
        return T0, J

    def data(self, x: np.ndarray, eps_matter: object = None) -> np.ndarray:
        """(n, N) simulated data: the rates (signal + background) at the true points."""
        return self.components(x, eps_matter)[0]

    def chi2(self, data: np.ndarray, x: np.ndarray, a: np.ndarray | None = None,
             eps_matter: object = None) -> np.ndarray:
        """(n,) Poisson chi^2 plus pulls at fixed x and nuisance a (default 0), no priors."""
        T0, J = self.components(x, eps_matter)
        a = np.zeros((T0.shape[0], J.shape[1])) if a is None else np.asarray(a, dtype=float)
        T = T0 + np.einsum("nk,nkb->nb", a, J)
        return poisson_chi2(np.asarray(data), T) + np.sum((a / self.nuisance_errors) ** 2, axis=-1)


def _weights(data: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dchi2/dT, Gauss-Newton d2chi2/dT2) per bin."""
    safe = np.where(T > 0, T, np.inf)
    w1 = np.where(data > 0, 2.0 * (1.0 - data / safe), 2.0 * np.sign(T))
    w2 = np.where(data > 0, 2.0 * data / safe**2, 0.0)
    return w1, w2


def minimise(model: Chi2Model, data: np.ndarray, start: np.ndarray, free: object,
             priors: Priors, eps_matter: object = None, tolerance: float = 1e-9,
             max_iterations: int = 200) -> FitResult:
    """Minimise the chi^2 of ``data`` over the free parameters and the nuisance parameters.

    Parameters
    ----------
    model : the experiment's chi^2 (``Chi2Model``).
    data : (n, N) simulated data (``Chi2Model.data``).
    start : (n, 7) or (7,) starting points; fixed parameters keep these values.
    free : (7,) booleans, which of ``PARAMETER_NAMES`` are minimised over.
    priors : Gaussian priors (on free parameters only).
    eps_matter : None, (3, 3) or (n, 3, 3) NSI of the test hypothesis (fixed).
    tolerance : stop when an accepted step lowers chi^2 by less than this (absolute, plus
        1e-12 relative).

    Returns
    -------
    FitResult with the minimum per point.
    """
    D = np.atleast_2d(np.asarray(data, dtype=float))
    n = D.shape[0]
    X = np.array(np.broadcast_to(np.asarray(start, dtype=float), (n, len(PARAMETER_NAMES))))
    F = np.flatnonzero(np.asarray(free, dtype=bool))
    central = np.broadcast_to(np.asarray(priors.central, dtype=float), X.shape)
    inv_var = np.where(priors.active, 1.0 / np.where(priors.active, priors.error, 1.0) ** 2, 0.0)
    eps = None if eps_matter is None else np.asarray(eps_matter, dtype=complex)
    eps_n = None if eps is None else np.broadcast_to(eps, (n, 3, 3))
    sigma_a = model.nuisance_errors
    K, p = sigma_a.size, F.size
    A = np.zeros((n, K))

    def prior(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        dx = (x - central[rows])[:, F]
        return np.sum(dx * dx * inv_var[F], axis=-1)

    def evaluate(x: np.ndarray, a: np.ndarray, rows: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        e = None if eps_n is None else eps_n[rows]
        T0, J = model.components(x, e)
        T = T0 + np.einsum("nk,nkb->nb", a, J)
        chi2 = poisson_chi2(D[rows], T) + np.sum((a / sigma_a) ** 2, axis=-1) + prior(x, rows)
        return chi2, T0, J

    rows_all = np.arange(n)
    chi2, T0, J = evaluate(X, A, rows_all)
    lam = np.full(n, 1e-3)
    converged = np.zeros(n, dtype=bool)
    iterations = np.zeros(n, dtype=np.int64)
    need_jacobian = np.ones(n, dtype=bool)
    dT_dx = np.zeros((n, p, D.shape[1]))
    dJ_dx = np.zeros((n, p, K, D.shape[1]))
    for _ in range(max_iterations):
        active = np.flatnonzero(~converged)
        if active.size == 0:
            break
        iterations[active] += 1
        fresh = active[need_jacobian[active]]
        if fresh.size and p:
            h = _RELATIVE_STEP * np.maximum(np.abs(X[fresh][:, F]), _FLOOR[F])
            Xs = np.repeat(X[fresh][:, None, :], p, axis=1)
            Xs[:, np.arange(p), F] += h
            e = None if eps_n is None else np.repeat(eps_n[fresh], p, axis=0)
            T0s, Js = model.components(Xs.reshape(-1, len(PARAMETER_NAMES)), e)
            T0s = T0s.reshape(fresh.size, p, -1)
            Js = Js.reshape(fresh.size, p, K, -1)
            base = T0[fresh] + np.einsum("nk,nkb->nb", A[fresh], J[fresh])
            shifted = T0s + np.einsum("nk,npkb->npb", A[fresh], Js)
            dT_dx[fresh] = (shifted - base[:, None, :]) / h[:, :, None]
            dJ_dx[fresh] = (Js - J[fresh][:, None]) / h[:, :, None, None]
        need_jacobian[active] = False
        a_act = A[active]
        T = T0[active] + np.einsum("nk,nkb->nb", a_act, J[active])
        w1, w2 = _weights(D[active], T)
        G = np.concatenate([dT_dx[active], J[active]], axis=1)  # (m, p + K, N)
        grad = np.einsum("mb,mjb->mj", w1, G)
        grad[:, :p] += 2.0 * (X[active][:, F] - central[active][:, F]) * inv_var[F]
        grad[:, p:] += 2.0 * a_act / sigma_a**2
        H = np.einsum("mib,mb,mjb->mij", G, w2, G)
        if p and K:
            cross = np.einsum("mb,mpkb->mpk", w1, dJ_dx[active])
            H[:, :p, p:] += cross
            H[:, p:, :p] += np.swapaxes(cross, 1, 2)
        diag = np.concatenate([np.broadcast_to(2.0 * inv_var[F], (active.size, p)),
                               np.broadcast_to(2.0 / sigma_a**2, (active.size, K))], axis=1)
        H[:, np.arange(p + K), np.arange(p + K)] += diag
        scale = np.maximum(np.abs(np.diagonal(H, axis1=1, axis2=2)), 1e-300)
        damped = H + lam[active][:, None, None] * (scale[:, :, None] * np.eye(p + K))
        try:
            step = -np.linalg.solve(damped, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = -grad / (scale * (1.0 + lam[active][:, None]))
        X_try = X[active].copy()
        X_try[:, F] += step[:, :p]
        X_try[:, _ANGLES] = np.clip(X_try[:, _ANGLES], 0.0, 0.5 * np.pi)
        X_try[:, 6] = np.maximum(X_try[:, 6], 1e-3)
        A_try = a_act + step[:, p:]
        chi2_try, T0_try, J_try = evaluate(X_try, A_try, active)
        better = np.isfinite(chi2_try) & (chi2_try <= chi2[active])
        gain = np.where(better, chi2[active] - chi2_try, 0.0)
        ok = active[better]
        X[ok], A[ok], chi2[ok] = X_try[better], A_try[better], chi2_try[better]
        T0[ok], J[ok] = T0_try[better], J_try[better]
        need_jacobian[ok] = True
        lam[ok] = np.maximum(lam[ok] / 3.0, 1e-12)
        bad = active[~better]
        lam[bad] *= 4.0
        small = better & (gain < tolerance + 1e-12 * chi2[active])
        converged[active[small]] = True
        converged[bad[lam[bad] > 1e8]] = True  # no descent left at the precision of the rates
    return FitResult(chi2=chi2, x=X, a=A, nuisance=model.nuisance, converged=converged,
                     iterations=iterations)
