// The messaging journey of two frontends on the Firebase JS SDK (an admin and a member of one
// tenant) against the local stack: create the direct conversation from both sides (one
// conversation), exchange messages, watch the unread count and total change through Firestore
// listeners, mark read, react, edit; and a colleague outside the conversation and a user of
// another tenant refused every path. Messages are listed from the reader's joining on (`seq`
// above their `participants[uid].joinedSeq`, as the rules demand): the colleague added to a group
// later reads from the announcement of their addition, nothing before. Prints one JSON object;
// test_js_sdk.py checks it.
//   node tests/js/messaging_journey.mjs ADMIN_EMAIL MEMBER_EMAIL COLLEAGUE_EMAIL OUTSIDER_EMAIL PASSWORD
import {
  collection,
  doc,
  getDoc,
  getDocs,
  onSnapshot,
  orderBy,
  query,
  updateDoc,
  where,
} from "firebase/firestore";
import { codeOf, frontend } from "./stack.mjs";

const [adminEmail, memberEmail, colleagueEmail, outsiderEmail, password] = process.argv.slice(2);

// Resolves with the first value of a listened field that satisfies `wanted`. Its `live`
// resolves once the server has answered the listen (a snapshot not from the cache): act only
// then. The Firestore emulator misses a write that lands while a listen is being set up (seen
// here: 21 of 200 creations missed when written at once, 0 of 200 after 0-30 ms), and a real
// frontend has its listeners open long before anyone writes.
function watch(ref, pick, wanted) {
  let live;
  const isLive = new Promise((resolve) => (live = resolve));
  const value = new Promise((resolve, reject) => {
    let last = "no snapshot";
    const timer = setTimeout(
      () => reject(new Error(`listener timed out on ${ref.path} (last value seen: ${last})`)),
      90000, // a loaded emulator (the whole suite before it) has been seen to deliver late
    );
    const stop = onSnapshot(ref, { includeMetadataChanges: true }, (snap) => {
      if (!snap.metadata.fromCache) live();
      const value = pick(snap.data() ?? {});
      last = JSON.stringify(value);
      if (wanted(value)) {
        clearTimeout(timer);
        stop();
        resolve(value);
      }
    }, reject);
  });
  value.live = isLive;
  return value;
}

const admin = await frontend("admin", adminEmail, password);
const member = await frontend("member", memberEmail, password);
const colleague = await frontend("colleague", colleagueEmail, password);
const outsider = await frontend("outsider", outsiderEmail, password);
const t = admin.tenantId;
const result = {};

const first = await admin.call("messaging_create_conversation", {
  participantIds: [member.uid],
  type: "direct",
});
const second = await member.call("messaging_create_conversation", {
  participantIds: [admin.uid],
  type: "direct",
});
const cid = first.conversationId;
result.sameConversation = cid === second.conversationId;
result.createdOnce = [first.created, second.created];

const conversationRef = (db) => doc(db, `tenants/${t}/conversations/${cid}`);
const memberTotalRef = doc(member.db, `tenants/${t}/unreadTotals/${member.uid}`);
const sawCount = watch(conversationRef(member.db), (d) => d.unreadCounts?.[member.uid], (v) => v === 2);
const sawTotal = watch(memberTotalRef, (d) => d.unreadCount, (v) => v === 2);
await Promise.all([sawCount.live, sawTotal.live]);
await admin.call("messaging_send_message", { conversationId: cid, text: "Hello!" });
const sent = await admin.call("messaging_send_message", {
  conversationId: cid,
  text: `Did you see this, <@${member.uid}>?`,
  clientMessageId: "js-1",
});
result.listenedUnread = await sawCount;
result.listenedTotal = await sawTotal;

const mine = await getDocs(
  query(collection(member.db, `tenants/${t}/conversations`), where("participantIds", "array-contains", member.uid)),
);
result.listedConversations = mine.docs.map((d) => d.id).includes(cid);
// The frontend pattern: list a conversation's messages from the caller's joining on.
async function messagesOf(who, conversationId) {
  const conversation = (await getDoc(doc(who.db, `tenants/${t}/conversations/${conversationId}`))).data();
  const from = conversation.participants[who.uid].joinedSeq;
  const path = `tenants/${t}/conversations/${conversationId}/messages`;
  return getDocs(query(collection(who.db, path), where("seq", ">", from), orderBy("seq")));
}
const messages = await messagesOf(member, cid);
result.messages = messages.docs.map((d) => d.data().text);
result.mentions = messages.docs[1].data().mentions;

const totalZero = watch(memberTotalRef, (d) => d.unreadCount, (v) => v === 0);
await totalZero.live;
const read = await member.call("messaging_mark_read", { conversationId: cid, messageId: sent.messageId });
result.markRead = read.unreadCount;
result.totalAfterRead = await totalZero;

await member.call("messaging_react", { conversationId: cid, messageId: sent.messageId, emoji: "👍" });
await admin.call("messaging_edit_message", {
  conversationId: cid,
  messageId: sent.messageId,
  text: "Did you see this?",
});
const edited = (await getDoc(doc(admin.db, `tenants/${t}/conversations/${cid}/messages/${sent.messageId}`))).data();
result.edited = { text: edited.text, history: edited.edits.map((e) => e.text), reactions: edited.reactions };
const adminTotal = watch(doc(admin.db, `tenants/${t}/unreadTotals/${admin.uid}`), (d) => d.unreadCount, (v) => v === 1);
await adminTotal.live;
await member.call("messaging_send_message", { conversationId: cid, text: "Yes, thanks" });
result.adminTotal = await adminTotal;

// A colleague added to a group later reads from the announcement of their addition on.
const team = await admin.call("messaging_create_conversation", { participantIds: [member.uid], type: "group", name: "Team" });
await admin.call("messaging_send_message", { conversationId: team.conversationId, text: "before the colleague came" });
await admin.call("messaging_add_participants", { conversationId: team.conversationId, participantIds: [colleague.uid] });
result.joinedLater = (await messagesOf(colleague, team.conversationId)).docs.map((d) => d.data().kind);
const teamMessages = collection(colleague.db, `tenants/${t}/conversations/${team.conversationId}/messages`);

const send = (who) => codeOf(who.call("messaging_send_message", { conversationId: cid, text: "let me in" }));
result.refused = {
  colleagueRead: await codeOf(getDoc(conversationRef(colleague.db))),
  colleagueMessages: await codeOf(getDocs(collection(colleague.db, `tenants/${t}/conversations/${cid}/messages`))),
  colleagueSend: await send(colleague),
  colleagueTotal: await codeOf(getDoc(doc(colleague.db, `tenants/${t}/unreadTotals/${member.uid}`))),
  outsiderRead: await codeOf(getDoc(conversationRef(outsider.db))),
  outsiderSend: await send(outsider),
  outsiderNamedTenant: await codeOf(
    outsider.call("messaging_send_message", { conversationId: cid, text: "x", tenantId: t }),
  ),
  memberWritesConversation: await codeOf(updateDoc(conversationRef(member.db), { unreadCounts: {} })),
  memberUnpinnedList: await codeOf(getDocs(collection(member.db, `tenants/${t}/conversations`))),
  memberUnboundedMessages: await codeOf(getDocs(collection(member.db, `tenants/${t}/conversations/${cid}/messages`))),
  latecomerFromTheStart: await codeOf(getDocs(query(teamMessages, where("seq", ">", 0), orderBy("seq")))),
};
console.log(JSON.stringify(result));
process.exit(0);
