// Which of the 30 measurements of a breast mass matter? The lasso path and 10-fold
// cross-validation (glmnet's cv.glmnet, in C++) choose the penalty from the data: on a stratified,
// seeded 70/30 split of the bundled Wisconsin breast-cancer data, features standardized with the
// training rows' means and standard deviations, cross_validate runs the path of 100 lambdas on
// each fold, picks lambda_min and lambda_1se by the held-out deviance, and returns the neuron at
// lambda_1se. Prints the chosen lambdas, the features that survive, and the held-out metrics;
// writes the coefficient path and the CV curve as SVG pictures (like glmnet's plot).
//
// Usage: feature_selection [breast_cancer.csv [output_directory]]
//   Without arguments the bundled examples/data/breast_cancer.csv is read and the pictures are
//   written to the current directory, as feature_selection_path.svg and feature_selection_cv.svg.
// Exit status: 0 on success, 1 (with a message on stderr) for a missing or malformed CSV or an
// unwritable output directory.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <logistic_neuron/cv.hpp>
#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/metrics.hpp>
#include <logistic_neuron/path.hpp>

#include "breast_cancer_data.hpp"
#include "svg.hpp"

#ifndef LOGISTIC_NEURON_BREAST_CANCER_CSV
#define LOGISTIC_NEURON_BREAST_CANCER_CSV "breast_cancer.csv"
#endif

namespace {

namespace ln = logistic_neuron;
namespace metrics = logistic_neuron::metrics;
namespace svg = examples::svg;
using Matrix = Eigen::MatrixXd;  // column-major: coordinate descent reads X by columns

constexpr double test_fraction = 0.3;
constexpr std::uint32_t split_seed = 20261128;  // the split of breast_cancer.cpp
constexpr std::uint64_t fold_seed = 1;

using Data = examples::BreastCancer<Matrix>;

/// The coefficient path: one line per feature that is ever non-zero, against log10(lambda),
/// with the two chosen lambdas marked.
svg::Chart path_chart(const ln::CvResult<double>& cv, const std::vector<std::string>& names) {
  const ln::PathResult<double>& path = cv.path;
  const Eigen::Index K = path.size();
  double lo = 0, hi = 0;
  std::vector<std::vector<svg::Point>> lines(static_cast<std::size_t>(path.weights.rows()));
  for (Eigen::Index k = 0; k < K; ++k) {
    const Eigen::VectorXd w = path.weights_at(k);
    for (Eigen::Index j = 0; j < w.size(); ++j) {
      lines[static_cast<std::size_t>(j)].push_back({std::log10(path.lambdas[k]), w[j]});
      lo = std::min(lo, w[j]);
      hi = std::max(hi, w[j]);
    }
  }
  const double x_lo = std::log10(path.lambdas[K - 1]), x_hi = std::log10(path.lambdas[0]);
  const double pad = 0.05 * (hi - lo);
  svg::Chart chart("Lasso path, breast cancer (standardized features)", "log10(lambda)",
                   "coefficient");
  chart.x_range(x_lo, x_hi).y_range(lo - pad, hi + pad);
  const char* colours[] = {svg::colour::blue, svg::colour::orange, svg::colour::vermilion,
                           svg::colour::green, svg::colour::black};
  std::size_t drawn = 0;
  for (std::size_t j = 0; j < lines.size(); ++j) {
    if (path.weights.col(K - 1).coeff(Eigen::Index(j), 0) == 0 &&
        std::none_of(lines[j].begin(), lines[j].end(), [](const svg::Point& p) { return p.second != 0; })) {
      continue;
    }
    chart.line(lines[j], colours[drawn++ % 5], 1.5);
  }
  for (const auto& [index, label] : {std::pair<Eigen::Index, const char*>{cv.index_min, "lambda_min"},
                                     {cv.index_1se, "lambda_1se"}}) {
    const double x = std::log10(path.lambdas[index]);
    chart.line({{x, lo - pad}, {x, hi + pad}}, svg::colour::grey, 1, "4 3");
    chart.text({x, hi}, label, "middle");
  }
  (void)names;
  return chart;
}

/// The CV curve: mean held-out deviance with one standard error either side, against
/// log10(lambda), with the two chosen lambdas marked.
svg::Chart cv_chart(const ln::CvResult<double>& cv) {
  const ln::PathResult<double>& path = cv.path;
  const ln::CvCurve<double>& curve = cv.deviance;
  std::vector<svg::Point> mean, band;
  double lo = curve.mean[0], hi = curve.mean[0];
  for (Eigen::Index k = 0; k < path.size(); ++k) {
    const double x = std::log10(path.lambdas[k]);
    mean.push_back({x, curve.mean[k]});
    band.push_back({x, curve.mean[k] + curve.standard_error[k]});
    lo = std::min(lo, curve.mean[k] - curve.standard_error[k]);
    hi = std::max(hi, curve.mean[k] + curve.standard_error[k]);
  }
  for (Eigen::Index k = path.size() - 1; k >= 0; --k) {
    band.push_back({std::log10(path.lambdas[k]), curve.mean[k] - curve.standard_error[k]});
  }
  const double pad = 0.05 * (hi - lo);
  svg::Chart chart("10-fold cross-validation, breast cancer", "log10(lambda)",
                   "held-out deviance per row");
  chart.x_range(std::log10(path.lambdas[path.size() - 1]), std::log10(path.lambdas[0]))
      .y_range(lo - pad, hi + pad);
  chart.area(band, svg::colour::blue, 0.2, "mean +- 1 standard error");
  chart.line(mean, svg::colour::blue, 2, "", "mean deviance");
  chart.markers(mean, svg::colour::vermilion, "circle");
  for (const auto& [index, label] : {std::pair<Eigen::Index, const char*>{cv.index_min, "lambda_min"},
                                     {cv.index_1se, "lambda_1se"}}) {
    const double x = std::log10(path.lambdas[index]);
    chart.line({{x, lo - pad}, {x, hi + pad}}, svg::colour::grey, 1, "4 3");
    chart.text({x, (lo + hi) / 2}, label, "middle");  // clear of the legend and the curve
  }
  chart.legend_at("top-left");
  return chart;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 3) {
    std::cerr << "usage: " << argv[0] << " [breast_cancer.csv [output_directory]]\n";
    return 1;
  }
  const std::string path = argc >= 2 ? argv[1] : LOGISTIC_NEURON_BREAST_CANCER_CSV;
  const std::string out_dir = argc == 3 ? argv[2] : ".";
  try {
    const Data data = examples::load_breast_cancer<Matrix>(path);
    const auto [train, test] =
        examples::stratified_split(data.malignant, test_fraction, split_seed);
    Matrix X_train = data.X(train, Eigen::all);
    Matrix X_test = data.X(test, Eigen::all);
    const Eigen::VectorXd y_train = data.malignant(train);
    const Eigen::VectorXd y_test = data.malignant(test);
    // Standardize with the training rows' statistics (population sd), so that one lambda
    // penalises every feature on the same scale.
    const Eigen::RowVectorXd mean = X_train.colwise().mean();
    const Eigen::RowVectorXd sd =
        ((X_train.rowwise() - mean).colwise().squaredNorm() / double(X_train.rows())).cwiseSqrt();
    X_train = (X_train.rowwise() - mean).array().rowwise() / sd.array();
    X_test = (X_test.rowwise() - mean).array().rowwise() / sd.array();
    std::printf("Feature selection by the lasso: %ld features of %ld breast masses.\n",
                static_cast<long>(data.X.cols()), static_cast<long>(data.X.rows()));
    std::printf("data: %s\n", path.c_str());
    std::printf("split (stratified, seed %lu): %zu train rows, %zu test rows\n",
                static_cast<unsigned long>(split_seed), train.size(), test.size());

    ln::CvOptions<double> options;  // lasso, 100 lambdas, 10 stratified folds, deviance
    options.seed = fold_seed;
    options.all_measures = true;
    const ln::CvResult<double> cv = ln::cross_validate(X_train, y_train, options);
    const ln::PathResult<double>& lasso = cv.path;
    std::printf("path: %ld lambdas from lambda_max %.6g; 10-fold CV (seed %lu) by deviance\n",
                static_cast<long>(lasso.size()), lasso.lambda_max,
                static_cast<unsigned long>(fold_seed));
    const auto describe = [&](const char* what, Eigen::Index k) {
      std::printf("%s = %.6g (index %ld): %ld features, CV deviance %.4f +- %.4f, CV "
                  "misclassification %.4f, CV AUC %.4f\n",
                  what, lasso.lambdas[k], static_cast<long>(k), static_cast<long>(lasso.nonzeros[std::size_t(k)]),
                  cv.deviance.mean[k], cv.deviance.standard_error[k], cv.misclassification.mean[k],
                  cv.auc.mean[k]);
    };
    describe("lambda_min", cv.index_min);
    describe("lambda_1se", cv.index_1se);

    // The surviving features at lambda_1se, largest first (standardized: comparable).
    const Eigen::VectorXd w = cv.neuron.weights();
    std::vector<Eigen::Index> order;
    for (Eigen::Index j = 0; j < w.size(); ++j) {
      if (w[j] != 0) order.push_back(j);
    }
    std::sort(order.begin(), order.end(),
              [&w](Eigen::Index a, Eigen::Index b) { return std::abs(w[a]) > std::abs(w[b]); });
    std::printf("\nsurviving features at lambda_1se (%zu of %ld), weight per standard deviation:\n",
                order.size(), static_cast<long>(w.size()));
    for (const Eigen::Index j : order) {
      std::printf("  %-26s %+8.4f\n", data.names[static_cast<std::size_t>(j)].c_str(), w[j]);
    }

    // Held-out metrics of the chosen neuron.
    const Eigen::VectorXd z = cv.neuron.decision_function(X_test);
    const Eigen::VectorXd p = cv.neuron.predict_proba(X_test);
    const metrics::ConfusionMatrix<> cm = metrics::confusion_matrix(y_test, cv.neuron.predict(X_test));
    std::printf("\nheld-out rows (%zu), the neuron at lambda_1se:\n", test.size());
    std::printf("  accuracy %.4f, log loss %.4f, ROC-AUC %.4f, recall %.4f, precision %.4f\n",
                metrics::accuracy(cm), metrics::log_loss_from_logits(y_test, z),
                metrics::roc_auc(y_test, p), metrics::recall(cm), metrics::precision(cm));

    const std::string path_svg = out_dir + "/feature_selection_path.svg";
    const std::string cv_svg = out_dir + "/feature_selection_cv.svg";
    path_chart(cv, data.names).save(path_svg);
    cv_chart(cv).save(cv_svg);
    std::printf("\nwrote %s\nwrote %s\n", path_svg.c_str(), cv_svg.c_str());
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "feature_selection: error: " << error.what() << '\n';
    return 1;
  }
}
