// Preloaded into the Firebase CLI (NODE_OPTIONS=--require, set by ops/with-emulators).
//
// The Functions emulator starts each Python worker (functions-framework on gunicorn) on a TCP
// port it asks portfinder for: the first free port from 8081 plus a random offset. A port is
// "free" until the worker has imported the functions and bound it, a second or so later, so
// two workers starting together can be handed the same port. One binds it; the other's gunicorn
// fails ("Connection in use"), but the emulator, which only waits for the port to answer, has
// already sent that worker's request to the first one, which serves another function: a
// callable's caller gets that function's answer (a CloudEvent trigger's bare 400, say).
// Node workers have a socket file each and never race; here every port is handed out once per
// process, so no two workers are ever given the same one (there are thousands).
"use strict";

let portfinder = null;
try {
  portfinder = require("portfinder");
} catch {
  // A Node process without the Firebase CLI's modules: nothing to fix.
}

if (portfinder) {
  const handedOut = new Set();
  const firstFreePort = portfinder.getPortPromise.bind(portfinder);
  portfinder.getPortPromise = async function uniqueFreePort(options = {}) {
    let from = options.port ?? portfinder.basePort;
    for (;;) {
      const port = await firstFreePort({ ...options, port: from });
      if (!handedOut.has(port)) {
        handedOut.add(port);
        return port;
      }
      from = port + 1;
    }
  };
}
