/// \file solver_support.hpp
/// \brief Data and reference optima for test_solvers.cpp, test_standardize.cpp and
/// test_weights.cpp: the CSV files and tests/reference/solver_reference.txt, written by
/// tests/reference/make_solver_reference.py (scikit-learn and statsmodels). Plain parsing: the
/// test suite needs no Python.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace solver_support {

using test_support::Index;
using test_support::LD;

/// A data set in long double (exactly what the file holds), converted per test type.
struct Data {
  test_support::Matrix<LD> X;
  test_support::Vector<LD> y;
};

/// Reads a CSV with one header line and the label in the last column. With `rows` > 0, only the
/// first `rows` samples; with `positive` >= 0, the label becomes (label == positive).
inline Data read_csv(const std::string& path, Index rows = -1, int positive = -1) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<LD>> table;
  while (std::getline(in, line) && (rows < 0 || static_cast<Index>(table.size()) < rows)) {
    if (line.empty()) continue;
    std::vector<LD> row;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::stold(cell));
    table.push_back(std::move(row));
  }
  Data data;
  const Index n = static_cast<Index>(table.size());
  const Index d = static_cast<Index>(table.at(0).size()) - 1;
  data.X.resize(n, d);
  data.y.resize(n);
  for (Index i = 0; i < n; ++i) {
    const auto& row = table[static_cast<std::size_t>(i)];
    for (Index j = 0; j < d; ++j) data.X(i, j) = row[static_cast<std::size_t>(j)];
    const LD label = row[static_cast<std::size_t>(d)];
    data.y[i] = positive >= 0 ? LD(label == positive ? 1 : 0) : label;
  }
  return data;
}

/// One column of numbers after a header line.
inline test_support::Vector<LD> read_column(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<LD> values;
  while (std::getline(in, line)) {
    if (!line.empty()) values.push_back(std::stold(line));
  }
  test_support::Vector<LD> v(static_cast<Index>(values.size()));
  for (Index i = 0; i < v.size(); ++i) v[i] = values[static_cast<std::size_t>(i)];
  return v;
}

inline std::string reference_dir() { return LOGISTIC_NEURON_TEST_DATA_DIR; }
inline std::string shared_dir() { return LOGISTIC_NEURON_SHARED_DATA_DIR; }

/// The data set a case names.
inline Data load(const std::string& name) {
  if (name == "breast_cancer") return read_csv(shared_dir() + "/breast_cancer.csv");
  if (name == "digits_is_2_first_1000") return read_csv(shared_dir() + "/digits.csv", 1000, 2);
  if (name == "ill_conditioned") return read_csv(reference_dir() + "/ill_conditioned.csv");
  throw std::runtime_error("unknown data set " + name);
}

/// One case of solver_reference.txt.
struct Case {
  std::string name, data, class_weight, sample_weight;
  LD l2 = 0;
  bool standardize = false;
  LD cost = 0, bias = 0;
  std::vector<LD> weights;
};

inline std::vector<Case> read_cases() {
  const std::string path = reference_dir() + "/solver_reference.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<Case> cases;
  Case current;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream words(line);
    std::string key;
    words >> key;
    if (key == "case") {
      current = Case{};
      words >> current.name;
    } else if (key == "data") {
      words >> current.data;
    } else if (key == "l2") {
      std::string v;
      words >> v;
      current.l2 = std::stold(v);
    } else if (key == "standardize") {
      int v = 0;
      words >> v;
      current.standardize = v != 0;
    } else if (key == "class_weight") {
      words >> current.class_weight;
    } else if (key == "sample_weight") {
      words >> current.sample_weight;
    } else if (key == "cost") {
      std::string v;
      words >> v;
      current.cost = std::stold(v);
    } else if (key == "bias") {
      std::string v;
      words >> v;
      current.bias = std::stold(v);
    } else if (key == "weights") {
      std::string v;
      while (words >> v) current.weights.push_back(std::stold(v));
    } else if (key == "end") {
      cases.push_back(current);
    } else {
      throw std::runtime_error("solver_reference.txt: unknown key " + key);
    }
  }
  return cases;
}

/// Column means and population standard deviations (weighted by s; s empty = 1), in long
/// double: the test's own standardization.
inline void moments(const test_support::Matrix<LD>& X, const test_support::Vector<LD>& s,
                    test_support::Vector<LD>& mean, test_support::Vector<LD>& sd) {
  const Index n = X.rows(), d = X.cols();
  mean = test_support::Vector<LD>::Zero(d);
  sd = test_support::Vector<LD>::Zero(d);
  LD total = 0;
  for (Index i = 0; i < n; ++i) {
    const LD si = s.size() ? s[i] : LD(1);
    total += si;
    for (Index j = 0; j < d; ++j) mean[j] += si * X(i, j);
  }
  mean /= total;
  for (Index i = 0; i < n; ++i) {
    const LD si = s.size() ? s[i] : LD(1);
    for (Index j = 0; j < d; ++j) sd[j] += si * (X(i, j) - mean[j]) * (X(i, j) - mean[j]);
  }
  for (Index j = 0; j < d; ++j) {
    sd[j] = std::sqrt(sd[j] / total);
    if (sd[j] == 0) sd[j] = 1;
  }
}

}  // namespace solver_support
