// Fits a neuron through the source tree's headers and prints what the packaging test checks.
#include <iostream>

#include <logistic_neuron/logistic_neuron.hpp>

static_assert(__cplusplus >= 201703L,
              "logistic_neuron::logistic_neuron must bring C++17 (cxx_std_17) to its consumers");

int main() {
  Eigen::MatrixXf X(4, 1);
  X << 0.0f, 1.0f, 2.0f, 3.0f;
  Eigen::VectorXf y(4);
  y << 0, 0, 1, 1;
  logistic_neuron::LogisticNeuron<float> neuron;
  logistic_neuron::FitOptions<float> options;
  options.l2 = 0.1f;
  const logistic_neuron::FitResult<float> result = neuron.fit(X, y, options);
  const Eigen::VectorXi labels = neuron.predict(X);
  std::cout << "add_subdirectory consumer: " << result.epochs << " epochs, "
            << logistic_neuron::to_string(result.stop_reason) << ", predicted "
            << labels.transpose() << '\n';
  return result.converged() ? 0 : 1;
}
