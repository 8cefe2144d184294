// libFuzzer target for the model loader (LogisticNeuron::load, io.hpp's read_model).
//
// Every input is loaded as float, double and long double. The loader must either succeed or throw
// logistic_neuron::FormatError; anything else (another exception, a crash, a sanitizer report, a
// leak, an allocation beyond -rss_limit_mb) is a finding. A model that loads must be valid
// (1 <= d <= max_model_features, finite parameters, scales > 0) and must survive a save / load
// round trip bit for bit.
//
// Build: cmake -DCMAKE_CXX_COMPILER=clang++ -DLOGISTIC_NEURON_BUILD_FUZZERS=ON ...; run:
//   fuzz_load -dict=tests/fuzz/fuzz_load.dict -max_total_time=60 CORPUS_COPY tests/fuzz/corpus

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <logistic_neuron/logistic_neuron.hpp>

namespace {

namespace ln = logistic_neuron;

template <class T>
bool same_bits(T a, T b) {
  return a == b && std::signbit(a) == std::signbit(b);
}

template <class T>
void check(const std::string& text, std::size_t lines) {
  ln::LogisticNeuron<T> neuron;
  std::istringstream in(text);
  try {
    neuron.load(in);
  } catch (const ln::FormatError& e) {
    // The line named is one the input has, or the one after its end.
    if (e.line() < 1 || e.line() > lines + 1) std::abort();
    if (neuron.has_parameters()) std::abort();  // strong guarantee
    return;
  }
  const Eigen::Index d = neuron.n_features();
  if (d < 1 || d > ln::max_model_features || !neuron.weights().allFinite() ||
      !std::isfinite(neuron.bias())) {
    std::abort();
  }
  if (!neuron.feature_names().empty() &&
      static_cast<Eigen::Index>(neuron.feature_names().size()) != d) {
    std::abort();
  }
  if (neuron.feature_means().size() != 0 &&
      (neuron.feature_means().size() != d || !(neuron.feature_scales().array() > 0).all())) {
    std::abort();
  }
  std::stringstream again;
  neuron.save(again);
  ln::LogisticNeuron<T> copy;
  copy.load(again);  // must not throw
  if (copy.n_features() != d || !same_bits(copy.bias(), neuron.bias()) ||
      copy.feature_names() != neuron.feature_names()) {
    std::abort();
  }
  for (Eigen::Index j = 0; j < d; ++j) {
    if (!same_bits(copy.weights()[j], neuron.weights()[j])) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  check<float>(text, lines);
  check<double>(text, lines);
  check<long double>(text, lines);
  return 0;
}
