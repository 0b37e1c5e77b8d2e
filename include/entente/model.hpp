// The Model interface and the registry of models by short name (the OpenSpiel pattern:
// an immutable, configured Model runs on an immutable Scenario and returns a Result).
//
// Adding a model: create src/models/<name>/, implement Model, and register it with a
// static `ModelRegistrar` in that folder. Nothing else changes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/options.hpp"
#include "entente/scenario.hpp"

namespace entente {

struct ModelInfo {
  std::string name;         // short, lower-case, e.g. "median"
  std::string description;  // one line
  // What the model forecasts: "issue" models give one number per issue; "scenario"
  // models (alliance, crisis) report on the scenario as a whole.
  enum class Scope { kIssue, kScenario } scope = Scope::kIssue;
  std::vector<OptionSpec> options;
};

// Validated option values of one model: every declared option has a value (its default
// unless set). The same validation as every registered thing's (entente/options.hpp).
class ModelOptions : public OptionValues {
 public:
  ModelOptions() = default;
  // Checks `values` against `info` and fills defaults. Throws std::invalid_argument with
  // a message naming the option and what was expected (with a "did you mean").
  ModelOptions(const ModelInfo& info, const std::map<std::string, std::string>& values);
};

// Thrown when a run is stopped from outside (its deadline passed, or the program is
// shutting down): the run has no result, and nothing about the inputs is wrong.
class RunStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stops runs from outside, cooperatively: a server gives each request one with a deadline
// and stops them all on SIGTERM. Models call RunContext::check_stop between units of work
// (rounds, turns, games), so a stop takes effect within one such unit.
class StopToken {
 public:
  using Clock = std::chrono::steady_clock;
  StopToken() = default;
  // Stops at `deadline`, with `why` as the RunStopped message (what the limit was).
  StopToken(Clock::time_point deadline, std::string why)
      : deadline_(deadline), deadline_message_(std::move(why)) {}
  // Also stops when `*parent` (e.g. the server's shutdown flag) becomes true.
  void link(const std::atomic<bool>* parent) { parent_ = parent; }
  // Stops every run that checks this token from now on.
  void request_stop() { stopped_ = true; }
  // Throws RunStopped saying why, once a stop was requested or the deadline passed.
  void check() const {
    if (stopped_ || (parent_ != nullptr && parent_->load(std::memory_order_relaxed))) {
      throw RunStopped("the run was stopped: the program is shutting down");
    }
    if (deadline_ && Clock::now() >= *deadline_) throw RunStopped(deadline_message_);
  }
  // Seconds until the deadline (0 once passed); nullopt without one. A unit of work that
  // cannot check the token inside itself (a game solver) takes this as its own time budget.
  [[nodiscard]] std::optional<double> seconds_left() const {
    if (!deadline_) return std::nullopt;
    const std::chrono::duration<double> left = *deadline_ - Clock::now();
    return left.count() > 0.0 ? left.count() : 0.0;
  }

 private:
  std::optional<Clock::time_point> deadline_;
  std::string deadline_message_;
  const std::atomic<bool>* parent_ = nullptr;
  std::atomic<bool> stopped_{false};
};

// Per-run context shared by all models of a run.
struct RunContext {
  std::uint64_t seed = 0;  // every random draw of a model derives from it
  // false when the caller needs only forecasts and outputs (a Monte Carlo sample): a model
  // may then skip building its details and trace, which can cost more than the forecast.
  bool details = true;
  // true for a Monte Carlo sample (a sweep's draw): a model whose parameters were estimated
  // (the alliance hazard's coefficients) draws them from their sampling distribution with
  // `seed`, so the sweep's spread carries estimation error as well as input uncertainty.
  // Sensitivity analysis leaves it false: it measures the inputs' influence at the estimates.
  bool sample_parameters = false;
  // When set, the run stops (RunStopped) at the next check_stop after it is requested.
  const StopToken* stop = nullptr;

  // Throws RunStopped when the run has been asked to stop; cheap enough to call once per
  // round or turn.
  void check_stop() const {
    if (stop != nullptr) stop->check();
  }
};

// A number a scenario model reports for uncertainty analysis (sweeps, sensitivity), e.g.
// an alliance's probability of holding for five years, or 1/0 for a credible threat. Issue
// forecasts are summarised without it.
struct Output {
  std::string name;  // unique within the model, e.g. "us-rok/p_holds/5y"
  double value = 0.0;
  double lo = 0.0;  // the range it can take, for histograms
  double hi = 1.0;
  // For people, when the run keeps details (empty in Monte Carlo samples, which read only
  // the value): what the number is ("P(holds 5 years)") and what it belongs to (the
  // alliance's or game's name). Front ends list a scenario model's outputs from these
  // alone (the server's forecasts, the CSV export), without knowing the model.
  std::string label;
  std::string group;
};

// A model's answer for one issue.
struct IssueResult {
  std::string issue;                                  // issue id
  std::optional<double> forecast;                     // on the issue's own scale
  nlohmann::json details = nlohmann::json::object();  // model-specific fields
  std::vector<std::string> trace;                     // human-readable explanation, in order
};

struct Result {
  std::string model;
  std::vector<IssueResult> issues;                    // issue models: one per issue, scenario order
  nlohmann::json details = nlohmann::json::object();  // scenario models' output
  std::vector<std::string> trace;
  std::vector<std::string> warnings;  // e.g. issues skipped and why
  std::vector<Output> outputs;        // scenario models' numbers for sweeps
};

class Model {
 public:
  virtual ~Model() = default;
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  Model(Model&&) = delete;
  Model& operator=(Model&&) = delete;

  [[nodiscard]] virtual const ModelInfo& info() const = 0;
  // "" when the model can run on `scenario`, else why not (e.g. "no alliances").
  [[nodiscard]] virtual std::string applicability(const Scenario& scenario) const;
  // Runs on a scenario whose events are already applied. Must be deterministic given
  // `context.seed`; must not do I/O. Throws std::runtime_error on a model failure.
  [[nodiscard]] virtual Result run(const Scenario& scenario, const RunContext& context) const = 0;
};

using ModelFactory = std::function<std::unique_ptr<Model>(const ModelOptions&)>;

// Registers a model; called from a static ModelRegistrar in the model's own file.
void register_model(ModelInfo info, ModelFactory factory);
// Every registered model's info, sorted by name.
std::vector<ModelInfo> registered_models();
// The info of one model; nullptr when unknown.
const ModelInfo* find_model(const std::string& name);
// Builds a configured model. Throws std::invalid_argument for an unknown name (with a
// "did you mean") or invalid options.
std::unique_ptr<Model> make_model(const std::string& name,
                                  const std::map<std::string, std::string>& options = {});

struct ModelRegistrar {
  ModelRegistrar(ModelInfo info, ModelFactory factory) {
    register_model(std::move(info), std::move(factory));
  }
};

// Helpers shared by the bargaining models: one actor's inputs on one issue.
struct Player {
  std::string actor;
  double capability = 0.0;
  double position = 0.0;
  double salience = 0.0;
};
// The actors that take a stance on `issue`, with nominal values (capability from the
// actor, position and salience from the stance).
std::vector<Player> players_on(const Scenario& scenario, const Issue& issue);
// "" when every player's inputs are finite with capability and salience >= 0, else which
// actor is wrong and how. The loader guarantees this; models still check, since a
// hand-built or sampled scenario may not, and they refuse to average garbage.
std::string invalid_players(const std::vector<Player>& players);

}  // namespace entente
