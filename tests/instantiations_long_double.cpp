// The heavy templates of the test files for dense long double X, instantiated once (see
// instantiations.hpp).
#include "instantiations.hpp"

LOGISTIC_NEURON_TEST_DENSE(template, long double)
