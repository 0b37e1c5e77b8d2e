#include "entente/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace entente {

namespace {
struct Entry {
  ModelInfo info;
  ModelFactory factory;
};

// Function-local static: registrars in other translation units run before main in an
// unspecified order, so the registry must exist on first use.
Registry<Entry>& registry() {
  static Registry<Entry> r("model");
  return r;
}
}  // namespace

ModelOptions::ModelOptions(const ModelInfo& info, const std::map<std::string, std::string>& values)
    : OptionValues("model", info.name, info.options, values) {}

std::string Model::applicability(const Scenario& scenario) const {
  if (info().scope == ModelInfo::Scope::kIssue && scenario.issues.empty()) {
    return "the scenario has no issues";
  }
  return "";
}

void register_model(ModelInfo info, ModelFactory factory) {
  const std::string name = info.name;
  registry().add(name, Entry{std::move(info), std::move(factory)});
}

std::vector<ModelInfo> registered_models() {
  std::vector<ModelInfo> out;
  for (const Entry* e : registry().entries()) out.push_back(e->info);
  return out;
}

const ModelInfo* find_model(const std::string& name) {
  const Entry* e = registry().find(name);
  return e == nullptr ? nullptr : &e->info;
}

std::unique_ptr<Model> make_model(const std::string& name,
                                  const std::map<std::string, std::string>& options) {
  const Entry& entry = registry().get(name);
  return entry.factory(ModelOptions(entry.info, options));
}

std::vector<Player> players_on(const Scenario& scenario, const Issue& issue) {
  std::vector<Player> out;
  out.reserve(issue.stances.size());
  for (const Stance& st : issue.stances) {
    const Actor* a = scenario.actor(st.actor);
    out.push_back(Player{st.actor, a != nullptr ? a->capability.value : 0.0, st.position.value,
                         st.salience.value});
  }
  return out;
}

std::string invalid_players(const std::vector<Player>& players) {
  for (const Player& p : players) {
    if (!std::isfinite(p.capability) || !std::isfinite(p.salience) || !std::isfinite(p.position) ||
        p.capability < 0 || p.salience < 0) {
      return fmt::format(
          "actor {} has capability {}, salience {}, position {}; expected finite "
          "numbers with capability and salience >= 0",
          p.actor, p.capability, p.salience, p.position);
    }
  }
  return "";
}

}  // namespace entente
