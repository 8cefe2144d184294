"""Exact optimum of glmnet's binomial elastic-net objective, in double, written independently of the
R script's polish (used by make_sklearn_reference.py and check_exact.py):

    J(w, b) = (1/S) sum_i s_i [softplus(z_i) - y_i z_i] + lam * sum_j p_j ((1-alpha)/2 w_j^2 + alpha |w_j|),
    z = X w + b, S = sum_i s_i.

solve(...) starts from scipy's L-BFGS-B on the split form w = u - v (u, v >= 0), which finds the
active set on its own, then runs an active-set Newton method: Newton steps on (b, w_A) with the signs
of w_A fixed and a backtracking line search on J, a coefficient that would change sign is stopped at
0 and dropped, and after convergence the feature violating its KKT condition the most is added;
repeat until no KKT condition fails. kkt_residual(...) is the measure of optimality reported.
"""

import numpy as np
from scipy.optimize import minimize


def softplus(z):
    return np.logaddexp(0.0, z)


def sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def objective(X, y, s, lam, alpha, p, w, b):
    z = X @ w + b
    return (np.dot(s, softplus(z) - y * z) / s.sum()
            + lam * np.dot(p, 0.5 * (1.0 - alpha) * w * w + alpha * np.abs(w)))


def smooth_grad(X, y, s, w, b):
    z = X @ w + b
    r = s * (sigmoid(z) - y) / s.sum()
    return X.T @ r, r.sum(), z


def kkt_residual(X, y, s, lam, alpha, p, w, b, intercept):
    gw, gb, _ = smooth_grad(X, y, s, w, b)
    gw = gw + lam * p * (1.0 - alpha) * w
    res = np.where(w != 0, np.abs(gw + lam * alpha * p * np.sign(w)),
                   np.maximum(0.0, np.abs(gw) - lam * alpha * p))
    out = res.max() if res.size else 0.0
    return max(out, abs(gb)) if intercept else out


def _lbfgsb_start(X, y, s, lam, alpha, p, intercept):
    n, d = X.shape
    S = s.sum()

    def f(theta):
        b = theta[0] if intercept else 0.0
        u, v = theta[1:1 + d], theta[1 + d:]
        w = u - v
        z = X @ w + b
        r = s * (sigmoid(z) - y) / S
        g = X.T @ r
        val = (np.dot(s, softplus(z) - y * z) / S
               + lam * np.dot(p, 0.5 * (1.0 - alpha) * w * w + alpha * (u + v)))
        gr = lam * p * (1.0 - alpha) * w
        grad = np.concatenate([[r.sum() if intercept else 0.0], g + gr + lam * alpha * p,
                               -g - gr + lam * alpha * p])
        return val, grad

    bounds = [(None, None) if intercept else (0.0, 0.0)] + [(0.0, None)] * (2 * d)
    res = minimize(f, np.zeros(1 + 2 * d), jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-16, "gtol": 1e-13,
                            "maxcor": 30})
    w = res.x[1:1 + d] - res.x[1 + d:]
    return w, (res.x[0] if intercept else 0.0)


def solve(X, y, s, lam, alpha, p, intercept, w0=None, b0=None):
    """Exact optimum (w, b); starts from L-BFGS-B unless w0 is given."""
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    S = s.sum()
    if w0 is None:
        w0, b0 = _lbfgsb_start(X, y, s, lam, alpha, p, intercept)
        scale = max(1e-300, np.abs(w0).max(initial=0.0))
        w0 = np.where(np.abs(w0) > 1e-7 * scale, w0, 0.0)
    w = np.array(w0, dtype=float)
    b = float(b0) if intercept else 0.0
    sg = np.sign(w)
    act = sorted(set(np.flatnonzero(w != 0)) | set(np.flatnonzero(p == 0)))
    for j in act:
        if sg[j] == 0:
            sg[j] = 0.0  # unpenalised (p = 0) features carry no sign
    for _outer in range(10 * d + 10):
        for _it in range(200):
            A = np.array(act, dtype=int)
            if A.size == 0 and not intercept:
                break
            gw, gb, z = smooth_grad(X, y, s, w, b)
            q = sigmoid(z)
            v = s * q * (1.0 - q) / S
            cols = [np.ones(n)] if intercept else []
            XA = np.column_stack(cols + [X[:, A]]) if (cols or A.size) else np.zeros((n, 0))
            H = XA.T @ (XA * v[:, None])
            ridge = lam * p[A] * (1.0 - alpha)
            H[np.diag_indices_from(H)] += np.concatenate([[0.0] if intercept else [], ridge])
            G = np.concatenate([[gb] if intercept else [],
                                gw[A] + lam * p[A] * ((1.0 - alpha) * w[A] + alpha * sg[A])])
            try:
                step = -np.linalg.solve(H, G)
            except np.linalg.LinAlgError:
                step = -np.linalg.lstsq(H, G, rcond=None)[0]
            db = step[0] if intercept else 0.0
            dw = step[1:] if intercept else step
            # stop at the first sign change of a penalised coefficient
            wn = w[A] + dw
            pen = p[A] > 0
            crossing = pen & (np.sign(wn) != sg[A])
            tmax = 1.0
            jdrop = None
            if crossing.any():
                t = np.full(A.size, np.inf)
                t[crossing] = w[A][crossing] / (w[A][crossing] - wn[crossing])
                jdrop = int(np.argmin(t))
                tmax = t[jdrop]
            # backtracking on the smooth-on-this-orthant objective (only when the step is big)
            f0 = objective(X, y, s, lam, alpha, p, w, b)
            t = tmax
            if np.abs(step).max() > 1e-6 * max(1.0, np.abs(w).max(initial=0.0)):
                while t > 1e-12:
                    wt = w.copy()
                    wt[A] = w[A] + t * dw
                    if objective(X, y, s, lam, alpha, p, wt, b + t * db) <= f0 + 1e-16 * abs(f0):
                        break
                    t *= 0.5
            w[A] = w[A] + t * dw
            b = b + t * db
            if jdrop is not None and t == tmax:
                j = A[jdrop]
                w[j] = 0.0
                sg[j] = 0.0
                act.remove(j)
                continue
            if np.abs(t * step).max(initial=0.0) <= 8 * np.finfo(float).eps * max(
                    1.0, np.abs(w).max(initial=0.0), abs(b)):
                break
        gw, gb, _ = smooth_grad(X, y, s, w, b)
        gw = gw + lam * p * (1.0 - alpha) * w
        viol = np.flatnonzero((w == 0) & (p > 0) & (np.abs(gw) > lam * alpha * p * (1 + 1e-12)))
        if viol.size == 0:
            break
        j = int(viol[np.argmax(np.abs(gw[viol]) - lam * alpha * p[viol])])
        act = sorted(set(act) | {j})
        sg[j] = -np.sign(gw[j])
    return w, b
