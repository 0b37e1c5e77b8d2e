// Long calls from Python: run the work on a worker thread with the GIL released, while the
// calling thread polls for Ctrl-C (and a progress callback) every few milliseconds.
#pragma once

#include <atomic>
#include <functional>

namespace entente::python {

// What a long call shares with the work it runs: a flag the work checks (a StopToken linked
// to it, a sweep's sink) and a progress counter the poll reads.
struct CallState {
  std::atomic<bool> stop{false};
  std::atomic<unsigned long long> done{0};
};

// Runs `work` on a worker thread (kept between calls, so that per-thread caches survive) and waits
// for it with the GIL released. Every poll the calling thread takes the GIL, runs Python's signal
// handlers (PyErr_CheckSignals) and then `poll` (e.g. a progress bar). When either raises (Ctrl-C
// raises KeyboardInterrupt), sets `state.stop`, waits for `work` to return or throw (what it threw
// is dropped: the stop caused it) and rethrows the Python error. Otherwise rethrows what `work`
// threw, on the calling thread. Must be called with the GIL held.
void run_interruptible(CallState& state, const std::function<void()>& work,
                       const std::function<void()>& poll = {});

}  // namespace entente::python
