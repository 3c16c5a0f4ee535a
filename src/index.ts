/**
 * segmatch: validate segment condition trees, compile them to MongoDB filters and to
 * in-memory predicates that answer exactly as MongoDB does.
 */
export {
  changeStreamMatch,
  compileCondition,
  conditionJsonSchema,
  countMembers,
  countMembersMany,
  countMembersManySql,
  countMembersManyPipeline,
  contactMembershipsSql,
  membersLockSql,
  membersPageSql,
  segmentMembersSql,
  createSegment,
  createSegmentIndex,
  describeFields,
  diffMembership,
  explainCondition,
  fromMongoQuery,
  membershipChangeFilters,
  membershipChangeSql,
  parseCondition,
  previewSegmentUpdate,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  toSql,
  updateSegment,
} from "./functions.js";
export type {
  CompiledCondition,
  ConditionOrCompiled,
  SafeParseFailure,
  SafeParseResult,
  SafeParseSuccess,
} from "./compile.js";
export { createSegmatch } from "./engine.js";
export type {
  EngineCreateOptions,
  EngineDatabasePreviewOptions,
  EngineDiffOptions,
  EnginePreviewOptions,
  EngineUpdateOptions,
  Segmatch,
} from "./engine.js";
export { ConditionError, formatPath, isConditionError } from "./errors.js";
export type {
  ArgumentName,
  ConditionIssue,
  ConditionIssueCode,
  ConditionIssueOf,
  ConditionPath,
  DateProblem,
  FieldPathProblem,
  FlattenedConditionError,
  IdentifierProblem,
  Inexpressible,
  IssueBase,
  IssueContent,
  IssueData,
  IssueDataOf,
  PlatformFailure,
  PropertyProblem,
} from "./errors.js";
export { issueMessage } from "./messages.js";
export { OPERATORS } from "./language/condition.js";
export type {
  Condition,
  ConditionArgument,
  FieldCondition,
  ListItem,
  LogicalOperatorCondition,
  Operator,
  Scalar,
  TopicCondition,
} from "./language/condition.js";
export { DEFAULT_LIMITS, MAX_DEPTH_CEILING } from "./options.js";
export type { ConditionLimits, ConditionOptions, TopicOptions } from "./options.js";
export type { SqlOptions, TableName } from "./targets/sql/options.js";
export type { SqlExpression } from "./targets/sql/sql.js";
export { DEFAULT_MONGO_VERSION, MONGO_VERSIONS } from "./language/versions.js";
export type { MongoVersion } from "./language/versions.js";
export type { MongoFilter } from "./targets/mongo/filter.js";
export type { MongoPipeline } from "./targets/mongo/pipeline.js";
export { contactFields, defineFields, FIELD_TYPES } from "./catalog/catalog.js";
export type { DateStorage, FieldCatalog, FieldSpec, FieldType } from "./catalog/catalog.js";
export type { FieldDescription, OperatorDescription } from "./catalog/describe.js";
export type { TopicLayout } from "./options.js";
export type {
  Between,
  ContactId,
  CountManyPipeline,
  DiffOptions,
  MembersPageSql,
  MembershipChangeFilters,
  MembershipDiff,
  SegmentConditions,
} from "./segments/membership.js";
export type { Contacts } from "./segments/contacts.js";
export type {
  ContactMembershipsSql,
  Membership,
  MembersTableOptions,
  SegmentMembersSql,
} from "./segments/members-table.js";
export type { SegmentIndex } from "./segments/segment-index.js";
export type {
  CountMembersIn,
  CreateOptions,
  DatabasePreview,
  DatabasePreviewOptions,
  ListMembersIn,
  MemberQueries,
  PreviewOptions,
  Segment,
  SegmentBody,
  SegmentPreview,
  SegmentUpdate,
  UpdateOptions,
} from "./segments/segment.js";
