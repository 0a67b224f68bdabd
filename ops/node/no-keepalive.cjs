// Preloaded into the Firebase CLI (NODE_OPTIONS=--require, set by ops/with-emulators).
//
// The Functions emulator proxies every call to its Python workers (functions-framework on
// gunicorn) with Node's global HTTP agent. Since Node 19 that agent keeps idle sockets open for
// 5 s, while gunicorn closes an idle keep-alive connection after 2 s: a request written to a
// socket gunicorn is closing dies with "socket hang up", the function never runs, the emulator
// kills the worker, and nothing redelivers. A fresh loopback connection per request costs well
// under a millisecond, so the agent here never reuses one.
"use strict";
const http = require("http");

http.globalAgent = new http.Agent({ keepAlive: false });
