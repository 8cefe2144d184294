// The heavy templates of the test files for sparse X (double, int indices, CSC and CSR: fit,
// logits, the scan of X), instantiated once (see instantiations.hpp).
#include "instantiations.hpp"

LOGISTIC_NEURON_TEST_SPARSE(template)
