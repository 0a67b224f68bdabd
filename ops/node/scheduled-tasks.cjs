// Preloaded into the Firebase CLI (NODE_OPTIONS=--require, set by ops/with-emulators).
//
// The Cloud Tasks emulator dispatches a task as soon as it is queued, whatever its
// scheduleTime (firebase-tools' lib/emulator/taskQueue.js passes the time on only as the
// X-CloudTasks-TaskETA header). Locally every delayed piece of work therefore ran at once: a
// digest flushed on its first item and dropped the rest, a nudge fired before anyone could read
// the message. Cloud Tasks holds a task until its time; with this preload the emulator does too:
// a task due in the future joins its queue when it is due. Its name is taken at once, so a second
// task of that name is refused (409) as in Cloud Tasks, and deleting it before then cancels it.
"use strict";

let taskQueue = null;
try {
  taskQueue = require("firebase-tools/lib/emulator/taskQueue");
} catch {
  // A Node process without the Firebase CLI's modules: nothing to fix.
}

const LONGEST_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit (about 24.8 days)

function dueInMs(scheduleTime) {
  if (!scheduleTime) return 0;
  const due =
    typeof scheduleTime === "object"
      ? Number(scheduleTime.seconds ?? 0) * 1000 + Number(scheduleTime.nanos ?? 0) / 1e6
      : Date.parse(scheduleTime);
  return Number.isFinite(due) ? due - Date.now() : 0;
}

function lastSegment(name) {
  return String(name).split("/").pop();
}

if (taskQueue) {
  const { TaskQueue } = taskQueue;
  const enqueueNow = TaskQueue.prototype.enqueue;
  const deleteNow = TaskQueue.prototype.delete;
  const heldByQueue = new WeakMap(); // queue -> Map(task id -> timer)

  const held = (queue) => {
    if (!heldByQueue.has(queue)) heldByQueue.set(queue, new Map());
    return heldByQueue.get(queue);
  };

  TaskQueue.prototype.enqueue = function enqueueWhenDue(task) {
    const waiting = held(this);
    const id = lastSegment(task.name);
    if (waiting.has(id)) {
      throw new Error(`A task has already been queued with id ${task.name}`);
    }
    if (dueInMs(task.scheduleTime) <= 0) {
      return enqueueNow.call(this, task);
    }
    if (this.queuedIds.has(task.name)) {
      throw new Error(`A task has already been queued with id ${task.name}`);
    }
    const hold = () => {
      const wait = dueInMs(task.scheduleTime);
      if (wait > 0) {
        const timer = setTimeout(hold, Math.min(wait, LONGEST_TIMER_MS));
        timer.unref();
        waiting.set(id, timer);
        return;
      }
      waiting.delete(id);
      enqueueNow.call(this, task);
    };
    hold();
  };

  TaskQueue.prototype.delete = function deleteHeldOrQueued(taskName) {
    const waiting = held(this);
    const id = lastSegment(taskName);
    if (waiting.has(id)) {
      clearTimeout(waiting.get(id));
      waiting.delete(id);
      return;
    }
    return deleteNow.call(this, taskName);
  };
}
