// The heavy templates of the test files for long double X, instantiated once (see instantiations.hpp).
#include "instantiations.hpp"

#define LOGISTIC_NEURON_TEST_DEFINE(Scalar, Order) LOGISTIC_NEURON_TEST_ROOTS(template, Scalar, Order)
LOGISTIC_NEURON_TEST_DENSE_KINDS(LOGISTIC_NEURON_TEST_DEFINE, long double)
