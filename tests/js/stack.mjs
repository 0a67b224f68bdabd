// The local stack as a frontend on the Firebase JS SDK sees it: one app wired to the Auth,
// Firestore and Functions emulators (hosts from the variables ops/with-emulators sets), and two
// helpers every journey uses. The journeys (tests/js/*.mjs) import it instead of each wiring
// the emulators itself; a journey of several people signs each in with `frontend`.
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";

const project = process.env.GCLOUD_PROJECT ?? "demo-foundation";
const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const [fsHost, fsPort] = (process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080").split(":");

/** A Firebase app (`name`: "[DEFAULT]" when absent) wired to the emulators. */
function wiredApp(name) {
  const app = initializeApp({ projectId: project, apiKey: "demo-api-key" }, name);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
  const db = getFirestore(app);
  connectFirestoreEmulator(db, fsHost, Number(fsPort));
  const functions = getFunctions(app, "us-central1");
  connectFunctionsEmulator(functions, "127.0.0.1", 5001);
  return { app, auth, db, functions };
}

export const { app, auth, db, functions } = wiredApp();

/**
 * One more signed-in frontend, with its own app, as a second browser would have: resolves to
 * its Firestore `db`, a `call(name, data)`, and the user's `uid` and `tenantId` claim.
 */
export async function frontend(name, email, password) {
  const own = wiredApp(name);
  const credential = await signInWithEmailAndPassword(own.auth, email, password);
  const { claims } = await credential.user.getIdTokenResult();
  const call = (fn, data) => httpsCallable(own.functions, fn)(data).then((r) => r.data);
  return { db: own.db, call, uid: credential.user.uid, tenantId: claims.tenantId };
}

/** Call a callable by name; resolves to its answer's data. */
export const callable = (name, data) => httpsCallable(functions, name)(data).then((r) => r.data);

/** "allowed" when the promise resolves, else the error's code (e.g. "permission-denied"). */
export const codeOf = (promise) => promise.then(() => "allowed", (error) => error.code);
