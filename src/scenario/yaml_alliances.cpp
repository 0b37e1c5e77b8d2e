// The YAML scenario loader: alliances, their terms, decisions and signals, and polls
// (docs/scenario.md).
#include "scenario/yaml_loader.hpp"

namespace entente::detail {

std::optional<std::vector<std::string>> Loader::read_members(const YAML::Node& node,
                                                             const std::string& path,
                                                             const Scenario& s) {
  if (!r_.sequence(node, path)) return std::nullopt;
  std::vector<std::string> members;
  bool ok = true;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string mpath = path + "[" + std::to_string(k) + "]";
    auto id = r_.text(node[k], mpath);
    if (!id || !check_actor_ref(node[k], mpath, *id, s)) {
      ok = false;
      continue;
    }
    if (std::find(members.begin(), members.end(), *id) != members.end()) {
      r_.error(node[k], mpath, "member '" + *id + "' listed twice");
      ok = false;
      continue;
    }
    members.push_back(*id);
  }
  if (ok && members.size() < 2) {
    r_.error(node, path,
             "an alliance needs at least 2 members, got " + std::to_string(members.size()));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return members;
}

// The keys a member's alliance terms may have, and those of its burden.
const std::vector<std::string>& Loader::terms_fields() {
  // Events may set these; signals and episodes are dated already and are not settable.
  static const std::vector<std::string> kFields = {"commitment", "burden", "support_polls",
                                                   "threats"};
  return kFields;
}

const std::vector<std::string>& Loader::burden_fields() {
  static const std::vector<std::string> kFields = {"troops_abroad", "host_nation_support",
                                                   "contributions", "defence_spending"};
  return kFields;
}

// `MEMBER: {commitment, burden, support_polls, threats}` for each member that has terms.
void Loader::read_terms(const YAML::Node& node, const std::string& path, Alliance& a,
                        const Scenario& s) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a map from member to {commitment, burden, support_polls, threats}, "
             "got " +
                 detail::describe(node));
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string member = kv.first.Scalar();
    const std::string mpath = path + "." + member;
    if (std::find(a.members.begin(), a.members.end(), member) == a.members.end()) {
      r_.error(kv.first, mpath, not_a_member(member, a));
      continue;
    }
    if (!seen.insert(member).second) {
      r_.error(kv.first, mpath, "terms of member '" + member + "' given twice");
      continue;
    }
    AllianceTerms t;
    t.member = member;
    if (read_member_terms(kv.second, mpath, t, s)) a.terms.push_back(std::move(t));
  }
}

std::string Loader::not_a_member(const std::string& who, const Alliance& a) {
  std::string msg = "'" + who + "' is not a member of alliance '" + a.id + "'; members: ";
  for (std::size_t i = 0; i < a.members.size(); ++i) msg += (i ? ", " : "") + a.members[i];
  auto near = closest_match(who, a.members);
  if (!near.empty()) msg += "; did you mean '" + near + "'?";
  return msg;
}

bool Loader::read_member_terms(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                               const Scenario& s) {
  if (!node.IsMap()) {
    r_.error(
        node, path,
        "expected {commitment, burden, support_polls, threats}, got " + detail::describe(node));
    return false;
  }
  const std::size_t before = diags_.size();
  auto m = r_.map(node, path);
  auto commitment = m.optional("commitment");
  auto burden = m.optional("burden");
  auto polls = m.optional("support_polls");
  auto threats = m.optional("threats");
  auto signals = m.optional("signals");
  auto episodes = m.optional("episodes");
  m.finish();
  if (commitment) t.commitment = r_.quantity(*commitment, path + ".commitment", 0, 1);
  if (signals) read_signals(*signals, path + ".signals", t, s);
  if (episodes) read_episodes(*episodes, path + ".episodes", t);
  if (burden) read_burden(*burden, path + ".burden", t);
  if (polls) {
    if (auto v = read_questions(*polls, path + ".support_polls")) t.support_polls = *v;
  }
  if (threats) {
    if (auto v = read_threats(*threats, path + ".threats")) t.threats = *v;
  }
  return diags_.size() == before;
}

void Loader::read_burden(const YAML::Node& node, const std::string& path, AllianceTerms& t) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected {troops_abroad, host_nation_support, contributions, defence_spending}, "
             "got " +
                 detail::describe(node));
    return;
  }
  auto m = r_.map(node, path);
  auto troops = m.optional("troops_abroad");
  auto hns = m.optional("host_nation_support");
  auto contributions = m.optional("contributions");
  auto spending = m.optional("defence_spending");
  m.finish();
  if (spending) t.defence_spending = r_.quantity(*spending, path + ".defence_spending", 0, kInf);
  if (troops) t.troops_abroad = r_.quantity(*troops, path + ".troops_abroad", 0, kInf);
  if (hns) t.host_nation_support = r_.quantity(*hns, path + ".host_nation_support", 0, kInf);
  if (contributions)
    t.contributions = r_.quantity(*contributions, path + ".contributions", 0, kInf);
}

// `decisions:`: dated decisions or deadlines that signals are timed against.
void Loader::load_decisions(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "decisions")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "decisions[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path,
               "expected a decision {id, date, description}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto date = m.required("date");
    auto description = m.optional("description");
    m.finish();
    Decision d;
    d.where = detail::location(r_.file(), item);
    if (id) d.id = r_.id(*id, path + ".id").value_or("");
    auto dt = date ? r_.date(*date, path + ".date") : std::nullopt;
    if (description) d.description = r_.text(*description, path + ".description").value_or("");
    if (d.id.empty() || !dt) continue;
    d.date = *dt;
    if (!unique(seen, *id, path + ".id", d.id, "decision")) continue;
    s.decisions.push_back(std::move(d));
  }
}

// `signals: [{id, date, needed_by, contributions | troops_abroad | host_nation_support |
// commitment, description}]`: dated offers, each timed against a declared decision.
void Loader::read_signals(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                          const Scenario& s) {
  if (!r_.sequence(node, path)) return;
  std::set<std::string> seen;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string spath = path + "[" + std::to_string(k) + "]";
    const YAML::Node item = node[k];
    if (!item.IsMap()) {
      r_.error(item, spath,
               "expected a signal {id, date, needed_by, contributions, commitment, ...}, got " +
                   detail::describe(item));
      continue;
    }
    auto m = r_.map(item, spath);
    auto id = m.required("id");
    auto date = m.required("date");
    auto needed = m.required("needed_by");
    auto contributions = m.optional("contributions");
    auto troops = m.optional("troops_abroad");
    auto hns = m.optional("host_nation_support");
    auto commitment = m.optional("commitment");
    auto description = m.optional("description");
    m.finish();
    Signal sg;
    sg.where = detail::location(r_.file(), item);
    if (id) sg.id = r_.id(*id, spath + ".id").value_or("");
    auto dt = date ? r_.date(*date, spath + ".date") : std::nullopt;
    if (needed) {
      if (auto n = r_.id(*needed, spath + ".needed_by")) {
        if (s.decision(*n) == nullptr) {
          r_.error(*needed, spath + ".needed_by", unknown_ref("decision", *n, ids_of(s.decisions)));
        } else {
          sg.needed_by = *n;
        }
      }
    }
    if (contributions)
      sg.contributions = r_.quantity(*contributions, spath + ".contributions", 0, kInf);
    if (troops) sg.troops_abroad = r_.quantity(*troops, spath + ".troops_abroad", 0, kInf);
    if (hns) sg.host_nation_support = r_.quantity(*hns, spath + ".host_nation_support", 0, kInf);
    if (commitment) sg.commitment = r_.quantity(*commitment, spath + ".commitment", -1, 1);
    if (description) sg.description = r_.text(*description, spath + ".description").value_or("");
    if (!contributions && !troops && !hns && !commitment) {
      r_.error(item, spath,
               "a signal must add something: expected at least one of contributions, "
               "troops_abroad, host_nation_support or commitment");
      continue;
    }
    if (sg.id.empty() || !dt || sg.needed_by.empty()) continue;
    sg.date = *dt;
    if (!unique(seen, *id, spath + ".id", sg.id, "signal")) continue;
    t.signals.push_back(std::move(sg));
  }
}

// `episodes: [{id, date, shares_risk, description}]`: past crises as evidence.
void Loader::read_episodes(const YAML::Node& node, const std::string& path, AllianceTerms& t) {
  if (!r_.sequence(node, path)) return;
  std::set<std::string> seen;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string epath = path + "[" + std::to_string(k) + "]";
    const YAML::Node item = node[k];
    if (!item.IsMap()) {
      r_.error(item, epath,
               "expected an episode {id, date, shares_risk, description}, got " +
                   detail::describe(item));
      continue;
    }
    auto m = r_.map(item, epath);
    auto id = m.required("id");
    auto date = m.required("date");
    auto shares = m.required("shares_risk");
    auto description = m.optional("description");
    m.finish();
    Episode e;
    e.where = detail::location(r_.file(), item);
    if (id) e.id = r_.id(*id, epath + ".id").value_or("");
    auto dt = date ? r_.date(*date, epath + ".date") : std::nullopt;
    auto v = shares ? r_.quantity(*shares, epath + ".shares_risk", 0, 1) : std::nullopt;
    if (description) e.description = r_.text(*description, epath + ".description").value_or("");
    if (e.id.empty() || !dt || !v) continue;
    e.date = *dt;
    e.shares_risk = *v;
    if (!unique(seen, *id, epath + ".id", e.id, "episode")) continue;
    t.episodes.push_back(std::move(e));
  }
}

void Loader::warn(const YAML::Node& node, const std::string& path, std::string message,
                  Scenario& s) {
  Diagnostic d{detail::location(r_.file(), node), path, std::move(message)};
  d.warning = true;
  s.warnings.push_back(std::move(d));
}

// What the alliance model would otherwise do silently: a member without terms gets the
// neutral 0.5 risk sharing, and a burden field some members give but others do not is
// ignored (an unknown is not a zero).
void Loader::warn_terms(const YAML::Node& item, const std::optional<YAML::Node>& terms,
                        const std::string& path, const Alliance& a, Scenario& s) {
  for (const std::string& m : a.members) {
    if (a.terms_of(m) != nullptr) continue;
    warn(terms ? *terms : item, path + ".terms",
         "member '" + m + "' has no terms; the alliance model gives it risk sharing 0.5 (no " +
             "information): give its commitment, burden, support_polls or threats",
         s);
  }
  if (!terms || !terms->IsMap()) return;
  for (const std::string& field : burden_fields()) {
    std::vector<std::string> have;
    std::vector<std::string> lack;
    std::optional<YAML::Node> first;
    std::string first_path;
    for (const std::string& m : a.members) {
      const YAML::Node mt = (*terms)[m];
      const bool given =
          mt && mt.IsMap() && mt["burden"] && mt["burden"].IsMap() && mt["burden"][field];
      if (given) {
        if (!first) {
          first = mt["burden"][field];
          first_path = path + ".terms." + m + ".burden." + field;
        }
        have.push_back(m);
      } else {
        lack.push_back(m);
      }
    }
    if (have.empty() || lack.empty()) continue;
    std::string lacking;
    for (const auto& m : lack) lacking += (lacking.empty() ? "" : ", ") + m;
    warn(*first, first_path,
         "burden field '" + field + "' is given for " + have.front() +
             (have.size() > 1 ? " and others" : " only") + " but not for " + lacking +
             "; the alliance model ignores a burden field unless every member gives it " +
             "(an unknown is not a zero): give it for " + lacking + " too",
         s);
  }
}

std::optional<std::vector<std::string>> Loader::read_questions(const YAML::Node& node,
                                                               const std::string& path) {
  if (!r_.sequence(node, path)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t k = 0; k < node.size(); ++k) {
    const std::string qpath = path + "[" + std::to_string(k) + "]";
    auto q = r_.id(node[k], qpath);
    if (!q) {
      ok = false;
    } else if (std::find(out.begin(), out.end(), *q) != out.end()) {
      r_.error(node[k], qpath, "poll question '" + *q + "' listed twice");
      ok = false;
    } else {
      out.push_back(*q);
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<Threat>> Loader::read_threats(const YAML::Node& node,
                                                        const std::string& path) {
  if (!node.IsMap()) {
    r_.error(node, path,
             "expected a map from threat (an actor id or a label) to a level in [0, 1], got " +
                 detail::describe(node));
    return std::nullopt;
  }
  std::vector<Threat> out;
  bool ok = true;
  for (const auto& kv : node) {
    const std::string tpath = path + "." + kv.first.Scalar();
    auto target = r_.id(kv.first, tpath);
    auto level = r_.quantity(kv.second, tpath, 0, 1);
    if (!target || !level) {
      ok = false;
      continue;
    }
    if (std::any_of(out.begin(), out.end(), [&](const Threat& t) { return t.target == *target; })) {
      r_.error(kv.first, tpath, "threat '" + *target + "' given twice");
      ok = false;
      continue;
    }
    out.push_back(Threat{*target, *level});
  }
  if (!ok) return std::nullopt;
  return out;
}

void Loader::load_alliances(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "alliances")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "alliances[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(item, path,
               "expected an alliance {id, name, type, members}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto name = m.required("name");
    auto type = m.required("type");
    auto atop = m.optional("atop");
    auto members = m.required("members");
    auto since = m.optional("since");
    auto obligations = m.optional("obligations");
    auto terms = m.optional("terms");
    m.finish();
    Alliance a;
    if (id) a.id = r_.id(*id, path + ".id").value_or("");
    if (name) a.name = r_.text(*name, path + ".name").value_or("");
    if (type) a.type = r_.choice(*type, path + ".type", alliance_types()).value_or("");
    if (atop) {
      auto v = r_.integer(*atop, path + ".atop");
      if (v && *v <= 0) {
        r_.error(*atop, path + ".atop", "expected a positive ATOP atopid");
      } else if (v) {
        a.atop = static_cast<int>(*v);
      }
    }
    if (members)
      a.members = read_members(*members, path + ".members", s).value_or(std::vector<std::string>{});
    if (since) a.since = r_.date(*since, path + ".since");
    if (obligations && r_.sequence(*obligations, path + ".obligations")) {
      for (std::size_t k = 0; k < obligations->size(); ++k) {
        if (auto o = r_.text((*obligations)[k], path + ".obligations[" + std::to_string(k) + "]")) {
          a.obligations.push_back(*o);
        }
      }
    }
    if (terms && !a.members.empty()) read_terms(*terms, path + ".terms", a, s);
    if (!a.members.empty()) warn_terms(item, terms, path, a, s);
    if (!a.id.empty() && !unique(seen, *id, path + ".id", a.id, "alliance")) continue;
    s.alliances.push_back(std::move(a));
  }
}

void Loader::load_polls(const YAML::Node& node, Scenario& s) {
  if (!r_.sequence(node, "polls")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "polls[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r_.error(
          item, path,
          "expected a poll {id, actor, question, date, support}, got " + detail::describe(item));
      continue;
    }
    auto m = r_.map(item, path);
    auto id = m.required("id");
    auto actor = m.required("actor");
    auto question = m.required("question");
    auto date = m.required("date");
    auto support = m.required("support");
    auto source = m.optional("source");
    m.finish();
    Poll p;
    if (id) p.id = r_.id(*id, path + ".id").value_or("");
    if (actor) {
      p.actor = r_.text(*actor, path + ".actor").value_or("");
      if (!p.actor.empty()) check_actor_ref(*actor, path + ".actor", p.actor, s);
    }
    if (question) p.question = r_.id(*question, path + ".question").value_or("");
    if (date) p.date = r_.date(*date, path + ".date").value_or(Date{});
    if (support) p.support = r_.quantity(*support, path + ".support", 0, 1).value_or(Quantity{});
    if (source) p.source = r_.text(*source, path + ".source").value_or("");
    if (!p.id.empty() && !unique(seen, *id, path + ".id", p.id, "poll")) continue;
    s.polls.push_back(std::move(p));
  }
}

}  // namespace entente::detail
