// The notifications journey of two frontends on the Firebase JS SDK (a tenant admin and a member
// of one tenant) against the local stack, end to end through the real services: the member
// listens to their badge and in-app notifications; the admin creates a group with them and
// sends a message that mentions them (messaging_send_message: the messaging service's trigger
// publishes the mention, the notifications service dispatches it); the member sees the
// notification and the badge rise through the listeners, marks all viewed and sees the badge
// return to 0; the admin reads the member's delivery records (why they did or did not get the
// message on each channel). The member is refused a colleague's badge, the delivery records
// and any direct write. Prints one JSON object; test_js_sdk.py checks it (and the mailbox).
//   node tests/js/notifications_journey.mjs ADMIN_EMAIL MEMBER_EMAIL PASSWORD COLLEAGUE_UID
import {
  collection,
  doc,
  getDoc,
  getDocs,
  onSnapshot,
  query,
  updateDoc,
  where,
} from "firebase/firestore";
import { codeOf, frontend } from "./stack.mjs";

const [adminEmail, memberEmail, password, colleagueUid] = process.argv.slice(2);

// Resolves once `predicate` holds, polled every 50 ms; says what it last saw on a timeout.
const waitFor = (predicate, what, seen) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} not seen in 90 s (last: ${JSON.stringify(seen())})`)),
      90000, // a loaded emulator (the whole suite before it) has been seen to deliver late
    );
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

const admin = await frontend("admin", adminEmail, password);
const member = await frontend("member", memberEmail, password);
const t = member.tenantId;
const result = { badges: [] };

// The member listens first, and acts only once both listens are live (answered by the server,
// not the cache): the Firestore emulator misses a write landing while a listen is set up.
const badgeRef = doc(member.db, `tenants/${t}/notificationBadges/${member.uid}`);
const live = { badge: false, inbox: false };
let inbox = [];
const stopBadge = onSnapshot(badgeRef, { includeMetadataChanges: true }, (snap) => {
  live.badge ||= !snap.metadata.fromCache;
  result.badges.push(snap.data()?.unreadCount ?? 0);
});
const stopInbox = onSnapshot(
  collection(member.db, `tenants/${t}/users/${member.uid}/notifications`),
  { includeMetadataChanges: true },
  (snap) => {
    live.inbox ||= !snap.metadata.fromCache;
    inbox = snap.docs.map((d) => ({ id: d.id, ...d.data() }));
  },
);
await waitFor(() => live.badge && live.inbox, "both listeners live", () => live);

// As a frontend does at sign-in: register this device for push (section 8's payload).
result.registered = await member.call("notifications_register_device_token", {
  token: `journey-web-${member.uid}`,
  platform: "web",
});

// The admin mentions the member in a new group.
const { conversationId } = await admin.call("messaging_create_conversation", {
  participantIds: [member.uid],
  type: "group",
  name: "Journey",
});
const text = `Hi <@${member.uid}>, the journey works`;
await admin.call("messaging_send_message", { conversationId, text });

await waitFor(
  () => result.badges.at(-1) === 1 && inbox.length === 1,
  "the mention's notification and badge",
  () => ({ badges: result.badges, inbox: inbox.length }),
);
result.title = inbox[0].title;
result.link = inbox[0].link;
result.seenBefore = inbox[0].seen;
result.answeredCount = (await member.call("notifications_mark_viewed", { all: true })).unreadCount;
await waitFor(
  () => result.badges.at(-1) === 0 && inbox[0].seen === true,
  "the badge at 0",
  () => result.badges,
);
stopBadge();
stopInbox();

// The admin reads why the member did or did not get the mention on each channel, once every
// record has settled (the email is sent by its own task).
const deliveriesOf = async (db, uid) =>
  (await getDocs(query(collection(db, `tenants/${t}/notificationDeliveries`), where("recipientId", "==", uid))))
    .docs.map((d) => d.data())
    .filter((r) => r.notificationId === "messaging.mention")
    .map((r) => ({ channel: r.channel, state: r.state, reason: r.reason ?? null }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
let records = [];
const settled = () => records.length > 0 && records.every((r) => r.state !== "pending");
for (const deadline = Date.now() + 90000; !settled() && Date.now() < deadline; ) {
  records = await deliveriesOf(admin.db, member.uid);
  if (!settled()) await new Promise((resolve) => setTimeout(resolve, 200));
}
result.adminSeesDeliveries = records;

result.refused = {
  colleagueBadge: await codeOf(getDoc(doc(member.db, `tenants/${t}/notificationBadges/${colleagueUid}`))),
  memberReadsDeliveries: await codeOf(deliveriesOf(member.db, member.uid)),
  writeOwnBadge: await codeOf(updateDoc(badgeRef, { unreadCount: 0 })),
  writeOwnNotification: await codeOf(
    updateDoc(doc(member.db, `tenants/${t}/users/${member.uid}/notifications/${inbox[0].id}`), {
      seen: false,
    }),
  ),
  bothIdsAndAll: await codeOf(member.call("notifications_mark_viewed", { notificationIds: ["x"], all: true })),
};
result.conversationId = conversationId;
console.log(JSON.stringify(result));
process.exit(0);
