"""entente: forecast political outcomes from Python.

A thin binding over the library the ``entente`` command line uses: the same loaders, models,
run documents, sweeps, sensitivity analyses, game solvers and run store, called directly
(never through the binary). See docs/python.md.

    >>> import entente
    >>> s = entente.default_scenario()                    # korea-2003
    >>> r = entente.run(s, models=["median", "bdm"])
    >>> r.forecasts_frame()                              # issue x model
    >>> s2 = s.with_changes({"issues.nk-nuclear.positions.USA.position": 40})
    >>> entente.sweep(s, samples=1000).summary_frame()
"""
from __future__ import annotations

import os
import sys
from typing import Any, Iterable, Mapping, Sequence

from . import _entente
from . import _frames
from ._entente import Diagnostic, InputError, RunError, StoreError, UsageError

__version__: str = _entente.__version__

__all__ = [
    "__version__", "load", "default_scenario", "validate", "run", "sweep", "sensitivity",
    "backtest_deu", "models", "Scenario", "Run", "Sweep", "Sensitivity", "Backtest", "Store",
    "Record", "Diagnostic", "InputError", "UsageError", "StoreError", "RunError", "games",
]

for _cls in (Diagnostic, InputError, RunError, StoreError, UsageError):
    _cls.__module__ = "entente"
InputError.__doc__ = ("The input is wrong (a scenario, a table, a game file, an unreadable file). "
                      "`.diagnostics` lists every problem as Diagnostic objects with file, line, "
                      "column, path and message.")
UsageError.__doc__ = ("A usage error: an unknown model or option, an option value or argument "
                      "out of range, a date that is not YYYY-MM-DD.")
StoreError.__doc__ = "The run store cannot be opened, read or written."
RunError.__doc__ = "A model or solver failed on valid input (the stored run is marked failed)."

PathOrText = "str | os.PathLike[str]"


class Record:
    """One item of a scenario (an actor, an issue, a stance, ...) with attribute access to
    its fields; `dict(record)` or `record.to_dict()` gives them as a dict."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Any]):
        object.__setattr__(self, "_fields", {
            k: ([Record(i) if isinstance(i, dict) else i for i in v] if isinstance(v, list)
                else Record(v) if isinstance(v, dict) else v)
            for k, v in fields.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"no field '{name}'; fields: {', '.join(self._fields)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("scenario data is read-only; use Scenario.with_changes")

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def keys(self):
        return self._fields.keys()

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.to_dict() if isinstance(v, Record) else
                    [i.to_dict() if isinstance(i, Record) else i for i in v] if isinstance(v, list)
                    else v) for k, v in self._fields.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._fields.items()
                          if not isinstance(v, (list, Record)))
        return f"Record({shown})"


def _is_path(x: Any) -> bool:
    # A path-like object or a one-line string is a file name; text has a newline.
    return isinstance(x, os.PathLike) or (isinstance(x, str) and "\n" not in x)


class Scenario:
    """A loaded, validated scenario: immutable. Runs, sweeps and analyses take it; its data
    is readable as Records (`actors`, `issues`, `stances`, ...) and DataFrames
    (`actors_frame()`, `stances_frame()`, ...)."""

    def __init__(self, core: _entente.Scenario):
        self._core = core
        self._data: dict[str, Any] | None = None

    # --- identity -------------------------------------------------------------------------
    id = property(lambda self: self._core.id, doc="The scenario's id.")
    title = property(lambda self: self._core.title, doc="Its title.")
    description = property(lambda self: self._core.description, doc="Its description.")
    as_of = property(lambda self: self._core.as_of, doc="Its date (YYYY-MM-DD): runs default to it.")
    source = property(lambda self: self._core.source, doc="The file it came from, or '<string>'.")
    text = property(lambda self: self._core.text, doc="The exact input text (stored with runs).")

    def __repr__(self) -> str:
        return f"<entente.Scenario {self.id!r} as of {self.as_of} from {self.source}>"

    # --- data -----------------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        """Everything the scenario holds, as plain Python values (a fresh copy)."""
        return self._core.data()

    def _section(self, name: str) -> list[Record]:
        if self._data is None:
            self._data = self._core.data()
        return [Record(x) for x in self._data[name]]

    actors = property(lambda self: self._section("actors"), doc="Actors (Records).")
    issues = property(lambda self: self._section("issues"), doc="Issues, each with its stances.")
    alliances = property(lambda self: self._section("alliances"), doc="Alliances and their terms.")
    forces = property(lambda self: self._section("forces"), doc="Forces (units and locations).")
    weapons = property(lambda self: self._section("weapons"), doc="Weapons (ranges, sites).")
    places = property(lambda self: self._section("places"), doc="Named places.")
    polls = property(lambda self: self._section("polls"), doc="Opinion polls.")
    params = property(lambda self: self._section("params"), doc="Named numbers of game payoffs.")
    games = property(lambda self: self._section("games"), doc="Declared crisis games.")
    events = property(lambda self: self._section("events"), doc="Dated events and their changes.")

    @property
    def stances(self) -> list[Record]:
        """Every actor's stance on every issue (issue, actor, position, salience)."""
        return [s for i in self.issues for s in i.stances]

    def actors_frame(self):
        """Actors as a DataFrame indexed by id: name, kind, parent, capability, risk, ..."""
        rows = []
        for a in self._section("actors"):
            row = a.to_dict()
            cinc = row.pop("cinc")
            row["cinc_state"] = cinc["state"] if cinc else None
            row["cinc_year"] = cinc["year"] if cinc else None
            rows.append(row)
        return _frames.frame(rows, index="id")

    def stances_frame(self):
        """One row per (issue, actor): position, salience and their distributions."""
        return _frames.frame([s.to_dict() for s in self.stances]).set_index(["issue", "actor"])

    def issues_frame(self):
        """Issues indexed by id: name, scale, status quo."""
        rows = []
        for i in self._section("issues"):
            d = i.to_dict()
            rows.append({"id": d["id"], "name": d["name"], "scale_min": d["scale"]["min"],
                         "scale_max": d["scale"]["max"], "unit": d["scale"]["unit"],
                         "status_quo": d["status_quo"],
                         "status_quo_distribution": d["status_quo_distribution"],
                         "stances": len(d["stances"])})
        return _frames.frame(rows, index="id")

    def alliances_frame(self):
        """Alliances indexed by id: name, type, members, ATOP id, since."""
        rows = [{k: v for k, v in a.to_dict().items() if k != "terms"} for a in self._section("alliances")]
        return _frames.frame(rows, index="id")

    def forces_frame(self):
        """Forces indexed by id: owner, unit, kind, place, lat, lon, strength."""
        return _frames.frame([f.to_dict() for f in self._section("forces")], index="id")

    def events_frame(self):
        """One row per change of every event: id, date, description, path, value."""
        rows = [{"id": e.id, "date": e.date, "description": e.description, "path": p, "value": v}
                for e in self._section("events") for (p, v) in e.changes]
        return _frames.frame(rows, columns=["id", "date", "description", "path", "value"])

    def uncertain_inputs(self) -> list[str]:
        """Field paths of every number given as a distribution (what sweeps draw)."""
        return self._core.uncertain_inputs()

    # --- checking and changing ------------------------------------------------------------
    def validate(self) -> list[Diagnostic]:
        """The diagnostics of this scenario's text loaded again: [] for a loaded scenario,
        since an invalid one never loads (load raises InputError with them)."""
        return validate(self.text, name=self.source)

    def with_changes(self, changes: Mapping[str, Any], date: str | None = None) -> "Scenario":
        """A copy with `changes` applied: {field path: value}, the paths events use
        (``issues.ISSUE.positions.ACTOR.position``, ``actors.ID.capability``,
        ``forces.ID.at``, ``params.NAME``, ... see docs/scenario.md). Values are numbers,
        text, lists or distributions as dicts ({"normal": [60, 10]}).

        The changes are one more event dated `date` (default: as_of), applied after every
        other event of that day, so they hold at the run date even where an earlier event
        set the same field; they are checked exactly as an event's. Raises InputError naming
        the change when a path or value is wrong."""
        if not isinstance(changes, Mapping):
            raise TypeError("changes: expected a dict {field path: value}")
        return Scenario(self._core.with_changes(dict(changes), date or ""))

    def to_yaml(self) -> str:
        """The scenario in the documented YAML format (loads back to the same scenario)."""
        return self._core.to_yaml()


def load(path_or_text: "str | os.PathLike[str]", format: str | None = None) -> Scenario:
    """Loads a scenario from a file path or from text (a string with a newline is text, a
    one-line string a path).

    `format` None detects it as the CLI does (YAML scenario, CSV actor table, KTAB CSV or
    XML); else one of "yaml", "csv", "ktab-csv", "ktab-xml". Raises InputError carrying every
    diagnostic (file, line, column, path, message) when the input is invalid."""
    if _is_path(path_or_text):
        return Scenario(_entente.load_file(os.fspath(path_or_text), format or ""))
    return Scenario(_entente.load_text(path_or_text, "", format or ""))


def default_scenario() -> Scenario:
    """The built-in korea-2003 scenario (docs/korea-2003.md)."""
    return Scenario(_entente.default_scenario())


def validate(path_or_text: "str | os.PathLike[str]", format: str | None = None,
             name: str | None = None) -> list[Diagnostic]:
    """Every problem of an input as Diagnostic objects ([] when it is valid), as
    `entente validate` lists them."""
    try:
        if name is not None:
            _entente.load_text(os.fspath(path_or_text), name, format or "")
        else:
            load(path_or_text, format)
    except InputError as e:
        return list(e.diagnostics)
    return []


def _scenario_of(scenario: "Scenario | str | os.PathLike[str] | None") -> Scenario:
    if scenario is None:
        return default_scenario()
    if isinstance(scenario, Scenario):
        return scenario
    return load(scenario)


def _models(models: "str | Sequence[str] | None") -> list[str]:
    if models is None:
        return []
    if isinstance(models, str):
        return [models]
    return list(models)


def _seed(seed: int | None) -> int:
    if seed is None:
        return _entente.default_seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0 or seed >= 2 ** 64:
        raise UsageError(f"seed {seed!r}: expected a whole number from 0 to 2^64 - 1")
    return seed


def _command(name: str, **kwargs: Any) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if v is not None)
    return f"python: entente.{name}({shown})"


class Run:
    """The result of entente.run: `document` is exactly the `entente run --json` document."""

    def __init__(self, document: dict[str, Any], scenario: Scenario):
        self.document = document
        self.scenario = scenario

    run_id = property(lambda self: self.document["run_id"], doc="Id in the store, or None.")
    seed = property(lambda self: self.document["seed"], doc="The seed of the run.")
    warnings = property(lambda self: self.document.get("warnings", []), doc="The run's warnings.")

    @property
    def models(self) -> list[str]:
        """The models that ran, issue models first."""
        names: list[str] = []
        for issue in self.document["issues"]:
            names += [m for m in issue["models"] if m not in names]
        return names + [m for m in self.document.get("models", {}) if m not in names]

    def forecasts_frame(self):
        """Forecasts as a DataFrame: one row per issue (index: issue id), one column per model
        (NaN where a model gave none)."""
        rows = []
        for issue in self.document["issues"]:
            row = {"issue": issue["id"]}
            for model, m in issue["models"].items():
                row[model] = m.get("forecast")
            rows.append(row)
        df = _frames.frame(rows, index="issue")
        return df.astype(float)

    def alliances_frame(self):
        """The alliance model's report, one row per alliance (index: alliance id): health,
        P(holds) per horizon, P(honours) and its other numbers."""
        alliance = self.document.get("models", {}).get("alliance")
        if alliance is None:
            raise ValueError("the run has no alliance model results (models=['alliance'])")
        rows = []
        for a in alliance.get("alliances", []):
            row = _frames.scalar_fields(a)
            for h, p in (a.get("p_holds") or {}).items():
                row[f"p_holds_{h}y"] = p
            rows.append(row)
        return _frames.frame(rows, index="id")

    @property
    def games(self) -> list[dict[str, Any]]:
        """The crisis model's games: equilibrium path, threats and their credibility."""
        return self.document.get("models", {}).get("crisis", {}).get("games", [])

    def explain(self, model: str | None = None) -> str:
        """The models' explanations (their traces), as `entente explain` prints them; only
        `model`'s when given."""
        out: list[str] = []
        for issue in self.document["issues"]:
            for name, m in issue["models"].items():
                if model is not None and name != model:
                    continue
                out.append(f"== {issue.get('name', '')} [{issue['id']}] [{name}]")
                out += ["  " + line for line in m.get("trace", ["(no explanation recorded)"])]
        for name, m in self.document.get("models", {}).items():
            if (model is None or name == model) and "trace" in m:
                out.append(f"[{name}]")
                out += ["  " + line for line in m["trace"]]
        if model is not None and not out:
            raise UsageError(f"model '{model}' is not in this run; it ran {', '.join(self.models)}")
        return "\n".join(out) + "\n"

    def __repr__(self) -> str:
        return (f"<entente.Run of {self.document['scenario']['id']} at "
                f"{self.document['scenario']['at']}: {', '.join(self.models)}>")


def run(scenario: "Scenario | str | os.PathLike[str] | None" = None,
        models: "str | Sequence[str] | None" = None,
        options: "Mapping[str, Any] | Sequence[str] | None" = None, seed: int | None = None,
        at: str | None = None, db: "str | os.PathLike[str] | None" = None) -> Run:
    """Runs models on a scenario, as `entente run` does.

    scenario: a Scenario, a path or text (default: korea-2003). models: names (default:
    every model that applies). options: {"bdm.q": 0.5} or ["bdm.q=0.5"]. seed: default 1.
    at: YYYY-MM-DD, apply the events dated up to then (default: as_of). db: a run store
    path; when given the run is stored there and `run_id` set.

    Raises UsageError (unknown model or option, bad date), RunError (a model failed; the
    stored run is marked failed), StoreError. Ctrl-C stops it (KeyboardInterrupt)."""
    s = _scenario_of(scenario)
    names = _models(models)
    document = _entente.run(s._core, names, options, _seed(seed), at or "",
                            None if db is None else os.fspath(db),
                            _command("run", scenario=s.source, models=names or None,
                                     options=options, seed=seed, at=at))
    return Run(document, s)


class Sweep:
    """The result of entente.sweep: the CLI's sweep document and, per sample, the drawn
    inputs and the outputs as numpy arrays."""

    def __init__(self, document, inputs, outputs, input_samples, output_samples):
        self.document: dict[str, Any] = document
        self.inputs: list[str] = inputs
        self.outputs: list[dict[str, Any]] = outputs
        self.input_samples = input_samples
        self.output_samples = output_samples

    run_id = property(lambda self: self.document["run_id"], doc="Id in the store, or None.")

    def summary_frame(self):
        """Per output (index: output id): model, issue, metric, n, missing, mean, sd, min,
        max, range (lo, hi) and quantiles p5, p25, p50, p75, p95."""
        rows = []
        for o in self.document["outputs"]:
            row = _frames.scalar_fields(o)
            row["lo"], row["hi"] = o["range"]
            row.update(o.get("quantiles") or {})
            rows.append(row)
        return _frames.frame(rows, index="id")

    def samples_frame(self):
        """One row per sample: every drawn input (columns by field path) then every output
        (columns by output id)."""
        import pandas as pd

        if self.output_samples is None:
            raise ValueError("the sweep kept no samples (arrays=False)")
        ins = pd.DataFrame(self.input_samples, columns=self.inputs)
        outs = pd.DataFrame(self.output_samples, columns=[o["id"] for o in self.outputs])
        df = pd.concat([ins, outs], axis=1, keys=["input", "output"])
        df.index.name = "sample"
        return df

    def histogram(self, output: str) -> tuple[list[float], list[int]]:
        """The 20-bin histogram of one output over its range: (21 bin edges, 20 counts), as
        the report draws it."""
        for o in self.document["outputs"]:
            if o["id"] == output:
                lo, hi = o["range"]
                counts = o["histogram"]
                edges = [lo + (hi - lo) * k / len(counts) for k in range(len(counts) + 1)]
                return edges, counts
        raise UsageError(f"no output '{output}'; outputs: {', '.join(o['id'] for o in self.outputs)}")


def sweep(scenario: "Scenario | str | os.PathLike[str] | None" = None, samples: int = 1000,
          models: "str | Sequence[str] | None" = None,
          options: "Mapping[str, Any] | Sequence[str] | None" = None, seed: int | None = None,
          at: str | None = None, threads: int | None = None, block_size: int | None = None,
          arrays: bool = True, keep_samples: bool = False,
          db: "str | os.PathLike[str] | None" = None, progress: bool = False) -> Sweep:
    """Monte Carlo over the scenario's uncertain numbers, as `entente sweep` does: the same
    seed, samples and block size give the same numbers as the CLI, for any `threads`
    (default: one per core).

    arrays: also return every sample's inputs and outputs as numpy arrays (samples x
    inputs, samples x outputs). keep_samples: store them in `db` too (--keep-samples).
    progress: draw a progress bar (in Jupyter, a live one). Ctrl-C stops the sweep
    (KeyboardInterrupt); a stored sweep is then marked failed."""
    s = _scenario_of(scenario)
    names = _models(models)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise UsageError(f"samples {samples!r}: expected a whole number of at least 1")
    if threads is not None and (not isinstance(threads, int) or threads < 0):
        raise UsageError(f"threads {threads!r}: expected a whole number (0: one per core)")
    if block_size is not None and (not isinstance(block_size, int) or block_size < 1):
        raise UsageError(f"block_size {block_size!r}: expected a whole number of at least 1")
    if keep_samples and db is None:
        raise UsageError("keep_samples stores the samples in the run store: give db too")
    from . import _progress

    result = _entente.sweep(
        s._core, names, options, _seed(seed), at or "", samples, threads or 0,
        block_size or _entente.default_block_size, arrays, keep_samples,
        None if db is None else os.fspath(db),
        _command("sweep", scenario=s.source, samples=samples, models=names or None,
                 options=options, seed=seed, at=at, block_size=block_size),
        _progress.bar("samples") if progress else None)
    return Sweep(*result)


class Sensitivity:
    """The result of entente.sensitivity: the CLI's sensitivity document."""

    def __init__(self, document: dict[str, Any]):
        self.document = document

    method = property(lambda self: self.document["method"], doc="morris or sobol.")
    run_id = property(lambda self: self.document["run_id"], doc="Id in the store, or None.")

    def frame(self):
        """One row per (output, input), ranked: Morris mu, mu_star, sigma or Sobol first and
        total indices with their confidence intervals."""
        rows = []
        for o in self.document["outputs"]:
            for i in o["inputs"]:
                row = {"output": o["output"]}
                for k, v in i.items():
                    if k.endswith("_ci"):
                        row[k + "_lo"], row[k + "_hi"] = v
                    else:
                        row[k] = v
                rows.append(row)
        return _frames.frame(rows).set_index(["output", "input"])


def sensitivity(scenario: "Scenario | str | os.PathLike[str] | None" = None,
                method: str = "morris", samples: int | None = None,
                models: "str | Sequence[str] | None" = None,
                options: "Mapping[str, Any] | Sequence[str] | None" = None,
                seed: int | None = None, at: str | None = None, threads: int | None = None,
                db: "str | os.PathLike[str] | None" = None) -> Sensitivity:
    """Which uncertain inputs drive each forecast, as `entente sensitivity` does: Morris
    screening (samples = trajectories, default 20) or Sobol indices (samples = base sample
    N, default 256). Same seed, same numbers as the CLI."""
    s = _scenario_of(scenario)
    names = _models(models)
    if method not in ("morris", "sobol"):
        raise UsageError(f"method '{method}': expected morris or sobol")
    document = _entente.sensitivity(
        s._core, method, samples, names, options, _seed(seed), at or "", threads or 0,
        None if db is None else os.fspath(db),
        _command("sensitivity", scenario=s.source, method=method, samples=samples,
                 models=names or None, options=options, seed=seed, at=at))
    return Sensitivity(document)


class Backtest:
    """The result of entente.backtest_deu: `issues` (one row per DEU issue: outcome and each
    model's forecast) and `summary` (per model: n, MAE, RMSE, share of issues where it beats
    the compromise model, skipped), as `entente backtest deu` reports."""

    def __init__(self, rows, summary, models):
        import pandas as pd

        self.models: list[str] = models
        self.issues = pd.DataFrame(rows).set_index("issue")
        self.summary = pd.DataFrame(summary).set_index("model")

    def errors(self):
        """Absolute errors per issue and model (forecast - outcome, absolute)."""
        return (self.issues[self.models].sub(self.issues["outcome"], axis=0)).abs()


def backtest_deu(path: "str | os.PathLike[str]", models: "str | Sequence[str] | None" = None,
                 options: "Mapping[str, Any] | Sequence[str] | None" = None,
                 capability: str = "equal", seed: int | None = None) -> Backtest:
    """Scores models on the DEU table at `path` (docs/backtest.md), as `entente backtest deu`
    does. capability: "equal" (every actor 1) or "gdp" (the file's capability row)."""
    return Backtest(*_entente.backtest_deu(os.fspath(path), _models(models), options,
                                           capability, _seed(seed)))


def models() -> list[Record]:
    """The registered models: name, description, scope (issue or scenario) and options
    (name, default, description, choices, type)."""
    return [Record(m) for m in _entente.models()]


class Store:
    """A run store (SQLite), opened read-only for each call as `entente runs` does."""

    def __init__(self, path: "str | os.PathLike[str]"):
        self._core = _entente.Store(os.fspath(path))

    path = property(lambda self: self._core.path, doc="The store's file.")

    def list(self, limit: int = 0) -> list[dict[str, Any]]:
        """Runs, newest first (at most `limit`; 0: all), without their results."""
        return self._core.list(limit)

    def runs_frame(self, limit: int = 0):
        """The runs as a DataFrame indexed by run id."""
        return _frames.frame(self.list(limit), index="id")

    def get(self, run_id: int) -> dict[str, Any]:
        """One run's record with its scenario text and result document. Raises KeyError when
        there is no such run."""
        r = self._core.get(run_id)
        if r is None:
            raise KeyError(f"no run {run_id} in {self.path}")
        return r

    def document(self, run_id: int) -> dict[str, Any]:
        """The stored result document of a finished run (for kind 'run', the run --json
        document); raises ValueError for a run that did not finish."""
        r = self.get(run_id)
        if r["status"] != "done":
            raise ValueError(f"run {run_id} is {r['status']}; only finished runs have a result")
        return r["result"]

    def run(self, run_id: int) -> Run:
        """A stored single run as a Run (its scenario loaded from the stored text)."""
        r = self.get(run_id)
        if r["kind"] != "run":
            raise ValueError(f"run {run_id} is a {r['kind']}, not a single run")
        s = Scenario(_entente.load_text(r["scenario_text"], r["scenario_source"], ""))
        return Run(self.document(run_id), s)

    def samples(self, run_id: int):
        """The stored per-sample outputs of a sweep run with keep_samples (samples x outputs),
        or None when it kept none."""
        return self._core.samples(run_id)

    def export(self, run_id: int, format: str = "json") -> str:
        """The run as `entente runs export --format csv|json` writes it."""
        return self._core.export(run_id, format)

    def __repr__(self) -> str:
        return f"<entente.Store {self.path}>"


from . import games  # noqa: E402  (uses the names above)
