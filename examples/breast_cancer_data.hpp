/// \file breast_cancer_data.hpp
/// \brief The breast-cancer data of the examples (not part of the library): reading
/// data/breast_cancer.csv and the stratified train/test split that breast_cancer.cpp and
/// feature_selection.cpp share.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "csv.hpp"

namespace examples {

/// The data: features, their names, and the target "malignant" (1) or "benign" (0).
template <class Matrix>
struct BreastCancer {
  Matrix X;
  Eigen::VectorXd malignant;
  std::vector<std::string> names;
};

/// Reads a CSV of feature columns and a last column "benign" (0 or 1).
/// \throws std::runtime_error naming the file (and the line) for anything else.
template <class Matrix>
BreastCancer<Matrix> load_breast_cancer(const std::string& path) {
  const CsvTable table = read_csv(path);
  const Eigen::Index columns = table.values.cols();
  if (columns < 2 || table.header.back() != "benign") {
    throw std::runtime_error(path + ": expected feature columns and a last column 'benign'");
  }
  BreastCancer<Matrix> data;
  data.X = table.values.leftCols(columns - 1);
  data.names.assign(table.header.begin(), table.header.end() - 1);
  data.malignant.resize(table.values.rows());
  for (Eigen::Index i = 0; i < table.values.rows(); ++i) {
    const double benign = table.values(i, columns - 1);
    if (benign != 0 && benign != 1) {
      throw std::runtime_error(path + ": line " + std::to_string(i + 2) +
                               ": 'benign' must be 0 or 1");
    }
    // The positive class is the one to detect: malignant. Recall is then the fraction of
    // malignant masses caught.
    data.malignant[i] = 1 - benign;
  }
  return data;
}

/// A stratified split of the rows of labels y (0 or 1) into (train, test), each sorted: within
/// each class, a seeded shuffle (Fisher-Yates on std::mt19937, whose output the standard fixes,
/// so every platform gets the same split) puts test_fraction of the rows in the test set.
inline std::pair<std::vector<Eigen::Index>, std::vector<Eigen::Index>> stratified_split(
    const Eigen::VectorXd& y, double test_fraction, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Eigen::Index> train, test;
  for (const double label : {0.0, 1.0}) {
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      if (y[i] == label) rows.push_back(i);
    }
    for (std::size_t k = rows.size(); k > 1; --k) std::swap(rows[k - 1], rows[rng() % k]);
    const auto n_test =
        static_cast<std::size_t>(test_fraction * static_cast<double>(rows.size()) + 0.5);
    test.insert(test.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_test));
    train.insert(train.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_test), rows.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(test.begin(), test.end());
  return {train, test};
}

}  // namespace examples
