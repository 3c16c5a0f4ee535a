/**
 * `segmatch/kibamail`: the platform as it runs today. Its stored conditions lifted into the
 * language with the members it gives them (`liftStoredCondition`), its contact properties as
 * segmatch options (`catalogFromProperties`), its error contract (`toPlatformError`), and the
 * report a platform engineer runs before switching (`impactReport`). A separate entry point:
 * the core (`segmatch`) knows nothing of the platform.
 */
export { catalogFromProperties, type ContactProperty, type PlatformOptions } from "./properties.js";
export {
  liftStoredCondition,
  type ChangeKind,
  type LiftedCondition,
  type LiftOptions,
  type Reading,
  type StoredChange,
} from "./lift.js";
export {
  toPlatformError,
  type PlatformError,
  type PlatformErrorBody,
  type PlatformErrorOptions,
  type PlatformFieldCode,
  type PlatformValidationError,
} from "./errors.js";
export {
  impactReport,
  type ImpactOptions,
  type ImpactReport,
  type Queryable,
  type SegmentImpact,
  type StoredSegment,
} from "./impact.js";
