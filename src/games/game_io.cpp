// Gambit .efg/.nfg reader and writer. A hand-written tokenizer and recursive-descent parser
// (iterative over the node list, so a deep tree cannot overflow the stack); the first
// problem stops the parse, reported with line, column, what was found and what was expected.
#include "entente/game_io.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <vector>

#include "entente/diagnostics.hpp"

namespace entente::games {

namespace {

std::size_t idx(int i) { return static_cast<std::size_t>(i); }

// Limits that keep a hostile file from exhausting memory; far above any real game.
constexpr std::size_t kMaxCells = 10'000'000;
constexpr long kMaxExponent = 400;
constexpr int kMaxIndent = 16;
constexpr int kMaxDepth = 2'000;

enum class Tok { kEnd, kString, kNumber, kLBrace, kRBrace, kComma, kWord, kBad };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // string contents (unescaped), number or word text
  int line = 1;
  int column = 1;
};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd:
      return "end of file";
    case Tok::kString: {
      std::string s = t.text.size() > 24 ? t.text.substr(0, 24) + "..." : t.text;
      return "string \"" + s + "\"";
    }
    case Tok::kNumber:
      return "number " + t.text;
    case Tok::kLBrace:
      return "'{'";
    case Tok::kRBrace:
      return "'}'";
    case Tok::kComma:
      return "','";
    case Tok::kWord:
      return "'" + (t.text.size() > 24 ? t.text.substr(0, 24) + "..." : t.text) + "'";
    case Tok::kBad:
      return t.text;
  }
  return "?";
}

[[noreturn]] void fail(const std::string& file, int line, int column, const std::string& path,
                       const std::string& message) {
  Diagnostics d;
  d.error(SourceLocation{file, line, column}, path, message);
  throw InputError(std::move(d));
}

// Length of a valid UTF-8 sequence starting at s[i], 0 when invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (c < 0x80) return c == 0 ? 0 : 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
    len = 2;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
  } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
    len = 4;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    for (std::size_t i = 0; i < text_.size();) {
      const std::size_t len = utf8_length(text_, i);
      if (len == 0) {
        fail(file_, line_at(i), column_at(i), "",
             "binary data (NUL byte or invalid UTF-8); expected a Gambit .efg or .nfg game");
      }
      i += len;
    }
    advance();
  }

  const Token& peek() const { return current_; }
  Token next() {
    Token t = current_;
    advance();
    return t;
  }
  const std::string& file() const { return file_; }

 private:
  int line_at(std::size_t pos) const {
    int line = 1;
    for (std::size_t i = 0; i < pos && i < text_.size(); ++i) line += text_[i] == '\n' ? 1 : 0;
    return line;
  }
  int column_at(std::size_t pos) const {
    std::size_t start = pos;
    while (start > 0 && text_[start - 1] != '\n') --start;
    return static_cast<int>(pos - start) + 1;
  }

  void bump() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  void advance() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r' || text_[pos_] == '\v' || text_[pos_] == '\f')) {
      bump();
    }
    Token t;
    t.line = line_;
    t.column = col_;
    if (pos_ >= text_.size()) {
      t.kind = Tok::kEnd;
      current_ = t;
      return;
    }
    const char c = text_[pos_];
    if (c == '{' || c == '}' || c == ',') {
      t.kind = c == '{' ? Tok::kLBrace : c == '}' ? Tok::kRBrace : Tok::kComma;
      t.text = std::string(1, c);
      bump();
    } else if (c == '"') {
      bump();
      t.kind = Tok::kString;
      for (;;) {
        if (pos_ >= text_.size()) {
          fail(file_, t.line, t.column, "", "unterminated string; expected a closing '\"'");
        }
        char d = text_[pos_];
        if (d == '"') {
          bump();
          break;
        }
        if (d == '\\' && pos_ + 1 < text_.size()) {
          bump();
          d = text_[pos_];
        }
        t.text += d;
        bump();
      }
    } else if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
      t.kind = Tok::kNumber;
      while (pos_ < text_.size() &&
             std::string_view("+-./0123456789eE").find(text_[pos_]) != std::string_view::npos) {
        t.text += text_[pos_];
        bump();
      }
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      t.kind = Tok::kWord;
      while (pos_ < text_.size() && ((text_[pos_] >= 'A' && text_[pos_] <= 'Z') ||
                                     (text_[pos_] >= 'a' && text_[pos_] <= 'z') ||
                                     (text_[pos_] >= '0' && text_[pos_] <= '9'))) {
        t.text += text_[pos_];
        bump();
      }
    } else {
      t.kind = Tok::kBad;
      const std::size_t len = utf8_length(text_, pos_);
      t.text = "character '" + std::string(text_.substr(pos_, len)) + "'";
      for (std::size_t k = 0; k < len; ++k) bump();
    }
    current_ = t;
  }

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  Token current_;
};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Parses integer, decimal (optional exponent) or fraction text exactly; nullopt when malformed.
std::optional<Rational> parse_number(const std::string& text) {
  std::string_view s(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  Rational value;
  const auto slash = s.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view num = s.substr(0, slash);
    const std::string_view den = s.substr(slash + 1);
    if (!all_digits(num) || !all_digits(den)) return std::nullopt;
    mpz_class n(std::string(num), 10);
    mpz_class d(std::string(den), 10);
    if (d == 0) return std::nullopt;
    value = Rational(n, d);
    value.canonicalize();
  } else {
    long exponent = 0;
    const auto e = s.find_first_of("eE");
    if (e != std::string_view::npos) {
      std::string_view ex = s.substr(e + 1);
      bool neg_ex = false;
      if (!ex.empty() && (ex[0] == '-' || ex[0] == '+')) {
        neg_ex = ex[0] == '-';
        ex.remove_prefix(1);
      }
      if (!all_digits(ex) || ex.size() > 4) return std::nullopt;
      exponent = std::stol(std::string(ex));
      if (neg_ex) exponent = -exponent;
      s = s.substr(0, e);
    }
    std::string digits;
    const auto dot = s.find('.');
    if (dot != std::string_view::npos) {
      const std::string_view whole = s.substr(0, dot);
      const std::string_view frac = s.substr(dot + 1);
      if ((!whole.empty() && !all_digits(whole)) || (!frac.empty() && !all_digits(frac)) ||
          (whole.empty() && frac.empty())) {
        return std::nullopt;
      }
      digits = std::string(whole) + std::string(frac);
      exponent -= static_cast<long>(frac.size());
    } else {
      if (!all_digits(s)) return std::nullopt;
      digits = std::string(s);
    }
    if (exponent > kMaxExponent || exponent < -kMaxExponent - 100000) return std::nullopt;
    if (exponent < -kMaxExponent - static_cast<long>(digits.size())) return std::nullopt;
    mpz_class n(digits, 10);
    mpz_class scale;
    mpz_ui_pow_ui(scale.get_mpz_t(), 10,
                  static_cast<unsigned long>(exponent < 0 ? -exponent : exponent));
    if (exponent >= 0) {
      value = Rational(n * scale);
    } else {
      value = Rational(n, scale);
      value.canonicalize();
    }
  }
  if (negative) value = -value;
  return value;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : lex_(text, file) {}

  [[noreturn]] void error_at(const Token& t, const std::string& path, const std::string& what) {
    fail(lex_.file(), t.line, t.column, path, what);
  }
  [[noreturn]] void expected(const Token& t, const std::string& path, const std::string& what) {
    error_at(t, path, "found " + describe(t) + "; expected " + what);
  }

  Token expect(Tok kind, const std::string& path, const std::string& what) {
    if (lex_.peek().kind != kind) expected(lex_.peek(), path, what);
    return lex_.next();
  }
  void expect_word(const std::string& word, const std::string& path, const std::string& what) {
    const Token& t = lex_.peek();
    if (t.kind != Tok::kWord || t.text != word) expected(t, path, what);
    lex_.next();
  }
  std::string expect_string(const std::string& path, const std::string& what) {
    return expect(Tok::kString, path, what).text;
  }
  Rational expect_number(const std::string& path, const std::string& what) {
    const Token t = expect(Tok::kNumber, path, what);
    auto q = parse_number(t.text);
    if (!q) {
      error_at(t, path,
               "'" + t.text + "' is not a number; expected " + what +
                   " (an integer, a decimal or a fraction like 1/3)");
    }
    return *q;
  }
  // A non-negative integer that fits an int (min 1 when `positive`).
  int expect_index(const std::string& path, const std::string& what, bool positive) {
    const Token t = lex_.peek();
    if (t.kind != Tok::kNumber) expected(t, path, what);
    lex_.next();
    if (!all_digits(t.text) || t.text.size() > 9 || (positive && std::stol(t.text) == 0)) {
      error_at(t, path, "'" + t.text + "' is not a valid number here; expected " + what);
    }
    return static_cast<int>(std::stol(t.text));
  }
  std::vector<std::string> string_list(const std::string& path, const std::string& what) {
    expect(Tok::kLBrace, path, "'{' opening " + what);
    std::vector<std::string> out;
    while (lex_.peek().kind == Tok::kString) out.push_back(lex_.next().text);
    expect(Tok::kRBrace, path, "a quoted name or '}' closing " + what);
    return out;
  }
  // `{ x [,] y ... }` with exactly `count` numbers.
  std::vector<Rational> payoff_list(const std::string& path, std::size_t count) {
    expect(Tok::kLBrace, path, "'{' opening the payoffs");
    std::vector<Rational> out;
    while (lex_.peek().kind != Tok::kRBrace) {
      if (out.size() == count) {
        expected(lex_.peek(), path, "'}': " + std::to_string(count) + " payoffs, one per player");
      }
      if (!out.empty() && lex_.peek().kind == Tok::kComma) lex_.next();
      out.push_back(expect_number(path, "a payoff (one per player)"));
    }
    if (out.size() != count) {
      expected(lex_.peek(), path,
               "another payoff: " + std::to_string(count) + " payoffs, one per player");
    }
    lex_.next();
    return out;
  }

  Lexer& lex() { return lex_; }

  // Common prologue: TAG VERSION R "title" { players }.
  void prologue(const std::string& tag, const std::string& version, std::string& title,
                std::vector<std::string>& players) {
    const Token first = lex_.peek();
    if (first.kind != Tok::kWord || first.text != tag) {
      expected(first, "header",
               "'" + tag + "' starting a Gambit ." +
                   (tag == "EFG" ? std::string("efg") : std::string("nfg")) + " file");
    }
    lex_.next();
    const Token v = lex_.peek();
    if (v.kind != Tok::kNumber || v.text != version) {
      expected(v, "header", "version " + version);
    }
    lex_.next();
    expect_word("R", "header", "'R' after the version");
    title = expect_string("header", "the game's title in quotes");
    players = string_list("players", "the list of player names");
    if (players.empty()) error_at(lex_.peek(), "players", "no players; expected at least one");
  }

 private:
  Lexer lex_;
};

struct InfosetKey {
  int player;
  int number;
  bool operator<(const InfosetKey& o) const {
    return player != o.player ? player < o.player : number < o.number;
  }
};

ExtensiveGame parse_efg(Parser& ps) {
  std::string title;
  std::vector<std::string> players;
  ps.prologue("EFG", "2", title, players);
  Lexer& lex = ps.lex();
  std::string comment;
  if (lex.peek().kind == Tok::kString) comment = lex.next().text;
  ExtensiveGame game(players, title);
  game.set_comment(comment);
  const std::size_t n = players.size();

  std::map<InfosetKey, int> infosets;
  std::map<int, int> outcomes;  // file number -> index
  // Nodes awaiting their definition, in prefix order: a stack of pending nodes.
  std::vector<std::pair<int, int>> pending{{0, 0}};  // node, depth
  int count = 0;
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    ++count;
    const std::string path = "node " + std::to_string(count);
    const Token kind = lex.peek();
    if (depth > kMaxDepth) {
      ps.error_at(kind, path,
                  "the tree is deeper than " + std::to_string(kMaxDepth) +
                      " moves; expected a shallower game (the solvers recurse on the tree)");
    }
    if (kind.kind != Tok::kWord || (kind.text != "c" && kind.text != "p" && kind.text != "t")) {
      ps.expected(kind, path,
                  "a node: 'c' (chance), 'p' (player) or 't' (terminal)" +
                      std::string(count > 1 ? "; the tree is incomplete" : ""));
    }
    lex.next();
    game.set_node_label(node, ps.expect_string(path, "the node's name in quotes"));
    int infoset = -1;
    if (kind.text != "t") {
      int player = 0;
      if (kind.text == "p") {
        const Token pt = lex.peek();
        player = ps.expect_index(path, "the player number (1.." + std::to_string(n) + ")", true);
        if (idx(player) > n) {
          ps.error_at(pt, path,
                      "player " + std::to_string(player) + " does not exist; expected 1.." +
                          std::to_string(n));
        }
      }
      const Token it = lex.peek();
      const int number = ps.expect_index(path, "the information set number (positive)", true);
      std::optional<std::string> label;
      std::vector<std::string> actions;
      std::vector<Rational> probs;
      const Token desc = lex.peek();
      if (desc.kind == Tok::kString) {
        label = lex.next().text;
        ps.expect(Tok::kLBrace, path, "'{' opening the list of actions");
        while (lex.peek().kind == Tok::kString) {
          actions.push_back(lex.next().text);
          if (player == 0) {
            const Token pr = lex.peek();
            Rational q = ps.expect_number(
                path, "the probability of chance action \"" + actions.back() + "\"");
            if (q < 0 || q > 1) {
              ps.error_at(pr, path,
                          "probability " + to_string(q) +
                              " is outside 0..1; expected a "
                              "probability");
            }
            probs.push_back(q);
          }
        }
        ps.expect(Tok::kRBrace, path,
                  player == 0 ? "a quoted action name and its probability, or '}'"
                              : "a quoted action name or '}'");
        if (actions.empty()) ps.error_at(desc, path, "no actions; expected at least one");
        if (player == 0) {
          Rational sum = 0;
          for (const auto& q : probs) sum += q;
          if (sum != 1) {
            ps.error_at(desc, path,
                        "chance probabilities sum to " + to_string(sum) + "; expected 1");
          }
        }
      }
      const InfosetKey key{player, number};
      auto found = infosets.find(key);
      const std::string who =
          player == 0 ? std::string("chance") : "player " + std::to_string(player);
      if (found == infosets.end()) {
        if (!label) {
          ps.expected(desc, path,
                      "the name and actions of " + who + "'s information set " +
                          std::to_string(number) + " (its first appearance)");
        }
        infoset = player == 0 ? game.add_chance_infoset(actions, probs, *label)
                              : game.add_infoset(player, actions, *label);
        game.set_infoset_number(infoset, number);
        infosets.emplace(key, infoset);
      } else {
        infoset = found->second;
        const Infoset& h = game.infoset(infoset);
        if (label && (*label != h.label || actions != h.actions || probs != h.probs)) {
          ps.error_at(it, path,
                      who + "'s information set " + std::to_string(number) +
                          " is declared differently here; expected the same name and actions "
                          "as at its first appearance");
        }
      }
    }
    const Token ot = lex.peek();
    const int onum = ps.expect_index(path, "the outcome number (0 for none)", false);
    if (lex.peek().kind == Tok::kString) {
      const Token od = lex.peek();
      const std::string olabel = lex.next().text;
      std::vector<Rational> payoffs = ps.payoff_list(path, n);
      if (onum == 0) {
        ps.error_at(od, path, "outcome 0 is the null outcome; expected no name or payoffs");
      }
      auto found = outcomes.find(onum);
      if (found == outcomes.end()) {
        const int added = game.add_outcome(payoffs, olabel);
        game.set_outcome_number(added, onum);
        outcomes.emplace(onum, added);
      } else {
        const Outcome& o = game.outcomes()[idx(found->second)];
        if (o.label != olabel || o.payoffs != payoffs) {
          ps.error_at(od, path,
                      "outcome " + std::to_string(onum) +
                          " is declared differently here; expected the same name and payoffs "
                          "as at its first appearance");
        }
      }
    } else if (onum != 0 && outcomes.find(onum) == outcomes.end()) {
      ps.expected(
          lex.peek(), path,
          "the name and payoffs of outcome " + std::to_string(onum) + " (its first appearance)");
    }
    (void)ot;
    if (onum != 0) game.set_outcome(node, outcomes.at(onum));
    if (infoset >= 0) {
      const std::vector<int> children = game.set_move(node, infoset);
      for (auto c = children.rbegin(); c != children.rend(); ++c) {
        pending.emplace_back(*c, depth + 1);
      }
    }
  }
  if (lex.peek().kind != Tok::kEnd) {
    ps.expected(lex.peek(), "", "end of file: the tree is complete");
  }
  return game;
}

StrategicGame parse_nfg(Parser& ps, GameFormat& format) {
  std::string title;
  std::vector<std::string> players;
  ps.prologue("NFG", "1", title, players);
  Lexer& lex = ps.lex();
  const std::size_t n = players.size();
  std::vector<std::vector<std::string>> strategies;
  ps.expect(Tok::kLBrace, "strategies",
            "'{' opening the strategy counts ({ 2 3 }) or names ({ { \"a\" \"b\" } ... })");
  const Token first = lex.peek();
  std::size_t cells = 1;
  if (first.kind == Tok::kLBrace) {
    format = GameFormat::kNfgOutcome;
    while (lex.peek().kind == Tok::kLBrace) {
      const Token at = lex.peek();
      strategies.push_back(ps.string_list("strategies", "a player's strategy names"));
      if (strategies.back().empty()) {
        ps.error_at(at, "strategies",
                    "player " + std::to_string(strategies.size()) +
                        " has no strategies; expected at least one");
      }
    }
    ps.expect(Tok::kRBrace, "strategies", "'{' opening a player's strategy names, or '}'");
  } else {
    format = GameFormat::kNfgPayoff;
    std::vector<std::size_t> counts;
    while (lex.peek().kind == Tok::kNumber) {
      counts.push_back(idx(ps.expect_index("strategies", "a positive strategy count", true)));
    }
    ps.expect(Tok::kRBrace, "strategies", "a positive strategy count or '}'");
    // Names are made only once the table is known to be of a sane size.
    std::size_t product = 1;
    for (std::size_t k : counts) {
      if (product > kMaxCells / k) {
        ps.error_at(first, "strategies",
                    "the game has more than " + std::to_string(kMaxCells) +
                        " strategy profiles; expected a smaller game");
      }
      product *= k;
    }
    for (std::size_t k : counts) {
      std::vector<std::string> names;
      for (std::size_t j = 1; j <= k; ++j) names.push_back(std::to_string(j));
      strategies.push_back(std::move(names));
    }
  }
  if (strategies.size() != n) {
    ps.error_at(first, "strategies",
                std::to_string(strategies.size()) + " strategy lists for " + std::to_string(n) +
                    " players; expected one per player");
  }
  for (const auto& s : strategies) {
    if (cells > kMaxCells / s.size()) {
      ps.error_at(first, "strategies",
                  "the game has more than " + std::to_string(kMaxCells) +
                      " strategy profiles; expected a smaller game");
    }
    cells *= s.size();
  }
  StrategicGame game(players, strategies, title);
  if (lex.peek().kind == Tok::kString) game.set_comment(lex.next().text);
  if (format == GameFormat::kNfgPayoff) {
    for (std::size_t c = 0; c < cells; ++c) {
      std::vector<Rational> payoffs;
      for (std::size_t p = 0; p < n; ++p) {
        if (lex.peek().kind == Tok::kEnd) {
          ps.expected(lex.peek(), "payoffs",
                      "more payoffs: " + std::to_string(cells * n) + " numbers (" +
                          std::to_string(cells) + " profiles x " + std::to_string(n) +
                          " players), found " + std::to_string(c * n + p));
        }
        payoffs.push_back(ps.expect_number("payoffs", "a payoff"));
      }
      game.set_cell_outcome(c, game.add_outcome(std::move(payoffs)));
    }
  } else {
    ps.expect(Tok::kLBrace, "outcomes", "'{' opening the list of outcomes");
    while (lex.peek().kind == Tok::kLBrace) {
      const std::string path = "outcome " + std::to_string(game.outcomes().size() + 1);
      lex.next();
      std::string label = ps.expect_string(path, "the outcome's name in quotes");
      std::vector<Rational> payoffs;
      while (lex.peek().kind != Tok::kRBrace) {
        if (payoffs.size() == n) {
          ps.expected(lex.peek(), path, "'}': " + std::to_string(n) + " payoffs, one per player");
        }
        if (!payoffs.empty() && lex.peek().kind == Tok::kComma) lex.next();
        payoffs.push_back(ps.expect_number(path, "a payoff (one per player)"));
      }
      if (payoffs.size() != n) {
        ps.expected(lex.peek(), path,
                    "another payoff: " + std::to_string(n) + " payoffs, one per player");
      }
      lex.next();
      game.add_outcome(std::move(payoffs), std::move(label));
    }
    ps.expect(Tok::kRBrace, "outcomes", "'{' opening an outcome, or '}'");
    const int count = static_cast<int>(game.outcomes().size());
    for (std::size_t c = 0; c < cells; ++c) {
      const Token t = lex.peek();
      if (t.kind == Tok::kEnd) {
        ps.expected(t, "profiles",
                    "more outcome numbers: one per strategy profile, " + std::to_string(cells) +
                        " in all, found " + std::to_string(c));
      }
      const int o = ps.expect_index("profiles",
                                    "an outcome number (0.." + std::to_string(count) + ")", false);
      if (o > count) {
        ps.error_at(t, "profiles",
                    "outcome " + std::to_string(o) + " does not exist; expected 0.." +
                        std::to_string(count));
      }
      game.set_cell_outcome(c, o - 1);
    }
  }
  if (lex.peek().kind != Tok::kEnd) {
    ps.expected(lex.peek(), "",
                "end of file: all " + std::to_string(cells) + " strategy profiles are given");
  }
  return game;
}

std::string number_text(const Rational& q) { return q.get_str(); }

std::string payoff_text(const std::vector<Rational>& payoffs) {
  std::string out = "{ ";
  for (std::size_t p = 0; p < payoffs.size(); ++p) {
    out += number_text(payoffs[p]) + (p + 1 < payoffs.size() ? ", " : " ");
  }
  return out + "}";
}

std::string players_text(const std::vector<std::string>& players) {
  std::string out = "{";
  for (const auto& p : players) out += " " + quote_label(p);
  return out + " }";
}

}  // namespace

std::string quote_label(const std::string& label) {
  std::string out = "\"";
  for (char c : label) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

ParsedGame read_game(std::string_view text, const std::string& filename) {
  Parser ps(text, filename);
  const Token& first = ps.lex().peek();
  if (first.kind == Tok::kWord && first.text == "EFG") {
    return ParsedGame{parse_efg(ps), GameFormat::kEfg};
  }
  if (first.kind == Tok::kWord && first.text == "NFG") {
    GameFormat format = GameFormat::kNfgPayoff;
    StrategicGame g = parse_nfg(ps, format);
    return ParsedGame{std::move(g), format};
  }
  ps.expected(first, "header", "'EFG' or 'NFG' starting a Gambit game file");
}

ExtensiveGame read_efg(std::string_view text, const std::string& filename) {
  Parser ps(text, filename);
  return parse_efg(ps);
}

StrategicGame read_nfg(std::string_view text, const std::string& filename, GameFormat* format) {
  Parser ps(text, filename);
  GameFormat f = GameFormat::kNfgPayoff;
  StrategicGame g = parse_nfg(ps, f);
  if (format != nullptr) *format = f;
  return g;
}

std::string write_efg(const ExtensiveGame& game) {
  std::string out = "EFG 2 R " + quote_label(game.title()) + " " + players_text(game.players()) +
                    "\n" + quote_label(game.comment()) + "\n\n";
  std::vector<int> depth(game.nodes().size(), 0);
  for (int n : game.prefix_order()) {
    const Node& node = game.node(n);
    if (node.parent >= 0) depth[idx(n)] = depth[idx(node.parent)] + 1;
    // Indentation shows the tree; capped so a deep chain does not grow quadratically.
    std::string line(idx(std::min(depth[idx(n)], kMaxIndent)) * 2, ' ');
    if (node.kind == NodeKind::kTerminal) {
      line += "t " + quote_label(node.label) + " ";
    } else {
      const Infoset& h = game.infoset(node.infoset);
      if (node.kind == NodeKind::kChance) {
        line += "c " + quote_label(node.label) + " " + std::to_string(h.number) + " ";
      } else {
        line += "p " + quote_label(node.label) + " " + std::to_string(h.player) + " " +
                std::to_string(h.number) + " ";
      }
      line += quote_label(h.label) + " {";
      for (std::size_t a = 0; a < h.actions.size(); ++a) {
        line += " " + quote_label(h.actions[a]);
        if (node.kind == NodeKind::kChance) line += " " + number_text(h.probs[a]);
      }
      line += " } ";
    }
    if (node.outcome < 0) {
      line += "0";
    } else {
      const Outcome& o = game.outcomes()[idx(node.outcome)];
      line += std::to_string(node.outcome + 1) + " " + quote_label(o.label) + " " +
              payoff_text(o.payoffs);
    }
    out += line + "\n";
  }
  return out;
}

std::string write_nfg(const StrategicGame& game, GameFormat format) {
  std::string out = "NFG 1 R " + quote_label(game.title()) + " " + players_text(game.players());
  const int n = game.num_players();
  if (format == GameFormat::kNfgPayoff) {
    out += " {";
    for (int p = 0; p < n; ++p) out += " " + std::to_string(game.num_strategies(p));
    out += " }\n" + quote_label(game.comment()) + "\n\n";
    std::string line;
    for (std::size_t c = 0; c < game.num_cells(); ++c) {
      for (int p = 0; p < n; ++p) {
        line += (line.empty() ? "" : " ") + number_text(game.payoff(c, p));
      }
      if (line.size() > 70) {
        out += line + "\n";
        line.clear();
      }
    }
    if (!line.empty()) out += line + "\n";
    return out;
  }
  out += "\n\n{";
  for (int p = 0; p < n; ++p) out += " " + players_text(game.strategies()[idx(p)]) + "\n";
  out += "}\n" + quote_label(game.comment()) + "\n\n{\n";
  for (const Outcome& o : game.outcomes()) {
    out += "{ " + quote_label(o.label) + " ";
    for (std::size_t p = 0; p < o.payoffs.size(); ++p) {
      out += number_text(o.payoffs[p]) + (p + 1 < o.payoffs.size() ? ", " : " ");
    }
    out += "}\n";
  }
  out += "}\n";
  std::string line;
  for (std::size_t c = 0; c < game.num_cells(); ++c) {
    line += (line.empty() ? "" : " ") + std::to_string(game.cells()[c] + 1);
    if (line.size() > 70) {
      out += line + "\n";
      line.clear();
    }
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

}  // namespace entente::games
