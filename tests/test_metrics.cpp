// Metrics (include/logistic_neuron/metrics.hpp) against scikit-learn's values, stored in
// tests/reference/metrics_reference.txt by tests/reference/make_metrics_reference.py, and against
// hand-computed cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/metrics.hpp>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_metrics {

namespace metrics = logistic_neuron::metrics;

namespace {

/// One case of the reference file: its name and its keyed rows of numbers.
struct ReferenceCase {
  std::string name;
  std::map<std::string, std::vector<double>> rows;

  bool has(const std::string& key) const { return rows.count(key) != 0; }

  const std::vector<double>& row(const std::string& key) const {
    const auto it = rows.find(key);
    if (it == rows.end()) throw std::runtime_error("case " + name + " has no row " + key);
    return it->second;
  }

  double value(const std::string& key) const { return row(key).at(0); }

  template <class T>
  Eigen::Matrix<T, Eigen::Dynamic, 1> vector(const std::string& key) const {
    const std::vector<double>& r = row(key);
    Eigen::Matrix<T, Eigen::Dynamic, 1> v(static_cast<Eigen::Index>(r.size()));
    // Every stored input is exactly representable in float: the cast is exact.
    for (std::size_t i = 0; i < r.size(); ++i) {
      v[static_cast<Eigen::Index>(i)] = static_cast<T>(r[i]);
    }
    return v;
  }

  Eigen::VectorXi labels(const std::string& key) const {
    const std::vector<double>& r = row(key);
    Eigen::VectorXi v(static_cast<Eigen::Index>(r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) {
      v[static_cast<Eigen::Index>(i)] = static_cast<int>(r[i]);
    }
    return v;
  }
};

/// Reads every case of metrics_reference.txt (values are parsed as double, the type they were
/// written from).
std::vector<ReferenceCase> read_reference() {
  const std::string path = std::string(LOGISTIC_NEURON_TEST_DATA_DIR) + "/metrics_reference.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<ReferenceCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "case") {
      cases.emplace_back();
      fields >> cases.back().name;
    } else if (key != "end") {
      if (cases.empty()) throw std::runtime_error("row before the first case in " + path);
      std::vector<double>& row = cases.back().rows[key];
      std::string token;
      while (fields >> token) row.push_back(std::stod(token));
    }
  }
  return cases;
}

const std::vector<ReferenceCase>& reference() {
  static const std::vector<ReferenceCase> cases = read_reference();
  return cases;
}

/// Tolerance for a metric of type T compared with scikit-learn's float64 value.
template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-6 : 1e-13;
}

template <class T>
void check_close(T got, double expected, double tol, const std::string& what) {
  INFO(what << ": got " << static_cast<double>(got) << ", scikit-learn " << expected);
  CHECK(std::abs(static_cast<double>(got) - expected) <= tol);
}

/// Checks a curve against scikit-learn's; returns the largest difference in fpr or tpr.
template <class T>
double check_curve(const metrics::RocCurve<T>& curve, const ReferenceCase& c,
                   const std::string& key) {
  const std::vector<double>& fpr = c.row(key + "_fpr");
  const std::vector<double>& tpr = c.row(key + "_tpr");
  const std::vector<double>& thr = c.row(key + "_thresholds");
  INFO(c.name << " " << key);
  REQUIRE(curve.fpr.size() == static_cast<Eigen::Index>(fpr.size()));
  double worst = 0;
  REQUIRE(curve.tpr.size() == curve.fpr.size());
  REQUIRE(curve.thresholds.size() == curve.fpr.size());
  // thresholds[0]: +inf here, max(score) + 1 in scikit-learn 1.2 (+inf from 1.3 on).
  CHECK(curve.thresholds[0] == std::numeric_limits<T>::infinity());
  CHECK(thr[0] == thr[1] + 1.0);
  for (Eigen::Index k = 0; k < curve.fpr.size(); ++k) {
    const auto i = static_cast<std::size_t>(k);
    check_close(curve.fpr[k], fpr[i], tolerance<T>(), "fpr[" + std::to_string(k) + "]");
    check_close(curve.tpr[k], tpr[i], tolerance<T>(), "tpr[" + std::to_string(k) + "]");
    worst = std::max({worst, std::abs(static_cast<double>(curve.fpr[k]) - fpr[i]),
                      std::abs(static_cast<double>(curve.tpr[k]) - tpr[i])});
    // The other thresholds are the distinct scores themselves: exact.
    if (k > 0) CHECK(curve.thresholds[k] == static_cast<T>(thr[i]));
  }
  return worst;
}

}  // namespace

TEST_CASE("metrics: the reference file holds the cases the tests rely on") {
  REQUIRE(reference().size() == 13);
  int with_roc = 0;
  int with_weights = 0;
  for (const ReferenceCase& c : reference()) {
    with_roc += c.has("roc_auc") ? 1 : 0;
    with_weights += c.has("weight") ? 1 : 0;
    CHECK(c.row("score").size() == c.row("y_true").size());
  }
  CHECK(with_roc == 11);
  CHECK(with_weights == 2);
}

TEST_CASE("metrics: label metrics match scikit-learn") {
  double worst = 0;
  for (const ReferenceCase& c : reference()) {
    INFO("case " << c.name);
    const Eigen::VectorXi y = c.labels("y_true");
    const Eigen::VectorXi y_pred = c.labels("y_pred");
    const std::vector<double>& cm_ref = c.row("confusion");
    const auto check = [&](double got, const char* key) {
      const double diff = std::abs(got - c.value(key));
      worst = std::max(worst, diff);
      INFO(key << ": got " << got << ", scikit-learn " << c.value(key));
      CHECK(diff <= 1e-15);
    };
    if (c.has("weight")) {
      const Eigen::VectorXd w = c.vector<double>("weight");
      const metrics::ConfusionMatrix<double> cm = metrics::confusion_matrix(y, y_pred, w);
      CHECK(cm.tn == cm_ref[0]);
      CHECK(cm.fp == cm_ref[1]);
      CHECK(cm.fn == cm_ref[2]);
      CHECK(cm.tp == cm_ref[3]);
      check(metrics::accuracy(y, y_pred, w), "accuracy");
      check(metrics::precision(y, y_pred, w), "precision");
      check(metrics::recall(y, y_pred, w), "recall");
      check(metrics::f1(y, y_pred, w), "f1");
    } else {
      const metrics::ConfusionMatrix<> cm = metrics::confusion_matrix(y, y_pred);
      CHECK(cm.tn == static_cast<Eigen::Index>(cm_ref[0]));
      CHECK(cm.fp == static_cast<Eigen::Index>(cm_ref[1]));
      CHECK(cm.fn == static_cast<Eigen::Index>(cm_ref[2]));
      CHECK(cm.tp == static_cast<Eigen::Index>(cm_ref[3]));
      CHECK(cm.total() == y.size());
      check(metrics::accuracy(y, y_pred), "accuracy");
      check(metrics::precision(y, y_pred), "precision");
      check(metrics::recall(y, y_pred), "recall");
      check(metrics::f1(y, y_pred), "f1");
      // Labels stored as double give the same counts.
      const metrics::ConfusionMatrix<> cm_double =
          metrics::confusion_matrix(y.cast<double>(), y_pred.cast<double>());
      CHECK(cm_double.tp == cm.tp);
      CHECK(cm_double.tn == cm.tn);
    }
  }
  MESSAGE("label metrics: worst absolute difference from scikit-learn " << worst);
}

TEST_CASE_TEMPLATE("metrics: score metrics and the ROC curve match scikit-learn", T, float, double,
                   long double) {
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  std::map<std::string, double> worst;
  const auto check = [&](T got, double expected, double tol, const std::string& metric) {
    const double diff = std::abs(static_cast<double>(got) - expected);
    worst[metric] = std::max(worst[metric], diff);
    INFO(metric << ": got " << static_cast<double>(got) << ", scikit-learn " << expected);
    CHECK(diff <= tol);
  };
  for (const ReferenceCase& c : reference()) {
    INFO("case " << c.name);
    const Eigen::VectorXi y = c.labels("y_true");
    const Vector p = c.vector<T>("score");
    const bool weighted = c.has("weight");
    const Vector w = weighted ? c.vector<T>("weight") : Vector();
    const double tol = tolerance<T>();

    // Log loss clips at the epsilon of T, as scikit-learn clips at that of its input's dtype.
    // long double has a smaller epsilon than any scikit-learn dtype: its clipped case is checked
    // by hand below.
    const T loss = weighted ? metrics::log_loss(y, p, w) : metrics::log_loss(y, p);
    if (std::is_same_v<T, float>) {
      // scikit-learn computes the float32 loss in float32 (relative error ~1e-7).
      check(loss, c.value("log_loss_f32"), 2e-6 * (1 + c.value("log_loss_f32")), "log_loss");
    } else if (std::is_same_v<T, double> || c.name != "extreme") {
      check(loss, c.value("log_loss"), tol, "log_loss");
    }
    check(weighted ? metrics::brier_score(y, p, w) : metrics::brier_score(y, p), c.value("brier"),
          tol, "brier_score");

    if (c.has("roc_auc")) {
      check(weighted ? metrics::roc_auc(y, p, w) : metrics::roc_auc(y, p), c.value("roc_auc"), tol,
            "roc_auc");
      const metrics::RocCurve<T> full =
          weighted ? metrics::roc_curve(y, p, w, false) : metrics::roc_curve(y, p, false);
      const metrics::RocCurve<T> dropped =
          weighted ? metrics::roc_curve(y, p, w, true) : metrics::roc_curve(y, p, true);
      worst["roc_curve"] = std::max({worst["roc_curve"], check_curve(full, c, "roc"),
                                     check_curve(dropped, c, "roc_drop")});
      // The default keeps every distinct score.
      const metrics::RocCurve<T> by_default =
          weighted ? metrics::roc_curve(y, p, w) : metrics::roc_curve(y, p);
      CHECK(by_default.fpr.size() == full.fpr.size());
    } else {
      CHECK_THROWS_AS(metrics::roc_auc(y, p), std::invalid_argument);
      CHECK_THROWS_AS(metrics::roc_curve(y, p), std::invalid_argument);
    }

    if (c.has("logit")) {
      const Vector z = c.vector<T>("logit");
      check(weighted ? metrics::log_loss_from_logits(y, z, w)
                     : metrics::log_loss_from_logits(y, z),
            c.value("log_loss_logit"), std::is_same_v<T, float> ? 1e-6 : 1e-13,
            "log_loss_from_logits");
      if (c.has("roc_auc_logit")) {
        check(weighted ? metrics::roc_auc(y, z, w) : metrics::roc_auc(y, z),
              c.value("roc_auc_logit"), tol, "roc_auc");
      }
    }
  }
  for (const auto& [metric, diff] : worst) {
    MESSAGE(metric << ": worst absolute difference from scikit-learn " << diff);
  }
}

TEST_CASE("metrics: hand-computed confusion matrix, precision, recall, F1") {
  Eigen::VectorXi y(8);
  Eigen::VectorXi y_pred(8);
  y << 1, 1, 1, 0, 0, 0, 0, 1;
  y_pred << 1, 0, 1, 1, 0, 0, 0, 1;
  const metrics::ConfusionMatrix<> cm = metrics::confusion_matrix(y, y_pred);
  CHECK(cm.tp == 3);
  CHECK(cm.fn == 1);
  CHECK(cm.fp == 1);
  CHECK(cm.tn == 3);
  CHECK(metrics::accuracy(cm) == doctest::Approx(6.0 / 8).epsilon(1e-15));
  CHECK(metrics::precision(cm) == doctest::Approx(3.0 / 4).epsilon(1e-15));
  CHECK(metrics::recall(cm) == doctest::Approx(3.0 / 4).epsilon(1e-15));
  CHECK(metrics::f1(cm) == doctest::Approx(3.0 / 4).epsilon(1e-15));

  // Zero division gives 0, scikit-learn's default.
  Eigen::VectorXi none(3);
  none << 0, 0, 0;
  Eigen::VectorXi some(3);
  some << 0, 1, 0;
  CHECK(metrics::precision(some, none) == 0.0);  // nothing predicted 1
  CHECK(metrics::recall(none, some) == 0.0);     // nothing is 1
  CHECK(metrics::f1(none, none) == 0.0);         // neither
  CHECK(metrics::accuracy(none, none) == 1.0);

  // Weights: a weight of 2 counts a sample twice; a weight of 0 removes it.
  Eigen::VectorXd w(8);
  w << 2, 1, 1, 1, 0, 1, 1, 1;
  const metrics::ConfusionMatrix<double> cw = metrics::confusion_matrix(y, y_pred, w);
  CHECK(cw.tp == 4.0);
  CHECK(cw.tn == 2.0);
  CHECK(cw.total() == 8.0);
  CHECK(metrics::accuracy(y, y_pred, w) == doctest::Approx(6.0 / 8).epsilon(1e-15));
  CHECK(metrics::precision(y, y_pred, w) == doctest::Approx(4.0 / 5).epsilon(1e-15));
}

TEST_CASE_TEMPLATE("metrics: hand-computed ROC curve and AUC, ties counting half", T, float,
                   double, long double) {
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const T inf = std::numeric_limits<T>::infinity();
  Eigen::VectorXi y(4);
  Vector s(4);
  // The classic example: positives at 0.35 and 0.8, negatives at 0.1 and 0.4. Of the 4
  // (positive, negative) pairs, 3 are ranked right: AUC 3/4.
  y << 0, 0, 1, 1;
  s << T(0.1), T(0.4), T(0.35), T(0.8);
  CHECK(metrics::roc_auc(y, s) == T(0.75));
  const metrics::RocCurve<T> curve = metrics::roc_curve(y, s);
  Vector fpr(5), tpr(5), thr(5);
  fpr << 0, 0, T(0.5), T(0.5), 1;
  tpr << 0, T(0.5), T(0.5), 1, 1;
  thr << inf, T(0.8), T(0.4), T(0.35), T(0.1);
  CHECK(curve.fpr == fpr);
  CHECK(curve.tpr == tpr);
  CHECK(curve.thresholds == thr);

  // A tie between a positive and a negative counts one half: pairs (0.2+, 0.2-) 1/2,
  // (0.2+, 0.1-) 1, (0.9+, 0.2-) 1, (0.9+, 0.1-) 1: AUC 3.5 / 4.
  s << T(0.2), T(0.2), T(0.1), T(0.9);
  y << 0, 1, 0, 1;
  CHECK(metrics::roc_auc(y, s) == T(0.875));
  const metrics::RocCurve<T> tied = metrics::roc_curve(y, s);
  REQUIRE(tied.fpr.size() == 4);  // three distinct scores, plus (0, 0)
  CHECK(tied.fpr[2] == T(0.5));   // the tied pair enters together: a diagonal step
  CHECK(tied.tpr[2] == T(1));

  // All scores tied: the diagonal, AUC exactly 1/2.
  s.setConstant(T(0.3));
  CHECK(metrics::roc_auc(y, s) == T(0.5));
  CHECK(metrics::roc_curve(y, s).fpr.size() == 2);

  // Collinear points are dropped on request: scores 4 > 3 > 2 > 1 with labels 1, 1, 0, 0 give
  // (0,0) (0,.5) (0,1) (.5,1) (1,1); (.5,1) lies on the segment from (0,1) to (1,1) and goes.
  // (0,.5) stays: as in scikit-learn, the rule looks at the points after (0,0) only, and keeps
  // the first and the last of those.
  y << 1, 1, 0, 0;
  s << 4, 3, 2, 1;
  const metrics::RocCurve<T> dropped = metrics::roc_curve(y, s, true);
  Vector fd(4), td(4);
  fd << 0, 0, 0, 1;
  td << 0, T(0.5), 1, 1;
  CHECK(dropped.fpr == fd);
  CHECK(dropped.tpr == td);
  CHECK(metrics::roc_auc(y, s) == T(1));
}

TEST_CASE_TEMPLATE("metrics: ROC-AUC is the pairwise ranking probability, ties counting half", T,
                   float, double, long double) {
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> label(0, 1);
  std::uniform_int_distribution<int> grid(0, 20);  // scores on a grid: many ties
  std::uniform_real_distribution<double> weight(0.0, 2.0);
  const Eigen::Index n = 200;
  Eigen::VectorXi y(n);
  Vector s(n), w(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    y[i] = label(rng);
    s[i] = static_cast<T>(grid(rng) - 10) / T(4);
    w[i] = static_cast<T>(weight(rng));
  }
  // Brute force over every (positive, negative) pair: 1 if ranked right, 1/2 if tied.
  long double right = 0, right_w = 0, pairs = 0, pairs_w = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      const long double credit = s[i] > s[j] ? 1.0L : s[i] == s[j] ? 0.5L : 0.0L;
      const long double wij = static_cast<long double>(w[i]) * static_cast<long double>(w[j]);
      right += credit;
      pairs += 1;
      right_w += credit * wij;
      pairs_w += wij;
    }
  }
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-13;
  CHECK(static_cast<double>(metrics::roc_auc(y, s)) ==
        doctest::Approx(static_cast<double>(right / pairs)).epsilon(tol));
  CHECK(static_cast<double>(metrics::roc_auc(y, s, w)) ==
        doctest::Approx(static_cast<double>(right_w / pairs_w)).epsilon(tol));
}

TEST_CASE_TEMPLATE("metrics: integer weights equal repeated samples; zero weights equal removal", T,
                   float, double, long double) {
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> label(0, 1);
  std::uniform_int_distribution<int> weight(0, 3);
  std::uniform_int_distribution<int> grid(0, 10);  // scores on a grid: many ties
  const Eigen::Index n = 60;
  Eigen::VectorXi y(n);
  Vector p(n);
  Vector w(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    y[i] = label(rng);
    p[i] = static_cast<T>(grid(rng)) / T(10);
    w[i] = static_cast<T>(weight(rng));
  }
  y[0] = 0;
  y[1] = 1;
  w[0] = 1;
  w[1] = 1;
  const auto repeated = static_cast<Eigen::Index>(w.sum());
  Eigen::VectorXi y_rep(repeated);
  Vector p_rep(repeated);
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int r = 0; r < static_cast<int>(w[i]); ++r, ++k) {
      y_rep[k] = y[i];
      p_rep[k] = p[i];
    }
  }
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  CHECK(static_cast<double>(metrics::roc_auc(y, p, w)) ==
        doctest::Approx(static_cast<double>(metrics::roc_auc(y_rep, p_rep))).epsilon(tol));
  CHECK(static_cast<double>(metrics::log_loss(y, p, w)) ==
        doctest::Approx(static_cast<double>(metrics::log_loss(y_rep, p_rep))).epsilon(tol));
  CHECK(static_cast<double>(metrics::brier_score(y, p, w)) ==
        doctest::Approx(static_cast<double>(metrics::brier_score(y_rep, p_rep))).epsilon(tol));
  const metrics::RocCurve<T> weighted = metrics::roc_curve(y, p, w);
  const metrics::RocCurve<T> plain = metrics::roc_curve(y_rep, p_rep);
  REQUIRE(weighted.fpr.size() == plain.fpr.size());
  CHECK(weighted.thresholds == plain.thresholds);
  CHECK((weighted.fpr - plain.fpr).cwiseAbs().maxCoeff() <= T(tol));
  CHECK((weighted.tpr - plain.tpr).cwiseAbs().maxCoeff() <= T(tol));
  const Eigen::VectorXi y_pred = (p.array() > T(0.5)).template cast<int>();
  const Eigen::VectorXi y_pred_rep = (p_rep.array() > T(0.5)).template cast<int>();
  CHECK(metrics::f1(y, y_pred, w) ==
        doctest::Approx(metrics::f1(y_rep, y_pred_rep)).epsilon(1e-14));
}

TEST_CASE_TEMPLATE("metrics: log loss from logits is exact; from probabilities it clips at epsilon",
                   T, float, double, long double) {
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Eigen::VectorXi y(4);
  Vector z(4);
  // softplus(-z) for y = 1 and softplus(z) for y = 0: 1000, 1000, ~0, ~0.
  y << 1, 0, 1, 0;
  z << -1000, 1000, 1000, -1000;
  CHECK(metrics::log_loss_from_logits(y, z) == T(500));
  // Zero logits give exactly ln 2 per sample.
  z.setZero();
  CHECK(static_cast<double>(metrics::log_loss_from_logits(y, z)) ==
        doctest::Approx(std::log(2.0)).epsilon(std::is_same_v<T, float> ? 1e-7 : 1e-15));

  // Certain wrong probabilities cost -log(eps) each; certain right ones cost ~eps.
  const T eps = std::numeric_limits<T>::epsilon();
  Vector p(4);
  p << 0, 1, 1, 0;
  const long double expected = (2 * -std::log(static_cast<long double>(eps)) +
                                2 * -std::log1p(-static_cast<long double>(eps))) / 4;
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  CHECK(static_cast<double>(metrics::log_loss(y, p)) ==
        doctest::Approx(static_cast<double>(expected)).epsilon(tol));
  // The bundled reference case "extreme", for any T: three certain-wrong predictions (one of
  // them 1e-20, below every epsilon here but float's 1e-20 > 0), two certain-right, one at
  // 1 - 2^-24 for class 0, and 0.75 / 0.25 right.
  Eigen::VectorXi ye(8);
  Vector pe(8);
  ye << 1, 0, 1, 0, 1, 0, 1, 0;
  pe << 1, 0, 0, 1, T(1e-20f), T(1) - T(std::ldexp(1.0, -24)), T(0.75), T(0.25);
  const auto clip = [eps](long double v) {
    return std::min(std::max(v, static_cast<long double>(eps)), 1 - static_cast<long double>(eps));
  };
  long double sum = 0;
  for (Eigen::Index i = 0; i < 8; ++i) {
    const long double q = clip(static_cast<long double>(pe[i]));
    sum += ye[i] == 1 ? -std::log(q) : -std::log1p(-q);
  }
  CHECK(static_cast<double>(metrics::log_loss(ye, pe)) ==
        doctest::Approx(static_cast<double>(sum / 8)).epsilon(tol));
}

TEST_CASE_TEMPLATE("metrics: log loss from logits equals the neuron's cost at l2 = 0", T, float,
                   double, long double) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const Eigen::Index n = 50;
  Matrix X(n, 3);
  Eigen::VectorXi y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < 3; ++j) X(i, j) = static_cast<T>(normal(rng));
    y[i] = X(i, 0) + static_cast<T>(normal(rng)) > 0 ? 1 : 0;
  }
  Vector w(3);
  w << T(1.5), T(-0.5), T(2);
  const logistic_neuron::LogisticNeuron<T> neuron(w, T(0.25));
  const Vector z = neuron.decision_function(X);
  const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-13;
  CHECK(static_cast<double>(metrics::log_loss_from_logits(y, z)) ==
        doctest::Approx(static_cast<double>(neuron.cost(X, y))).epsilon(tol));
  // Probabilities and logits rank the samples alike: same AUC.
  CHECK(metrics::roc_auc(y, z) == metrics::roc_auc(y, neuron.predict_proba(X)));
}

TEST_CASE("metrics: any dense vector binds (Map, row vector, block, double labels)") {
  const double scores[] = {0.1, 0.4, 0.35, 0.8};
  const int labels[] = {0, 0, 1, 1};
  const Eigen::Map<const Eigen::VectorXd> s(scores, 4);
  const Eigen::Map<const Eigen::VectorXi> y(labels, 4);
  CHECK(metrics::roc_auc(y, s) == 0.75);
  const Eigen::RowVectorXd s_row = s.transpose();
  CHECK(metrics::roc_auc(y, s_row) == 0.75);
  Eigen::MatrixXd table(4, 2);
  table.col(0) = y.cast<double>();
  table.col(1) = s;
  CHECK(metrics::roc_auc(table.col(0), table.col(1)) == 0.75);
  CHECK(metrics::brier_score(table.col(0), table.col(1)) ==
        doctest::Approx((0.01 + 0.16 + 0.65 * 0.65 + 0.04) / 4).epsilon(1e-15));
}

TEST_CASE("metrics: bad input throws std::invalid_argument naming the call and the problem") {
  Eigen::VectorXi y(3);
  y << 0, 1, 1;
  Eigen::VectorXd p(3);
  p << 0.2, 0.7, 0.9;
  Eigen::VectorXd p2(2);
  p2 << 0.2, 0.7;
  CHECK_THROWS_WITH_AS(metrics::log_loss(y, p2),
                       "metrics::log_loss: y_true has 3 entries but probabilities has 2 entries",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::roc_auc(Eigen::VectorXi(), Eigen::VectorXd()),
                       "metrics::roc_auc: y_true is empty; expected at least one sample",
                       std::invalid_argument);
  Eigen::VectorXi bad = y;
  bad[1] = 2;
  CHECK_THROWS_WITH_AS(metrics::brier_score(bad, p),
                       "metrics::brier_score: y_true[1] is 2; expected a label 0 or 1",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::accuracy(y, bad),
                       "metrics::accuracy: y_pred[1] is 2; expected a label 0 or 1",
                       std::invalid_argument);
  Eigen::VectorXd half(3);
  half << 0, 0.5, 1;
  CHECK_THROWS_WITH_AS(metrics::confusion_matrix(half, y),
                       "metrics::confusion_matrix: y_true[1] is 0.5; expected a label 0 or 1",
                       std::invalid_argument);
  Eigen::VectorXd q = p;
  q[2] = 1.5;
  CHECK_THROWS_WITH_AS(metrics::log_loss(y, q),
                       "metrics::log_loss: probabilities[2] is 1.5; expected a probability in "
                       "[0, 1]",
                       std::invalid_argument);
  q[2] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(metrics::brier_score(y, q),
                       "metrics::brier_score: probabilities[2] is nan; expected a probability in "
                       "[0, 1]",
                       std::invalid_argument);
  q[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(metrics::roc_auc(y, q),
                       "metrics::roc_auc: scores[2] is inf; expected finite scores",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::log_loss_from_logits(y, q),
                       "metrics::log_loss_from_logits: logits[2] is inf; expected finite scores",
                       std::invalid_argument);
  Eigen::VectorXi ones(3);
  ones << 1, 1, 1;
  CHECK_THROWS_WITH_AS(metrics::roc_auc(ones, p),
                       "metrics::roc_auc: y_true has no sample of class 0 (negative); the ROC "
                       "curve needs samples of both classes",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::roc_curve(Eigen::VectorXi::Zero(3), p),
                       "metrics::roc_curve: y_true has no sample of class 1 (positive); the ROC "
                       "curve needs samples of both classes",
                       std::invalid_argument);
  Eigen::VectorXd w(3);
  w << 1, 0, 0;  // the only positives have weight 0
  CHECK_THROWS_WITH_AS(metrics::roc_auc(y, p, w),
                       "metrics::roc_auc: y_true has no sample of class 1 (positive) with a "
                       "positive sample_weight; the ROC curve needs samples of both classes",
                       std::invalid_argument);
  w << 1, -1, 0;
  CHECK_THROWS_WITH_AS(metrics::accuracy(y, y, w),
                       "metrics::accuracy: sample_weight[1] is -1; expected a finite weight >= 0",
                       std::invalid_argument);
  w.setZero();
  CHECK_THROWS_WITH_AS(metrics::log_loss(y, p, w),
                       "metrics::log_loss: sample_weight sums to 0; expected at least one "
                       "positive weight",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::brier_score(y, p, Eigen::VectorXd::Ones(2)),
                       "metrics::brier_score: y_true has 3 entries but sample_weight has 2 "
                       "entries",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::roc_auc(y, Eigen::MatrixXd::Zero(3, 2)),
                       "metrics::roc_auc: scores is a 3 x 2 matrix; expected a vector (one row or "
                       "one column)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics::accuracy(metrics::ConfusionMatrix<>{}),
                       "metrics::accuracy: the confusion matrix is empty; expected at least one "
                       "sample",
                       std::invalid_argument);
}

}  // namespace test_metrics
