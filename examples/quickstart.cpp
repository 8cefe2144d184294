#include <iostream>

#include <logistic_neuron/logistic_neuron.hpp>

int main() {
  // X: one sample per row (hours studied, hours slept); y: 1 = passed the exam, 0 = failed.
  Eigen::MatrixXd X(10, 2);
  X << 0.5, 7.0,
       1.0, 5.0,
       1.5, 8.0,
       2.0, 6.0,
       2.5, 4.0,
       3.0, 7.5,
       3.5, 5.0,
       4.0, 8.0,
       4.5, 6.5,
       5.0, 4.5;
  Eigen::VectorXd y(10);
  y << 0, 0, 0, 1, 0, 1, 0, 1, 1, 1;

  logistic_neuron::FitOptions<double> options;  // defaults: step 1/L, tolerance 1e-5
  options.l2 = 0.01;                            // a little L2 on the weights (never the bias)

  logistic_neuron::LogisticNeuron<double> neuron;
  const logistic_neuron::FitResult<double> result = neuron.fit(X, y, options);
  std::cout << "stopped after " << result.epochs << " epochs ("
            << logistic_neuron::to_string(result.stop_reason) << "), cost " << result.cost
            << "\nweights " << neuron.weights().transpose() << ", bias " << neuron.bias() << '\n';

  Eigen::MatrixXd student(1, 2);
  student << 3.0, 8.0;
  std::cout << "P(pass | 3 h studied, 8 h slept) = " << neuron.predict_proba(student)[0]
            << ", predicted class " << neuron.predict(student)[0] << '\n';
  return result.converged() ? 0 : 1;
}
