import { describe, it } from "vitest";
import { impactReport } from "../src/kibamail/index.js";
import { openDb } from "./db.js";
describe("s", () => { it("qualified table", async () => {
  const db = await openDb();
  await db.exec(`CREATE TYPE "ContactStatus" AS ENUM ('SUBSCRIBED','UNSUBSCRIBED');
   CREATE TABLE contacts (id text PRIMARY KEY, "workspaceId" text, email text NOT NULL, "firstName" text, "lastName" text, phone text, country text, timezone text, city text, status "ContactStatus" NOT NULL, "createdAt" timestamp(3) NOT NULL, "updatedAt" timestamp(3) NOT NULL);
   CREATE TABLE contact_topics (id text, "contactId" text, "topicId" text, status text);
   INSERT INTO contacts VALUES ('a','w','e',NULL,NULL,NULL,NULL,NULL,'Lagos','SUBSCRIBED',now(),now());`);
  for (const table of ["contacts", "public.contacts"]) {
    try {
      const r = await impactReport([{ id: "s", conditions: { $and: [{ field: "city", operator: "eq", value: "Lagos" }, { subscribedToTopic: ["t"] }] } }], { properties: [], db, table });
      console.log(table, JSON.stringify(r.segments));
    } catch (e) { console.log(table, "ERR", String(e).slice(0, 300)); }
  }
  await db.close();
}, 60000); });
