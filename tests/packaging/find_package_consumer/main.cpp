// Fits a neuron through the installed headers and prints what the packaging test checks.
#include <iostream>

#include <logistic_neuron/logistic_neuron.hpp>

static_assert(LOGISTIC_NEURON_VERSION_MAJOR == PACKAGE_VERSION_MAJOR &&
                  LOGISTIC_NEURON_VERSION_MINOR == PACKAGE_VERSION_MINOR &&
                  LOGISTIC_NEURON_VERSION_PATCH == PACKAGE_VERSION_PATCH,
              "version.hpp and the installed package version disagree");

int main() {
  Eigen::MatrixXd X(4, 1);
  X << 0.0, 1.0, 2.0, 3.0;
  Eigen::VectorXd y(4);
  y << 0, 0, 1, 1;
  logistic_neuron::LogisticNeuron<double> neuron;
  logistic_neuron::FitOptions<double> options;
  options.l2 = 0.1;
  const logistic_neuron::FitResult<double> result = neuron.fit(X, y, options);
  const Eigen::VectorXi labels = neuron.predict(X);
  std::cout << "find_package consumer: logistic_neuron " << LOGISTIC_NEURON_VERSION_MAJOR << '.'
            << LOGISTIC_NEURON_VERSION_MINOR << '.' << LOGISTIC_NEURON_VERSION_PATCH << ", "
            << result.epochs << " epochs, " << logistic_neuron::to_string(result.stop_reason)
            << ", predicted " << labels.transpose() << '\n';
  return result.converged() ? 0 : 1;
}
