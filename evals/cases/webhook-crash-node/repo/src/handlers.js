const { Firestore } = require("@google-cloud/firestore");

const db = new Firestore();

async function handleEvent(event) {
  const ref = db.collection("payment_events").doc(event.id);
  if ((await ref.get()).exists) {
    return; // already processed (provider retries)
  }
  switch (event.type) {
    case "charge.succeeded":
    case "charge.refunded":
    case "payout.paid": {
      const customerId = event.data.object.customer.id;
      await db.collection("customers").doc(customerId).collection("ledger").add({
        type: event.type,
        amount: event.data.object.amount,
        at: new Date(event.created * 1000),
      });
      break;
    }
    default:
      console.log(JSON.stringify({ severity: "INFO", message: `ignored event type ${event.type}` }));
  }
  await ref.set({ type: event.type, processedAt: new Date() });
}

module.exports = { handleEvent };
