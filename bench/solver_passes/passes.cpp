// Passes over X (FitResult::epochs) each solver takes on the solver test data, with and without
// standardize: at the default tolerance (and how far above the optimum that stops), and to a
// max-norm gradient of 1e-8 (tolerance 0, cap 100000). J* is each objective's optimum, by
// Newton to a gradient of 1e-13. Prints the table of bench/README.md ("Solvers"). The counts
// depend on the data and the options, not on the machine's speed; fits that run to rounding
// (line_search_failed) can move a little with the compiler and its flags.
#include <cstdio>
#include <string>

#include <logistic_neuron/logistic_neuron.hpp>

#include "test_support.hpp"
#include "solver_support.hpp"

namespace ln = logistic_neuron;

int main() {
  struct Set { const char* label; const char* name; double l2; };
  const Set sets[] = {{"breast cancer, l2 = 1e-3", "breast_cancer", 1e-3},
                      {"digits is-2 (first 1000 rows), l2 = 1e-3", "digits_is_2_first_1000", 1e-3},
                      {"ill-conditioned (tests/reference), l2 = 0", "ill_conditioned", 0.0}};
  std::printf("| data | solver | standardize | epochs, default tolerance | (J - J*) / J* there | "
              "epochs to max-norm gradient 1e-8 |\n|---|---|---|---|---|---|\n");
  for (const Set& set : sets) {
    const solver_support::Data data = solver_support::load(set.name);
    const Eigen::MatrixXd X = data.X.cast<double>();
    const Eigen::VectorXd y = data.y.cast<double>();
    for (const ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton,
                                    ln::Solver::lbfgs, ln::Solver::newton_cg}) {
      for (const bool standardize : {false, true}) {
        ln::FitOptions<double> base;
        base.l2 = set.l2;
        base.standardize = standardize;
        base.check_separation = false;
        ln::FitOptions<double> best = base;
        best.solver = ln::Solver::newton;
        best.tolerance = 0;
        best.gradient_tolerance = 1e-13;
        best.max_epochs = 1000;
        ln::LogisticNeuron<double> reference;
        const double J_star = reference.fit(X, y, best).cost;
        ln::FitOptions<double> options = base;
        options.solver = solver;
        ln::LogisticNeuron<double> neuron;
        const ln::FitResult<double> plain = neuron.fit(X, y, options);
        options.tolerance = 0;
        options.gradient_tolerance = 1e-8;
        options.max_epochs = 100000;
        const ln::FitResult<double> deep = neuron.fit(X, y, options);
        std::string reach = deep.stop_reason == ln::StopReason::max_epochs
                                ? "> 100000"
                                : std::to_string(deep.epochs);
        if (deep.stop_reason == ln::StopReason::line_search_failed) {
          reach += " (line_search_failed at 1e-8)";
        }
        std::printf("| %s | %s | %s | %ld | %.2g | %s |\n", set.label, ln::to_string(solver),
                    standardize ? "yes" : "no", static_cast<long>(plain.epochs),
                    (plain.cost - J_star) / J_star, reach.c_str());
        std::fflush(stdout);
      }
    }
  }
}
