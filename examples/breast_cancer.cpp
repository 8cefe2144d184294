// Is a breast mass malignant? Logistic regression as one neuron on the 30 measurements of the
// bundled Wisconsin diagnostic breast-cancer data: a stratified, seeded 70/30 split, features
// standardized (FitOptions::standardize, with the training rows' statistics), an L2 penalty, and
// the metrics of the held-out rows. Then a statsmodels-style inference table (standard errors,
// z, p-values, confidence intervals) of an unpenalised model on four of the features. Writes two
// pictures: the cost per epoch (log scale) and the ROC curve of the held-out rows.
//
// Usage: breast_cancer [breast_cancer.csv [output_directory]]
//   Without arguments the bundled examples/data/breast_cancer.csv is read and the pictures are
//   written to the current directory, as breast_cancer_cost.svg and breast_cancer_roc.svg.
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

#include <logistic_neuron/inference.hpp>
#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/metrics.hpp>

#include "breast_cancer_data.hpp"
#include "svg.hpp"

#ifndef LOGISTIC_NEURON_BREAST_CANCER_CSV
#define LOGISTIC_NEURON_BREAST_CANCER_CSV "breast_cancer.csv"
#endif

namespace {

namespace metrics = logistic_neuron::metrics;
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr double test_fraction = 0.3;
constexpr std::uint32_t split_seed = 20261128;

using Data = examples::BreastCancer<Matrix>;

/// The metrics of one set of rows, printed as one column of a table.
struct Scores {
  metrics::ConfusionMatrix<> cm;
  double accuracy, precision, recall, f1, log_loss, brier, auc;
};

Scores score(const logistic_neuron::LogisticNeuron<double>& neuron, const Matrix& X,
             const Eigen::VectorXd& y) {
  const Eigen::VectorXd z = neuron.decision_function(X);
  const Eigen::VectorXd p = neuron.predict_proba(X);
  const Eigen::VectorXi predicted = neuron.predict(X);
  Scores s;
  s.cm = metrics::confusion_matrix(y, predicted);
  s.accuracy = metrics::accuracy(s.cm);
  s.precision = metrics::precision(s.cm);
  s.recall = metrics::recall(s.cm);
  s.f1 = metrics::f1(s.cm);
  s.log_loss = metrics::log_loss_from_logits(y, z);
  s.brier = metrics::brier_score(y, p);
  s.auc = metrics::roc_auc(y, p);
  return s;
}

void print_scores(const Scores& train, const Scores& test) {
  const auto row = [](const char* what, double a, double b) {
    std::printf("  %-34s %10.4f %10.4f\n", what, a, b);
  };
  const auto count = [](const char* what, Eigen::Index a, Eigen::Index b) {
    std::printf("  %-34s %10ld %10ld\n", what, static_cast<long>(a), static_cast<long>(b));
  };
  std::printf("  %-34s %10s %10s\n", "metric (positive class: malignant)", "train", "test");
  row("accuracy", train.accuracy, test.accuracy);
  row("precision", train.precision, test.precision);
  row("recall (malignant caught)", train.recall, test.recall);
  row("F1", train.f1, test.f1);
  row("log loss (from logits)", train.log_loss, test.log_loss);
  row("Brier score", train.brier, test.brier);
  row("ROC-AUC", train.auc, test.auc);
  count("true negatives (benign, said benign)", train.cm.tn, test.cm.tn);
  count("false positives (benign, said malig.)", train.cm.fp, test.cm.fp);
  count("false negatives (malig., said benign)", train.cm.fn, test.cm.fn);
  count("true positives (malig., said malig.)", train.cm.tp, test.cm.tp);
}

/// The inference table needs the maximum-likelihood optimum (l2 = 0). With all 30 features the
/// training rows are linearly separable and that optimum does not exist (the weights grow
/// without bound), so the table is of a smaller model that overlaps: four "mean" features, in
/// their own units, fitted by Newton's method to a vanishing gradient.
void print_inference(const Data& data, const std::vector<Eigen::Index>& train,
                     const Eigen::VectorXd& y_train) {
  const std::vector<std::string> chosen = {"mean_radius", "mean_texture", "mean_smoothness",
                                           "mean_concave_points"};
  std::vector<Eigen::Index> columns;
  for (const std::string& name : chosen) {
    const auto it = std::find(data.names.begin(), data.names.end(), name);
    if (it == data.names.end()) throw std::runtime_error("the data have no column '" + name + "'");
    columns.push_back(static_cast<Eigen::Index>(it - data.names.begin()));
  }
  const Matrix X = data.X(train, columns);
  logistic_neuron::FitOptions<double> options;
  options.solver = logistic_neuron::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-10;
  logistic_neuron::LogisticNeuron<double> neuron;
  const logistic_neuron::FitResult<double> result = neuron.fit(X, y_train, options);
  neuron.set_feature_names(chosen);
  std::printf("\ninference: maximum likelihood (l2 = 0) on 4 of the features, training rows, "
              "Newton: %ld passes, %s\n",
              static_cast<long>(result.epochs), logistic_neuron::to_string(result.stop_reason));
  std::cout << logistic_neuron::summarize(neuron, X, y_train);
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
    const Matrix X_train = data.X(train, Eigen::all);
    const Matrix X_test = data.X(test, Eigen::all);
    const Eigen::VectorXd y_train = data.malignant(train);
    const Eigen::VectorXd y_test = data.malignant(test);
    std::printf("Malignant or benign? Logistic regression on %ld features of %ld breast masses.\n",
                static_cast<long>(data.X.cols()), static_cast<long>(data.X.rows()));
    std::printf("data: %s\n", path.c_str());
    std::printf("split (stratified, seed %lu): %zu train rows (%.0f malignant), %zu test rows "
                "(%.0f malignant)\n\n",
                static_cast<unsigned long>(split_seed), train.size(), y_train.sum(), test.size(),
                y_test.sum());

    logistic_neuron::FitOptions<double> options;
    options.standardize = true;  // mean and standard deviation of the training rows
    options.l2 = 0.01;           // on the standardized weights
    options.tolerance = 1e-10;   // run gradient descent close to the optimum
    options.max_epochs = 100000;
    logistic_neuron::LogisticNeuron<double> neuron;
    const logistic_neuron::FitResult<double> result = neuron.fit(X_train, y_train, options);
    std::printf("fit: gradient descent, standardized features, l2 = %g: %ld epochs, %s, "
                "cost %.8f, step %.4g\n\n",
                options.l2, static_cast<long>(result.epochs),
                logistic_neuron::to_string(result.stop_reason), result.cost,
                result.learning_rate);

    // The weights per standard deviation of each feature (w_j sigma_j, sigma from the training
    // rows): comparable across features. The five largest in magnitude:
    const Eigen::VectorXd sigma =
        ((X_train.rowwise() - X_train.colwise().mean()).colwise().squaredNorm() /
         static_cast<double>(X_train.rows()))
            .cwiseSqrt()
            .transpose();
    const Eigen::VectorXd per_sd = neuron.weights().cwiseProduct(sigma);
    std::vector<Eigen::Index> order(static_cast<std::size_t>(per_sd.size()));
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = static_cast<Eigen::Index>(j);
    std::sort(order.begin(), order.end(), [&per_sd](Eigen::Index a, Eigen::Index b) {
      return std::abs(per_sd[a]) > std::abs(per_sd[b]);
    });
    std::printf("largest weights per standard deviation of the feature (of %ld):\n",
                static_cast<long>(per_sd.size()));
    for (std::size_t k = 0; k < 5; ++k) {
      std::printf("  %-26s %+8.4f\n", data.names[static_cast<std::size_t>(order[k])].c_str(),
                  per_sd[order[k]]);
    }

    std::printf("\nmetrics at threshold 0.5:\n");
    const Scores on_train = score(neuron, X_train, y_train);
    const Scores on_test = score(neuron, X_test, y_test);
    print_scores(on_train, on_test);
    print_inference(data, train, y_train);

    const std::string cost_svg = out_dir + "/breast_cancer_cost.svg";
    examples::svg::cost_chart({{"gradient descent, standardized, l2 = 0.01", result.cost_history}},
                              "Breast cancer: training cost per epoch")
        .save(cost_svg);
    const Eigen::VectorXd p_test = neuron.predict_proba(X_test);
    const metrics::RocCurve<double> roc = metrics::roc_curve(y_test, p_test);
    const std::string roc_svg = out_dir + "/breast_cancer_roc.svg";
    examples::svg::roc_chart(roc.fpr, roc.tpr, on_test.auc,
                             "Breast cancer, " + std::to_string(test.size()) + " held-out rows")
        .save(roc_svg);
    std::printf("\nwrote %s (%zu epochs)\nwrote %s (%ld points)\n", cost_svg.c_str(),
                result.cost_history.size(), roc_svg.c_str(), static_cast<long>(roc.fpr.size()));
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "breast_cancer: error: " << error.what() << '\n';
    return 1;
  }
}
