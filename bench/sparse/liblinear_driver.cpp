// LIBLINEAR's train() with -s 0 (L2-regularised logistic regression, primal trust-region Newton)
// through its C API (Debian's liblinear-dev 2.3: /usr/include/linear.h, -llinear), on a dataset
// of bench/sparse/make_data.py, driven by compare.py over the line protocol of csr_file.hpp.
//
// The problem is built in memory once, before any timing, as liblinear-train's reader builds it:
// per row its non-zeros as feature_node {1-based index, value}, then the bias feature
// {d + 1, B}, then the terminator {-1, 0}. The CSR arrays are then freed, so that the process
// holds what a LIBLINEAR user holds (16 bytes a non-zero, 32 a row). Only train() is timed.
//
// LIBLINEAR minimises (1/2)(||w||^2 + w_B^2) + C sum_i loss_i with the bias b = B w_B penalised:
// with C = 1/(l2 n) that is n (J(w, b) + (l2/2)(b/B)^2), J the benchmark's cost.
//
// Usage: liblinear_driver DATA.bin --bias B [--C C]
//   then on stdin: "fit EPS REPS OUT" ... "quit" (see csr_file.hpp). Each fit answers
//   {"tol": EPS, "seconds": [...], "cpu_seconds": [...], "iterations": newton iterations,
//    "cg": CG steps (Hessian-vector products), "warning": LIBLINEAR printed a WARNING (it stopped
//    by its own rule, not by eps), "rss_kb", "peak_rss_kb"}.
#include <linear.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "csr_file.hpp"

namespace sb = sparse_bench;

namespace {

// LIBLINEAR's progress lines, counted: "iter  N act ... CG  K ..." per Newton iteration.
std::string g_log;
void collect(const char* text) { g_log += text; }

struct Counts {
  long iterations = 0;
  long cg = 0;
  bool warning = false;
};

Counts parse_log(const std::string& log) {
  Counts c;
  std::size_t at = 0;
  while ((at = log.find("iter", at)) != std::string::npos) {
    ++c.iterations;
    const std::size_t cg = log.find("CG", at);
    const std::size_t end = log.find('\n', at);
    if (cg != std::string::npos && cg < end) c.cg += std::strtol(log.c_str() + cg + 2, nullptr, 10);
    at += 4;
  }
  c.warning = log.find("WARNING") != std::string::npos;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string data;
    double bias = 1.0, C = 1.0;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--bias" && i + 1 < argc) bias = std::stod(argv[++i]);
      else if (arg == "--C" && i + 1 < argc) C = std::stod(argv[++i]);
      else if (data.empty() && arg[0] != '-') data = arg;
      else throw std::invalid_argument("unknown argument " + arg);
    }
    if (data.empty()) throw std::invalid_argument("usage: liblinear_driver DATA.bin --bias B [--C C]");
    const long long baseline_kb = sb::status_kb("VmRSS");
    const auto load_start = sb::Clock::now();
    std::int64_t n = 0, d = 0, nnz = 0;
    std::size_t csr_bytes = 0;
    std::vector<feature_node> nodes;
    std::vector<feature_node*> rows;
    std::vector<double> labels;
    double load_seconds = 0, build_seconds = 0;
    {
      sb::Csr<std::int64_t> csr = sb::read_csr<std::int64_t>(data);
      load_seconds = sb::seconds_since(load_start);
      n = csr.n, d = csr.d, nnz = csr.nnz;
      csr_bytes = static_cast<std::size_t>(4 * (n + 1) + 12 * nnz);  // int32 CSR, as ours holds it
      const auto build_start = sb::Clock::now();
      const std::int64_t extra = bias >= 0 ? 2 : 1;
      nodes.resize(static_cast<std::size_t>(nnz + extra * n));
      rows.resize(static_cast<std::size_t>(n));
      std::size_t k = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        rows[static_cast<std::size_t>(i)] = &nodes[k];
        for (std::int64_t p = csr.indptr[static_cast<std::size_t>(i)]; p < csr.indptr[static_cast<std::size_t>(i + 1)]; ++p) {
          nodes[k++] = feature_node{csr.indices[static_cast<std::size_t>(p)] + 1, csr.values[static_cast<std::size_t>(p)]};
        }
        if (bias >= 0) nodes[k++] = feature_node{static_cast<int>(d + 1), bias};
        nodes[k++] = feature_node{-1, 0.0};
      }
      labels.swap(csr.y);
      build_seconds = sb::seconds_since(build_start);
    }  // the CSR arrays are freed here
    const long long loaded_kb = sb::status_kb("VmRSS");
    const bool reset = sb::reset_peak_rss();

    problem prob{};
    prob.l = static_cast<int>(n);
    prob.n = static_cast<int>(bias >= 0 ? d + 1 : d);
    prob.y = labels.data();
    prob.x = rows.data();
    prob.bias = bias;
    set_print_string_function(collect);

    sb::emit("{\"ready\": true, \"tool\": \"LIBLINEAR\", \"liblinear_version\": " +
             std::to_string(liblinear_version) + ", \"n\": " + std::to_string(n) + ", \"d\": " +
             std::to_string(d) + ", \"nnz\": " + std::to_string(nnz) + ", \"bias\": " + sb::num(bias) +
             ", \"C\": " + sb::num(C) + ", \"csr_bytes\": " + std::to_string(csr_bytes) +
             ", \"input_bytes\": " + std::to_string(nodes.size() * sizeof(feature_node) + rows.size() * sizeof(feature_node*) + labels.size() * 8) +
             ", \"input\": \"feature_node arrays (CSR freed)\", \"load_seconds\": " + sb::num(load_seconds) +
             ", \"build_seconds\": " + sb::num(build_seconds) + ", \"baseline_rss_kb\": " +
             std::to_string(baseline_kb) + ", \"loaded_rss_kb\": " + std::to_string(loaded_kb) +
             ", \"peak_reset\": " + (reset ? "true" : "false") + "}");

    for (std::string line; std::getline(std::cin, line);) {
      const std::vector<std::string> w = sb::words(line);
      if (w.empty()) continue;
      if (w[0] == "quit") break;
      if (w[0] != "fit" || w.size() != 4) {
        sb::emit("{\"error\": \"unknown command: " + line + "\"}");
        continue;
      }
      const double eps = std::stod(w[1]);
      const int reps = std::stoi(w[2]);
      parameter param{};
      param.solver_type = L2R_LR;
      param.eps = eps;
      param.C = C;
      param.nr_weight = 0;
      param.weight_label = nullptr;
      param.weight = nullptr;
      param.p = 0.1;
      param.init_sol = nullptr;
      if (const char* error = check_parameter(&prob, &param)) {
        sb::emit(std::string("{\"error\": \"check_parameter: ") + error + "\"}");
        continue;
      }
      std::vector<double> seconds, cpu;
      Counts counts;
      model* last = nullptr;
      for (int r = 0; r < reps; ++r) {
        if (last) free_and_destroy_model(&last);
        g_log.clear();
        const double cpu0 = sb::cpu_seconds();
        const auto start = sb::Clock::now();
        last = train(&prob, &param);
        seconds.push_back(sb::seconds_since(start));
        cpu.push_back(sb::cpu_seconds() - cpu0);
        counts = parse_log(g_log);
      }
      // w scores the first label LIBLINEAR met; it has d + 1 entries, the last the bias weight.
      const double sign = last->label[0] == 1 ? 1.0 : -1.0;
      std::vector<double> weights(static_cast<std::size_t>(d));
      for (std::int64_t j = 0; j < d; ++j) weights[static_cast<std::size_t>(j)] = sign * last->w[j];
      const double b = bias >= 0 ? sign * last->w[d] * bias : 0.0;
      sb::write_solution(w[3], weights.data(), d, b);
      free_and_destroy_model(&last);
      sb::emit("{\"tol\": " + sb::num(eps) + ", \"seconds\": " + sb::list(seconds) +
               ", \"cpu_seconds\": " + sb::list(cpu) + ", \"iterations\": " +
               std::to_string(counts.iterations) + ", \"cg\": " + std::to_string(counts.cg) +
               ", \"warning\": " + (counts.warning ? "true" : "false") + ", \"rss_kb\": " +
               std::to_string(sb::status_kb("VmRSS")) + ", \"peak_rss_kb\": " +
               std::to_string(sb::peak_rss_kb(reset)) + "}");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "liblinear_driver: %s\n", e.what());
    return 2;
  }
}
