// The heavy templates of the test files for dense float X, instantiated once (see
// instantiations.hpp).
#include "instantiations.hpp"

LOGISTIC_NEURON_TEST_DENSE(template, float)
