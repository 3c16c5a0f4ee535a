/**
 * A ConditionError in the platform's error contract: the body its API answers a validation
 * failure with (`{ error: { type, code, message, requestId, validationErrors } }`, status
 * 422), as its published OpenAPI document specifies it. Each issue becomes one item, its
 * `field` the path written with dots (`conditions.$and.0.value`), its code one of the
 * platform's CAPITAL_CASE codes, its message segmatch's sentence.
 *
 * Two things the platform's server sends today that its specification does not allow are
 * left out on purpose: `type` in capitals (the specification's enum is lower case), and a
 * `hint` key (the specification allows no other keys).
 */
import {
  ConditionError,
  describe,
  isConditionError,
  issue,
  readArgument,
  type ArgumentName,
  type ConditionIssue,
  type ConditionPath,
} from "../errors.js";
import { ownValues } from "../runtime/plain.js";

/** One field's problem, as the platform writes it. */
export interface PlatformValidationError {
  readonly field: string;
  readonly code: PlatformFieldCode;
  readonly message: string;
}

/** The platform's codes for a field (its `ErrorCode` values of the 422 family that a condition can have). */
export type PlatformFieldCode =
  "INVALID_FIELD_VALUE" | "INVALID_FIELD_TYPE" | "MISSING_REQUIRED_FIELD" | "FIELD_TOO_LONG";

/** The platform's error body for a validation failure. */
export interface PlatformErrorBody {
  readonly error: {
    readonly type: "validation_error";
    readonly code: "VALIDATION_FAILED";
    readonly message: string;
    readonly requestId: string;
    readonly validationErrors: readonly PlatformValidationError[];
  };
}

export interface PlatformError {
  readonly status: 422;
  readonly body: PlatformErrorBody;
}

export interface PlatformErrorOptions {
  /** The request's id (the platform writes `req_` and 24 hex digits); required, as the body must carry one. */
  readonly requestId: string;
  /** Where the condition sits in the request body, for issues whose paths start at the condition: e.g. `["conditions"]`. Default: none (the paths are the body's). */
  readonly prefix?: ConditionPath;
}

/** The platform's field code for each issue code: a wrong JSON type, a missing key, a too-long string; every other problem is an invalid value. */
function fieldCode(issue: ConditionIssue): PlatformFieldCode {
  switch (issue.code) {
    case "invalid_type":
      return "INVALID_FIELD_TYPE";
    case "missing_key":
      return "MISSING_REQUIRED_FIELD";
    case "too_long":
      return "FIELD_TOO_LONG";
    default:
      return "INVALID_FIELD_VALUE";
  }
}

/** A ConditionError for an argument of the platform's functions that is not what it must be. */
export const badArgument = (path: ConditionPath, argument: ArgumentName, expected: string, value: unknown) =>
  new ConditionError([
    issue(path, { code: "invalid_type", reason: "argument", argument, expected, received: describe(value) }),
  ]);

/**
 * The platform's response for a ConditionError: status 422 and the body. Anything else than a
 * ConditionError, or options without a request id, is refused with a ConditionError.
 */
export function toPlatformError(error: unknown, options: PlatformErrorOptions): PlatformError {
  if (!isConditionError(error)) throw badArgument(["error"], "error", "a ConditionError", error);
  const given = readArgument(["options"], () => ownValues(options));
  if (given === undefined) throw badArgument(["options"], "options", "an object { requestId, prefix? }", options);
  const requestId = given?.requestId;
  if (typeof requestId !== "string" || requestId === "")
    throw badArgument(["options", "requestId"], "options", "the request's id, a non-empty string", requestId);
  // Read once, holes and all (a hole is no key): a proxy's trap that throws is the argument's problem.
  const prefix = readArgument(["options", "prefix"], () =>
    given.prefix === undefined
      ? []
      : Array.isArray(given.prefix) && given.prefix.length <= 1_000
        ? Array.from(given.prefix as unknown[])
        : undefined,
  );
  if (prefix === undefined || !prefix.every((k) => typeof k === "string" || typeof k === "number"))
    throw badArgument(
      ["options", "prefix"],
      "options",
      "a path: a list of at most 1000 keys and indexes",
      given.prefix,
    );
  // Copied through the constructor, which reads defensively and bounds what it keeps: the brand can be forged.
  const issues = readArgument(["error"], () => new ConditionError(error.issues).issues);
  const validationErrors = issues.map((i) => ({
    field: [...(prefix as ConditionPath), ...i.path].join("."),
    code: fieldCode(i),
    message: i.message,
  }));
  return {
    status: 422,
    body: {
      error: {
        type: "validation_error",
        code: "VALIDATION_FAILED",
        message: "Validation failed",
        requestId,
        validationErrors,
      },
    },
  };
}
