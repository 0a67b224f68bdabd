// Preloaded into the Firebase CLI (NODE_OPTIONS=--require, set by ops/with-emulators).
//
// The Functions emulator starts one Python worker per concurrent request of a function and
// keeps every one of them until it stops: a suite that once called a function 16 times at once
// holds 16 of its workers (each a functions-framework process and its gunicorn worker, ~90 MB)
// for the rest of the run. Summed over 120 functions, a full run reached 658 worker processes
// and 23.8 GB, and the machine killed the emulator. Cloud Run scales idle instances in; here
// too: a function keeps its most recently used idle worker warm, and every other worker idle
// for FOUNDATION_WORKER_IDLE_SECONDS (30) is stopped. The emulator spawns a worker through a
// shell (`sh -c ". venv/bin/activate && functions-framework"`), and killing that shell leaves
// Python running, so the whole process tree is stopped.
"use strict";

const fs = require("fs");

let pool = null;
try {
  pool = require("firebase-tools/lib/emulator/functionsRuntimeWorker");
} catch {
  // A Node process without the Firebase CLI's modules: nothing to fix.
}

const IDLE_MS = Number(process.env.FOUNDATION_WORKER_IDLE_SECONDS || 30) * 1000;
const SWEEP_MS = 5000;

function childrenOf(pid) {
  const found = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function stopTree(pid) {
  for (const child of childrenOf(pid)) stopTree(child);
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

if (pool) {
  const { RuntimeWorker, RuntimeWorkerPool, RuntimeWorkerState } = pool;
  const pools = new Set();

  const request = RuntimeWorker.prototype.request;
  RuntimeWorker.prototype.request = function stampedRequest(...args) {
    this.lastUsedAt = Date.now();
    return request.apply(this, args).finally(() => {
      this.lastUsedAt = Date.now();
    });
  };

  const sweep = () => {
    const now = Date.now();
    for (const each of pools) {
      for (const workers of each.workers.values()) {
        const idle = workers.filter((w) => w.state === RuntimeWorkerState.IDLE);
        for (const w of idle) w.lastUsedAt ??= now; // started, never used yet: count from here
        idle.sort((a, b) => b.lastUsedAt - a.lastUsedAt);
        for (const w of idle.slice(1)) {
          if (now - w.lastUsedAt < IDLE_MS) continue;
          w.state = RuntimeWorkerState.FINISHING;
          stopTree(w.runtime.process.pid);
        }
      }
    }
  };

  const getIdleWorker = RuntimeWorkerPool.prototype.getIdleWorker;
  RuntimeWorkerPool.prototype.getIdleWorker = function registeredGetIdleWorker(...args) {
    if (!pools.has(this)) {
      pools.add(this);
      if (pools.size === 1) setInterval(sweep, SWEEP_MS).unref();
    }
    return getIdleWorker.apply(this, args);
  };
}
