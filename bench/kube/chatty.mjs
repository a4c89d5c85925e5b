// The chatty pod: kwok serves every container's log from one file (test/cluster/cluster.mjs `podLog`), so a
// log line every `everyMs` appended there is a pod that logs that fast, seen by `kubectl logs -f` and the UI's
// log view through the real API server. Lines are numbered so a reader can tell it got them all.
import { closeSync, openSync, writeSync } from "node:fs";
import { podLogLine } from "../../test/cluster/cluster.mjs";

/** Starts appending; returns { stop(): number of lines written, lines() }. */
export function startChatty(podLog, { everyMs = 5 } = {}) {
  const fd = openSync(podLog, "a");
  let n = 0;
  const timer = setInterval(() => {
    n++;
    writeSync(fd, podLogLine(`chatty line ${n} ${"x".repeat(40)}`));
  }, everyMs);
  return {
    lines: () => n,
    stop() {
      clearInterval(timer);
      closeSync(fd);
      return n;
    },
  };
}
