/**
 * The operations on one condition, each written once, taking a {@link Context} first: the
 * engine's methods and the free functions both delegate here.
 */
import { compiledOptions, isCompiled, type CompiledCondition, type SafeParseResult } from "./compile.js";
import { describeResolved, type FieldDescription } from "./catalog/describe.js";
import { contactFields } from "./catalog/catalog.js";
import type { Context } from "./context.js";
import { ConditionError } from "./errors.js";
import type { Condition } from "./language/condition.js";
import { resolveOptions } from "./options.js";
import { liftMongoQuery } from "./parse/from-mongo.js";
import { conditionSchema } from "./parse/json-schema.js";
import { explain } from "./targets/explain/explain.js";
import { changeStreamFilter } from "./targets/mongo/change-stream.js";
import { toFilter, type MongoFilter } from "./targets/mongo/filter.js";
import { toMatcher } from "./targets/predicate/matcher.js";
import { toSqlExpression, type SqlExpression } from "./targets/sql/sql.js";
import { isRelative } from "./targets/clock.js";

/** A validated, frozen copy of the condition. */
export function parseCondition(ctx: Context, input: unknown): Condition {
  return ctx.call(input).parsed(input).condition;
}

/** {@link parseCondition}, with the error returned instead of thrown. */
export function safeParseCondition(ctx: Context, input: unknown): SafeParseResult {
  try {
    return { success: true, data: parseCondition(ctx, input) };
  } catch (error) {
    if (error instanceof ConditionError) return { success: false, error };
    throw error;
  }
}

export function compileCondition(ctx: Context, input: unknown): CompiledCondition {
  return ctx.call(input).compiled(input);
}

export function toMongoFilter(ctx: Context, input: unknown): MongoFilter {
  const call = ctx.call(input);
  const ast = call.ast(input);
  // A relative condition is resolved at the call's clock (its own options' when none are given); any other keeps its one filter.
  if (isRelative(ast)) return toFilter(ast, call.options, call.options.clock());
  return isCompiled(input) ? call.compiled(input).filter : toFilter(ast, call.options);
}

export function toPredicate(ctx: Context, input: unknown): (doc: unknown) => boolean {
  const call = ctx.call(input);
  if (isCompiled(input)) {
    const compiled = call.compiled(input);
    // A relative condition answers at the call's clock (its own when the call gives no options).
    if (!compiled.relative || !call.options.given) return compiled.matches;
    const clock = call.options.clock;
    return (doc) => compiled.matchesAt(doc, clock());
  }
  const ast = call.ast(input);
  return toMatcher(ast, call.options, isRelative(ast)).matches;
}

export function toSql(ctx: Context, input: unknown): SqlExpression {
  const call = ctx.call(input);
  const ast = call.ast(input);
  return toSqlExpression(ast, call.options, undefined, isRelative(ast) ? call.options.clock() : undefined);
}

/** The filter for a change stream's `$match`: field paths under `fullDocument.`, events without a document excluded. */
export function changeStreamMatch(ctx: Context, input: unknown): MongoFilter {
  return changeStreamFilter(toMongoFilter(ctx, input));
}

export function explainCondition(ctx: Context, input: unknown): string {
  const call = ctx.call(input);
  const fields = isCompiled(input) ? compiledOptions(input).fields : call.options.fields;
  return explain(call.ast(input), (name) => fields?.get(name)?.type ?? "untyped");
}

export function fromMongoQuery(ctx: Context, filter: unknown): Condition {
  return liftMongoQuery(filter, ctx.options);
}

export function conditionJsonSchema(ctx: Context): Record<string, unknown> {
  return conditionSchema(ctx.options);
}

/** The context's catalog described for a segment builder; the built-in `contactFields` when it has none. */
export function describeFields(ctx: Context): readonly FieldDescription[] {
  return describeResolved((ctx.options.fields ?? resolveOptions({ fields: contactFields }).fields!).values());
}
