// npm run demo: the main job on an embedded sample. Compiles a handful of realistic segment
// conditions and prints, for each, the MongoDB filter and how many of 100,000 generated,
// seeded contacts it matches, counted with the compiled in-memory predicate.
import { compileCondition, ConditionError } from "../dist/index.js";
import { sampleContacts } from "./sample-contacts.mjs";

const CONTACTS = [...sampleContacts(100_000, 42)];

const SEGMENTS = [
  {
    name: "Engaged US subscribers on Gmail",
    conditions: {
      $and: [
        { field: "country", operator: "eq", value: "US" },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
        { field: "email", operator: "endsWith", value: "@gmail.com" },
      ],
    },
  },
  {
    name: "Product news readers who have not opted into promotions",
    conditions: { subscribedToTopic: ["product-news", "changelog"], notSubscribedToTopic: ["promotions"] },
  },
  {
    name: "Not in France (contacts with no country included)",
    conditions: { field: "country", operator: "ne", value: "FR" },
  },
  {
    name: "High-value customers in Africa",
    conditions: {
      $and: [
        { field: "country", operator: "in", value: ["NG", "KE", "GH", "ZA"] },
        { $or: [{ field: "properties.lifetime_value", operator: "gte", value: 300 }, { field: "properties.plan", operator: "in", value: ["pro", "enterprise"] }] },
      ],
    },
  },
  {
    name: "Reachable by SMS, adults, not bounced",
    conditions: {
      $and: [{ field: "phone", operator: "exists", value: true }, { field: "age", operator: "gte", value: 18 }],
      $not: { field: "status", operator: "in", value: ["BOUNCED", "COMPLAINED", "ARCHIVED"] },
    },
  },
  {
    name: "VIP or beta testers without a known city",
    conditions: {
      $and: [{ field: "tags", operator: "in", value: ["vip", "beta"] }, { field: "city", operator: "exists", value: false }],
    },
  },
];

console.log(`segmatch demo: ${SEGMENTS.length} segments over ${CONTACTS.length.toLocaleString("en-US")} generated contacts (seed 42)\n`);
for (const segment of SEGMENTS) {
  const compiled = compileCondition(segment.conditions);
  let count = 0;
  const start = process.hrtime.bigint();
  for (const contact of CONTACTS) if (compiled.matches(contact)) count++;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`■ ${segment.name}`);
  console.log(`  MongoDB filter: ${JSON.stringify(compiled.filter)}`);
  console.log(`  reads fields [${compiled.fields.join(", ")}]${compiled.topics.length ? ` and topics [${compiled.topics.join(", ")}]` : ""}`);
  console.log(`  members: ${count.toLocaleString("en-US")} of ${CONTACTS.length.toLocaleString("en-US")} (counted in ${ms.toFixed(1)} ms)\n`);
}

console.log("■ A condition with mistakes is refused, with every issue and its path:");
try {
  compileCondition({
    $and: [
      { field: "country", operator: "equals", value: "US" },
      { field: "status", operator: "in", value: "SUBSCRIBED" },
      { field: "phone", operator: "exists", value: "true" },
      { country: { $eq: "US" } },
    ],
  });
} catch (error) {
  if (!(error instanceof ConditionError)) throw error;
  for (const line of error.message.split("\n")) console.log(`  ${line}`);
}
