// The notifications journey a frontend makes with the Firebase JS SDK against the local stack:
// sign in, listen to the badge and the in-app notifications, get mentioned (the mention event
// is published to the Pub/Sub emulator exactly as the messaging service publishes it), see the
// notification and the badge rise through the listeners, mark all viewed and see the badge
// return to 0; and be refused a colleague's badge and any direct write.
// Prints one JSON object; test_js_sdk.py checks it.
//   node tests/js/notifications_journey.mjs EMAIL PASSWORD SENDER_UID COLLEAGUE_UID
import { randomUUID } from "node:crypto";
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";
import {
  collection,
  connectFirestoreEmulator,
  doc,
  getDoc,
  getFirestore,
  onSnapshot,
  updateDoc,
} from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";

const [email, password, senderUid, colleagueUid] = process.argv.slice(2);
const project = process.env.GCLOUD_PROJECT ?? "demo-foundation";
const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const pubsubHost = process.env.PUBSUB_EMULATOR_HOST ?? "127.0.0.1:8085";
const [fsHost, fsPort] = (process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080").split(":");

const app = initializeApp({ projectId: project, apiKey: "demo-api-key" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
const db = getFirestore(app);
connectFirestoreEmulator(db, fsHost, Number(fsPort));
const functions = getFunctions(app, "us-central1");
connectFunctionsEmulator(functions, "127.0.0.1", 5001);
const callable = (name, data) => httpsCallable(functions, name)(data).then((r) => r.data);
const codeOf = (promise) => promise.then(() => "allowed", (error) => error.code);

const credential = await signInWithEmailAndPassword(auth, email, password);
const uid = credential.user.uid;
const { claims } = await credential.user.getIdTokenResult();
const tenantId = claims.tenantId;
const result = { badges: [], notifications: 0 };

// Listen first: the badge document and the user's in-app notifications.
const badgeRef = doc(db, `tenants/${tenantId}/notificationBadges/${uid}`);
const waitFor = (predicate, what) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not seen in 60 s`)), 60000);
    const check = () => {
      if (predicate()) {
        clearTimeout(timer);
        resolve();
      } else {
        setTimeout(check, 50);
      }
    };
    check();
  });
const stopBadge = onSnapshot(badgeRef, (snap) => {
  result.badges.push(snap.data()?.unreadCount ?? 0);
});
let inbox = [];
const stopInbox = onSnapshot(collection(db, `tenants/${tenantId}/users/${uid}/notifications`), (s) => {
  inbox = s.docs.map((d) => ({ id: d.id, ...d.data() }));
  result.notifications = inbox.length;
});

// The messaging service's event, as it publishes it (shared/events.py envelope).
const messageId = `msg-${randomUUID()}`;
const envelope = {
  id: randomUUID(),
  type: "messaging.user_mentioned",
  tenantId,
  subjectId: messageId,
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
  data: {
    conversationId: "journey",
    messageId,
    senderId: senderUid,
    mentionedUserId: uid,
    textPreview: `Hi <@${uid}>, the journey works`,
  },
};
const published = await fetch(
  `http://${pubsubHost}/v1/projects/${project}/topics/messaging-events:publish`,
  {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      messages: [
        {
          data: Buffer.from(JSON.stringify(envelope)).toString("base64"),
          attributes: { type: envelope.type, eventId: envelope.id },
          orderingKey: `${tenantId}/${messageId}`,
        },
      ],
    }),
  },
);
result.published = published.status;

await waitFor(() => result.badges.at(-1) === 1 && inbox.length === 1, "the mention");
result.title = inbox[0].title;
result.link = inbox[0].link;
result.seenBefore = inbox[0].seen;
const answer = await callable("notifications_mark_viewed", { all: true });
result.answeredCount = answer.unreadCount;
await waitFor(() => result.badges.at(-1) === 0 && inbox[0].seen === true, "the badge at 0");
stopBadge();
stopInbox();

result.refused = {
  colleagueBadge: await codeOf(
    getDoc(doc(db, `tenants/${tenantId}/notificationBadges/${colleagueUid}`)),
  ),
  writeOwnBadge: await codeOf(updateDoc(badgeRef, { unreadCount: 0 })),
  writeOwnNotification: await codeOf(
    updateDoc(doc(db, `tenants/${tenantId}/users/${uid}/notifications/${inbox[0].id}`), {
      seen: false,
    }),
  ),
  bothIdsAndAll: await codeOf(callable("notifications_mark_viewed", { notificationIds: ["x"], all: true })),
};
console.log(JSON.stringify(result));
process.exit(0);
