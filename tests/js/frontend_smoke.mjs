// What a frontend does with the Firebase JS SDK against the local stack: sign in as a user,
// call callables with the SPEC's section 8 payloads, read the tenant's data directly where the rules allow, and be refused where
// they don't. Prints one JSON object; tests/integration/test_js_sdk.py runs and checks it.
//   node tests/js/frontend_smoke.mjs EMAIL PASSWORD TENANT_ID OTHER_TENANT_ID
import { signInWithEmailAndPassword } from "firebase/auth";
import { collection, getDocs } from "firebase/firestore";
import { httpsCallable } from "firebase/functions";
import { auth, db, functions } from "./stack.mjs";

const [email, password, tenantId, otherTenantId] = process.argv.slice(2);

const result = {};
const credential = await signInWithEmailAndPassword(auth, email, password);
const token = await credential.user.getIdTokenResult();
result.claims = { tenantId: token.claims.tenantId, roles: token.claims.roles };

const created = await httpsCallable(functions, "example_create_task")({
  projectId: "demo-project",
  title: "From the JS SDK",
});
result.taskId = created.data.taskId;
const listed = await httpsCallable(functions, "example_list_projects")({});
result.projectIds = listed.data.projects.map((p) => p.id);

try {
  await httpsCallable(functions, "example_create_task")({ projectId: "demo-project" });
} catch (error) {
  result.badInput = { code: error.code, fields: (error.details?.fields ?? []).map((f) => f.field) };
}

// SPEC section 8 payloads, exactly as a frontend sends them.
const profile = await httpsCallable(functions, "user_get_profile")();
const renamed = await httpsCallable(functions, "user_update_profile")({ displayName: "Mia" });
result.profile = {
  id: profile.data.profile.id,
  tenantId: profile.data.profile.tenantId,
  email: profile.data.profile.email,
  renamedTo: renamed.data.profile.displayName,
};

const own = await getDocs(collection(db, `tenants/${tenantId}/projects`));
result.directRead = own.docs.map((d) => d.id);
try {
  await getDocs(collection(db, `tenants/${otherTenantId}/projects`));
  result.otherTenantRead = "allowed";
} catch (error) {
  result.otherTenantRead = error.code;
}

console.log(JSON.stringify(result));
process.exit(0);
