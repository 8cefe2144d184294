// Must NOT compile: LogisticNeuron accepts float, double and long double only. The ctest test
// compile_fail_unsupported_scalar passes when compiling this file fails with the library's
// static_assert message.
#include <logistic_neuron/logistic_neuron.hpp>

int main() {
  logistic_neuron::LogisticNeuron<int> neuron;
  return static_cast<int>(neuron.n_features());
}
