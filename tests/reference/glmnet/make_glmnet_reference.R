#!/usr/bin/Rscript
# Reference L1 / elastic-net logistic-regression paths and cross-validation from R's glmnet,
# for the C++ tests of logistic-neuron.  Run from the repository root, after make_data.py:
#
#     /usr/bin/Rscript tests/reference/glmnet/make_glmnet_reference.R
#
# (Debian's R with r-cran-glmnet 4.1-6; about two minutes on one core.)  It reads the data sets
# written by make_data.py and writes, next to itself:
#
#   glmnet_<case>.txt          one file per path case (see CASES below): glmnet's path
#   exact_<case>.txt           the exact optimum of the same objective at every lambda of that path
#   glmnet_cv_<case>.txt       cv.glmnet results (deviance, class, auc) for dense_l1 and sparse_l1
#   foldid_dense_logistic.txt, foldid_sparse_text.txt   the fold ids used (one per line, 1..10)
#   glmnet_sklearn_lambdas.txt glmnet (and the exact optimum) on dense_logistic, alpha = 1, at the
#                              three lambdas make_sklearn_reference.py uses
#   glmnet_accuracy.txt        how far glmnet is from the exact optimum, by thresh, and the checks of
#                              lambda_max, nulldev, dev.ratio and the cv formulas
#
# The objective is glmnet's for family = "binomial":
#   J(w, b) = (1/S) sum_i s_i [softplus(z_i) - y_i z_i]
#             + lambda * sum_j p_j ((1 - alpha)/2 w_j^2 + alpha |w_j|),   z_i = x_i . w + b,
# S = sum_i s_i, p = penalty.factor * d / sum(penalty.factor) (glmnet's rescaling).
#
# glmnet is called with family = "binomial", standardize = FALSE, type.logistic = "Newton" (the
# exact Hessian, glmnet's kopt = 0), thresh = THRESH, maxit = MAXIT, nlambda = 100 and the default
# lambda.min.ratio (1e-4 when n >= d, else 1e-2); every other glmnet.control() parameter is at its
# factory default (fdev = 1e-5, devmax = 0.999, mnlam = 5, pmin = 1e-9, eps = 1e-6, big = 9.9e35).
#
# "Exact optimum": glmnet's solution polished by an active-set Newton method on J itself, in
# double: Newton on (b, w_A) with the signs of w_A fixed, A = the non-zero coefficients (plus the
# unpenalised ones), until the step is at rounding level; then a feature whose KKT condition
# fails is added (or one that changes sign is dropped) and Newton repeats.  Its KKT residual
# (max over j of |dJ/dw_j| for w_j != 0, max(0, |grad_j| - lambda alpha p_j) for w_j = 0, and
# |dJ/db|) is written for every lambda; it is 1e-16 .. 3e-15.  It differs from glmnet's answer
# mostly where glmnet's pmin rule is active: glmnet sets the fitted probability to exactly 0 or 1
# when |z_i| > log(1/pmin - 1) = 20.72, so for nearly separable data (breast_cancer at small
# lambda) glmnet minimises a slightly different function (see glmnet_accuracy.txt).
#
# Number formats: every real number is written with sprintf("%.17g") (reads back to the same
# double); integers as integers.  Read the data files back here and check that every number
# re-prints to the same 17 digits (R's parser is exact on these files).

suppressMessages(library(glmnet))
suppressMessages(library(Matrix))

THRESH <- 1e-30
MAXIT <- 1e7
NLAMBDA <- 100
SKLEARN_LAMBDAS <- c(0.1, 0.02, 0.004)
THRESH_SWEEP <- c(1e-14, 1e-20, 1e-24, 1e-27, 1e-30)
NFOLDS <- 10

script_dir <- function() {
  a <- commandArgs(FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 1) return(dirname(normalizePath(f)))
  "tests/reference/glmnet"
}
HERE <- script_dir()
path <- function(name) file.path(HERE, name)

g17 <- function(v) {
  v <- as.numeric(v)
  s <- sprintf("%.17g", v)
  s[v == 0] <- "0"   # exact zeros (also -0) as 0
  s
}
line <- function(con, key, v) writeLines(paste(c(key, g17(v)), collapse = " "), con)
iline <- function(con, key, v) writeLines(paste(c(key, sprintf("%d", as.integer(v))), collapse = " "), con)
sline <- function(con, key, v) writeLines(paste(c(key, v), collapse = " "), con)

versions <- c(
  sprintf("R %s", paste(R.version$major, R.version$minor, sep = ".")),
  sprintf("R_string %s", R.version.string),
  sprintf("glmnet %s", as.character(packageVersion("glmnet"))),
  sprintf("Matrix %s", as.character(packageVersion("Matrix"))),
  sprintf("survival %s", as.character(packageVersion("survival"))))

# ---------------------------------------------------------------------------------------------
# data
read_csv_exact <- function(name) {
  txt <- readLines(path(name))
  D <- as.matrix(read.csv(path(name)))
  tok <- unlist(strsplit(txt[-1], ","))
  stopifnot(all(g17(as.vector(t(D))) == ifelse(tok == "-0", "0", tok)))
  list(X = unname(D[, -ncol(D)]), y = as.numeric(D[, ncol(D)]), names = colnames(D))
}
read_svm_exact <- function(name, d) {
  L <- readLines(path(name))
  ii <- list(); jj <- list(); vv <- list(); y <- numeric(length(L))
  for (r in seq_along(L)) {
    tok <- strsplit(L[r], " ")[[1]]
    y[r] <- as.numeric(tok[1])
    kv <- strsplit(tok[-1], ":")
    ii[[r]] <- rep(r, length(kv))
    jj[[r]] <- as.integer(vapply(kv, `[`, "", 1))
    vt <- vapply(kv, `[`, "", 2)
    vv[[r]] <- as.numeric(vt)
    stopifnot(all(g17(vv[[r]]) == vt), all(diff(jj[[r]]) > 0))
  }
  X <- sparseMatrix(i = unlist(ii), j = unlist(jj), x = unlist(vv), dims = c(length(L), d))
  list(X = X, y = y)
}
dense <- read_csv_exact("dense_logistic.csv")
bc <- read_csv_exact("breast_cancer_std.csv")
sp <- read_svm_exact("sparse_text.svm", 1000)
stopifnot(is(sp$X, "dgCMatrix"))

pf_dense <- rep(1, 20); pf_dense[c(1, 5)] <- 0; pf_dense[c(3, 10, 17)] <- 2
w_dense <- 1 + ((seq_len(300) - 1) %% 3)    # s_i = 1 + (i mod 3), i = 0-based row index

CASES <- list(
  list(name = "dense_l1", data = "dense_logistic.csv", D = dense, alpha = 1, intercept = TRUE,
       weights = NULL, pf = NULL, what = "dense_logistic, lasso, intercept"),
  list(name = "dense_en_pf_w", data = "dense_logistic.csv", D = dense, alpha = 0.5, intercept = TRUE,
       weights = w_dense, pf = pf_dense,
       what = "dense_logistic, alpha 0.5, intercept, penalty.factor 0 on x1 x5 and 2 on x3 x10 x17, weights 1 + (i mod 3)"),
  list(name = "dense_l1_noint", data = "dense_logistic.csv", D = dense, alpha = 1, intercept = FALSE,
       weights = NULL, pf = NULL, what = "dense_logistic, lasso, no intercept (b = 0)"),
  list(name = "breast_cancer_l1", data = "breast_cancer_std.csv", D = bc, alpha = 1, intercept = TRUE,
       weights = NULL, pf = NULL, what = "breast_cancer_std, lasso, intercept"),
  list(name = "breast_cancer_en02", data = "breast_cancer_std.csv", D = bc, alpha = 0.2, intercept = TRUE,
       weights = NULL, pf = NULL, what = "breast_cancer_std, alpha 0.2, intercept"),
  list(name = "sparse_l1", data = "sparse_text.svm", D = sp, alpha = 1, intercept = TRUE,
       weights = NULL, pf = NULL, what = "sparse_text (dgCMatrix), lasso, intercept"),
  list(name = "sparse_en05", data = "sparse_text.svm", D = sp, alpha = 0.5, intercept = TRUE,
       weights = NULL, pf = NULL, what = "sparse_text (dgCMatrix), alpha 0.5, intercept"))

# ---------------------------------------------------------------------------------------------
# the objective, its gradient, the KKT residual and the exact (polished) optimum
sigm <- function(z) 1 / (1 + exp(-z))
softplus <- function(z) ifelse(z > 0, z + log1p(exp(-z)), log1p(exp(z)))
objective <- function(X, y, s, lambda, alpha, p, w, b) {
  z <- as.vector(X %*% w) + b
  sum(s * (softplus(z) - y * z)) / sum(s) + lambda * sum(p * ((1 - alpha) / 2 * w^2 + alpha * abs(w)))
}
smooth_grad <- function(X, y, s, w, b) {
  z <- as.vector(X %*% w) + b
  r <- s * (sigm(z) - y) / sum(s)
  list(gw = as.vector(crossprod(X, r)), gb = sum(r), z = z)
}
kkt_residual <- function(X, y, s, lambda, alpha, p, w, b, intercept) {
  g <- smooth_grad(X, y, s, w, b)
  gw <- g$gw + lambda * p * (1 - alpha) * w
  res <- ifelse(w != 0, abs(gw + lambda * alpha * p * sign(w)), pmax(0, abs(gw) - lambda * alpha * p))
  max(c(res, if (intercept) abs(g$gb) else 0))
}
solve_sym <- function(H, G) {
  out <- tryCatch(solve(H, G), error = function(e) NULL)
  if (is.null(out)) {   # numerically singular: pseudo-inverse
    e <- eigen(H, symmetric = TRUE)
    keep <- e$values > max(e$values) * 1e-15
    out <- e$vectors[, keep, drop = FALSE] %*% ((t(e$vectors[, keep, drop = FALSE]) %*% G) / e$values[keep])
  }
  as.vector(out)
}
polish <- function(X, y, s, lambda, alpha, p, w0, b0, intercept) {
  S <- sum(s)
  w <- w0; b <- if (intercept) b0 else 0
  act <- which(w != 0 | p == 0)
  sg <- sign(w)
  for (outer in 1:100) {
    for (it in 1:100) {
      A <- act
      if (length(A) == 0 && !intercept) break
      g <- smooth_grad(X, y, s, w, b)
      gA <- g$gw[A] + lambda * p[A] * ((1 - alpha) * w[A] + alpha * sg[A])
      q <- sigm(g$z); v <- s * q * (1 - q) / S
      XA <- cbind(if (intercept) rep(1, nrow(X)) else NULL, as.matrix(X[, A, drop = FALSE]))
      H <- crossprod(XA, XA * v)
      diag(H) <- diag(H) + c(if (intercept) 0 else NULL, lambda * p[A] * (1 - alpha))
      G <- c(if (intercept) g$gb else NULL, gA)
      step <- -solve_sym(H, G)
      if (intercept) { db <- step[1]; dw <- step[-1] } else { db <- 0; dw <- step }
      wn <- w; wn[A] <- w[A] + dw
      cross <- A[p[A] > 0 & sign(wn[A]) != sg[A]]
      if (length(cross) > 0 && alpha > 0) {   # a coefficient would change sign: stop it at 0
        t <- w[cross] / (w[cross] - wn[cross])
        k <- which.min(t)
        w[A] <- w[A] + t[k] * dw; b <- b + t[k] * db
        w[cross[k]] <- 0; sg[cross[k]] <- 0; act <- setdiff(act, cross[k])
        next
      }
      w <- wn; b <- b + db
      if (it > 2 && max(abs(step)) <= 8 * .Machine$double.eps * max(1, abs(c(w, b)))) break
    }
    g <- smooth_grad(X, y, s, w, b)
    gw <- g$gw + lambda * p * (1 - alpha) * w
    viol <- which(w == 0 & p > 0 & abs(gw) > lambda * alpha * p * (1 + 1e-12))
    if (length(viol) == 0) break
    j <- viol[which.max(abs(gw[viol]) - lambda * alpha * p[viol])]
    act <- sort(c(act, j)); sg[j] <- -sign(gw[j])
  }
  list(w = w, b = b)
}

# exact lambda_max: gradient of the smooth part at the unpenalised ("null") fit
null_fit <- function(X, y, s, p, intercept) {
  U <- which(p == 0)
  n <- nrow(X); S <- sum(s)
  if (!intercept && length(U) == 0) return(list(q = rep(0.5, n), b = 0, wU = numeric(0), U = U))
  if (length(U) == 0) { ybar <- sum(s * y) / S; return(list(q = rep(ybar, n), b = log(ybar / (1 - ybar)), wU = numeric(0), U = U)) }
  Z <- cbind(if (intercept) rep(1, n) else NULL, as.matrix(X[, U, drop = FALSE]))
  th <- rep(0, ncol(Z))
  for (it in 1:100) {
    q <- sigm(as.vector(Z %*% th))
    G <- crossprod(Z, s * (q - y)) / S
    H <- crossprod(Z, Z * (s * q * (1 - q) / S))
    st <- solve(H, G)
    th <- th - as.vector(st)
    if (it > 3 && max(abs(st)) < 1e-15 * max(1, abs(th))) break
  }
  q <- sigm(as.vector(Z %*% th))
  list(q = q, b = if (intercept) th[1] else 0, wU = if (intercept) th[-1] else th, U = U)
}
lambda_max_exact <- function(X, y, s, alpha, p, intercept) {
  nf <- null_fit(X, y, s, p, intercept)
  g <- abs(as.vector(crossprod(X, s * (y - nf$q)))) / sum(s)
  pen <- which(p > 0)
  list(value = max(g[pen] / p[pen]) / max(alpha, 1e-3), argmax = pen[which.max(g[pen] / p[pen])], null = nf)
}

# glmnet's binomial deviance of a fit (its dev2 with probabilities clamped to [pmin, 1 - pmin])
glmnet_deviance <- function(y, s, z, pmin = 1e-9) {
  pr <- pmin(pmax(sigm(z), pmin), 1 - pmin)
  -2 * sum(s * (y * log(pr) + (1 - y) * log(1 - pr)))
}

run_glmnet <- function(cs, thresh = THRESH, lambda = NULL) {
  n <- nrow(cs$D$X); d <- ncol(cs$D$X)
  args <- list(x = cs$D$X, y = cs$D$y, family = "binomial", alpha = cs$alpha,
               standardize = FALSE, intercept = cs$intercept, thresh = thresh, maxit = MAXIT,
               type.logistic = "Newton", nlambda = NLAMBDA)
  if (!is.null(cs$weights)) args$weights <- cs$weights
  if (!is.null(cs$pf)) args$penalty.factor <- cs$pf
  if (!is.null(lambda)) args$lambda <- lambda
  f <- do.call(glmnet, args)
  if (f$jerr != 0) stop(sprintf("glmnet jerr %d in case %s", f$jerr, cs$name))
  f
}

case_setup <- function(cs) {
  X <- cs$D$X; y <- cs$D$y; n <- nrow(X); d <- ncol(X)
  s <- if (is.null(cs$weights)) rep(1, n) else cs$weights
  pf <- if (is.null(cs$pf)) rep(1, d) else cs$pf
  p <- pmax(pf, 0); p <- p * d / sum(p)
  list(X = X, y = y, n = n, d = d, s = s, pf = pf, p = p)
}

exact_path <- function(cs, f, st) {
  nl <- length(f$lambda)
  out <- list(a0 = numeric(nl), beta = matrix(0, st$d, nl), J = numeric(nl), Jg = numeric(nl),
              kkt = numeric(nl), kktg = numeric(nl), rel = numeric(nl), zmax = numeric(nl),
              nclamp = integer(nl))
  Xm <- if (is(st$X, "sparseMatrix")) as.matrix(st$X) else st$X
  fmax <- log(1 / 1e-9 - 1)
  for (k in seq_len(nl)) {
    w <- as.vector(f$beta[, k]); b <- f$a0[[k]]; lam <- f$lambda[k]
    e <- polish(Xm, st$y, st$s, lam, cs$alpha, st$p, w, b, cs$intercept)
    out$a0[k] <- e$b; out$beta[, k] <- e$w
    out$J[k] <- objective(Xm, st$y, st$s, lam, cs$alpha, st$p, e$w, e$b)
    out$Jg[k] <- objective(Xm, st$y, st$s, lam, cs$alpha, st$p, w, b)
    out$kkt[k] <- kkt_residual(Xm, st$y, st$s, lam, cs$alpha, st$p, e$w, e$b, cs$intercept)
    out$kktg[k] <- kkt_residual(Xm, st$y, st$s, lam, cs$alpha, st$p, w, b, cs$intercept)
    out$rel[k] <- max(abs(c(w - e$w, b - e$b))) / max(1, abs(c(e$w, e$b)))
    z <- as.vector(Xm %*% w) + b
    out$zmax[k] <- max(abs(z)); out$nclamp[k] <- sum(abs(z) > fmax)
  }
  out
}

ACC <- character(0)   # lines of glmnet_accuracy.txt
acc <- function(...) ACC <<- c(ACC, sprintf(...))

# ---------------------------------------------------------------------------------------------
# path cases
FITS <- list()
for (cs in CASES) {
  st <- case_setup(cs)
  t0 <- proc.time()[[3]]
  f <- run_glmnet(cs)
  t1 <- proc.time()[[3]]
  nl <- length(f$lambda)
  lmr <- if (st$n >= st$d) 1e-4 else 1e-2
  alf <- lmr^(1 / (NLAMBDA - 1))
  lm <- lambda_max_exact(st$X, st$y, st$s, cs$alpha, st$p, cs$intercept)
  ex <- exact_path(cs, f, st)
  beta <- as.matrix(f$beta)
  # checks of glmnet's conventions
  df_check <- all(f$df == colSums(beta != 0))
  S <- sum(st$s)
  null_dev <- if (cs$intercept && all(st$pf > 0)) {
    ybar <- sum(st$s * st$y) / S; -2 * sum(st$s * (st$y * log(ybar) + (1 - st$y) * log(1 - ybar)))
  } else if (cs$intercept) {
    ybar <- sum(st$s * st$y) / S; -2 * sum(st$s * (st$y * log(ybar) + (1 - st$y) * log(1 - ybar)))
  } else 2 * S * log(2)
  devs <- vapply(seq_len(nl), function(k)
    glmnet_deviance(st$y, st$s, as.vector(st$X %*% beta[, k]) + f$a0[[k]]), 0)
  dr_mine <- 1 - devs / null_dev
  dr_err <- max(abs(dr_mine - f$dev.ratio))
  lseq <- lm$value * alf^(0:(nl - 1))
  last_dd <- if (nl >= 2) f$dev.ratio[nl] - f$dev.ratio[nl - 1] else NA
  stop_reason <- if (nl == NLAMBDA) "none" else if (f$dev.ratio[nl] > 0.999) "devmax" else if (last_dd < 1e-5) "fdev" else if (max(f$df) > st$d + 1) "dfmax" else "other"
  FITS[[cs$name]] <- list(cs = cs, st = st, f = f, ex = ex, lm = lm)

  con <- file(path(sprintf("glmnet_%s.txt", cs$name)), "w")
  writeLines(c(
    sprintf("# glmnet reference path: %s", cs$what),
    "# Written by tests/reference/glmnet/make_glmnet_reference.R; do not edit.",
    "# Format: '#' lines are comments; every other line is a key followed by whitespace-separated",
    "# values (reals with 17 significant digits, exact zeros as 0); 'case NAME' opens the block and",
    "# 'end' closes it. Indices k are 1-based positions in glmnet's lambda sequence.",
    "# Objective: J(w,b) = (1/S) sum_i s_i [softplus(z_i) - y_i z_i] + lambda sum_j p_j ((1-alpha)/2 w_j^2 + alpha |w_j|)",
    "#   with p = penalty_factor_rescaled (= penalty_factor * d / sum(penalty_factor)), S = sum_i s_i.",
    "# Keys:",
    "#   n d alpha intercept(0/1) standardize(0) type_logistic thresh maxit nlambda_requested",
    "#   lambda_min_ratio      glmnet's default (1e-4 if n >= d else 1e-2)",
    "#   weights               s_i (absent: all 1)      penalty_factor / penalty_factor_rescaled",
    "#   nlambda               number of lambdas glmnet returned; stop_reason: none (all nlambda_requested), fdev",
    "#                         (dev_ratio[nlambda] - dev_ratio[nlambda-1] < fdev = 1e-5), devmax (dev_ratio > 0.999) or dfmax;",
    "#                         the lambda that triggers the stop is kept; the test runs only from the 5th lambda (mnlam)",
    "#   stop_dev_ratio_change dev_ratio[nlambda] - dev_ratio[nlambda-1]",
    "#   lambda_max_glmnet     glmnet's lambda[1] = exp(2 log lambda[2] - log lambda[3]) (R's fix.lam)",
    "#   lambda_max_exact      this script: max over p_j > 0 of |(1/S) sum_i s_i x_ij (y_i - q_i)| / (max(alpha,1e-3) p_j),",
    "#                         q_i = fitted probabilities of the unpenalised null model (intercept and p_j = 0 features;",
    "#                         q_i = 0.5 without intercept and without unpenalised features)",
    "#   lambda_max_argmax     the (1-based) feature attaining lambda_max_exact",
    "#   lambda_ratio          alf = lambda_min_ratio^(1/(nlambda_requested-1)); glmnet: lambda[k] = lambda[k-1] * alf, k >= 3",
    "#   lambda_geometric_max_rel_diff   max_k |lambda[k] - lambda_max_exact * alf^(k-1)| / lambda[k]",
    "#   null_a0, null_beta_unpenalised  the null fit (intercept, coefficients of the p_j = 0 features, 'null_unpenalised' lists them)",
    "#   nulldev               glmnet's nulldev = -2 sum_i s_i [y_i log q_i + (1-y_i) log(1-q_i)], q = weighted mean of y",
    "#                         (with intercept; also when there are unpenalised features) or q = 0.5 (no intercept); raw s_i, not rescaled",
    "#   npasses               glmnet's total number of coordinate-descent passes over the path",
    "#   lambda a0 df dev_ratio   per lambda (nlambda values each): glmnet's lambda, intercept, number of non-zero",
    "#                         coefficients (intercept excluded; unpenalised features counted), dev.ratio = 1 - dev/nulldev",
    "#                         where dev = -2 sum_i s_i [y_i log p_i + (1-y_i) log(1-p_i)], p_i clamped to [1e-9, 1-1e-9]",
    "#   beta k c_1 ... c_d    glmnet's coefficients at lambda[k]",
    "#   glmnet_J              J at glmnet's solution (double, stable softplus)",
    "#   glmnet_kkt            KKT residual of glmnet's solution for J (definition in exact_<case>.txt)",
    "#   glmnet_rel_err        max(|b_g - b_e|, |w_g - w_e|_inf) / max(1, |(b_e, w_e)|_inf), e = the exact optimum of J",
    "#                         in exact_<case>.txt (active-set Newton polish, see the R script)",
    "#   glmnet_max_abs_eta    max_i |z_i| of glmnet's fit; glmnet_n_clamped  #{i : |z_i| > log(1/pmin - 1) = 20.723}"),
    con)
  sline(con, "case", cs$name)
  sline(con, "data", cs$data)
  iline(con, "n", st$n); iline(con, "d", st$d)
  line(con, "alpha", cs$alpha)
  iline(con, "intercept", as.integer(cs$intercept))
  iline(con, "standardize", 0)
  sline(con, "type_logistic", "Newton")
  line(con, "thresh", THRESH); iline(con, "maxit", MAXIT)
  iline(con, "nlambda_requested", NLAMBDA)
  line(con, "lambda_min_ratio", lmr)
  if (!is.null(cs$weights)) line(con, "weights", cs$weights)
  line(con, "penalty_factor", st$pf)
  line(con, "penalty_factor_rescaled", st$p)
  iline(con, "nlambda", nl)
  sline(con, "stop_reason", stop_reason)
  line(con, "stop_dev_ratio_change", last_dd)
  line(con, "lambda_max_glmnet", f$lambda[1])
  line(con, "lambda_max_exact", lm$value)
  iline(con, "lambda_max_argmax", lm$argmax)
  line(con, "lambda_ratio", alf)
  line(con, "lambda_geometric_max_rel_diff", max(abs(f$lambda - lseq) / f$lambda))
  line(con, "null_a0", lm$null$b)
  if (length(lm$null$U) > 0) { iline(con, "null_unpenalised", lm$null$U); line(con, "null_beta_unpenalised", lm$null$wU) }
  line(con, "nulldev", f$nulldev)
  iline(con, "npasses", f$npasses)
  line(con, "lambda", f$lambda)
  line(con, "a0", f$a0)
  iline(con, "df", f$df)
  line(con, "dev_ratio", f$dev.ratio)
  for (k in seq_len(nl)) line(con, sprintf("beta %d", k), beta[, k])
  line(con, "glmnet_J", ex$Jg); line(con, "glmnet_kkt", ex$kktg)
  line(con, "glmnet_rel_err", ex$rel)
  line(con, "glmnet_max_abs_eta", ex$zmax); iline(con, "glmnet_n_clamped", ex$nclamp)
  for (v in versions) writeLines(paste("version", v), con)
  writeLines("end", con)
  close(con)

  con <- file(path(sprintf("exact_%s.txt", cs$name)), "w")
  writeLines(c(
    sprintf("# Exact optimum of J at each lambda of glmnet_%s.txt (%s)", cs$name, cs$what),
    "# Written by tests/reference/glmnet/make_glmnet_reference.R; do not edit. Format as glmnet_<case>.txt.",
    "# The optimum is glmnet's solution polished by active-set Newton on J in double (see the R script); J is the",
    "# objective of glmnet_<case>.txt with p = penalty_factor_rescaled. Keys:",
    "#   lambda        the same nlambda values as glmnet_<case>.txt",
    "#   exact_a0      intercepts (0 without intercept);  exact_beta k c_1 ... c_d   coefficients at lambda[k]",
    "#   exact_df      number of non-zero coefficients;   exact_J   J at the optimum (double, stable softplus)",
    "#   exact_kkt     KKT residual: max of |dJ/db| and, over j, |grad_j + lambda p_j (alpha sign(w_j) + (1-alpha) w_j)| (w_j != 0)",
    "#                 or max(0, |grad_j| - lambda alpha p_j) (w_j = 0), grad = gradient of the smooth loss",
    "#   glmnet_rel_err  max(|b_glmnet - b|, |w_glmnet - w|_inf) / max(1, |(b, w)|_inf)"), con)
  sline(con, "case", cs$name)
  sline(con, "data", cs$data)
  iline(con, "n", st$n); iline(con, "d", st$d)
  line(con, "alpha", cs$alpha)
  iline(con, "intercept", as.integer(cs$intercept))
  iline(con, "nlambda", nl)
  line(con, "lambda", f$lambda)
  line(con, "exact_a0", ex$a0)
  iline(con, "exact_df", colSums(ex$beta != 0))
  for (k in seq_len(nl)) line(con, sprintf("exact_beta %d", k), ex$beta[, k])
  line(con, "exact_J", ex$J)
  line(con, "exact_kkt", ex$kkt)
  line(con, "glmnet_rel_err", ex$rel)
  for (v in versions) writeLines(paste("version", v), con)
  writeLines("end", con)
  close(con)

  acc("case %s: %s", cs$name, cs$what)
  acc("  glmnet: nlambda %d, stop: %s (last dev.ratio change %.3g), npasses %d", nl, stop_reason, last_dd, f$npasses)
  acc("  lambda_max: glmnet lambda[1] %.17g, exact %.17g (rel diff %.2g); lambda[2]/alf %.17g (rel diff %.2g); lambda vs exact*alf^(k-1): max rel diff %.2g",
      f$lambda[1], lm$value, abs(f$lambda[1] / lm$value - 1), f$lambda[2] / alf, abs(f$lambda[2] / alf / lm$value - 1),
      max(abs(f$lambda - lseq) / f$lambda))
  acc("  df == colSums(beta != 0): %s; nulldev glmnet %.17g, formula %.17g (rel diff %.2g); dev.ratio vs 1 - dev/nulldev (pmin-clamped dev): max abs diff %.2g",
      df_check, f$nulldev, null_dev, abs(f$nulldev / null_dev - 1), dr_err)
  acc("  glmnet (thresh %g) vs exact: max rel err %.3g (at k = %d, lambda %.4g), median %.3g; #lambdas with rel err > 1e-8: %d, > 1e-10: %d",
      THRESH, max(ex$rel), which.max(ex$rel), f$lambda[which.max(ex$rel)], median(ex$rel), sum(ex$rel > 1e-8), sum(ex$rel > 1e-10))
  acc("  KKT residual: glmnet max %.3g, exact max %.3g; J(glmnet) - J(exact): max %.3g, min %.3g; max |eta| %.4g, lambdas with clamped |eta| > 20.72: %d",
      max(ex$kktg), max(ex$kkt), max(ex$Jg - ex$J), min(ex$Jg - ex$J), max(ex$zmax), sum(ex$nclamp > 0))
  cat(tail(ACC, 5), sep = "\n")
}

# ---------------------------------------------------------------------------------------------
# conventions: unpenalised features in lambda_max, penalty-factor rescaling, weight normalisation
{
  F <- FITS[["dense_en_pf_w"]]; st <- F$st; cs <- F$cs
  S <- sum(st$s); ybar <- sum(st$s * st$y) / S
  g <- abs(as.vector(crossprod(st$X, st$s * (st$y - ybar)))) / S
  pen <- which(st$p > 0)
  naive <- max(g[pen] / st$p[pen]) / cs$alpha
  acc("")
  acc("checks on dense_en_pf_w (unpenalised x1, x5; weights 1 + (i mod 3)):")
  acc("  lambda_max from the residuals y - ybar_w (ignoring that x1, x5 enter the null model): %.17g, rel diff to glmnet's lambda[1] %.3g;",
      naive, abs(naive / F$f$lambda[1] - 1))
  acc("  from the residuals of the unpenalised fit (intercept %.6g, x1 %.6g, x5 %.6g): %.17g, rel diff %.3g",
      F$lm$null$b, F$lm$null$wU[1], F$lm$null$wU[2], F$lm$value, abs(F$lm$value / F$f$lambda[1] - 1))
  acc("  glmnet's path at lambda[1] keeps x1, x5 at the null fit: max |beta[c(1,5),1] - null fit| = %.3g, |a0[1] - null a0| = %.3g",
      max(abs(F$f$beta[c(1, 5), 1] - F$lm$null$wU)), abs(F$f$a0[[1]] - F$lm$null$b))
  c1 <- cs; c1$pf <- cs$pf * 5
  f1 <- run_glmnet(c1)
  acc("  penalty.factor * 5: same lambda sequence (max rel diff %.3g), same coefficients (max abs diff %.3g): glmnet uses p = pf * d / sum(pf)",
      max(abs(f1$lambda / F$f$lambda - 1)), max(abs(as.matrix(f1$beta) - as.matrix(F$f$beta))))
  c2 <- cs; c2$weights <- cs$weights * 300 / sum(cs$weights)
  f2 <- run_glmnet(c2)
  acc("  weights rescaled to sum n = 300: lambda max rel diff %.3g, coefficients max abs diff %.3g, a0 max abs diff %.3g, dev.ratio max abs diff %.3g,",
      max(abs(f2$lambda / F$f$lambda - 1)), max(abs(as.matrix(f2$beta) - as.matrix(F$f$beta))), max(abs(f2$a0 - F$f$a0)),
      max(abs(f2$dev.ratio - F$f$dev.ratio)))
  acc("    but nulldev %.17g vs %.17g (ratio %.6g = 300 / sum(s) = %.6g): nulldev is computed with the raw weights as given",
      f2$nulldev, F$f$nulldev, f2$nulldev / F$f$nulldev, 300 / sum(cs$weights))
}

# ---------------------------------------------------------------------------------------------
# accuracy of glmnet as a function of thresh (error against the exact optimum, and against
# glmnet's own answer at THRESH, which separates the thresh error from the pmin effect)
acc("")
acc("thresh sweep: per case and thresh, max and median over the path of glmnet_rel_err against the exact optimum,")
acc("max rel diff against glmnet at thresh %g (same path length required), max KKT residual, npasses", THRESH)
for (nm in names(FITS)) {
  F <- FITS[[nm]]
  Xm <- if (is(F$st$X, "sparseMatrix")) as.matrix(F$st$X) else F$st$X
  for (th in THRESH_SWEEP) {
    f <- run_glmnet(F$cs, thresh = th)
    nl <- min(length(f$lambda), length(F$f$lambda))
    rel <- relg <- kk <- numeric(nl)
    for (k in seq_len(nl)) {
      w <- as.vector(f$beta[, k]); b <- f$a0[[k]]
      e <- c(F$ex$a0[k], F$ex$beta[, k]); g <- c(F$f$a0[[k]], as.vector(F$f$beta[, k]))
      rel[k] <- max(abs(c(b, w) - e)) / max(1, abs(e))
      relg[k] <- max(abs(c(b, w) - g)) / max(1, abs(g))
      kk[k] <- kkt_residual(Xm, F$st$y, F$st$s, f$lambda[k], F$cs$alpha, F$st$p, w, b, F$cs$intercept)
    }
    acc("  %-20s thresh %-6g nlambda %3d  vs exact: max %.3g median %.3g   vs glmnet@%g: max %.3g   max KKT %.3g   npasses %d",
        nm, th, length(f$lambda), max(rel), median(rel), THRESH, max(relg), max(kk), f$npasses)
  }
}
# breast cancer without the pmin rule (pmin = 1e-300: glmnet then solves J itself; its dev.ratio
# becomes NaN once a probability rounds to 0 or 1)
for (nm in c("breast_cancer_l1", "breast_cancer_en02")) {
  F <- FITS[[nm]]
  glmnet.control(pmin = 1e-300)
  f <- run_glmnet(F$cs)
  glmnet.control(factory = TRUE)
  nl <- min(length(f$lambda), length(F$f$lambda))
  rel <- vapply(seq_len(nl), function(k) {
    e <- c(F$ex$a0[k], F$ex$beta[, k])
    max(abs(c(f$a0[[k]], as.vector(f$beta[, k])) - e)) / max(1, abs(e)) }, 0)
  acc("  %-20s with glmnet.control(pmin = 1e-300), thresh %g: vs exact max %.3g median %.3g (the default pmin = 1e-9 gives max %.3g); dev.ratio NaN at %d lambdas",
      nm, THRESH, max(rel), median(rel), max(F$ex$rel), sum(is.nan(f$dev.ratio)))
}

# ---------------------------------------------------------------------------------------------
# glmnet at the lambdas of make_sklearn_reference.py (dense_logistic, alpha = 1, intercept)
{
  cs <- CASES[[1]]; st <- case_setup(cs)
  f <- run_glmnet(cs, lambda = SKLEARN_LAMBDAS)
  ex <- exact_path(cs, f, st)
  con <- file(path("glmnet_sklearn_lambdas.txt"), "w")
  writeLines(c(
    "# glmnet on dense_logistic.csv, alpha = 1, intercept, at the user-supplied lambdas of make_sklearn_reference.py",
    "# (glmnet(..., lambda = c(0.1, 0.02, 0.004)), the other options as in glmnet_dense_l1.txt).",
    "# Written by tests/reference/glmnet/make_glmnet_reference.R; do not edit. Same keys as glmnet_<case>.txt;",
    "# here lambda is the user's sequence (no lambda_max extrapolation, no early stop)."), con)
  sline(con, "case", "dense_l1_sklearn_lambdas")
  sline(con, "data", cs$data); iline(con, "n", st$n); iline(con, "d", st$d); line(con, "alpha", 1)
  iline(con, "intercept", 1); line(con, "thresh", THRESH)
  iline(con, "nlambda", length(f$lambda))
  line(con, "lambda", f$lambda); line(con, "a0", f$a0); iline(con, "df", f$df); line(con, "dev_ratio", f$dev.ratio)
  for (k in seq_along(f$lambda)) line(con, sprintf("beta %d", k), as.vector(f$beta[, k]))
  line(con, "exact_a0", ex$a0)
  for (k in seq_along(f$lambda)) line(con, sprintf("exact_beta %d", k), ex$beta[, k])
  line(con, "exact_J", ex$J); line(con, "glmnet_J", ex$Jg)
  line(con, "exact_kkt", ex$kkt); line(con, "glmnet_kkt", ex$kktg); line(con, "glmnet_rel_err", ex$rel)
  for (v in versions) writeLines(paste("version", v), con)
  writeLines("end", con)
  close(con)
  acc("")
  acc("glmnet at the sklearn lambdas %s: rel err vs exact %s", paste(SKLEARN_LAMBDAS, collapse = " "), paste(sprintf("%.3g", ex$rel), collapse = " "))
}

# ---------------------------------------------------------------------------------------------
# cross-validation
stratified_folds <- function(y, K) {
  foldid <- integer(length(y))
  for (cl in c(0, 1)) {
    idx <- which(y == cl)                    # this class's rows, in file order
    foldid[idx] <- ((seq_along(idx) - 1) %% K) + 1   # k-th (0-based) gets fold (k mod K) + 1
  }
  foldid
}
# weighted AUC with ties counted 1/2 (what survival::concordance returns here)
auc_w <- function(y, p, w) {
  P <- which(y == 1); N <- which(y == 0)
  num <- 0
  for (i in P) num <- num + w[i] * sum(w[N] * ((p[i] > p[N]) + 0.5 * (p[i] == p[N])))
  num / (sum(w[P]) * sum(w[N]))
}
cv_stats <- function(per_fold, W) {
  cvm <- colSums(per_fold * W) / sum(W)
  cvsd <- sqrt(colSums(W * sweep(per_fold, 2, cvm)^2) / sum(W) / (nrow(per_fold) - 1))
  list(cvm = cvm, cvsd = cvsd)
}
acc("")
acc("cross-validation (cv.glmnet, foldid given, grouped = TRUE, lambda = the full fit's lambda):")
for (nm in c("dense_l1", "sparse_l1")) {
  F <- FITS[[nm]]; cs <- F$cs; st <- F$st
  foldid <- stratified_folds(st$y, NFOLDS)
  ffile <- if (nm == "dense_l1") "foldid_dense_logistic.txt" else "foldid_sparse_text.txt"
  writeLines(sprintf("%d", foldid), path(ffile))
  lam <- F$f$lambda
  # own fold fits (same options, same lambda), held-out linear predictors at each lambda
  eta <- matrix(NA_real_, st$n, length(lam))
  for (k in seq_len(NFOLDS)) {
    ho <- foldid == k
    cf <- cs; cf$D <- list(X = st$X[!ho, , drop = FALSE], y = st$y[!ho])
    ff <- run_glmnet(cf, lambda = lam)
    stopifnot(length(ff$lambda) == length(lam), all(ff$lambda == lam))
    eta[ho, ] <- as.matrix(st$X[ho, , drop = FALSE] %*% ff$beta) + matrix(ff$a0, sum(ho), length(lam), byrow = TRUE)
  }
  pr <- 1 / (1 + exp(-eta))
  W <- as.vector(tapply(st$s, foldid, sum))
  con <- file(path(sprintf("glmnet_cv_%s.txt", nm)), "w")
  writeLines(c(
    sprintf("# cv.glmnet reference: %s, %d folds given by foldid (%s)", cs$what, NFOLDS, ffile),
    "# Written by tests/reference/glmnet/make_glmnet_reference.R; do not edit. Format as glmnet_<case>.txt.",
    "# cv.glmnet(x, y, family = 'binomial', alpha, lambda = <lambda of the full path fit, glmnet_<case>.txt>,",
    "#           foldid, type.measure = M, grouped = TRUE, keep = TRUE, standardize = FALSE, type.logistic = 'Newton', thresh, maxit)",
    "# Every fold fit uses that same lambda sequence (user-supplied lambda: glmnet never stops it early).",
    "# Fold rule: within each class (0, then 1), the rows of that class in file order get folds 1, 2, ..., 10, 1, 2, ...",
    "#   (0-based: the k-th row of its class, k = 0, 1, ..., gets fold k mod 10; the file holds fold + 1).",
    "# Per held-out sample i and lambda: eta_i = a0 + x_i . beta of the fit without fold(i), p_i = 1/(1+exp(-eta_i)).",
    "#   deviance: e_i = -2 [y_i log pc_i + (1-y_i) log(1-pc_i)], pc_i = min(max(p_i, 1e-5), 1 - 1e-5)  (cv.lognet's clamp)",
    "#   class:    e_i = 1 if (y_i = 1 and p_i <= 0.5) or (y_i = 0 and p_i > 0.5), else 0",
    "#   per fold k (grouped): cv_k = sum_{i in k} s_i e_i / sum_{i in k} s_i;  auc: cv_k = weighted AUC of fold k's",
    "#     held-out p (ties count 1/2): sum_{i in k, y=1} sum_{j in k, y=0} s_i s_j [1(p_i>p_j) + 0.5 1(p_i=p_j)] / (W1_k W0_k)",
    "#   W_k = sum_{i in k} s_i (fold_weight);  cvm = sum_k W_k cv_k / sum_k W_k;",
    "#   cvsd = sqrt( sum_k W_k (cv_k - cvm)^2 / sum_k W_k / (K - 1) ), K = 10;  cvup = cvm + cvsd, cvlo = cvm - cvsd",
    "#   lambda_min = the largest lambda with cvm = min(cvm) (auc: max); lambda_1se = the largest lambda with",
    "#     cvm <= cvm[min] + cvsd[min] (auc: cvm >= cvm[max] - cvsd[max]); index_* are 1-based, index0_* 0-based",
    "#   M_fold k v_1..v_nlambda   cv_k per lambda (fold k, 1-based), recomputed here from the script's own fold fits",
    "#   M_recomputed_max_abs_diff  max |cvm, cvsd recomputed from those fold fits with the formulas above - cv.glmnet's|",
    "#   nzero     cv.glmnet's nzero (df of its full fit with lambda given; at lambda[1], which glmnet extrapolated to a",
    "#             few ulps below the exact lambda_max, that refit can hold one coefficient of order 1e-18 - see glmnet_accuracy.txt)"), con)
  sline(con, "case", sprintf("cv_%s", nm))
  sline(con, "data", cs$data); iline(con, "n", st$n); iline(con, "d", st$d); line(con, "alpha", cs$alpha)
  iline(con, "intercept", 1); line(con, "thresh", THRESH); iline(con, "maxit", MAXIT)
  iline(con, "nfolds", NFOLDS); sline(con, "foldid_file", ffile)
  iline(con, "fold_size", as.vector(table(foldid)))
  line(con, "fold_weight", W)
  iline(con, "nlambda", length(lam))
  line(con, "lambda", lam)
  acc("  %s: fold sizes %s", nm, paste(as.vector(table(foldid)), collapse = " "))
  first <- TRUE
  for (M in c("deviance", "class", "auc")) {
    cv <- cv.glmnet(st$X, st$y, family = "binomial", alpha = cs$alpha, lambda = lam, foldid = foldid,
                    type.measure = M, grouped = TRUE, keep = TRUE, standardize = FALSE,
                    type.logistic = "Newton", thresh = THRESH, maxit = MAXIT)
    stopifnot(length(cv$lambda) == length(lam), all(cv$lambda == lam))
    if (first) {
      iline(con, "nzero", cv$nzero); first <- FALSE
      gf <- cv$glmnet.fit
      acc("    full fit inside cv.glmnet (lambda given = the path's lambda): df[1] = %d (path: %d), beta[,1] non-zeros %s; max |beta - path beta| %.3g, max |a0 - path a0| %.3g",
          gf$df[1], F$f$df[1], paste(sprintf("x%d = %.3g", which(gf$beta[, 1] != 0), gf$beta[gf$beta[, 1] != 0, 1]), collapse = ", "),
          max(abs(as.matrix(gf$beta) - as.matrix(F$f$beta))), max(abs(gf$a0 - F$f$a0)))
    }
    e <- switch(M,
      deviance = { pc <- pmin(pmax(pr, 1e-5), 1 - 1e-5); -2 * (st$y * log(pc) + (1 - st$y) * log(1 - pc)) },
      class = (st$y == 1) * (pr <= 0.5) + (st$y == 0) * (pr > 0.5),
      auc = NULL)
    per_fold <- matrix(0, NFOLDS, length(lam))
    for (k in seq_len(NFOLDS)) {
      ho <- which(foldid == k)
      for (j in seq_along(lam)) per_fold[k, j] <- if (M == "auc") auc_w(st$y[ho], pr[ho, j], st$s[ho]) else sum(st$s[ho] * e[ho, j]) / sum(st$s[ho])
    }
    mine <- cv_stats(per_fold, W)
    dmax <- max(abs(c(mine$cvm - cv$cvm, mine$cvsd - cv$cvsd)))
    # the same from cv.glmnet's own held-out predictions (fit.preval)
    prv <- 1 / (1 + exp(-cv$fit.preval))
    dpre <- max(abs(prv - pr))
    line(con, sprintf("%s_cvm", M), cv$cvm)
    line(con, sprintf("%s_cvsd", M), cv$cvsd)
    line(con, sprintf("%s_cvup", M), cv$cvup)
    line(con, sprintf("%s_cvlo", M), cv$cvlo)
    line(con, sprintf("%s_lambda_min", M), cv$lambda.min)
    line(con, sprintf("%s_lambda_1se", M), cv$lambda.1se)
    iline(con, sprintf("%s_index_min", M), cv$index[1]); iline(con, sprintf("%s_index_1se", M), cv$index[2])
    iline(con, sprintf("%s_index0_min", M), cv$index[1] - 1); iline(con, sprintf("%s_index0_1se", M), cv$index[2] - 1)
    for (k in seq_len(NFOLDS)) line(con, sprintf("%s_fold %d", M, k), per_fold[k, ])
    line(con, sprintf("%s_recomputed_max_abs_diff", M), dmax)
    # selection rule check
    sgn <- if (M == "auc") -1 else 1
    cm <- sgn * cv$cvm
    imin <- match(max(lam[cm <= min(cm)]), lam)
    i1se <- match(max(lam[cm <= cm[imin] + cv$cvsd[imin]]), lam)
    acc("    %-8s cvm/cvsd recomputed from own fold fits: max abs diff %.3g (rel to max cvm %.3g); own vs cv.glmnet held-out p: max diff %.3g; lambda.min index %d (0-based %d), 1se %d (0-based %d), rule reproduced: %s; cvm[min] %.17g",
        M, dmax, dmax / max(abs(cv$cvm)), dpre, cv$index[1], cv$index[1] - 1, cv$index[2], cv$index[2] - 1,
        imin == cv$index[1] && i1se == cv$index[2], cv$cvm[cv$index[1]])
  }
  for (v in versions) writeLines(paste("version", v), con)
  writeLines("end", con)
  close(con)
}

con <- file(path("glmnet_accuracy.txt"), "w")
writeLines(c("# Accuracy of the glmnet references and checks of glmnet's conventions.",
             "# Written by tests/reference/glmnet/make_glmnet_reference.R; do not edit. Free text.",
             sprintf("# glmnet options: family binomial, standardize FALSE, type.logistic Newton (exact Hessian), thresh %g, maxit %g,", THRESH, MAXIT),
             "# nlambda 100, default lambda.min.ratio, glmnet.control() at factory defaults (pmin 1e-9, fdev 1e-5, devmax 0.999, mnlam 5).",
             "# rel err = max(|b_g - b_e|, |w_g - w_e|_inf) / max(1, |(b_e, w_e)|_inf), against the exact optimum e of J (active-set",
             "# Newton polish in double; its KKT residual is listed per case).",
             paste("#", versions), ""), con)
writeLines(ACC, con)
close(con)
cat(ACC[-(1:(5 * length(CASES)))], sep = "\n")
