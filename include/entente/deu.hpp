// The DEU data set (Decision-making in the European Union, Arregui & Perarnaud DEU III) as
// backtest cases: one single-issue scenario per legislative issue, with its recorded outcome.
// Pure function of its input text; reading the file is the caller's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "entente/scenario.hpp"

namespace entente {

// Where actors' capabilities come from: 1 for every actor, or the GDP-based row that the
// transcriber added as the file's second line (Commission and Parliament at the maximum).
enum class DeuCapability { kEqual, kGdp };

struct DeuCase {
  Scenario scenario;  // one issue on a 0–100 scale; status_quo = the reference point when given
  double outcome = 0.0;  // the recorded outcome on the same scale
  int line = 0;          // 1-based line of the case's row in the file
};

// Parses a DEU table (tab-separated; header row with p<actor>/s<actor> position and salience
// columns 0–100, rp = reference point, out = outcome, optional isnr/prname/intro; line 2 is
// the capability row). Returns one case per data row that has an outcome and at least 3
// actors with both a position and a salience (an empty cell means the actor is absent);
// other rows are skipped. Actor ids are the column suffixes (com, ep, at, be, ...);
// saliences are divided by 100. Throws InputError naming file:line:col (col = 1-based
// field number) and the column for malformed or out-of-range numbers and a missing header.
std::vector<DeuCase> load_deu_tsv(std::string_view text, const std::string& filename,
                                  DeuCapability capability);

}  // namespace entente
