#include "interrupt.hpp"

#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace py = pybind11;

namespace entente::python {

namespace {
// How often the calling thread checks for Ctrl-C: short enough to feel immediate, long
// enough to cost nothing next to the work.
constexpr auto kPollInterval = std::chrono::milliseconds(50);
}  // namespace

void run_interruptible(CallState& state, const std::function<void()>& work,
                       const std::function<void()>& poll) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard lock(mutex);
    finished = true;
    finished_cv.notify_all();
  });
  auto wait = [&](bool until_done) {
    const py::gil_scoped_release release;
    std::unique_lock lock(mutex);
    if (until_done) {
      finished_cv.wait(lock, [&] { return finished; });
    } else {
      finished_cv.wait_for(lock, kPollInterval, [&] { return finished; });
    }
    return finished;
  };
  for (;;) {
    if (wait(false)) break;
    bool raised = PyErr_CheckSignals() != 0;
    std::exception_ptr poll_error;
    if (!raised && poll) {
      try {
        poll();
      } catch (py::error_already_set& e) {
        e.restore();
        raised = true;
      } catch (...) {
        poll_error = std::current_exception();
      }
    }
    if (raised || poll_error) {
      // The Python error (KeyboardInterrupt) stays set while the work winds down: it stops
      // at its next check, and nothing it shares with this frame is still in use after.
      state.stop = true;
      wait(true);
      worker.join();
      if (poll_error) std::rethrow_exception(poll_error);
      throw py::error_already_set();
    }
  }
  worker.join();
  if (poll) poll();
  if (error) std::rethrow_exception(error);
}

}  // namespace entente::python
