// The local stack as a frontend on the Firebase JS SDK sees it: one app wired to the Auth,
// Firestore and Functions emulators (hosts from the variables ops/with-emulators sets), and two
// helpers every journey uses. The journeys (tests/js/*.mjs) import it instead of each wiring
// the emulators itself.
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";

const project = process.env.GCLOUD_PROJECT ?? "demo-foundation";
const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const [fsHost, fsPort] = (process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080").split(":");

export const app = initializeApp({ projectId: project, apiKey: "demo-api-key" });
export const auth = getAuth(app);
connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
export const db = getFirestore(app);
connectFirestoreEmulator(db, fsHost, Number(fsPort));
export const functions = getFunctions(app, "us-central1");
connectFunctionsEmulator(functions, "127.0.0.1", 5001);

/** Call a callable by name; resolves to its answer's data. */
export const callable = (name, data) => httpsCallable(functions, name)(data).then((r) => r.data);

/** "allowed" when the promise resolves, else the error's code (e.g. "permission-denied"). */
export const codeOf = (promise) => promise.then(() => "allowed", (error) => error.code);
