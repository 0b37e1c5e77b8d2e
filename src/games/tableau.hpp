// Internal: a dense exact simplex tableau with the lexicographic minimum-ratio rule, shared by
// Lemke–Howson, Lemke's algorithm on the sequence form and vertex enumeration.
#pragma once

#include <cstddef>
#include <vector>

#include "entente/games.hpp"

namespace entente::games::detail {

class Tableau {
 public:
  // rows x cols coefficients (row-major), right-hand side, and the variable basic in each row.
  // The columns of the initially basic variables must form an identity: they are B^-1 and
  // order ties lexicographically, so degenerate pivots never cycle.
  Tableau(std::size_t rows, std::size_t cols, std::vector<Rational> a, std::vector<Rational> rhs,
          std::vector<int> basis);

  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] const Rational& at(std::size_t r, std::size_t c) const { return a_[r * cols_ + c]; }
  [[nodiscard]] const Rational& rhs(std::size_t r) const { return rhs_[r]; }
  [[nodiscard]] int basic(std::size_t r) const { return basis_[r]; }
  [[nodiscard]] const std::vector<int>& basis() const { return basis_; }
  // Row where `var` is basic, -1 when nonbasic.
  [[nodiscard]] int row_of(int var) const;
  // Value of `var` in the current basic solution.
  [[nodiscard]] Rational value(int var) const;
  // The leaving row when `var` enters (lexicographic minimum ratio), -1 when unbounded.
  [[nodiscard]] int ratio_test(int var) const;
  // Every row attaining the plain minimum ratio (ties included), empty when unbounded.
  [[nodiscard]] std::vector<int> min_ratio_rows(int var) const;
  // Makes `var` basic in row `r`; returns the variable that left.
  int pivot(std::size_t r, int var);
  // Bytes this tableau holds (its rationals with their GMP limbs, and its vectors): what a
  // copy costs, for the solvers' memory budgets.
  [[nodiscard]] std::size_t bytes() const;
  // The same estimate for a tableau not built yet, with small entries.
  [[nodiscard]] static std::size_t estimate_bytes(std::size_t rows, std::size_t cols);

 private:
  // Compares rows r1, r2 lexicographically by (rhs, B^-1 row) / column entry.
  [[nodiscard]] bool lex_less(std::size_t r1, std::size_t r2, std::size_t col) const;

  std::size_t rows_;
  std::size_t cols_;
  std::vector<Rational> a_;
  std::vector<Rational> rhs_;
  std::vector<int> basis_;
  std::vector<int> identity_cols_;  // the initial basis: columns of B^-1
};

}  // namespace entente::games::detail
