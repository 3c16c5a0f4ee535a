/**
 * The typed entry points: a literal that is not a condition of the language is a type
 * error (checked by `npm run typecheck`, which covers this file: each `@ts-expect-error`
 * fails the build if the line below it compiles), while input typed `unknown` or `any`, and
 * conditions kept in variables, are accepted and checked at run time.
 */
import { describe, expect, it } from "vitest";
import { compileCondition, createSegment, createSegmatch, diffMembership, parseCondition, toMongoFilter, toPredicate, type Condition } from "../src/index.js";

describe("typed entry points", () => {
  it("accept conditions, variables and unknown input; refuse literals with typos at compile time", () => {
    const engine = createSegmatch();
    const kept = { $and: [{ field: "a", operator: "in", value: ["x"] }, { subscribedToTopic: ["t"] }] };
    const fromOutside: unknown = JSON.parse('{"field":"a","operator":"eq","value":1}');
    const typed: Condition = { field: "a", operator: "exists", value: true };
    expect(compileCondition({ field: "country", operator: "eq", value: "US" }).filter).toEqual({ country: { $eq: "US" } });
    expect(compileCondition(kept).fields).toEqual(["a"]);
    expect(engine.compile(fromOutside).fields).toEqual(["a"]);
    expect(toMongoFilter(typed)).toEqual({ a: { $ne: null } });
    expect(toPredicate({ $not: { notSubscribedToTopic: ["t"] } })({ topics: ["t"] })).toBe(true);
    expect(parseCondition({ $or: [{ field: "a", operator: "eq", value: 1 }], $not: { field: "b", operator: "exists", value: false } })).toBeTypeOf("object");

    // @ts-expect-error a misspelt key
    expect(() => compileCondition({ field: "country", operatr: "eq", value: "US" })).toThrow();
    // @ts-expect-error an operator the language does not have
    expect(() => engine.compile({ field: "country", operator: "like", value: "US" })).toThrow();
    // @ts-expect-error a misspelt key, nested
    expect(() => toMongoFilter({ $and: [{ feld: "a", operator: "eq", value: 1 }] })).toThrow();
    // @ts-expect-error shapes mixed in one object
    expect(() => parseCondition({ field: "a", operator: "eq", value: 1, $not: { subscribedToTopic: ["t"] } })).toThrow();
    // @ts-expect-error a list is not a condition
    expect(() => toPredicate([{ field: "a", operator: "eq", value: 1 }])).toThrow();
  });

  it("give diffMembership's id callback the contact type of the source, and take unknown segment bodies", () => {
    const contacts = [{ email: "a@x.io", country: "US" }, { email: "b@x.io", country: "FR" }];
    const diff = diffMembership({ field: "country", operator: "eq", value: "US" }, { field: "country", operator: "eq", value: "FR" }, contacts, { id: (c) => c.email.toUpperCase() });
    expect(diff).toMatchObject({ entered: ["B@X.IO"], left: ["A@X.IO"] });
    const body: unknown = JSON.parse('{"name":"US","conditions":{"field":"country","operator":"eq","value":"US"}}');
    expect(createSegment(body, { id: "s1", now: new Date(0) }).name).toBe("US");
  });
});
