#include "interrupt.hpp"

#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <pthread.h>

namespace py = pybind11;

namespace entente::python {

namespace {
// How often the calling thread checks for Ctrl-C: short enough to feel immediate, long
// enough to cost nothing next to the work.
constexpr auto kPollInterval = std::chrono::milliseconds(50);

// Worker threads kept from one call to the next. The models keep per-thread caches
// (compiled games and payoff expressions, geodesic memos, scratch storage) that a new
// thread per call would rebuild every time: in a what-if loop of runs that rebuilding
// cost more than a third of each run. A caller takes an idle worker or starts one; a
// worker goes back to the idle list after its job (at most kMaxIdle stay; the rest end).
// The pool and its threads are never destroyed (detached, the pool leaked), so that
// nothing waits on them while the interpreter exits; a forked child starts a new pool,
// since it has none of its parent's threads.
class WorkerPool {
 public:
  static WorkerPool& get() {
    static const bool registered = [] {
      pthread_atfork(nullptr, nullptr, [] { instance() = new WorkerPool(); });
      return true;
    }();
    (void)registered;
    return *instance();
  }

  // Runs `job` on a worker thread; returns at once. `job` must not throw.
  void submit(std::function<void()> job) {
    Worker* w = nullptr;
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        w = idle_.back();
        idle_.pop_back();
      }
    }
    if (w == nullptr) {
      w = new Worker();
      std::thread([this, w] { loop(w); }).detach();
    }
    const std::lock_guard lock(w->mutex);
    w->job = std::move(job);
    w->cv.notify_one();
  }

 private:
  static constexpr std::size_t kMaxIdle = 8;
  struct Worker {
    std::mutex mutex;
    std::condition_variable cv;
    std::function<void()> job;
  };

  static WorkerPool*& instance() {
    static WorkerPool* pool = new WorkerPool();
    return pool;
  }

  void loop(Worker* w) {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(w->mutex);
        w->cv.wait(lock, [w] { return static_cast<bool>(w->job); });
        job = std::move(w->job);
        w->job = nullptr;
      }
      job();
      job = nullptr;
      const std::lock_guard lock(mutex_);
      if (idle_.size() >= kMaxIdle) break;
      idle_.push_back(w);
    }
    delete w;
  }

  std::mutex mutex_;
  std::vector<Worker*> idle_;
};
}  // namespace

void run_interruptible(CallState& state, const std::function<void()>& work,
                       const std::function<void()>& poll) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr error;
  // The job touches this frame's locals until it sets `finished` under the lock; this
  // frame returns only after seeing it set.
  WorkerPool::get().submit([&] {
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
      if (poll_error) std::rethrow_exception(poll_error);
      throw py::error_already_set();
    }
  }
  if (poll) poll();
  if (error) std::rethrow_exception(error);
}

}  // namespace entente::python
