// The one way entente runs work on threads: smp's per-turn kernels, the sensitivity
// analyses' model evaluations and the sweeps' blocks all start their threads here, so that
// the two failure modes are handled once: a worker that throws (its exception reaches the
// caller after every thread has joined, never std::terminate) and a thread that cannot be
// started (a process or memory limit: the work runs on the threads that did start).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace entente::parallel {

// Threads started together and joined together. Each runs fn(t) for its own t; the first
// exception any of them throws is kept and rethrown by join(). Destroying a group joins it
// (and drops a pending exception), so no path out of the caller leaves a joinable thread.
class ThreadGroup {
 public:
  ThreadGroup() = default;
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  ~ThreadGroup() { wait(); }

  // Starts fn(first), fn(first + 1), ... on up to `count` new threads and returns how many
  // started: fewer than `count` when the system refuses a thread. Each thread runs its own
  // copy of `fn` (a temporary lambda may be passed); what it refers to must outlive join().
  template <typename Fn>
  std::size_t start(std::size_t count, std::size_t first, const Fn& fn) {
    threads_.reserve(threads_.size() + count);
    for (std::size_t i = 0; i < count; ++i) {
      try {
        threads_.emplace_back([this, fn, t = first + i] { guarded(fn, t); });
      } catch (const std::system_error&) {
        return i;
      }
    }
    return count;
  }

  // Runs fn(t) on the calling thread under the same exception policy as the group's.
  template <typename Fn>
  void run_here(const Fn& fn, std::size_t t) {
    guarded(fn, t);
  }

  // Waits for every thread, then rethrows the first exception seen, if any.
  void join() {
    wait();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  template <typename Fn>
  void guarded(const Fn& fn, std::size_t t) {
    try {
      fn(t);
    } catch (...) {
      const std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
  void wait() {
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::exception_ptr error_;
};

// Runs work(t) for every t in [0, workers): t = 0 on the calling thread, the rest on new
// threads, or here too when no thread can be had. Rethrows a worker's exception once all
// have finished.
template <typename Work>
void on_threads(std::size_t workers, const Work& work) {
  if (workers <= 1) {
    work(std::size_t{0});
    return;
  }
  ThreadGroup group;
  const std::size_t started = group.start(workers - 1, 1, work);
  for (std::size_t t = 1 + started; t < workers; ++t) group.run_here(work, t);
  group.run_here(work, 0);
  group.join();
}

// Calls body(i) for every i in [0, n) on up to `threads` threads, taking indices as they
// come. Each call should write only its own slot, so results do not depend on the thread
// count or the schedule. After a failure no new index is started; the exception of the
// lowest failing index is rethrown once all threads have finished.
template <typename Body>
void parallel_for(std::size_t n, std::size_t threads, const Body& body) {
  const std::size_t workers = std::min(threads, n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::size_t error_index = n;
  std::exception_ptr error;
  on_threads(workers, [&](std::size_t) {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n || failed.load()) return;
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
        failed.store(true);
      }
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace entente::parallel
