// mpi::metrics against logistic_neuron::metrics on the concatenated samples: counts (the
// confusion matrix, accuracy) exactly; sums of floating-point terms (weighted cells, log loss,
// Brier) to rounding, with the same bits on every rank.
#include <cmath>
#include <string>

#include <logistic_neuron/metrics.hpp>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_metrics {

namespace {

using mpi_support::Index;
using mpi_support::Vector;
namespace ln = logistic_neuron;

bool close(double a, double b, double tolerance) {
  return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b));
}

std::uint64_t bits_of(double value) { return mpi_support::digest(Vector<double>(), value); }

}  // namespace

TEST_CASE_TEMPLATE("mpi::metrics equal the one-process metrics of all samples", T, float, double) {
  const Index n = 257;
  test_support::Random random(5);
  Vector<int> y(n), predicted(n);
  Vector<T> logits(n), probabilities(n), weights(n);
  for (Index i = 0; i < n; ++i) {
    y[i] = random.uniform() < 0.4 ? 1 : 0;
    logits[i] = static_cast<T>(4 * random.normal());
    probabilities[i] = static_cast<T>(1 / (1 + std::exp(-double(logits[i]))));
    predicted[i] = probabilities[i] > T(0.5) ? 1 : 0;
    weights[i] = static_cast<T>(random.uniform() * 3);
  }
  const Vector<double> weights_d = weights.template cast<double>();
  const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-13;
  for (const mpi_support::Partition& part : mpi_support::partitions(n, mpi_support::world_size())) {
    INFO(part.name);
    const Vector<int> y_l = mpi_support::slice(y, part), p_l = mpi_support::slice(predicted, part);
    const Vector<T> z_l = mpi_support::slice(logits, part);
    const Vector<T> a_l = mpi_support::slice(probabilities, part);
    const Vector<T> s_l = mpi_support::slice(weights, part);
    const Vector<double> sd_l = mpi_support::slice(weights_d, part);

    const auto cm = ln::mpi::metrics::confusion_matrix(MPI_COMM_WORLD, y_l, p_l);
    const auto cm1 = ln::metrics::confusion_matrix(y, predicted);
    CHECK(cm.tn == cm1.tn);
    CHECK(cm.fp == cm1.fp);
    CHECK(cm.fn == cm1.fn);
    CHECK(cm.tp == cm1.tp);
    CHECK(ln::mpi::metrics::accuracy(MPI_COMM_WORLD, y_l, p_l) == ln::metrics::accuracy(y, predicted));
    const auto wcm = ln::mpi::metrics::confusion_matrix(MPI_COMM_WORLD, y_l, p_l, sd_l);
    const auto wcm1 = ln::metrics::confusion_matrix(y, predicted, weights_d);
    CHECK(close(wcm.tp, wcm1.tp, 1e-13));
    CHECK(close(wcm.tn, wcm1.tn, 1e-13));
    const double wacc = ln::mpi::metrics::accuracy(MPI_COMM_WORLD, y_l, p_l, sd_l);
    CHECK(close(wacc, ln::metrics::accuracy(y, predicted, weights_d), 1e-13));
    CHECK(mpi_support::all_ranks_agree(bits_of(wacc)));

    const T loss = ln::mpi::metrics::log_loss_from_logits(MPI_COMM_WORLD, y_l, z_l);
    CHECK(close(double(loss), double(ln::metrics::log_loss_from_logits(y, logits)), tolerance));
    CHECK(mpi_support::all_ranks_agree(bits_of(double(loss))));
    const T wloss = ln::mpi::metrics::log_loss_from_logits(MPI_COMM_WORLD, y_l, z_l, s_l);
    CHECK(close(double(wloss), double(ln::metrics::log_loss_from_logits(y, logits, weights)),
                tolerance));
    const T brier = ln::mpi::metrics::brier_score(MPI_COMM_WORLD, y_l, a_l);
    CHECK(close(double(brier), double(ln::metrics::brier_score(y, probabilities)), tolerance));
    const T wbrier = ln::mpi::metrics::brier_score(MPI_COMM_WORLD, y_l, a_l, s_l);
    CHECK(close(double(wbrier), double(ln::metrics::brier_score(y, probabilities, weights)),
                tolerance));
    CHECK(mpi_support::all_ranks_agree(bits_of(double(wbrier))));
  }
}

}  // namespace test_mpi_metrics
