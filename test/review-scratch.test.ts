import { describe, it } from "vitest";
import { toSql, defineFields } from "../src/index.js";
describe("s", () => { it("x", () => {
  const fields = defineFields({ d: { type: "date" }, e: { type: "date", storage: "epochMillis" }, b: { type: "boolean" } } as any);
  const sql = { table: "c", id: "id", topics: { column: "topics" } };
  console.log(JSON.stringify(toSql({ field: "d", operator: "in", value: ["2024-01-01T00:00:00Z", "2024-01-02"] } as any, { fields, sql } as any)));
  const v = toSql({ field: "d", operator: "in", value: ["2024-01-01T00:00:00Z"] } as any, { fields, sql } as any).values;
  console.log(v.map((x: any) => [typeof x, x?.constructor?.name, Array.isArray(x) ? x.map((y: any) => y?.constructor?.name) : null]));
  console.log(JSON.stringify(toSql({ field: "b", operator: "in", value: [true] } as any, { fields, sql } as any)));
});});
