// Internal: an exact simplex tableau stored by rows of nonzero entries, with the same
// lexicographic minimum-ratio rule as Tableau. For Lemke's algorithm on the sequence form,
// whose matrix has a few nonzeros per row (a payoff per leaf, a constraint per information
// set): a dense tableau of a 2,047-node tree holds 33 million rationals, nearly all zero.
#pragma once

#include <cstddef>
#include <vector>

#include "entente/games.hpp"

namespace entente::games::detail {

class SparseTableau {
 public:
  struct Entry {
    int col = 0;
    Rational value;
  };
  using Row = std::vector<Entry>;  // sorted by column, no zero values

  // rows (each sorted by column, zeros allowed and dropped), right-hand side, and the
  // variable basic in each row; as for Tableau, the initially basic columns must form an
  // identity (they are B^-1 and order ties lexicographically).
  SparseTableau(std::size_t cols, std::vector<Row> rows, std::vector<Rational> rhs,
                std::vector<int> basis);

  [[nodiscard]] std::size_t rows() const { return rows_.size(); }
  [[nodiscard]] std::size_t nonzeros() const { return nonzeros_; }
  // Entry (r, c); a shared zero when absent.
  [[nodiscard]] const Rational& at(std::size_t r, std::size_t c) const;
  [[nodiscard]] int row_of(int var) const { return row_of_[static_cast<std::size_t>(var)]; }
  [[nodiscard]] Rational value(int var) const;
  // The leaving row when `var` enters (lexicographic minimum ratio), -1 when unbounded.
  [[nodiscard]] int ratio_test(int var) const;
  // Makes `var` basic in row `r`; returns the variable that left.
  int pivot(std::size_t r, int var);
  // Bytes held (rationals with their limbs, the rows' arrays): for memory budgets.
  [[nodiscard]] std::size_t bytes() const;

 private:
  [[nodiscard]] bool lex_less(std::size_t r1, std::size_t r2, std::size_t col) const;

  std::size_t cols_;
  std::vector<Row> rows_;
  std::vector<Rational> rhs_;
  std::vector<int> basis_;
  std::vector<int> row_of_;
  std::vector<int> identity_cols_;
  std::vector<char> is_identity_;  // per column: one of identity_cols_
  bool identity_sorted_ = true;    // identity_cols_ increasing: lex_less merges rows
  std::size_t nonzeros_ = 0;
};

}  // namespace entente::games::detail
