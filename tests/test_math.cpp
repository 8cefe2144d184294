// The maths of DESIGN.md, against independent truth: the cost at zero parameters is ln 2, the
// sigmoid and the cost are finite and correct at extreme logits, cost and gradient agree with a
// long-double reference written from the formulas, the gradient agrees with central finite
// differences of the cost, and L2 penalises the weights but never the bias.
#include "test_support.hpp"

#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_math {

using namespace test_support;

namespace {

// Shapes (n, d) used throughout, including a single sample and a single feature.
const std::vector<std::pair<Index, Index>> shapes = {{1, 1}, {1, 4}, {5, 1}, {40, 3}, {200, 8}};

}  // namespace

TEST_CASE_TEMPLATE("at zero parameters the cost is ln 2, p = 0.5 and the gradient is X^T(1/2 - y)/n",
                   T, float, double, long double) {
  const LD ln2 = std::log(LD(2));
  std::uint32_t seed = 11;
  for (const auto& shape : shapes) {
    const Index n = shape.first, d = shape.second;
    CAPTURE(n);
    CAPTURE(d);
    const Problem<T> p = make_problem<T>(n, d, seed += 10);
    const ln::LogisticNeuron<T> neuron(d);
    // softplus(0) - y * 0 = ln 2 for every sample, whatever X and y are: the mean of n copies
    // of ln 2 rounded to T, so within a few ulps of ln 2.
    const T J = neuron.cost(p.X, p.y);
    CHECK(std::abs(static_cast<LD>(J) - ln2) <= 16 * static_cast<LD>(eps<T>()));

    const Vector<T> proba = neuron.predict_proba(p.X);
    for (Index i = 0; i < n; ++i) CHECK(proba[i] == T(0.5));
    // p = 0.5 is not > 0.5: every label is 0.
    CHECK(neuron.predict(p.X).isZero());

    // dJ/dw = X^T (1/2 - y) / n, dJ/db = mean(1/2 - y), computed here directly.
    const ln::Gradient<T> g = neuron.gradient(p.X, p.y);
    REQUIRE(g.weights.size() == d);
    LD gb = 0;
    for (Index i = 0; i < n; ++i) gb += LD(0.5) - static_cast<LD>(p.y[i]);
    CHECK(close(static_cast<LD>(g.bias), gb / static_cast<LD>(n), evaluation_tolerance<T>()));
    for (Index j = 0; j < d; ++j) {
      LD gj = 0, scale = 0;
      for (Index i = 0; i < n; ++i) {
        gj += static_cast<LD>(p.X(i, j)) * (LD(0.5) - static_cast<LD>(p.y[i]));
        scale += std::abs(static_cast<LD>(p.X(i, j)));
      }
      CHECK(close(static_cast<LD>(g.weights[j]), gj / static_cast<LD>(n),
                  evaluation_tolerance<T>(), scale / static_cast<LD>(n)));
    }
  }
}

TEST_CASE_TEMPLATE("sigmoid, cost and gradient are finite and correct at extreme logits", T, float,
                   double, long double) {
  // One sample at a time (n = 1, d = 1): z = w x with w = 1, so z = x. Large |z| overflows exp in
  // every type (float at 89, double at 710, long double at 11357); moderate |z| such as 30 or 50
  // is where -log(sigmoid(z)) would round to 0 in float or double.
  const std::vector<LD> logits = {-1e4L, -12000, -800, -50, -30, -1, 0, 1, 30, 50, 800, 12000, 1e4L};
  Vector<T> w(1);
  w << T(1);
  const ln::LogisticNeuron<T> neuron(w, T(0));
  for (const LD zl : logits) {
    const T z = static_cast<T>(zl);
    if (!std::isfinite(z)) continue;
    Matrix<T> X(1, 1);
    X << z;
    CAPTURE(zl);
    CHECK(neuron.decision_function(X)[0] == z);

    const T p = neuron.predict_proba(X)[0];
    REQUIRE(std::isfinite(p));
    CHECK(p >= T(0));
    CHECK(p <= T(1));
    CHECK(close_or_underflow<T>(static_cast<LD>(p), sigmoid(static_cast<LD>(z)),
                                4 * static_cast<LD>(eps<T>())));
    CHECK(neuron.predict(X)[0] == (z > 0 ? 1 : 0));

    for (const T label : {T(0), T(1)}) {
      CAPTURE(label);
      Vector<T> y(1);
      y << label;
      const Reference ref = reference(X, y, w, LD(0));
      const T J = neuron.cost(X, y);
      REQUIRE(std::isfinite(J));
      CHECK(J >= T(0));
      // One term: relative accuracy, even where the cost is ~1e-22 (z = 50, y = 1).
      CHECK(close_or_underflow<T>(static_cast<LD>(J), ref.cost, 8 * static_cast<LD>(eps<T>())));
      if (ref.cost > std::numeric_limits<T>::min()) CHECK(J > T(0));

      const ln::Gradient<T> g = neuron.gradient(X, y);
      REQUIRE(std::isfinite(g.bias));
      REQUIRE(std::isfinite(g.weights[0]));
      CHECK(close_or_underflow<T>(static_cast<LD>(g.bias), ref.gb, 8 * static_cast<LD>(eps<T>())));
      CHECK(close_or_underflow<T>(static_cast<LD>(g.weights[0]), ref.gw[0],
                                  8 * static_cast<LD>(eps<T>())));
    }
  }

  // All extremes at once, as a mean over rows: |z| = 1e4 in both directions, both labels.
  Matrix<T> X(4, 1);
  X << T(1e4), T(-1e4), T(1e4), T(-1e4);
  Vector<T> y(4);
  y << T(1), T(1), T(0), T(0);
  const Reference ref = reference(X, y, w, LD(0));
  const T J = neuron.cost(X, y);
  CHECK(close(static_cast<LD>(J), ref.cost, evaluation_tolerance<T>()));
  CHECK(close(static_cast<LD>(J), LD(5000), evaluation_tolerance<T>()));
  const ln::Gradient<T> g = neuron.gradient(X, y);
  CHECK(close(static_cast<LD>(g.bias), ref.gb, evaluation_tolerance<T>()));
  CHECK(close(static_cast<LD>(g.weights[0]), ref.gw[0], evaluation_tolerance<T>(), ref.gw_scale[0]));
  // Rows 2 and 3 are wrong with certainty: a - y = -1 at z = -1e4, +1 at z = 1e4.
  CHECK(close(static_cast<LD>(g.weights[0]), LD(5000), evaluation_tolerance<T>()));
}

TEST_CASE_TEMPLATE("cost and gradient match the long-double reference", T, float, double,
                   long double) {
  std::uint32_t seed = 101;
  for (const auto& shape : shapes) {
    const Index n = shape.first, d = shape.second;
    for (const LD l2 : {LD(0), LD(0.3)}) {
      CAPTURE(n);
      CAPTURE(d);
      CAPTURE(l2);
      const Problem<T> p = make_problem<T>(n, d, seed += 10, 0.7);
      const ln::LogisticNeuron<T> neuron(p.w, p.b);
      const Reference ref = reference(p.X, p.y, p.w, static_cast<LD>(p.b), l2);

      const T J = neuron.cost(p.X, p.y, static_cast<T>(l2));
      CHECK(close(static_cast<LD>(J), ref.cost, evaluation_tolerance<T>(), ref.cost_scale));

      const ln::Gradient<T> g = neuron.gradient(p.X, p.y, static_cast<T>(l2));
      REQUIRE(g.weights.size() == d);
      CHECK(close(static_cast<LD>(g.bias), ref.gb, evaluation_tolerance<T>()));
      for (Index j = 0; j < d; ++j) {
        CAPTURE(j);
        CHECK(close(static_cast<LD>(g.weights[j]), ref.gw[j], evaluation_tolerance<T>(),
                    ref.gw_scale[j]));
      }

      // decision_function is X w + b and predict_proba its sigmoid.
      const Vector<T> z = neuron.decision_function(p.X);
      const Vector<T> proba = neuron.predict_proba(p.X);
      REQUIRE(z.size() == n);
      for (Index i = 0; i < n; ++i) {
        LD zi = static_cast<LD>(p.b), scale = std::abs(static_cast<LD>(p.b));
        for (Index j = 0; j < d; ++j) {
          zi += static_cast<LD>(p.X(i, j)) * static_cast<LD>(p.w[j]);
          scale += std::abs(static_cast<LD>(p.X(i, j)) * static_cast<LD>(p.w[j]));
        }
        CHECK(close(static_cast<LD>(z[i]), zi, 4 * d * static_cast<LD>(eps<T>()), scale));
        CHECK(close(static_cast<LD>(proba[i]), sigmoid(static_cast<LD>(z[i])),
                    4 * static_cast<LD>(eps<T>())));
      }
    }
  }
}

TEST_CASE("the long-double reference's gradient is the derivative of its cost") {
  // Checks the test's own reference against central differences in long double (h = 1e-6:
  // truncation ~1e-12, rounding ~1e-13), with L2 and with sample weights.
  const Problem<LD> p = make_problem<LD>(30, 3, 7, 0.5);
  Vector<LD> s(30);
  Random random(99);
  for (Index i = 0; i < 30; ++i) s[i] = 2 * random.uniform();
  const LD l2 = 0.4L, h = 1e-6L;
  const Reference ref = reference(p.X, p.y, p.w, p.b, l2, s);
  for (Index j = 0; j < 3; ++j) {
    const LD fd = central_difference<LD>(
        [&](LD wj) {
          Vector<LD> w = p.w;
          w[j] = wj;
          return reference(p.X, p.y, w, p.b, l2, s).cost;
        },
        p.w[j], h);
    CHECK(close(ref.gw[j], fd, 1e-9L));
  }
  const LD fd = central_difference<LD>(
      [&](LD b) { return reference(p.X, p.y, p.w, b, l2, s).cost; }, p.b, h);
  CHECK(close(ref.gb, fd, 1e-9L));
}

TEST_CASE_TEMPLATE("the gradient matches central finite differences of the cost", T, float,
                   double, long double) {
  const LD h = finite_difference_step<T>();
  std::uint32_t seed = 1001;
  for (const auto& shape : shapes) {
    const Index n = shape.first, d = shape.second;
    for (const LD l2 : {LD(0), LD(0.7)}) {
      CAPTURE(n);
      CAPTURE(d);
      CAPTURE(l2);
      const Problem<T> p = make_problem<T>(n, d, seed += 10, -0.4);
      const ln::LogisticNeuron<T> neuron(p.w, p.b);
      const T l2t = static_cast<T>(l2);
      const ln::Gradient<T> g = neuron.gradient(p.X, p.y, l2t);
      const LD scale = std::max<LD>(1, std::abs(static_cast<LD>(neuron.cost(p.X, p.y, l2t))));
      for (Index j = 0; j < d; ++j) {
        CAPTURE(j);
        const LD fd = central_difference<T>(
            [&](T wj) {
              Vector<T> w = p.w;
              w[j] = wj;
              return ln::LogisticNeuron<T>(w, p.b).cost(p.X, p.y, l2t);
            },
            p.w[j], h);
        CHECK(close(static_cast<LD>(g.weights[j]), fd, finite_difference_tolerance<T>(), scale));
      }
      const LD fd = central_difference<T>(
          [&](T b) { return ln::LogisticNeuron<T>(p.w, b).cost(p.X, p.y, l2t); }, p.b, h);
      CHECK(close(static_cast<LD>(g.bias), fd, finite_difference_tolerance<T>(), scale));
    }
  }
}

TEST_CASE_TEMPLATE("L2 adds (l2/2)|w|^2 to the cost and l2 w to dJ/dw, and never touches the bias",
                   T, float, double, long double) {
  const Problem<T> p = make_problem<T>(60, 4, 303, 1.0);
  const T l2 = T(0.25);
  const ln::LogisticNeuron<T> neuron(p.w, p.b);
  LD w2 = 0;
  for (Index j = 0; j < p.w.size(); ++j) w2 += static_cast<LD>(p.w[j]) * static_cast<LD>(p.w[j]);

  const T J0 = neuron.cost(p.X, p.y), J = neuron.cost(p.X, p.y, l2);
  CHECK(close(static_cast<LD>(J) - static_cast<LD>(J0), static_cast<LD>(l2) / 2 * w2,
              evaluation_tolerance<T>(), static_cast<LD>(J)));

  const ln::Gradient<T> g0 = neuron.gradient(p.X, p.y), g = neuron.gradient(p.X, p.y, l2);
  // The bias derivative does not depend on l2 at all.
  CHECK(same_bits(g.bias, g0.bias));
  for (Index j = 0; j < p.w.size(); ++j) {
    CHECK(close(static_cast<LD>(g.weights[j]) - static_cast<LD>(g0.weights[j]),
                static_cast<LD>(l2) * static_cast<LD>(p.w[j]), evaluation_tolerance<T>()));
  }

  // Zero weights and a large bias: the penalty is zero however large l2 and b are.
  const ln::LogisticNeuron<T> bias_only(Vector<T>::Zero(4), T(3));
  CHECK(same_bits(bias_only.cost(p.X, p.y, T(100)), bias_only.cost(p.X, p.y)));
  const ln::Gradient<T> gb100 = bias_only.gradient(p.X, p.y, T(100));
  const ln::Gradient<T> gb0 = bias_only.gradient(p.X, p.y);
  CHECK(same_bits(gb100.bias, gb0.bias));
  CHECK(same_bits(gb100.weights, gb0.weights));
}

namespace {

template <class T>
std::string type_name() {
  return std::is_same_v<T, float> ? "float" : std::is_same_v<T, double> ? "double" : "long double";
}

/// |got - want| in units of the spacing of T at want (want rounded to T); 0 when both are 0.
template <class T>
LD ulps(T got, LD want) {
  const T rounded = static_cast<T>(want);
  const T magnitude = std::abs(rounded);
  const T spacing = magnitude > 0 ? std::nextafter(magnitude, std::numeric_limits<T>::infinity()) - magnitude
                                  : std::numeric_limits<T>::denorm_min();
  return std::abs(static_cast<LD>(got) - want) / static_cast<LD>(spacing);
}

}  // namespace

TEST_CASE_TEMPLATE("log1p_unit is log1p on [0, 1] to within an ulp and a half", T, float, double) {
  // The kernel's log1p (a polynomial after an exact reduction) against long double's log1p: a
  // dense grid, the points around the reduction's switch at 1/2, the ends, tiny arguments and
  // seeded random ones.
  std::vector<T> points;
  for (int k = 0; k <= (1 << 16); ++k) points.push_back(static_cast<T>(k) / static_cast<T>(1 << 16));
  for (T start : {T(0.5), T(1), T(0.25), T(0.125)}) {
    T below = start, above = start;
    for (int k = 0; k < 64; ++k) {
      below = std::nextafter(below, T(0));
      above = std::nextafter(above, T(2));
      points.push_back(below);
      if (above <= T(1)) points.push_back(above);
    }
  }
  for (T tiny = std::numeric_limits<T>::min(); tiny < T(1e-3); tiny *= T(3.7)) points.push_back(tiny);
  std::mt19937_64 generator(20261128);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int k = 0; k < 200000; ++k) points.push_back(static_cast<T>(uniform(generator)));
  for (int k = 0; k < 20000; ++k) {
    points.push_back(static_cast<T>(std::exp(-40 * uniform(generator))));  // log-spaced small e
  }

  LD worst = 0;
  T worst_at = 0;
  for (const T e : points) {
    const T got = ln::detail::log1p_unit<T>(e, ln::detail::ScalarOps<T>());
    const LD error = ulps(got, std::log1p(static_cast<LD>(e)));
    if (error > worst) {
      worst = error;
      worst_at = e;
    }
  }
  MESSAGE("log1p_unit<", type_name<T>(), ">: worst error ",
          static_cast<double>(worst), " ulp at e = ", static_cast<double>(worst_at), " over ",
          points.size(), " points");
  // Below 1/2 the polynomial alone (rounding of f + f (f Q) plus Q's error); above, one more
  // rounding in ln 2 + log1p(f): within an ulp and a half.
  CHECK(worst <= 1.5);
  CHECK(ln::detail::log1p_unit<T>(T(0), ln::detail::ScalarOps<T>()) == T(0));
}

TEST_CASE_TEMPLATE("the vectorised elementwise step gives softplus and the residual to a few ulps",
                   T, float, double, long double) {
  // The dispatched elementwise step (whichever instruction set this process runs; CI runs this
  // test under each) on one logit (the padded remainder path) and on one and two vectors' worth
  // of copies of it (the vector path): the lanes' sum is then a tree of doublings of one loss,
  // so it is exactly `copies` losses.
  const Index width = ln::detail::with_ops<T>([](auto ops) { return decltype(ops)::width; });
  std::vector<LD> logits;
  for (int k = -4000; k <= 4000; ++k) logits.push_back(LD(k) / 100);  // [-40, 40] by 0.01
  for (LD z : {LD(-1e4), LD(-750), LD(-700), LD(-100), LD(-88), LD(-86), LD(86), LD(88), LD(100),
               LD(700), LD(750), LD(1e4), LD(1e-30), LD(-1e-30), LD(0)}) {
    logits.push_back(z);
  }
  std::mt19937_64 generator(4242);
  std::normal_distribution<double> normal(0.0, 8.0);
  for (int k = 0; k < 20000; ++k) logits.push_back(static_cast<LD>(normal(generator)));

  const LD tiny = static_cast<LD>(std::numeric_limits<T>::min());
  LD worst_loss = 0, worst_residual = 0;
  for (const LD zl : logits) {
    const T z = static_cast<T>(zl);
    for (const T sign : {T(1), T(-1)}) {  // t = 1 - 2y
      const LD m = static_cast<LD>(sign) * static_cast<LD>(z);
      const LD want_loss = softplus(m);
      const LD want_residual = static_cast<LD>(sign) * sigmoid(m);
      for (const Index copies : {Index(1), width, 2 * width}) {
        std::vector<T> buffer(static_cast<std::size_t>(copies), z);
        const std::vector<T> signs(static_cast<std::size_t>(copies), sign);
        const T loss = ln::detail::kernel_logistic_step<T>(buffer.data(), signs.data(), nullptr, copies) /
                       static_cast<T>(copies);
        // Where the true value is below T's smallest normal number, T holds it only to within that.
        if (want_loss >= tiny) {
          worst_loss = std::max(worst_loss, ulps(loss, want_loss));
        } else {
          CHECK(std::abs(static_cast<LD>(loss) - want_loss) <= tiny);
        }
        for (const T r : buffer) {
          if (std::abs(want_residual) >= tiny) {
            worst_residual = std::max(worst_residual, ulps(r, want_residual));
          } else {
            CHECK(std::abs(static_cast<LD>(r) - want_residual) <= tiny);
          }
        }
      }
    }
  }
  MESSAGE("kernel_logistic_step<", type_name<T>(), "> (", std::string(ln::detail::isa_name(ln::detail::kernel_isa())),
          "): worst loss error ",
          static_cast<double>(worst_loss), " ulp, worst residual error ",
          static_cast<double>(worst_residual), " ulp");
  // loss = max(m, 0) + log1p(e): exp's error in e, log1p's, and the sum's rounding;
  // residual = t (1 or e) / (1 + e): exp's error, the sum 1 + e and the division.
  CHECK(worst_loss <= 3);
  CHECK(worst_residual <= 3);
}

TEST_CASE_TEMPLATE("the elementwise step with curvatures gives the step's bits and s a (1 - a) to a few ulps",
                   T, float, double, long double) {
  // kernel_logistic_curvature (coordinate descent's refresh and line search) against
  // kernel_logistic_step on the same block: the same loss and residuals bit for bit, for every
  // block length 0-80 (each remainder of the vector loops) and for 256; and its curvatures
  // v_i = s_i a_i (1 - a_i) against long double, on logits over [-40, 40], extremes and weights.
  std::mt19937_64 generator(4243);
  std::normal_distribution<double> normal(0.0, 8.0);
  std::uniform_real_distribution<double> uniform(0.0, 3.0);
  std::vector<Index> lengths;
  for (Index n = 0; n <= 80; ++n) lengths.push_back(n);
  lengths.push_back(256);
  const LD tiny = static_cast<LD>(std::numeric_limits<T>::min());
  LD worst = 0;
  Index blocks = 0;
  for (const Index n : lengths) {
    for (int round = 0; round < 40; ++round, ++blocks) {
      std::vector<T> z(static_cast<std::size_t>(n)), sign(z.size()), weight(z.size());
      const LD extremes[] = {LD(-1e4), LD(-750), LD(-88), LD(0), LD(1e-30), LD(88), LD(750), LD(1e4)};
      for (std::size_t i = 0; i < z.size(); ++i) {
        const LD zl = round % 5 == 4 ? extremes[i % 8] : static_cast<LD>(normal(generator));
        z[i] = static_cast<T>(zl);
        sign[i] = (i + std::size_t(round)) % 3 == 0 ? T(1) : T(-1);
        weight[i] = round % 2 ? static_cast<T>(uniform(generator)) : T(1);
      }
      std::vector<T> step = z, r(z.size(), T(7)), v(z.size(), T(7));
      const T want_loss = ln::detail::kernel_logistic_step<T>(step.data(), sign.data(), weight.data(), n);
      const T loss = ln::detail::kernel_logistic_curvature<T>(z.data(), sign.data(), weight.data(), n,
                                                               r.data(), v.data());
      CHECK(same_bits(loss, want_loss));
      bool residuals_same = true;
      for (std::size_t i = 0; i < r.size(); ++i) residuals_same = residuals_same && same_bits(r[i], step[i]);
      CHECK(residuals_same);
      for (std::size_t i = 0; i < z.size(); ++i) {
        // a (1 - a) = sigmoid(z) sigmoid(-z), which keeps its precision where a is near 1
        const LD zl = static_cast<LD>(z[i]);
        const LD want = static_cast<LD>(weight[i]) * sigmoid(zl) * sigmoid(-zl);
        if (std::exp(-std::abs(zl)) >= 2 * tiny && want >= tiny) {
          worst = std::max(worst, ulps(v[i], want));
        } else {  // exp(-|z|) flushed to 0 where it is subnormal: v = 0 or v = want to within that
          CHECK(std::abs(static_cast<LD>(v[i]) - want) <= 2 * tiny * static_cast<LD>(weight[i]));
        }
      }
    }
  }
  MESSAGE("kernel_logistic_curvature<", type_name<T>(), "> (",
          std::string(ln::detail::isa_name(ln::detail::kernel_isa())), "): ", blocks,
          " blocks, worst curvature error ", static_cast<double>(worst), " ulp");
  // v = (s e) (1/(1 + e))^2: exp's error in e, the sum, the division and three products.
  CHECK(worst <= 6);
}

TEST_CASE_TEMPLATE("the fused coordinate update gives the bits of the update and the sums apart",
                   T, float, double, long double) {
  // Coordinate descent's update of column x fused with the next coordinate's sums over column y
  // (kernel_cd_update_dot, kernel_cd_update_moments) against kernel_cd_update followed by
  // kernel_dot or kernel_cd_moments, under whichever instruction set this process runs (CI runs
  // this test under each), for lengths that end in every remainder of the vector loops; and
  // the sums against long double.
  std::mt19937_64 generator(77);
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto draw = [&](std::size_t n) {
    std::vector<T> out(n);
    for (T& value : out) value = static_cast<T>(normal(generator));
    return out;
  };
  std::vector<Index> lengths;
  for (Index n = 0; n <= 80; ++n) lengths.push_back(n);
  for (const Index n : {Index(1000), Index(1021), Index(4099)}) lengths.push_back(n);
  for (const Index n : lengths) {
    const std::size_t size = static_cast<std::size_t>(n);
    const std::vector<T> x = draw(size), y = draw(size), rho0 = draw(size);
    std::vector<T> v = draw(size);
    for (T& value : v) value = std::abs(value) / 4;
    const T delta = static_cast<T>(0.3);

    std::vector<T> rho_apart = rho0, rho_fused = rho0;
    ln::detail::kernel_cd_update<T>(x.data(), delta, v.data(), rho_apart.data(), n);
    const T dot_apart = ln::detail::kernel_dot<T>(y.data(), rho_apart.data(), n);
    const T dot_fused = ln::detail::kernel_cd_update_dot<T>(x.data(), delta, v.data(),
                                                            rho_fused.data(), y.data(), n);
    CHECK(rho_fused == rho_apart);
    CHECK(dot_fused == dot_apart);

    T moments_apart[3], moments_fused[3];
    ln::detail::kernel_cd_moments<T>(y.data(), rho_apart.data(), v.data(), n, moments_apart);
    rho_fused = rho0;
    ln::detail::kernel_cd_update_moments<T>(x.data(), delta, v.data(), rho_fused.data(), y.data(),
                                            n, moments_fused);
    CHECK(rho_fused == rho_apart);
    for (int k = 0; k < 3; ++k) CHECK(moments_fused[k] == moments_apart[k]);

    // The update is elementwise; the sums agree with long double to n eps of their terms.
    LD c = 0, m = 0, q = 0, scale = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const LD want = LD(rho0[i]) - LD(delta) * LD(x[i]) * LD(v[i]);
      CHECK(std::abs(LD(rho_apart[i]) - want) <= 4 * LD(std::numeric_limits<T>::epsilon()) *
                                                     (std::abs(LD(rho0[i])) + std::abs(want) + 1));
      c += LD(y[i]) * LD(rho_apart[i]);
      m += LD(y[i]) * LD(v[i]);
      q += LD(y[i]) * LD(y[i]) * LD(v[i]);
      scale += std::abs(LD(y[i])) * (std::abs(LD(rho_apart[i])) + 1 + std::abs(LD(y[i])));
    }
    const LD tolerance = (LD(n) + 2) * LD(std::numeric_limits<T>::epsilon()) * (scale + 1);
    CHECK(std::abs(LD(dot_fused) - c) <= tolerance);
    CHECK(std::abs(LD(moments_fused[1]) - m) <= tolerance);
    CHECK(std::abs(LD(moments_fused[2]) - q) <= tolerance);
  }
}

}  // namespace test_math
