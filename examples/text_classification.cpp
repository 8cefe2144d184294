// Python or Perl? Logistic regression on sparse text: the bundled bag-of-words corpus of Debian
// package descriptions (examples/data/text: 4000 training and 1000 test documents, 5045 words,
// tf-idf weights in libsvm files). The files are read into row-major sparse matrices, never
// densified; the neuron is fitted on them with Newton-CG and an L2 penalty, evaluated on the
// held-out documents, and the words with the strongest weights towards each class are printed.
//
// Usage: text_classification [data_directory]
//   data_directory holds train.svm, test.svm and vocabulary.txt (default: the bundled
//   examples/data/text).
// Exit status: 0 on success, 1 (with a message on stderr) for a missing or malformed file.

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <logistic_neuron/libsvm.hpp>
#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/metrics.hpp>

#ifndef LOGISTIC_NEURON_TEXT_DIR
#define LOGISTIC_NEURON_TEXT_DIR "."
#endif

namespace {

namespace ln = logistic_neuron;
namespace metrics = logistic_neuron::metrics;

/// Line k of the file is the word of feature k.
std::vector<std::string> read_vocabulary(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open '" + path + "'");
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) words.push_back(line);
  return words;
}

/// Prints the `count` words with the largest weights in the direction `sign` (+1 or -1).
void print_strongest(const Eigen::VectorXd& w, const std::vector<std::string>& words, int sign,
                     std::size_t count) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(w.size()));
  std::iota(order.begin(), order.end(), Eigen::Index(0));
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return sign * w[a] > sign * w[b]; });
  for (std::size_t k = 0; k < count && k < order.size(); ++k) {
    const Eigen::Index j = order[k];
    std::printf("  %-14s %+.3f\n", words[static_cast<std::size_t>(j)].c_str(), w[j]);
  }
}

void run(const std::string& dir) {
  // Both files have the vocabulary's columns, whichever words each happens to use.
  const std::vector<std::string> words = read_vocabulary(dir + "/vocabulary.txt");
  ln::LibsvmOptions options;
  options.n_features = static_cast<Eigen::Index>(words.size());
  const auto train = ln::read_libsvm<double>(dir + "/train.svm", options);
  const auto test = ln::read_libsvm<double>(dir + "/test.svm", options);
  std::printf("train: %ld documents, %ld words, %ld non-zeros (%.2f%%)\n",
              static_cast<long>(train.X.rows()), static_cast<long>(train.X.cols()),
              static_cast<long>(train.X.nonZeros()),
              100.0 * double(train.X.nonZeros()) / (double(train.X.rows()) * double(train.X.cols())));
  std::printf("test:  %ld documents, %ld non-zeros\n", static_cast<long>(test.X.rows()),
              static_cast<long>(test.X.nonZeros()));

  // l2 = 1 / (C n) with C = 1 is scikit-learn's LogisticRegression(C=1): its objective
  // (1/2)||w||^2 + C sum_i loss_i, divided by C n, is this library's mean loss + (l2/2)||w||^2.
  ln::FitOptions<double> fit;
  fit.solver = ln::Solver::newton_cg;
  fit.l2 = 1.0 / double(train.X.rows());
  fit.tolerance = 0;
  fit.gradient_tolerance = 1e-10;
  ln::LogisticNeuron<double> neuron;
  const ln::FitResult<double> result = neuron.fit(train.X, train.y, fit);
  std::printf("Newton-CG, l2 = %.3g: %ld passes, %s, cost %.6f\n", double(fit.l2),
              static_cast<long>(result.epochs), ln::to_string(result.stop_reason),
              double(result.cost));

  std::printf("%-10s %8s %8s\n", "", "train", "test");
  const Eigen::VectorXi train_labels = neuron.predict(train.X), test_labels = neuron.predict(test.X);
  std::printf("%-10s %8.3f %8.3f\n", "accuracy", metrics::accuracy(train.y, train_labels),
              metrics::accuracy(test.y, test_labels));
  std::printf("%-10s %8.3f %8.3f\n", "ROC-AUC",
              double(metrics::roc_auc(train.y, neuron.predict_proba(train.X))),
              double(metrics::roc_auc(test.y, neuron.predict_proba(test.X))));
  std::printf("%-10s %8.3f %8.3f\n", "F1", metrics::f1(train.y, train_labels),
              metrics::f1(test.y, test_labels));

  std::printf("strongest words towards python (1):\n");
  print_strongest(neuron.weights(), words, +1, 12);
  std::printf("strongest words towards perl (0):\n");
  print_strongest(neuron.weights(), words, -1, 12);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run(argc > 1 ? argv[1] : LOGISTIC_NEURON_TEXT_DIR);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "text_classification: error: " << e.what() << "\n";
    return 1;
  }
}
