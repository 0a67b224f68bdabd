// The files journey a frontend makes with the Firebase JS SDK against the local stack: sign in,
// create an upload, PUT the bytes to uploadUrl with uploadHeaders, watch the receipt turn ready
// through a Firestore listener, get a download URL that serves the same bytes; and be refused a
// disallowed type, a colleague's receipt, another tenant's file and any direct write.
// Prints one JSON object; test_js_sdk.py checks it.
//   node tests/js/files_journey.mjs EMAIL PASSWORD COLLEAGUE_FILE_ID FOREIGN_FILE_ID FOREIGN_TOKEN
import { signInWithEmailAndPassword } from "firebase/auth";
import { doc, getDoc, onSnapshot, updateDoc } from "firebase/firestore";
import { auth, callable, codeOf, db } from "./stack.mjs";

const [email, password, colleagueFileId, foreignFileId, foreignToken] = process.argv.slice(2);

const credential = await signInWithEmailAndPassword(auth, email, password);
const { claims } = await credential.user.getIdTokenResult();
const tenantId = claims.tenantId;
const body = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array(56).keys()]);
const result = {};

const up = await callable("files_create_upload", {
  fileName: "from-js.png",
  contentType: "image/png",
  size: body.length,
  groupingId: "attachments",
});
result.fileId = up.fileId;
result.initialStatus = up.receipt.status;
const receiptRef = doc(db, `tenants/${tenantId}/files/${up.fileId}`);
const ready = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("receipt not ready in 30 s")), 30000);
  const stop = onSnapshot(receiptRef, (snap) => {
    const status = snap.data()?.status;
    if (status === "ready" || status === "rejected") {
      clearTimeout(timer);
      stop();
      resolve(status);
    }
  }, reject);
});
const put = await fetch(up.uploadUrl, { method: "PUT", headers: up.uploadHeaders, body });
result.putStatus = put.status;
result.listenedStatus = await ready;

const { urls, errors } = await callable("files_get_download_urls", {
  receipts: [
    { id: up.fileId, token: up.receipt.token },
    { id: foreignFileId, token: foreignToken },
  ],
});
const download = await fetch(urls[up.fileId]);
const got = new Uint8Array(await download.arrayBuffer());
result.sameBytes = got.length === body.length && got.every((b, i) => b === body[i]);
result.foreignError = errors[foreignFileId]?.code ?? null;

result.refused = {
  disallowedType: await codeOf(
    callable("files_create_upload", {
      fileName: "x.exe",
      contentType: "application/x-msdownload",
      size: 10,
      groupingId: "attachments",
    }),
  ),
  colleagueReceipt: await codeOf(getDoc(doc(db, `tenants/${tenantId}/files/${colleagueFileId}`))),
  writeOwnReceipt: await codeOf(updateDoc(receiptRef, { status: "ready", size: 1 })),
  readUsage: await codeOf(getDoc(doc(db, `tenants/${tenantId}/fileUsage/totals`))),
};
console.log(JSON.stringify(result));
process.exit(0);
