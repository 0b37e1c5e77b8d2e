// Reading and writing Gambit's game files: .efg (extensive form, version 2) and .nfg
// (strategic form, version 1, payoff and outcome variants). Text in, text out: callers read
// files. Numbers may be integers, decimals (with an optional exponent) or fractions and are
// kept exact.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "entente/games.hpp"

namespace entente::games {

enum class GameFormat { kEfg, kNfgPayoff, kNfgOutcome };

struct ParsedGame {
  std::variant<ExtensiveGame, StrategicGame> game;
  GameFormat format = GameFormat::kEfg;
};

// Reads a .efg or .nfg text (told apart by its first token). Throws InputError with one
// diagnostic `FILENAME:LINE:COL: error: PATH: what was found; what was expected`; never
// crashes on any bytes.
ParsedGame read_game(std::string_view text, const std::string& filename);
// As read_game, but the text must be of that kind.
ExtensiveGame read_efg(std::string_view text, const std::string& filename);
StrategicGame read_nfg(std::string_view text, const std::string& filename,
                       GameFormat* format = nullptr);

// Writes a game in Gambit's format; read_*(write_*(g)) gives g back (for the payoff .nfg
// variant: the same payoffs, with strategies named 1, 2, ... as that variant has no names).
std::string write_efg(const ExtensiveGame& game);
std::string write_nfg(const StrategicGame& game, GameFormat format = GameFormat::kNfgOutcome);

// Quotes a label as the formats do: "..." with \" and \\ escaped.
std::string quote_label(const std::string& label);

}  // namespace entente::games
