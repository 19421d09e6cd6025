// Rate limits for work triggered by live events: a burst of 500 `instruction_updated`
// events must cost one metrics refresh, not 500.

/**
 * `request()` asks for `task` to run; it runs at most once per `intervalMs`, never twice at
 * the same time, and a request made while it runs gets one more run afterwards.
 */
export function throttled(task, intervalMs) {
  let lastRunAt = 0;
  let timer = null;
  let running = false;
  let again = false;
  let cancelled = false;

  async function run() {
    timer = null;
    running = true;
    lastRunAt = Date.now();
    try {
      await task();
    } catch (error) {
      console.error("dashboard refresh failed", error);
    } finally {
      running = false;
      if (again && !cancelled) {
        again = false;
        request();
      }
    }
  }

  function request() {
    if (cancelled || timer !== null) return;
    if (running) {
      again = true;
      return;
    }
    timer = setTimeout(run, Math.max(0, lastRunAt + intervalMs - Date.now()));
  }

  request.cancel = () => {
    cancelled = true;
    clearTimeout(timer);
  };
  return request;
}

/** `fn` runs `ms` after the last call (typing in a search box). */
export function debounced(fn, ms) {
  let timer = null;
  const call = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}
