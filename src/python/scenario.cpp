// entente.load, the Scenario object, its data as Python values, validation and with_changes.
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "bindings.hpp"
#include "entente/diagnostics.hpp"
#include "entente/embedded.hpp"
#include "entente/fields.hpp"
#include "entente/ktab.hpp"
#include "entente/scenario_io.hpp"
#include "entente/sweep.hpp"

namespace entente::python {

namespace {

// The name diagnostics give a scenario passed as text.
constexpr const char* kTextName = "<string>";

// A quantity as {"value": nominal, "distribution": "normal(60, 10)" or None}.
void put_quantity(py::dict& d, const char* key, const Quantity& q) {
  d[key] = q.value;
  d[py::str(std::string(key) + "_distribution")] =
      q.dist ? py::object(py::str(q.dist->str())) : py::object(py::none());
}

void put_optional(py::dict& d, const char* key, const std::optional<Quantity>& q) {
  if (q) {
    put_quantity(d, key, *q);
  } else {
    d[key] = py::none();
    d[py::str(std::string(key) + "_distribution")] = py::none();
  }
}

py::list points(const std::vector<GeoPoint>& ps) {
  py::list out;
  for (const GeoPoint& p : ps) out.append(py::make_tuple(p.lat, p.lon));
  return out;
}

py::dict actor_dict(const Actor& a) {
  py::dict d;
  d["id"] = a.id;
  d["name"] = a.name;
  d["kind"] = actor_kind_name(a.kind);
  d["parent"] = a.parent.empty() ? py::object(py::none()) : py::object(py::str(a.parent));
  put_quantity(d, "capability", a.capability);
  d["cinc"] =
      a.cinc ? py::object(py::dict(py::arg("state") = a.cinc->state, py::arg("year") = a.cinc->year,
                                   py::arg("share") = a.cinc->share))
             : py::object(py::none());
  put_optional(d, "risk", a.risk);
  return d;
}

py::dict issue_dict(const Issue& i) {
  py::dict d;
  d["id"] = i.id;
  d["name"] = i.name;
  d["description"] = i.description;
  py::list anchors;
  for (const Anchor& a : i.scale.anchors) anchors.append(py::make_tuple(a.value, a.label));
  d["scale"] = py::dict(py::arg("min") = i.scale.min, py::arg("max") = i.scale.max,
                        py::arg("unit") = i.scale.unit, py::arg("anchors") = anchors);
  put_optional(d, "status_quo", i.status_quo);
  py::list stances;
  for (const Stance& s : i.stances) {
    py::dict st;
    st["issue"] = i.id;
    st["actor"] = s.actor;
    put_quantity(st, "position", s.position);
    put_quantity(st, "salience", s.salience);
    stances.append(st);
  }
  d["stances"] = stances;
  return d;
}

py::dict alliance_dict(const Alliance& a) {
  py::dict d;
  d["id"] = a.id;
  d["name"] = a.name;
  d["type"] = a.type;
  d["atop"] = a.atop ? py::object(py::int_(*a.atop)) : py::object(py::none());
  d["members"] = a.members;
  d["since"] = a.since ? py::object(py::str(a.since->str())) : py::object(py::none());
  d["obligations"] = a.obligations;
  py::list terms;
  for (const AllianceTerms& t : a.terms) {
    py::dict td;
    td["member"] = t.member;
    put_optional(td, "commitment", t.commitment);
    put_optional(td, "troops_abroad", t.troops_abroad);
    put_optional(td, "host_nation_support", t.host_nation_support);
    put_optional(td, "contributions", t.contributions);
    // Only when given, so that scenarios without it read as before.
    if (t.defence_spending) put_optional(td, "defence_spending", t.defence_spending);
    td["support_polls"] = t.support_polls;
    py::list threats;
    for (const Threat& th : t.threats) {
      py::dict thd;
      thd["target"] = th.target;
      put_quantity(thd, "level", th.level);
      threats.append(thd);
    }
    td["threats"] = threats;
    terms.append(td);
  }
  d["terms"] = terms;
  return d;
}

py::dict force_dict(const Force& f) {
  py::dict d;
  d["id"] = f.id;
  d["owner"] = f.owner;
  d["unit"] = f.unit;
  d["kind"] = f.kind;
  d["place"] = f.place.empty() ? py::object(py::none()) : py::object(py::str(f.place));
  d["lat"] = f.location.lat;
  d["lon"] = f.location.lon;
  put_quantity(d, "strength", f.strength);
  return d;
}

py::dict weapon_dict(const Weapon& w) {
  py::dict d;
  d["id"] = w.id;
  d["owner"] = w.owner;
  d["system"] = w.system;
  put_quantity(d, "range_km", w.range_km);
  put_quantity(d, "count", w.count);
  d["sites"] = points(w.sites);
  d["front_line"] =
      w.front_line.empty() ? py::object(py::none()) : py::object(py::str(w.front_line));
  return d;
}

py::dict scenario_data(const Scenario& s) {
  py::dict d;
  d["id"] = s.id;
  d["title"] = s.title;
  d["description"] = s.description;
  d["as_of"] = s.as_of.str();
  py::list actors, issues, alliances, forces, weapons, places, lines, polls, params, games, events;
  for (const Actor& a : s.actors) actors.append(actor_dict(a));
  for (const Issue& i : s.issues) issues.append(issue_dict(i));
  for (const Alliance& a : s.alliances) alliances.append(alliance_dict(a));
  for (const Force& f : s.forces) forces.append(force_dict(f));
  for (const Weapon& w : s.weapons) weapons.append(weapon_dict(w));
  for (const Place& p : s.places) {
    places.append(py::dict(py::arg("id") = p.id, py::arg("name") = p.name,
                           py::arg("lat") = p.at.lat, py::arg("lon") = p.at.lon));
  }
  for (const Line& l : s.lines) {
    lines.append(py::dict(py::arg("id") = l.id, py::arg("name") = l.name,
                          py::arg("points") = points(l.points)));
  }
  for (const Poll& p : s.polls) {
    py::dict pd;
    pd["id"] = p.id;
    pd["actor"] = p.actor;
    pd["question"] = p.question;
    pd["date"] = p.date.str();
    put_quantity(pd, "support", p.support);
    pd["source"] = p.source;
    polls.append(pd);
  }
  for (const Param& p : s.params) {
    py::dict pd;
    pd["id"] = p.id;
    put_quantity(pd, "value", p.value);
    params.append(pd);
  }
  for (const ScenarioGame& g : s.games) {
    games.append(
        py::dict(py::arg("id") = g.id, py::arg("name") = g.name,
                 py::arg("description") = g.description, py::arg("players") = g.players,
                 py::arg("efg") = g.efg ? py::object(py::str(g.efg->path)) : py::object(py::none()),
                 py::arg("nodes") = g.nodes.size()));
  }
  for (const Event& e : s.events) {
    py::list changes;
    for (const Change& c : e.changes) changes.append(py::make_tuple(c.path, c.value));
    events.append(py::dict(py::arg("id") = e.id, py::arg("date") = e.date.str(),
                           py::arg("description") = e.description, py::arg("changes") = changes));
  }
  d["actors"] = actors;
  d["issues"] = issues;
  d["alliances"] = alliances;
  d["forces"] = forces;
  d["weapons"] = weapons;
  d["places"] = places;
  d["lines"] = lines;
  d["polls"] = polls;
  d["params"] = params;
  d["games"] = games;
  d["events"] = events;
  return d;
}

// Loads `text` named `name` as the CLI does (format detected by content), or as the format
// the caller names: yaml, csv (an actor table), ktab-csv, ktab-xml.
app::LoadedInput load_as(std::string text, const std::string& name, const std::string& format) {
  if (format.empty() || format == "auto") return app::load_input_text(std::move(text), name);
  app::LoadedInput out;
  out.text = std::move(text);
  out.source = name;
  if (format == "yaml") {
    LoadOptions options;
    options.filename = name;
    options.cinc = &default_cinc_table();
    const app::FileAccess access = app::FileAccess::local();
    options.read_file = [access](const std::string& p) { return access.read(p); };
    out.scenario = load_scenario_yaml(out.text, options);
  } else if (format == "csv") {
    ActorTableOptions table;
    table.filename = name;
    out.scenario = load_actor_table_csv(out.text, table);
  } else if (format == "ktab-csv") {
    out.scenario = load_ktab_csv(out.text, name);
  } else if (format == "ktab-xml") {
    KtabInput k = load_ktab_xml(out.text, name);
    out.scenario = std::move(k.scenario);
    for (const auto& [option, value] : k.smp_options) {
      out.options.push_back("smp." + option + "=" + value);
    }
  } else {
    throw std::invalid_argument("format '" + format +
                                "': expected yaml, csv, ktab-csv or ktab-xml (or None: detected)");
  }
  return out;
}

PyScenario wrap(app::LoadedInput input) { return PyScenario(std::move(input)); }

// The text of a number as YAML (and a Change's recorded value) writes it: Python's repr,
// which reads back to the same double.
std::string number_text(const py::handle& v) {
  return py::isinstance<py::float_>(v) ? py::repr(v).cast<std::string>()
                                       : py::str(v).cast<std::string>();
}

// A Python value (number, str, bool, list, dict) as the YAML node an event's `set` takes.
YAML::Node yaml_of(const py::handle& v, const std::string& path) {
  if (py::isinstance<py::bool_>(v)) return YAML::Node(v.cast<bool>() ? "true" : "false");
  if (py::isinstance<py::int_>(v)) return YAML::Node(number_text(v));
  if (py::isinstance<py::float_>(v)) {
    const double x = v.cast<double>();
    if (!std::isfinite(x)) throw std::invalid_argument(path + ": the value is not a finite number");
    return YAML::Node(number_text(v));
  }
  if (py::isinstance<py::str>(v)) return YAML::Node(v.cast<std::string>());
  if (py::isinstance<py::dict>(v)) {
    YAML::Node node(YAML::NodeType::Map);
    for (const auto& [key, value] : v.cast<py::dict>()) {
      node[py::str(key).cast<std::string>()] = yaml_of(value, path);
    }
    return node;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    YAML::Node node(YAML::NodeType::Sequence);
    for (const auto& item : v) node.push_back(yaml_of(item, path));
    return node;
  }
  // numpy scalars and other numbers
  if (py::hasattr(v, "__float__")) return yaml_of(py::float_(v.cast<py::object>()), path);
  throw std::invalid_argument(
      path + ": a value of type " + py::str(v.get_type().attr("__name__")).cast<std::string>() +
      " cannot be set; expected a number, text, list or a distribution dict");
}

// The quick path of with_changes, for any settable number (include/entente/fields.hpp)
// given as a plain number. The Change is the one the loader builds for such an event (the
// number replaces the field's nominal value), checked against the same inclusive range;
// nullopt for anything else, or a value the loader would refuse, which then goes through
// the loader for its diagnostics.
std::optional<Change> quick_change(const std::vector<NumericField>& fields, const std::string& path,
                                   const py::handle& v) {
  if (py::isinstance<py::bool_>(v) ||
      !(py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v))) {
    return std::nullopt;
  }
  const double x = v.cast<double>();
  if (!std::isfinite(x)) return std::nullopt;
  const auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const NumericField& f) { return f.path == path; });
  // Coordinates are events of their own kind (a move to a place or to coordinates): the
  // loader's path handles them.
  if (it == fields.end() || it->quantity == nullptr || x < it->lo || x > it->hi) {
    return std::nullopt;
  }
  Change c;
  c.path = path;
  c.value = number_text(v);
  c.where = {"<with_changes>", 0, 0};
  // The event replaces the number, distribution and all, as the loader's event would.
  c.apply = [path, x](Scenario& sc) { set_quantity_field(sc, path, Quantity(x)); };
  return c;
}

std::string event_id(const Scenario& s) {
  std::set<std::string> ids;
  for (const Event& e : s.events) ids.insert(e.id);
  std::string id = "with-changes";
  for (int k = 2; ids.count(id) > 0; ++k) id = "with-changes-" + std::to_string(k);
  return id;
}

constexpr const char* kChangesDescription = "changes made with Scenario.with_changes";

// The scenario with `changes` (field path -> value, the paths events use) applied as one
// more event dated `date` (default as_of), after every other event of that day: the values
// hold at the run date even where an earlier event set the same field, and are checked by
// the loader exactly as an event's are. Diagnostics name the change, not the generated text.
PyScenario with_changes(const PyScenario& self, const py::dict& changes, const std::string& date) {
  const app::LoadedInput& in = self.raw();
  const std::optional<Date> when =
      date.empty() ? std::optional<Date>(in.scenario.as_of) : Date::parse(date);
  std::vector<Change> quick;
  // The table points into the copy it was made from; only its paths and ranges are read.
  Scenario probe = in.scenario;
  const std::vector<NumericField> fields = numeric_fields(probe);
  for (const auto& [key, value] : changes) {
    auto c = quick_change(fields, py::str(key).cast<std::string>(), value);
    if (!c || !when) break;
    quick.push_back(std::move(*c));
  }
  if (when && quick.size() == changes.size()) {
    app::LoadedInput changed;
    changed.scenario = in.scenario;
    changed.source = in.source;
    changed.options = in.options;
    std::vector<Event>& events = changed.scenario.events;
    const auto after = std::upper_bound(events.begin(), events.end(), *when,
                                        [](const Date& d, const Event& e) { return d < e.date; });
    events.insert(after,
                  Event{event_id(in.scenario), *when, kChangesDescription, std::move(quick)});
    return PyScenario(std::move(changed), true);
  }

  YAML::Node root = YAML::Load(write_scenario_yaml(in.scenario));
  YAML::Node set(YAML::NodeType::Map);
  for (const auto& [key, value] : changes) {
    const std::string path = py::str(key).cast<std::string>();
    set[path] = yaml_of(value, path);
  }
  YAML::Node event(YAML::NodeType::Map);
  event["id"] = event_id(in.scenario);
  event["date"] = date.empty() ? in.scenario.as_of.str() : date;
  event["description"] = kChangesDescription;
  event["set"] = set;
  const std::size_t index = in.scenario.events.size();
  root["events"].push_back(event);
  YAML::Emitter out;
  out << root;
  std::string text = std::string(out.c_str()) + "\n";
  try {
    app::LoadedInput changed = app::load_input_text(std::move(text), in.source);
    changed.options = in.options;
    return wrap(std::move(changed));
  } catch (const InputError& e) {
    // Only the new event can be wrong: the rest was loaded before.
    Diagnostics named;
    const std::string prefix = "events[" + std::to_string(index) + "]";
    for (const Diagnostic& d : e.diagnostics().items()) {
      std::string path = d.path;
      if (path.rfind(prefix + ".set.", 0) == 0) {
        path = "with_changes." + path.substr(prefix.size() + 5);
      } else if (path.rfind(prefix, 0) == 0) {
        path = "with_changes" + path.substr(prefix.size());
      }
      named.error({"<with_changes>", 0, 0}, path, d.message);
    }
    throw InputError(std::move(named));
  }
}

}  // namespace

const app::LoadedInput& PyScenario::input() const {
  if (state_->text_pending) {
    state_->input.text = write_scenario_yaml(state_->input.scenario);
    state_->text_pending = false;
  }
  return state_->input;
}

void bind_scenario(py::module_& m) {
  py::class_<Diagnostic>(m, "Diagnostic", "One problem in an input: where, which field, what.")
      .def_property_readonly("file", [](const Diagnostic& d) { return d.where.file; })
      .def_property_readonly("line", [](const Diagnostic& d) { return d.where.line; })
      .def_property_readonly("column", [](const Diagnostic& d) { return d.where.column; })
      .def_readonly("path", &Diagnostic::path)
      .def_readonly("message", &Diagnostic::message)
      .def("__str__", [](const Diagnostic& d) { return format_diagnostic(d); })
      .def("__repr__",
           [](const Diagnostic& d) { return "<Diagnostic " + format_diagnostic(d) + ">"; });

  py::class_<PyScenario>(m, "Scenario", "A loaded, validated scenario (immutable).")
      .def_property_readonly("id", [](const PyScenario& s) { return s.scenario().id; })
      .def_property_readonly("title", [](const PyScenario& s) { return s.scenario().title; })
      .def_property_readonly("description",
                             [](const PyScenario& s) { return s.scenario().description; })
      .def_property_readonly("as_of", [](const PyScenario& s) { return s.scenario().as_of.str(); })
      .def_property_readonly("source", [](const PyScenario& s) { return s.raw().source; })
      .def_property_readonly("text", [](const PyScenario& s) { return s.input().text; })
      .def_property_readonly("input_options", [](const PyScenario& s) { return s.raw().options; })
      .def("data", [](const PyScenario& s) { return scenario_data(s.scenario()); })
      .def("uncertain_inputs", [](const PyScenario& s) { return uncertain_paths(s.scenario()); })
      .def("to_yaml", [](const PyScenario& s) { return write_scenario_yaml(s.scenario()); })
      .def("with_changes", &with_changes, py::arg("changes"), py::arg("date") = "");

  m.def(
      "load_file",
      [](const std::string& path, const std::string& format) {
        return wrap(load_as(app::read_input_file(path), path, format));
      },
      py::arg("path"), py::arg("format") = "");
  m.def(
      "load_text",
      [](std::string text, const std::string& name, const std::string& format) {
        return wrap(load_as(std::move(text), name.empty() ? kTextName : name, format));
      },
      py::arg("text"), py::arg("name") = "", py::arg("format") = "");
  m.def("default_scenario", [] { return wrap(app::load_input("")); });
}

}  // namespace entente::python
