// The elastic-net path, coordinate descent and cross-validation (issue 13), against truth from
// outside: glmnet 4.1's paths, exact optima and cv.glmnet folds (tests/reference/glmnet, with
// the R and Python scripts that made them), scikit-learn's saga / liblinear L1 points, and the
// KKT conditions of J checked directly in long double (independent of the library's code).

#include <doctest/doctest.h>

#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <logistic_neuron/cv.hpp>
#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/path.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_path {

namespace {

namespace ln = logistic_neuron;
using Eigen::Index;
using LD = long double;
using MatrixD = Eigen::MatrixXd;
using VectorD = Eigen::VectorXd;
using SparseD = Eigen::SparseMatrix<double>;

const std::string reference_dir = std::string(LOGISTIC_NEURON_TEST_DATA_DIR) + "/glmnet/";

/// One `case NAME ... end` block of a reference file: every key's lines, each a list of words.
struct Block {
  std::map<std::string, std::vector<std::vector<std::string>>> lines;

  const std::vector<std::string>& line(const std::string& key) const {
    const auto it = lines.find(key);
    REQUIRE_MESSAGE(it != lines.end(), "missing key ", key);
    return it->second.front();
  }
  double number(const std::string& key) const { return std::strtod(line(key).at(0).c_str(), nullptr); }
  std::vector<double> numbers(const std::string& key) const {
    std::vector<double> out;
    for (const std::string& word : line(key)) out.push_back(std::strtod(word.c_str(), nullptr));
    return out;
  }
  /// The rows `key K v_1 ... v_m`, indexed by K - 1.
  std::vector<std::vector<double>> rows(const std::string& key) const {
    std::vector<std::vector<double>> out;
    const auto it = lines.find(key);
    REQUIRE_MESSAGE(it != lines.end(), "missing key ", key);
    for (const auto& words : it->second) {
      const std::size_t k = std::stoul(words.at(0)) - 1;
      if (out.size() <= k) out.resize(k + 1);
      for (std::size_t m = 1; m < words.size(); ++m) out[k].push_back(std::strtod(words[m].c_str(), nullptr));
    }
    return out;
  }
};

std::map<std::string, Block> read_blocks(const std::string& file) {
  std::ifstream in(reference_dir + file);
  REQUIRE_MESSAGE(in.good(), "cannot open ", reference_dir + file);
  std::map<std::string, Block> blocks;
  std::string text, name;
  while (std::getline(in, text)) {
    if (text.empty() || text[0] == '#') continue;
    std::istringstream words(text);
    std::string key;
    words >> key;
    if (key == "case") {
      words >> name;
      continue;
    }
    if (key == "end") continue;
    std::vector<std::string> values;
    for (std::string w; words >> w;) values.push_back(w);
    blocks[name].lines[key].push_back(values);
  }
  return blocks;
}

Block read_case(const std::string& file, const std::string& name) {
  const auto blocks = read_blocks(file);
  const auto it = blocks.find(name);
  REQUIRE_MESSAGE(it != blocks.end(), "no case ", name, " in ", file);
  return it->second;
}

/// A CSV with a header, the label in the named column.
void read_csv(const std::string& path, const std::string& label, MatrixD& X, VectorD& y) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open ", path);
  std::string text;
  std::getline(in, text);
  std::vector<std::string> header;
  {
    std::istringstream h(text);
    for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  }
  const auto label_at = static_cast<std::size_t>(
      std::find(header.begin(), header.end(), label) - header.begin());
  REQUIRE(label_at < header.size());
  std::vector<std::vector<double>> rows;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    std::istringstream r(text);
    std::vector<double> row;
    for (std::string cell; std::getline(r, cell, ',');) row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  const Index n = Index(rows.size()), d = Index(header.size()) - 1;
  X.resize(n, d);
  y.resize(n);
  for (Index i = 0; i < n; ++i) {
    Index c = 0;
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (j == label_at) {
        y[i] = rows[std::size_t(i)][j];
      } else {
        X(i, c++) = rows[std::size_t(i)][j];
      }
    }
  }
}

/// sparse_text.svm: labels 1/0, 1-based indices, d = 1000.
void read_svm(SparseD& X, VectorD& y) {
  std::ifstream in(reference_dir + "sparse_text.svm");
  REQUIRE(in.good());
  std::vector<Eigen::Triplet<double>> entries;
  std::vector<double> labels;
  std::string text;
  while (std::getline(in, text)) {
    std::istringstream words(text);
    double label;
    words >> label;
    const Index i = Index(labels.size());
    labels.push_back(label);
    for (std::string item; words >> item;) {
      const auto colon = item.find(':');
      entries.emplace_back(int(i), std::stoi(item.substr(0, colon)) - 1,
                           std::strtod(item.c_str() + colon + 1, nullptr));
    }
  }
  X.resize(Index(labels.size()), 1000);
  X.setFromTriplets(entries.begin(), entries.end());
  y = Eigen::Map<VectorD>(labels.data(), Index(labels.size()));
}

struct Data {
  MatrixD X;
  SparseD Xs;
  VectorD y;
  bool sparse = false;
};

Data load(const std::string& data_file) {
  Data data;
  if (data_file == "sparse_text.svm") {
    read_svm(data.Xs, data.y);
    data.sparse = true;
  } else {
    read_csv(reference_dir + data_file, data_file == "dense_logistic.csv" ? "y" : "benign", data.X,
             data.y);
  }
  return data;
}

/// The KKT conditions of J at (w, b), in long double from the formulas (no library code):
/// the largest residual, for w_j != 0 |g_j + ridge_j w_j + lasso_j sign w_j|, for w_j = 0
/// max(|g_j| - lasso_j, 0), and |dJ/db| with a bias.
template <class MX>
LD kkt_residual(const MX& X, const VectorD& y, const VectorD& s, const VectorD& w, double b,
                double lambda, double alpha, const VectorD& p, bool intercept) {
  const Index n = X.rows(), d = X.cols();
  const MatrixD Xd = MX(X);
  LD S = 0;
  for (Index i = 0; i < n; ++i) S += s[i];
  std::vector<LD> r(static_cast<std::size_t>(n));
  LD gb = 0;
  for (Index i = 0; i < n; ++i) {
    LD z = b;
    for (Index j = 0; j < d; ++j) z += LD(Xd(i, j)) * LD(w[j]);
    r[std::size_t(i)] = LD(s[i]) / S * (test_support::sigmoid(z) - LD(y[i]));
    gb += r[std::size_t(i)];
  }
  LD worst = intercept ? std::abs(gb) : LD(0);
  for (Index j = 0; j < d; ++j) {
    LD g = 0;
    for (Index i = 0; i < n; ++i) g += LD(Xd(i, j)) * r[std::size_t(i)];
    g += LD(lambda) * (1 - LD(alpha)) * LD(p[j]) * LD(w[j]);
    const LD t = LD(lambda) * LD(alpha) * LD(p[j]);
    const LD res = w[j] > 0 ? std::abs(g + t) : w[j] < 0 ? std::abs(g - t) : std::max(std::abs(g) - t, LD(0));
    worst = std::max(worst, res);
  }
  return worst;
}

/// The path options of a reference case.
ln::PathOptions<double> options_of(const Block& ref) {
  ln::PathOptions<double> options;
  options.alpha = ref.number("alpha");
  options.fit_intercept = ref.number("intercept") != 0;
  const std::vector<double> pf = ref.numbers("penalty_factor");
  options.penalty_factors = Eigen::Map<const VectorD>(pf.data(), Index(pf.size()));
  options.tolerance = 1e-14;
  return options;
}

ln::PathResult<double> run_case(const Data& data, const Block& ref, const ln::PathOptions<double>& options) {
  const auto weights = ref.lines.find("weights");
  if (weights != ref.lines.end()) {
    const std::vector<double> s = ref.numbers("weights");
    const VectorD sv = Eigen::Map<const VectorD>(s.data(), Index(s.size()));
    return data.sparse ? ln::fit_path(data.Xs, data.y, sv, options)
                       : ln::fit_path(data.X, data.y, sv, options);
  }
  return data.sparse ? ln::fit_path(data.Xs, data.y, options) : ln::fit_path(data.X, data.y, options);
}

/// Checks a path against glmnet's and the exact optima of one case.
void check_case(const std::string& name) {
  CAPTURE(name);
  const Block ref = read_case("glmnet_" + name + ".txt", name);
  const Block exact = read_case("exact_" + name + ".txt", name);
  const Data data = load(ref.line("data").at(0));
  const ln::PathOptions<double> options = options_of(ref);
  const ln::PathResult<double> path = run_case(data, ref, options);
  // lambda_max to 1e-12, and the grid glmnet's to 1e-14.
  const double lambda_max = ref.number("lambda_max_exact");
  CHECK(std::abs(path.lambda_max - lambda_max) <= 1e-12 * lambda_max);
  const std::vector<double> lambdas = ref.numbers("lambda");
  // The same early stop: as many lambdas as glmnet returned.
  CHECK(path.size() == Index(lambdas.size()));
  const Index K = std::min<Index>(path.size(), Index(lambdas.size()));
  const std::vector<std::vector<double>> beta = ref.rows("beta");
  const std::vector<std::vector<double>> exact_beta = exact.rows("exact_beta");
  const std::vector<double> a0 = ref.numbers("a0"), exact_a0 = exact.numbers("exact_a0");
  const std::vector<double> rel_err = ref.numbers("glmnet_rel_err");
  const std::vector<double> dev_ratio = ref.numbers("dev_ratio");
  const std::vector<double> df = ref.numbers("df");
  const std::vector<double> pf = ref.numbers("penalty_factor_rescaled");
  const VectorD p = Eigen::Map<const VectorD>(pf.data(), Index(pf.size()));
  VectorD s = VectorD::Ones(data.y.size());
  if (ref.lines.count("weights")) {
    const std::vector<double> sv = ref.numbers("weights");
    s = Eigen::Map<const VectorD>(sv.data(), Index(sv.size()));
  }
  double worst_glmnet = 0, worst_exact = 0;
  LD worst_kkt = 0;
  for (Index k = 0; k < K; ++k) {
    CAPTURE(k);
    CHECK(std::abs(path.lambdas[k] - lambdas[std::size_t(k)]) <= 1e-14 * lambdas[std::size_t(k)]);
    const VectorD w = path.weights_at(k);
    const double b = path.biases[k];
    double scale_g = std::abs(a0[std::size_t(k)]), scale_e = std::abs(exact_a0[std::size_t(k)]);
    double diff_g = std::abs(b - a0[std::size_t(k)]), diff_e = std::abs(b - exact_a0[std::size_t(k)]);
    Index zeros_differ = 0;
    for (Index j = 0; j < w.size(); ++j) {
      const double g = beta[std::size_t(k)][std::size_t(j)];
      const double e = exact_beta[std::size_t(k)][std::size_t(j)];
      scale_g = std::max(scale_g, std::abs(g));
      scale_e = std::max(scale_e, std::abs(e));
      diff_g = std::max(diff_g, std::abs(w[j] - g));
      diff_e = std::max(diff_e, std::abs(w[j] - e));
      zeros_differ += (w[j] == 0) != (g == 0) ? 1 : 0;
      if (g == 0) CHECK(w[j] == 0);  // absolute where glmnet's weight is 0: exactly 0
    }
    CHECK(zeros_differ == 0);
    CHECK(path.nonzeros[std::size_t(k)] == Index(df[std::size_t(k)]));
    const double relative_g = diff_g / std::max(1.0, scale_g);
    const double relative_e = diff_e / std::max(1.0, scale_e);
    worst_glmnet = std::max(worst_glmnet, relative_g);
    worst_exact = std::max(worst_exact, relative_e);
    // glmnet to 1e-6 relative; the exact optimum to 1e-9 (our own accuracy, tolerance 1e-14).
    CHECK(relative_g <= 1e-6);
    CHECK(relative_e <= 1e-9);
    CHECK(std::abs(path.deviance_ratios[k] - dev_ratio[std::size_t(k)]) <= 1e-8);
    const LD kkt = data.sparse
                       ? kkt_residual(data.Xs, data.y, s, w, b, path.lambdas[k], options.alpha, p,
                                      options.fit_intercept)
                       : kkt_residual(data.X, data.y, s, w, b, path.lambdas[k], options.alpha, p,
                                      options.fit_intercept);
    worst_kkt = std::max(worst_kkt, kkt);
    CHECK(kkt <= 1e-12);
    CHECK(path.converged[std::size_t(k)]);
    (void)rel_err;
  }
  MESSAGE(name, ": lambdas ", path.size(), ", max rel diff to glmnet ", worst_glmnet,
          ", to the exact optimum ", worst_exact, ", max KKT residual ", double(worst_kkt));
}

}  // namespace

TEST_CASE("fit_path: the dense lasso path agrees with glmnet and the exact optima") {
  check_case("dense_l1");
}
TEST_CASE("fit_path: elastic net with penalty factors (some 0) and sample weights") {
  check_case("dense_en_pf_w");
}
TEST_CASE("fit_path: the lasso without a bias") { check_case("dense_l1_noint"); }
TEST_CASE("fit_path: breast cancer, lasso and elastic net") {
  check_case("breast_cancer_l1");
  check_case("breast_cancer_en02");
}
TEST_CASE("fit_path: sparse X (CSC), lasso and elastic net") {
  check_case("sparse_l1");
  check_case("sparse_en05");
}

namespace {

std::vector<int> read_fold_ids(const std::string& file) {
  std::ifstream in(reference_dir + file);
  REQUIRE(in.good());
  std::vector<int> ids;
  for (int id; in >> id;) ids.push_back(id);
  return ids;
}

/// cross_validate with glmnet's fold ids against cv.glmnet: cvm and cvsd of deviance,
/// misclassification and AUC, and the same lambda_min / lambda_1se grid points.
void check_cv(const std::string& name, const std::string& path_case) {
  CAPTURE(name);
  const Block ref = read_case("glmnet_cv_" + name + ".txt", "cv_" + name);
  const Data data = load(ref.line("data").at(0));
  ln::CvOptions<double> options;
  options.path = options_of(read_case("glmnet_" + path_case + ".txt", path_case));
  options.path.tolerance = 1e-12;
  options.fold_ids = read_fold_ids(ref.line("foldid_file").at(0));
  options.all_measures = true;
  options.threads = 2;
  const ln::CvResult<double> cv = data.sparse ? ln::cross_validate(data.Xs, data.y, options)
                                              : ln::cross_validate(data.X, data.y, options);
  const std::vector<double> lambdas = ref.numbers("lambda");
  REQUIRE(cv.path.size() == Index(lambdas.size()));
  CHECK(cv.n_folds == 10);
  const std::pair<const char*, const ln::CvCurve<double>*> curves[] = {
      {"deviance", &cv.deviance}, {"class", &cv.misclassification}, {"auc", &cv.auc}};
  for (const auto& [key_text, curve] : curves) {
    const std::string key = key_text;
    CAPTURE(key);
    REQUIRE(curve->computed);
    const std::vector<double> cvm = ref.numbers(key + "_cvm");
    const std::vector<double> cvsd = ref.numbers(key + "_cvsd");
    double worst = 0;
    for (std::size_t l = 0; l < cvm.size(); ++l) {
      worst = std::max(worst, std::abs(curve->mean[Index(l)] - cvm[l]) / std::max(1.0, std::abs(cvm[l])));
      worst = std::max(worst, std::abs(curve->standard_error[Index(l)] - cvsd[l]) / std::max(1.0, std::abs(cvsd[l])));
    }
    CHECK(worst <= 1e-7);
    CHECK(curve->index_min == Index(ref.number(key + "_index0_min")));
    CHECK(curve->index_1se == Index(ref.number(key + "_index0_1se")));
    MESSAGE(name, " ", key, ": max diff of cvm / cvsd to cv.glmnet ", worst, "; index_min ",
            curve->index_min, ", index_1se ", curve->index_1se);
  }
  CHECK(cv.index_min == cv.deviance.index_min);
  CHECK(cv.lambda_1se == cv.path.lambdas[cv.deviance.index_1se]);
  // The neuron is the full-data path's point at lambda_1se (the default choice).
  CHECK(cv.chosen == cv.index_1se);
  const VectorD w = cv.path.weights_at(cv.chosen);
  CHECK(cv.neuron.weights() == w);
  CHECK(cv.neuron.bias() == cv.path.biases[cv.chosen]);
}

}  // namespace

TEST_CASE("cross_validate: glmnet's folds give cv.glmnet's curves and choices, dense") {
  check_cv("dense_l1", "dense_l1");
}
TEST_CASE("cross_validate: glmnet's folds give cv.glmnet's curves and choices, sparse") {
  check_cv("sparse_l1", "sparse_l1");
}

namespace {

/// The exact message of the exception f throws (empty if none, or another type).
template <class E, class F>
std::string message_of(const F& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (...) {
    return "(another exception type)";
  }
  return "";
}

}  // namespace

TEST_CASE("LogisticNeuron::fit with coordinate_descent: the exact optima and scikit-learn's L1 points") {
  const Data data = load("dense_logistic.csv");
  const auto blocks = read_blocks("sklearn_reference.txt");
  for (int m = 1; m <= 3; ++m) {
    const std::string tag = "lambda" + std::to_string(m) + "_";
    const Block& exact = blocks.at(tag + "r_exact_active_set_newton");
    const Block& saga = blocks.at(tag + "saga_max_iter_1000000");
    const Block& liblinear = blocks.at(tag + "liblinear_intercept_scaling_1e+06");
    const double lambda = exact.number("lambda");
    CAPTURE(lambda);
    ln::FitOptions<double> options;
    options.solver = ln::Solver::coordinate_descent;
    options.lambda = lambda;
    options.alpha = 1;
    options.tolerance = 0;
    options.gradient_tolerance = 1e-14;
    auto distance = [&](const ln::LogisticNeuron<double>& neuron, const Block& to) {
      const std::vector<double> coef = to.numbers("coef");
      double diff = std::abs(neuron.bias() - to.number("intercept")), scale = std::abs(to.number("intercept"));
      for (Index j = 0; j < neuron.n_features(); ++j) {
        diff = std::max(diff, std::abs(neuron.weights()[j] - coef[std::size_t(j)]));
        scale = std::max(scale, std::abs(coef[std::size_t(j)]));
      }
      return diff / std::max(1.0, scale);
    };
    ln::LogisticNeuron<double> colmajor, rowmajor, sparse_csc, sparse_csr;
    const ln::FitResult<double> result = colmajor.fit(data.X, data.y, options);
    CHECK(result.converged());
    CHECK(result.gradient_norm <= 1e-13);
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Xr = data.X;
    rowmajor.fit(Xr, data.y, options);
    const SparseD Xc = data.X.sparseView();
    const Eigen::SparseMatrix<double, Eigen::RowMajor> Xcsr = Xc;
    sparse_csc.fit(Xc, data.y, options);
    sparse_csr.fit(Xcsr, data.y, options);
    // The zero pattern of the exact optimum, and the optimum to 1e-10.
    const std::vector<double> coef = exact.numbers("coef");
    for (Index j = 0; j < colmajor.n_features(); ++j) {
      CHECK((colmajor.weights()[j] == 0) == (coef[std::size_t(j)] == 0));
    }
    CHECK(distance(colmajor, exact) <= 1e-10);
    // saga and liblinear (intercept_scaling 1e6) are as far from us as from the exact optimum.
    CHECK(distance(colmajor, saga) <= saga.number("rel_diff_exact") + 1e-10);
    CHECK(distance(colmajor, liblinear) <= liblinear.number("rel_diff_exact") * 1.01 + 1e-10);
    // Every layout of X gives the same optimum.
    CHECK((rowmajor.weights() - colmajor.weights()).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK((sparse_csc.weights() - colmajor.weights()).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK((sparse_csr.weights() - colmajor.weights()).cwiseAbs().maxCoeff() <= 1e-12);
    MESSAGE("lambda ", lambda, ": ours to the exact optimum ", distance(colmajor, exact),
            ", to saga ", distance(colmajor, saga), ", to liblinear ", distance(colmajor, liblinear),
            "; ", result.epochs, " passes");
  }
}

TEST_CASE("fit_path: the neuron of a path point, user grids, row-major and CSR X") {
  const Data data = load("dense_logistic.csv");
  ln::PathOptions<double> options;
  options.n_lambdas = 20;
  options.tolerance = 1e-13;
  const ln::PathResult<double> path = ln::fit_path(data.X, data.y, options);
  REQUIRE(path.size() >= 5);
  // glmnet stops early only on its own grid: the same lambdas as a user's grid are all solved
  // and give the same points.
  ln::PathOptions<double> user = options;
  user.lambdas = path.lambdas;
  const ln::PathResult<double> again = ln::fit_path(data.X, data.y, user);
  REQUIRE(again.size() == path.size());
  for (Index k = 1; k < path.size(); ++k) {
    CHECK((again.weights_at(k) - path.weights_at(k)).cwiseAbs().maxCoeff() <= 1e-10);
  }
  // A neuron from point k predicts with that point's parameters.
  const ln::LogisticNeuron<double> neuron = path.neuron(10);
  const VectorD z = data.X * path.weights_at(10) + VectorD::Constant(data.X.rows(), path.biases[10]);
  CHECK((neuron.decision_function(data.X) - z).cwiseAbs().maxCoeff() <= 1e-12);
  CHECK(message_of<std::out_of_range>([&] { (void)path.neuron(path.size()); }) ==
        "PathResult::neuron: k must be in [0, " + std::to_string(path.size()) + "), got " +
            std::to_string(path.size()));
  // Row-major dense and CSR sparse X: the same path.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Xr = data.X;
  const Eigen::SparseMatrix<double, Eigen::RowMajor> Xcsr = data.X.sparseView();
  const ln::PathResult<double> rows = ln::fit_path(Xr, data.y, options);
  const ln::PathResult<double> csr = ln::fit_path(Xcsr, data.y, options);
  REQUIRE(rows.size() == path.size());
  REQUIRE(csr.size() == path.size());
  for (Index k = 0; k < path.size(); ++k) {
    CHECK((rows.weights_at(k) - path.weights_at(k)).cwiseAbs().maxCoeff() <= 1e-11);
    CHECK((csr.weights_at(k) - path.weights_at(k)).cwiseAbs().maxCoeff() <= 1e-11);
  }
  // float: the same path to float's precision.
  const Eigen::MatrixXf Xf = data.X.cast<float>();
  const Eigen::VectorXf yf = data.y.cast<float>();
  ln::PathOptions<float> options_f;
  options_f.n_lambdas = 20;
  const ln::PathResult<float> path_f = ln::fit_path(Xf, yf, options_f);
  CHECK(std::abs(double(path_f.lambda_max) - path.lambda_max) <= 1e-5 * path.lambda_max);
  // Its KKT residuals, in long double on the same data, are float's tolerance (1e-5) to rounding.
  LD worst = 0;
  for (Index k = 0; k < path_f.size(); ++k) {
    CHECK(path_f.converged[std::size_t(k)]);
    worst = std::max(worst, kkt_residual(MatrixD(Xf.cast<double>()), data.y, VectorD::Ones(data.y.size()),
                                         path_f.weights_at(k).cast<double>(), double(path_f.biases[k]),
                                         double(path_f.lambdas[k]), 1.0, VectorD::Ones(20), true));
  }
  // The floor: rounding (w, b) to float moves dJ/dw_j by up to
  // eps_f (1/n) sum_i |x_ij| a_i (1 - a_i) (|b| + sum_k |x_ik w_k|), a (1 - a) <= 1/4.
  LD floor = 0;
  for (Index k = 0; k < path_f.size(); ++k) {
    const VectorD w = path_f.weights_at(k).cast<double>();
    const VectorD reach = (Xf.cast<double>().cwiseAbs() * w.cwiseAbs()).array() + std::abs(double(path_f.biases[k]));
    const VectorD per_feature = Xf.cast<double>().cwiseAbs().transpose() * reach / (4.0 * double(Xf.rows()));
    floor = std::max(floor, LD(per_feature.maxCoeff()) * LD(std::numeric_limits<float>::epsilon()));
  }
  CHECK(worst <= 1e-5 + 4 * floor);
  MESSAGE("float path: largest KKT residual ", double(worst), " (tolerance 1e-5, rounding floor ",
          double(floor), ")");
}

TEST_CASE("cross_validate: folds are stratified, seeded, and the results independent of threads") {
  const Data data = load("dense_logistic.csv");
  ln::CvOptions<double> options;
  options.path.n_lambdas = 30;
  options.seed = 7;
  options.threads = 1;
  const ln::CvResult<double> one = ln::cross_validate(data.X, data.y, options);
  options.threads = 3;
  const ln::CvResult<double> three = ln::cross_validate(data.X, data.y, options);
  CHECK(one.fold_ids == three.fold_ids);
  CHECK(one.deviance.per_fold == three.deviance.per_fold);  // bitwise
  CHECK(one.index_1se == three.index_1se);
  CHECK(one.neuron.weights() == three.neuron.weights());
  // Stratified: fold sizes and per-class counts differ by at most one.
  std::vector<int> size(10, 0), positives(10, 0);
  for (std::size_t i = 0; i < one.fold_ids.size(); ++i) {
    const int f = one.fold_ids[i];
    REQUIRE((f >= 1 && f <= 10));
    ++size[std::size_t(f - 1)];
    positives[std::size_t(f - 1)] += data.y[Index(i)] > 0 ? 1 : 0;
  }
  CHECK(*std::max_element(size.begin(), size.end()) - *std::min_element(size.begin(), size.end()) <= 1);
  CHECK(*std::max_element(positives.begin(), positives.end()) -
            *std::min_element(positives.begin(), positives.end()) <= 1);
  // Another seed, other folds; the same seed, the same folds.
  options.seed = 8;
  const ln::CvResult<double> other = ln::cross_validate(data.X, data.y, options);
  CHECK(other.fold_ids != one.fold_ids);
  options.seed = 7;
  CHECK(ln::cross_validate(data.X, data.y, options).fold_ids == one.fold_ids);
  // lambda_min's choice as asked.
  options.choice = ln::CvChoice::lambda_min;
  const ln::CvResult<double> at_min = ln::cross_validate(data.X, data.y, options);
  CHECK(at_min.chosen == at_min.index_min);
  CHECK(at_min.index_1se <= at_min.index_min);
}

TEST_CASE("fit_path, cross_validate and fit: bad options, with exact messages") {
  const Data data = load("dense_logistic.csv");
  const MatrixD& X = data.X;
  const VectorD& y = data.y;
  auto path_message = [&](const ln::PathOptions<double>& options) {
    return message_of<std::invalid_argument>([&] { (void)ln::fit_path(X, y, options); });
  };
  ln::PathOptions<double> o;
  o.alpha = 2;
  CHECK(path_message(o) == "fit_path: alpha must be in [0, 1], got 2");
  o = {};
  o.n_lambdas = 0;
  CHECK(path_message(o) == "fit_path: n_lambdas must be >= 1, got 0");
  o = {};
  o.lambda_min_ratio = 1.0;
  CHECK(path_message(o) == "fit_path: lambda_min_ratio must be in (0, 1), got 1");
  o = {};
  o.lambdas = VectorD::LinSpaced(3, 0.1, 0.3);
  CHECK(path_message(o) == "fit_path: lambdas must be strictly decreasing, got lambdas[1] = 0.2 after 0.1");
  o.lambdas = VectorD::Constant(2, -1.0);
  CHECK(path_message(o) == "fit_path: lambdas[0] must be finite and > 0, got -1");
  o = {};
  o.tolerance = 0;
  CHECK(path_message(o) == "fit_path: tolerance must be finite and > 0, got 0");
  o = {};
  o.max_passes = 0;
  CHECK(path_message(o) == "fit_path: max_passes must be >= 1, got 0");
  o = {};
  o.penalty_factors = VectorD::Ones(3);
  CHECK(path_message(o) == "fit_path: penalty_factors has 3 entries but X has 20 columns (features); "
                           "expected one factor per feature, or none");
  o.penalty_factors = VectorD::Zero(20);
  CHECK(path_message(o) == "fit_path: penalty_factors are all 0; expected at least one positive "
                           "factor (or none at all, for all 1)");
  o = {};
  CHECK(message_of<std::invalid_argument>([&] { (void)ln::fit_path(X, VectorD(VectorD::Zero(y.size())), o); }) ==
        "fit_path: y holds one class only (on the rows of positive weight); expected both 0 and 1");
  ln::CvOptions<double> c;
  c.n_folds = 1;
  auto cv_message = [&](const ln::CvOptions<double>& options) {
    return message_of<std::invalid_argument>([&] { (void)ln::cross_validate(X, y, options); });
  };
  CHECK(cv_message(c) == "cross_validate: n_folds must be >= 2, got 1");
  c = {};
  c.fold_ids = {1, 2, 3};
  CHECK(cv_message(c) == "cross_validate: fold_ids has 3 entries but X has 300 rows (samples); "
                         "expected one fold id per row");
  c.fold_ids.assign(300, 1);
  c.fold_ids[5] = 3;
  CHECK(cv_message(c) == "cross_validate: fold_ids use 3 folds but no row is in fold 2; expected "
                         "every fold 1 .. K to hold rows");
  c.fold_ids[5] = 0;
  CHECK(cv_message(c) == "cross_validate: fold_ids[5] must be >= 1 (glmnet's 1-based foldid), got 0");
  c = {};
  c.path.alpha = -1;
  CHECK(cv_message(c) == "cross_validate: alpha must be in [0, 1], got -1");
  // L-BFGS, Newton and Newton-CG refuse an L1 penalty and name the solvers that take it.
  for (const ln::Solver solver : {ln::Solver::lbfgs, ln::Solver::newton, ln::Solver::newton_cg}) {
    ln::FitOptions<double> f;
    f.solver = solver;
    f.lambda = 0.1;
    ln::LogisticNeuron<double> neuron;
    CHECK(message_of<std::invalid_argument>([&] { neuron.fit(X, y, f); }) ==
          std::string("LogisticNeuron::fit: lambda * alpha > 0 (an L1 penalty) needs a solver that "
                      "handles it: coordinate_descent or gradient_descent (proximal steps); ") +
              ln::to_string(solver) + " needs a differentiable cost (alpha = 0)");
    CHECK(!neuron.has_parameters());
  }
  ln::FitOptions<double> f;
  f.solver = ln::Solver::coordinate_descent;
  f.standardize = true;
  ln::LogisticNeuron<double> neuron;
  CHECK(message_of<std::invalid_argument>([&] { neuron.fit(X, y, f); }) ==
        "LogisticNeuron::fit: Solver::coordinate_descent does not standardize; expected "
        "standardize = false (scale the columns of X first)");
  CHECK(std::string(ln::to_string(ln::Solver::coordinate_descent)) == "coordinate_descent");
}

namespace {

/// A path's every number, compared bit for bit.
void check_same_path(const ln::PathResult<double>& a, const ln::PathResult<double>& b) {
  REQUIRE(a.size() == b.size());
  CHECK(MatrixD(a.weights) == MatrixD(b.weights));
  CHECK(a.biases == b.biases);
  CHECK(a.passes == b.passes);
  CHECK(a.deviance_ratios == b.deviance_ratios);
}

}  // namespace

TEST_CASE("fit_path and coordinate descent: the results do not depend on PathOptions::threads") {
  // Large enough (n d >= 2^16) that the gradient and the curvatures run on several threads.
  const Index n = 3000, d = 40;
  std::mt19937 gen(5);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  MatrixD X(n, d);
  VectorD y(n);
  for (Index i = 0; i < n; ++i) {
    double z = 0.2;
    for (Index j = 0; j < d; ++j) {
      X(i, j) = normal(gen);
      if (j < 8) z += X(i, j) * (j % 2 ? 0.7 : -0.5);
    }
    y[i] = uniform(gen) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
  }
  const SparseD Xs = X.sparseView();
  ln::PathOptions<double> options;
  options.n_lambdas = 25;
  options.threads = 1;
  const ln::PathResult<double> dense1 = ln::fit_path(X, y, options);
  const ln::PathResult<double> sparse1 = ln::fit_path(Xs, y, options);
  for (const int threads : {2, 3}) {
    CAPTURE(threads);
    options.threads = threads;
    check_same_path(dense1, ln::fit_path(X, y, options));
    check_same_path(sparse1, ln::fit_path(Xs, y, options));
  }
  // The same for one fit by Solver::coordinate_descent.
  ln::FitOptions<double> fit;
  fit.solver = ln::Solver::coordinate_descent;
  fit.lambda = dense1.lambdas[10];
  fit.alpha = 1;
  fit.threads = 1;
  ln::LogisticNeuron<double> one, two;
  one.fit(X, y, fit);
  fit.threads = 2;
  two.fit(X, y, fit);
  CHECK(one.weights() == two.weights());
  CHECK(one.bias() == two.bias());
  // A negative count is refused.
  options.threads = -1;
  CHECK_THROWS_WITH_AS(ln::fit_path(X, y, options),
                       doctest::Contains("threads must be >= 0 (0 = automatic), got -1"),
                       std::invalid_argument);
}

}  // namespace test_path
