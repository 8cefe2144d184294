// A picture of what one neuron learns: logistic regression on two features of the bundled
// breast-cancer data (mean radius and mean texture), fitted on all 569 masses with
// FitOptions::standardize, so that the neuron reports w and b in the features' own units and the
// decision boundary w1 x1 + w2 x2 + b = 0 (where the probability is 0.5) is a straight line in
// the scatter of the data. Writes that picture as an SVG file.
//
// Usage: two_features [breast_cancer.csv [output_directory]]
//   Without arguments the bundled examples/data/breast_cancer.csv is read and the picture is
//   written to the current directory as two_features_boundary.svg.
// Exit status: 0 on success, 1 (with a message on stderr) for a missing or malformed CSV or an
// unwritable output directory.

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/metrics.hpp>

#include "csv.hpp"
#include "svg.hpp"

#ifndef LOGISTIC_NEURON_BREAST_CANCER_CSV
#define LOGISTIC_NEURON_BREAST_CANCER_CSV "breast_cancer.csv"
#endif

namespace {

/// The index of a named column; throws if the file has none.
Eigen::Index column(const examples::CsvTable& table, const std::string& name,
                    const std::string& path) {
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    if (table.header[j] == name) return static_cast<Eigen::Index>(j);
  }
  throw std::runtime_error(path + ": has no column '" + name + "'");
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
    const examples::CsvTable table = examples::read_csv(path);
    const Eigen::Index radius = column(table, "mean_radius", path);
    const Eigen::Index texture = column(table, "mean_texture", path);
    const Eigen::Index benign = column(table, "benign", path);
    const Eigen::Index n = table.values.rows();
    Eigen::MatrixXd X(n, 2);
    X.col(0) = table.values.col(radius);
    X.col(1) = table.values.col(texture);
    // Class 1 is malignant (the column says benign = 1): the neuron predicts malignancy.
    const Eigen::VectorXd malignant = 1.0 - table.values.col(benign).array();

    logistic_neuron::FitOptions<double> options;
    options.standardize = true;  // fit on standardized features, report w and b in raw units
    options.tolerance = 1e-10;
    options.max_epochs = 100000;
    logistic_neuron::LogisticNeuron<double> neuron;
    const auto result = neuron.fit(X, malignant, options);
    const double w1 = neuron.weights()[0], w2 = neuron.weights()[1], b = neuron.bias();

    const Eigen::VectorXi predicted = neuron.predict(X);
    std::printf("Malignant or benign, from mean radius and mean texture of %ld masses.\n",
                static_cast<long>(n));
    std::printf("fit: %ld epochs, %s, mean cross-entropy %.6f\n",
                static_cast<long>(result.epochs), logistic_neuron::to_string(result.stop_reason),
                neuron.cost(X, malignant));
    std::printf("decision boundary: %.5f * mean_radius %+.5f * mean_texture %+.5f = 0\n", w1, w2,
                b);
    std::printf("accuracy on these %ld masses: %.4f, ROC-AUC %.4f\n", static_cast<long>(n),
                logistic_neuron::metrics::accuracy(malignant, predicted),
                logistic_neuron::metrics::roc_auc(malignant, neuron.decision_function(X)));

    const std::string svg = out_dir + "/two_features_boundary.svg";
    examples::svg::decision_boundary_chart(X, malignant, w1, w2, b,
                                           "Breast cancer: one neuron on two features",
                                           "mean radius", "mean texture", "benign", "malignant")
        .save(svg);
    std::printf("wrote %s\n", svg.c_str());
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "two_features: error: " << error.what() << '\n';
    return 1;
  }
}
