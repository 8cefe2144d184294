// The heavy templates of the test files for dense double X, instantiated once (see
// instantiations.hpp).
#include "instantiations.hpp"

LOGISTIC_NEURON_TEST_DENSE(template, double)
LOGISTIC_NEURON_TEST_ONLINE(template, double, ::logistic_neuron_test_kinds::DenseCols<double>)
