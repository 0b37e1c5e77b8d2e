// The YAML scenario loader: yaml-cpp parses, the Loader (scenario/yaml_loader.hpp, one file
// per section of the format) validates against docs/scenario.md and builds the Scenario. It
// keeps going after an error so that one `entente validate` shows every problem. This file:
// the document as a whole, and the checks before yaml-cpp builds a tree.
#include "scenario/yaml_loader.hpp"

#include <yaml-cpp/eventhandler.h>

namespace entente {

namespace detail {

Scenario Loader::load(const YAML::Node& root) {
  Scenario s;
  s.source = options_.filename;
  if (!root.IsMap()) {
    r_.error(root, "",
             std::string("expected a scenario: a map with keys entente, id, title, as_of, "
                         "actors, ...; got ") +
                 detail::describe(root));
    return s;
  }
  auto top = r_.map(root, "");
  if (auto v = top.required("entente")) {
    auto version = r_.integer(*v, "entente");
    if (version && *version != 1) {
      r_.error(*v, "entente",
               "unsupported format version " + std::to_string(*version) + "; expected 1");
    }
  }
  if (auto v = top.required("id")) s.id = r_.id(*v, "id").value_or("");
  if (auto v = top.required("title")) s.title = r_.text(*v, "title").value_or("");
  if (auto v = top.optional("description")) s.description = r_.text(*v, "description").value_or("");
  if (auto v = top.required("as_of")) s.as_of = r_.date(*v, "as_of").value_or(Date{});
  auto actors = top.required("actors");
  auto issues = top.optional("issues");
  auto alliances = top.optional("alliances");
  auto places = top.optional("places");
  auto lines = top.optional("lines");
  auto forces = top.optional("forces");
  auto weapons = top.optional("weapons");
  auto polls = top.optional("polls");
  auto params = top.optional("params");
  auto games = top.optional("games");
  auto events = top.optional("events");
  auto decisions = top.optional("decisions");
  auto procedure = top.optional("procedure");
  top.finish();

  // Sections are read in dependency order, whatever their order in the file.
  if (actors) load_actors(*actors, s);
  if (procedure)
    s.procedure = detail::read_procedure(r_, *procedure, "procedure", ids_of(s.actors));
  if (places) load_places(*places, s);
  if (lines) load_lines(*lines, s);
  if (issues) load_issues(*issues, s);
  if (decisions) load_decisions(*decisions, s);
  if (alliances) load_alliances(*alliances, s);
  if (forces) load_forces(*forces, s);
  if (weapons) load_weapons(*weapons, s);
  if (polls) load_polls(*polls, s);
  if (params) load_params(*params, s);
  if (games) load_games(*games, s);
  if (events) load_events(*events, s);
  return s;
}

std::string Loader::unknown_ref(const std::string& what, const std::string& id,
                                const std::vector<std::string>& known) {
  std::string msg = "unknown " + what + " '" + id + "'";
  auto near = closest_match(id, known);
  if (!near.empty()) {
    msg += "; did you mean '" + near + "'?";
  } else {
    const bool vowel = std::string("aeiou").find(what[0]) != std::string::npos;
    msg += std::string("; expected the id of ") + (vowel ? "an " : "a ") + what +
           " defined in the scenario";
  }
  return msg;
}

bool Loader::check_actor_ref(const YAML::Node& node, const std::string& path, const std::string& id,
                             const Scenario& s) {
  if (s.actor(id) != nullptr) return true;
  r_.error(node, path, unknown_ref("actor", id, ids_of(s.actors)));
  return false;
}

// Checks `id` is new within a list; records it.
bool Loader::unique(std::set<std::string>& seen, const YAML::Node& node, const std::string& path,
                    const std::string& id, const std::string& what) {
  if (seen.insert(id).second) return true;
  r_.error(node, path, "duplicate " + what + " id '" + id + "'; ids must be unique");
  return false;
}

}  // namespace detail

namespace {

using detail::Loader;

// Checks done before yaml-cpp builds a tree: the size limit and binary data.
bool precheck(std::string_view text, const std::string& file, Diagnostics& diags) {
  if (text.size() > kMaxScenarioBytes) {
    diags.error({file, 0, 0}, "", detail::oversize_message(text.size()));
    return false;
  }
  if (const auto fault = detail::find_text_fault(text)) {
    diags.error({file, fault->line, fault->column}, "",
                detail::text_fault_message(*fault, "a UTF-8 YAML scenario"));
    return false;
  }
  return true;
}

// A first pass over yaml-cpp's event stream, before any tree is built. It stops at the
// first collection nested deeper than kMaxYamlDepth (so the recursive parser never goes
// deeper), finds quoted scalars that are never closed (yaml-cpp silently runs them to the
// end of the file), and remembers open flow collections so that a missing bracket is
// reported where it was opened rather than where the parser gave up.
class Prescan : public YAML::EventHandler {
 public:
  struct Stop {
    YAML::Mark mark;
    std::string message;
  };

  explicit Prescan(std::string_view text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw Stop{mark, "a second YAML document; expected one scenario per file"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {
    check_quote(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value style) override {
    open(mark, style == YAML::EmitterStyle::Flow ? '[' : ' ');
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value style) override {
    open(mark, style == YAML::EmitterStyle::Flow ? '{' : ' ');
  }
  void OnMapEnd() override { open_.pop_back(); }

  // The innermost open flow collection started by `bracket`, if any.
  [[nodiscard]] std::optional<YAML::Mark> innermost(char bracket) const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      if (it->second == bracket) return it->first;
    }
    return std::nullopt;
  }

 private:
  void open(const YAML::Mark& mark, char bracket) {
    open_.emplace_back(mark, bracket);
    // Levels are counted below the document's top-level collection.
    if (static_cast<int>(open_.size()) - 1 > kMaxYamlDepth) {
      throw Stop{mark, "nesting deeper than " + std::to_string(kMaxYamlDepth) +
                           " levels; a scenario is at most a few levels deep"};
    }
  }

  void check_quote(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text_.size()) return;
    const auto start = static_cast<std::size_t>(mark.pos);
    const char q = text_[start];
    if (q != '"' && q != '\'') return;
    for (std::size_t i = start + 1; i < text_.size(); ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
        } else {
          return;
        }
      }
    }
    throw Stop{mark, std::string("YAML syntax error: '") + q +
                         "' is not closed; expected a matching '" + q + "'"};
  }

  std::string_view text_;
  int documents_ = 0;
  std::vector<std::pair<YAML::Mark, char>> open_;
};

// Runs the prescan; false (with a diagnostic) when the text must not be parsed further.
bool prescan(std::string_view text, const std::string& file, Diagnostics& diags) {
  std::istringstream in{std::string(text)};
  Prescan handler(text);
  auto where = [&](const YAML::Mark& m) { return SourceLocation{file, m.line + 1, m.column + 1}; };
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const Prescan::Stop& stop) {
    diags.error(where(stop.mark), "", stop.message);
    return false;
  } catch (const YAML::Exception& e) {
    // yaml-cpp names where it gave up; an unclosed bracket is clearer where it opened.
    const bool map_flow = e.msg.find("end of map flow not found") != std::string::npos;
    const bool seq_flow = e.msg.find("end of sequence flow not found") != std::string::npos;
    if (map_flow || seq_flow) {
      const char open = map_flow ? '{' : '[';
      const char close = map_flow ? '}' : ']';
      if (auto m = handler.innermost(open)) {
        diags.error(where(*m), "",
                    std::string("YAML syntax error: '") + open +
                        "' is not closed; expected a matching '" + close + "'");
        return false;
      }
    }
    diags.error({file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

}  // namespace

Scenario load_scenario_yaml(std::string_view text, const LoadOptions& options) {
  Diagnostics diags;
  if (!precheck(text, options.filename, diags) || !prescan(text, options.filename, diags)) {
    throw InputError(std::move(diags));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    diags.error({options.filename, e.mark.line + 1, e.mark.column + 1}, "",
                "YAML syntax error: " + e.msg);
    throw InputError(std::move(diags));
  }
  if (root.IsNull() || !root.IsDefined()) {
    diags.error({options.filename, 1, 1}, "",
                "empty file; expected a YAML scenario (see docs/scenario.md)");
    throw InputError(std::move(diags));
  }
  Loader loader(options, diags);
  Scenario s;
  try {
    s = loader.load(root);
  } catch (const YAML::Exception& e) {
    diags.error({options.filename, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
  }
  if (!diags.empty()) throw InputError(std::move(diags));
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
  return s;
}

}  // namespace entente
