// read_libsvm throughput (issue: "a file of 100 MB reads at no less than half the speed of the
// disk's sequential read"). bench/libsvm_read/run.sh drives it; see README.md there.
//
//   read_bench generate FILE MB PROFILE SEED   writes about MB * 10^6 bytes of libsvm text:
//       PROFILE full:  values are random doubles written in their shortest round-trip form
//                      (about 17 significant digits: what write_libsvm writes for real-valued
//                      data, the slowest text to parse);
//       PROFILE short: values with 6 significant digits (like the tf-idf values of rcv1 or
//                      news20 as distributed).
//     Rows have 10 to 150 features (uniform), indices in [1, 100000], labels +1 / -1.
//   read_bench read FILE SCALAR THREADS [cold] reads FILE once with read_libsvm<SCALAR>(path)
//       (SCALAR float or double; LibsvmOptions::threads = THREADS, 0 for all cores) and prints
//       "seconds bytes rows nnz checksum". With "cold",
//       the file's pages are first dropped from the page cache (fdatasync, then
//       posix_fadvise(POSIX_FADV_DONTNEED)), so that the read comes from the disk.
//   read_bench raw FILE [cold]                 reads FILE in 1 MiB blocks through an ifstream
//       without parsing (the I/O part of read_libsvm alone) and prints "seconds bytes".
//   read_bench drop FILE                       drops FILE's pages from the page cache.
//   read_bench cores                           prints how many cores a pure compute loop gets:
//       its speed on all hardware threads over its speed on one (on a shared machine this is
//       often below the core count, and then no parallel read can scale).

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <logistic_neuron/libsvm.hpp>

namespace {

void drop_from_cache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  ::fdatasync(fd);
  const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("posix_fadvise failed");
}

void generate(const std::string& path, double megabytes, const std::string& profile,
              std::uint32_t seed) {
  const bool full = profile == "full";
  if (!full && profile != "short") throw std::runtime_error("profile must be full or short");
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<int> count(10, 150);
  std::uniform_int_distribution<int> index(1, 100000);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> decade(-3, 3);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot open " + path);
  const auto target = static_cast<std::uint64_t>(megabytes * 1e6);
  std::uint64_t written = 0;
  std::string text;
  std::vector<int> indices;
  char number[64];
  while (written < target) {
    text.clear();
    for (int row = 0; row < 1000; ++row) {
      text += (engine() & 1) ? "+1" : "-1";
      indices.resize(static_cast<std::size_t>(count(engine)));
      for (int& k : indices) k = index(engine);
      std::sort(indices.begin(), indices.end());
      indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
      for (const int k : indices) {
        const double value = normal(engine) * std::pow(10.0, decade(engine));
        const std::to_chars_result r =
            full ? std::to_chars(number, number + sizeof number, value)
                 : std::to_chars(number, number + sizeof number, value,
                                 std::chars_format::general, 6);
        text += ' ';
        text += std::to_string(k);
        text += ':';
        text.append(number, r.ptr);
      }
      text += '\n';
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    written += text.size();
  }
  out.close();
  if (!out) throw std::runtime_error("writing " + path + " failed");
}

template <class Scalar>
void read(const std::string& path, int threads, bool cold) {
  if (cold) drop_from_cache(path);
  logistic_neuron::LibsvmOptions options;
  options.threads = threads;
  const auto start = std::chrono::steady_clock::now();
  const logistic_neuron::LibsvmData<Scalar> data =
      logistic_neuron::read_libsvm<Scalar>(path, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double checksum = 0;
  for (Eigen::Index k = 0; k < data.X.nonZeros(); k += 997) checksum += data.X.valuePtr()[k];
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::printf("%.6f %lld %lld %lld %.6g\n", seconds, static_cast<long long>(in.tellg()),
              static_cast<long long>(data.X.rows()), static_cast<long long>(data.X.nonZeros()),
              checksum + data.y.sum());
}

double spin_seconds(unsigned threads) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([] {
      volatile double x = 1;
      for (long i = 0; i < 100000000; ++i) x = x * 1.0000001;
    });
  }
  for (std::thread& worker : workers) worker.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void cores() {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const double one = spin_seconds(1), all = spin_seconds(threads);
  std::printf("%.2f of %u\n", threads * one / all, threads);
}

void raw(const std::string& path, bool cold) {
  if (cold) drop_from_cache(path);
  const auto start = std::chrono::steady_clock::now();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> block(std::size_t(1) << 20);
  long long bytes = 0;
  unsigned sum = 0;
  while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    bytes += in.gcount();
    sum += static_cast<unsigned char>(block[0]);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.6f %lld %u\n", seconds, bytes, sum);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 5 && args[0] == "generate") {
      generate(args[1], std::stod(args[2]), args[3],
               static_cast<std::uint32_t>(std::stoul(args[4])));
      return 0;
    }
    if ((args.size() == 4 || args.size() == 5) && args[0] == "read") {
      const bool cold = args.size() == 5 && args[4] == "cold";
      const int threads = std::stoi(args[3]);
      if (args[2] == "float") {
        read<float>(args[1], threads, cold);
      } else {
        read<double>(args[1], threads, cold);
      }
      return 0;
    }
    if (args.size() == 1 && args[0] == "cores") {
      cores();
      return 0;
    }
    if (args.size() == 2 && args[0] == "drop") {
      drop_from_cache(args[1]);
      return 0;
    }
    if ((args.size() == 2 || args.size() == 3) && args[0] == "raw") {
      raw(args[1], args.size() == 3 && args[2] == "cold");
      return 0;
    }
    std::fprintf(stderr,
                 "usage: read_bench generate FILE MB full|short SEED\n"
                 "       read_bench read FILE float|double THREADS [cold]\n"
                 "       read_bench raw FILE [cold]\n"
                 "       read_bench drop FILE\n"
                 "       read_bench cores\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "read_bench: %s\n", e.what());
    return 1;
  }
}
