# bench/path: glmnet's path and cv.glmnet on the files path_bench prepare wrote, timed inside R.
#   Rscript glmnet_bench.R DIR SET REPS THRESH          (PATH_BENCH_NO_CV=1: the path only)
# Same data, same lambda grid (lambda = the file's 100 values), same fold ids, standardize = FALSE,
# type.logistic = "Newton" (the exact Hessian, as ours); writes DIR/SET.glmnet_beta and .glmnet_a0
# (the path's coefficients, column-major d x 100, for path_bench accuracy) and prints the medians.
suppressMessages(library(glmnet))
suppressMessages(library(Matrix))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; set <- args[2]; reps <- as.integer(args[3]); thresh <- as.numeric(args[4])
base <- file.path(dir, set)
rd <- function(name, what, n) readBin(paste0(base, ".", name), what, n = n, size = if (what == "integer") 4 else 8)
shape <- rd("shape", "integer", 2)
n <- shape[1]; d <- shape[2]
y <- rd("y", "double", n)
if (set == "sparse") {
  colptr <- rd("colptr", "integer", d + 1)
  nnz <- colptr[d + 1]
  x <- sparseMatrix(i = rd("rowind", "integer", nnz) + 1L, p = colptr, x = rd("values", "double", nnz),
                    dims = c(n, d))
} else {
  x <- matrix(rd("x", "double", n * d), n, d)
}
# PATH_BENCH_ALPHA (default 1, the lasso): the elastic-net mix; the grid is the lasso's divided by
# alpha, since lambda_max(alpha) = lambda_max(1) / alpha (as path_bench ours does).
alpha <- as.numeric(Sys.getenv("PATH_BENCH_ALPHA", "1"))
grid <- rd("grid", "double", 100) / alpha
foldid <- rd("folds", "integer", n)
path_times <- c(); cv_times <- c()
for (r in seq_len(reps)) {
  path_times <- c(path_times, system.time(
    fit <- glmnet(x, y, family = "binomial", lambda = grid, alpha = alpha, standardize = FALSE,
                  type.logistic = "Newton", thresh = thresh))[["elapsed"]])
}
with_cv <- Sys.getenv("PATH_BENCH_NO_CV") == ""  # as path_bench: PATH_BENCH_NO_CV=1 skips the CV
cv <- list(index = matrix(c(0L, 0L), 2, 1, dimnames = list(c("min", "1se"), NULL)))
for (r in seq_len(if (with_cv) reps else 0)) {
  cv_times <- c(cv_times, system.time(
    cv <- cv.glmnet(x, y, family = "binomial", lambda = grid, alpha = alpha, foldid = foldid,
                    standardize = FALSE,
                    type.logistic = "Newton", thresh = thresh))[["elapsed"]])
}
# alpha != 1 writes beside the lasso's files: SET_alpha<alpha>.glmnet_beta (as path_bench does)
out <- if (alpha == 1) base else paste0(base, "_alpha", format(alpha))
writeBin(as.vector(as.matrix(fit$beta)), paste0(out, ".glmnet_beta"), size = 8)
writeBin(as.vector(fit$a0), paste0(out, ".glmnet_a0"), size = 8)
cat(sprintf("glmnet %s path_median_s %.4f cv_median_s %.4f reps %d thresh %g alpha %g path_runs %s cv_runs %s npasses %d nnz_last %d lambda_min_index %d lambda_1se_index %d\n",
            set, median(path_times), if (length(cv_times)) median(cv_times) else NA_real_, reps, thresh, alpha,
            paste(sprintf("%.4f", path_times), collapse = " "), paste(sprintf("%.4f", cv_times), collapse = " "),
            fit$npasses, fit$df[length(fit$df)], cv$index["min", 1] - 1L, cv$index["1se", 1] - 1L))
