/** The `[code, path]` of every issue of the ConditionError that `run` throws; fails when it throws anything else or nothing. */
import { expect } from "vitest";
import { ConditionError } from "../src/index.js";

export function refusal(run: () => unknown): [string, readonly (string | number)[]][] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionError);
    return (error as ConditionError).issues.map((i) => [i.code, i.path]);
  }
  throw new Error("did not throw");
}
