// The tenancy journey a frontend makes with the Firebase JS SDK against the local stack:
// a platform admin creates a customer; the invited admin signs up (no tenant yet: a password
// sign-up proves nothing, so whoever signs up first with the address gets nothing), accepts the
// invitation with the token from the link, refreshes the ID token and finds tenantId and
// tenant-admin in it; the admin invites a member, whose token a squatter with another address
// cannot use, and who joins the same way; a Google user whose email the provider verifies is placed by their invitation at once;
// and another tenant's admin, a user without a tenant and a signed-out visitor are refused,
// through callables and straight through Firestore. Prints one JSON object; test_js_sdk.py
// checks it.
//   node tests/js/tenancy_journey.mjs PLATFORM_EMAIL STRANGER_EMAIL PASSWORD RUN_ID
import {
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  signInWithCredential,
  signInWithEmailAndPassword,
  signOut,
} from "firebase/auth";
import { doc, getDoc } from "firebase/firestore";
import { auth, callable, codeOf, db } from "./stack.mjs";

const [platformEmail, strangerEmail, password, runId] = process.argv.slice(2);

async function claimsOf(credential, refresh = false) {
  const { claims } = await credential.user.getIdTokenResult(refresh);
  return { tenantId: claims.tenantId ?? null, roles: claims.roles ?? [] };
}

// What each kind of outsider gets: a callable's error code, and a direct read's.
async function attempts(tenantId) {
  const outcome = {};
  for (const [name, data] of [
    ["customer_get", { tenantId }],
    ["customer_invite_user", { tenantId, email: `intruder-${runId}@evil.test`, roles: ["member"] }],
  ]) {
    try {
      await callable(name, data);
      outcome[name] = "allowed";
    } catch (error) {
      outcome[name] = error.code;
    }
  }
  try {
    await getDoc(doc(db, `tenants/${tenantId}`));
    outcome.directRead = "allowed";
  } catch (error) {
    outcome.directRead = error.code;
  }
  return outcome;
}

const result = {};
await signInWithEmailAndPassword(auth, platformEmail, password);
const adminEmail = `admin-${runId}@journey.test`;
const created = await callable("customer_create", {
  name: "Journey Ltd",
  adminEmail,
  products: ["core", "projects"],
  address: { line1: "1 Main St", city: "Lisbon", postalCode: "1100-148", country: "PT" },
});
const { tenantId } = created;
result.tenantId = tenantId;
await signOut(auth);

const adminCredential = await createUserWithEmailAndPassword(auth, adminEmail, password);
result.adminClaimsAtSignUp = await claimsOf(adminCredential);
result.adminAccepted = await callable("customer_accept_invitation", {
  token: created.invitationToken,
});
result.adminClaims = await claimsOf(adminCredential, true);
const memberEmail = `member-${runId}@journey.test`;
const invited = await callable("customer_invite_user", { email: memberEmail, roles: ["member"] });
result.invitationId = invited.invitationId;
const googleEmail = `google-${runId}@journey.test`;
await callable("customer_invite_user", { email: googleEmail, roles: ["member"] });
await signOut(auth);

// A squatter holding the member's link, signed in with an address of their own.
await createUserWithEmailAndPassword(auth, `squatter-${runId}@evil.test`, password);
result.squatterWithToken = await codeOf(
  callable("customer_accept_invitation", { token: invited.invitationToken }),
);
await signOut(auth);

const memberCredential = await createUserWithEmailAndPassword(auth, memberEmail, password);
result.memberClaimsAtSignUp = await claimsOf(memberCredential);
await callable("customer_accept_invitation", { token: invited.invitationToken });
result.memberClaims = await claimsOf(memberCredential, true);
result.memberReadsTenant = (await getDoc(doc(db, `tenants/${tenantId}`))).get("name");
result.tamperedToken = await codeOf(
  callable("customer_accept_invitation", { token: `${invited.invitationToken}x` }),
);
await signOut(auth);

// The Auth emulator accepts an unsigned JSON id_token as a Google credential.
const googleToken = JSON.stringify({ sub: `g-${runId}`, email: googleEmail, email_verified: true });
result.googleClaims = await claimsOf(
  await signInWithCredential(auth, GoogleAuthProvider.credential(googleToken)),
);
await signOut(auth);

await signInWithEmailAndPassword(auth, strangerEmail, password);
result.stranger = await attempts(tenantId);
await signOut(auth);

await createUserWithEmailAndPassword(auth, `loner-${runId}@nowhere.test`, password);
result.tenantless = await attempts(tenantId);
await signOut(auth);

result.signedOut = await attempts(tenantId);
console.log(JSON.stringify(result));
process.exit(0);
