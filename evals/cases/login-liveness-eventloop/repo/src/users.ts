import { Firestore } from "@google-cloud/firestore";
import { randomBytes } from "node:crypto";

const db = new Firestore();

export async function findUser(email: string) {
  const snap = await db.collection("users").where("email", "==", email).limit(1).get();
  return snap.empty ? null : (snap.docs[0].data() as { id: string; passwordHash: string });
}

export async function issueToken(userId: string) {
  const token = randomBytes(24).toString("base64url");
  await db.collection("sessions").doc(token).set({ userId, createdAt: Date.now() });
  return token;
}
