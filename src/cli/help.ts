/**
 * The text of `segmatch --help`: enough to use the tool without the README. The operator
 * list, the built-in catalog and the server versions come from the library itself.
 */
import { contactFields, MONGO_VERSIONS, OPERATORS } from "../index.js";

/** The built-in catalog, its names grouped by type (`email firstName … (string), …`), in lines of at most 96 characters. */
function builtInCatalog(): string {
  const byType = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(contactFields)) {
    const key = spec.type === "enum" ? `enum: ${(spec.values ?? []).join(" ")}` : spec.type;
    byType.set(key, [...(byType.get(key) ?? []), name]);
  }
  const groups = [...byType].map(([type, names]) => `${names.join(" ")} (${type})`);
  const lines: string[] = [];
  for (const group of groups) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] as string).length + group.length + 2 <= 94) lines[last] += `, ${group}`;
    else lines.push(group);
  }
  return lines.map((line) => `  ${line}`).join(",\n");
}

export function helpText(version: string): string {
  return `segmatch ${version}: segment conditions as MongoDB filters, and counted on contact exports.

Usage: segmatch <command> [flags] <files…>     (a file may be "-": standard input)

Commands:
  check <condition.json>                validate; print each issue with its path
  filter <condition.json>               print the MongoDB filter (relaxed Extended JSON)
  explain <condition.json>              print the condition in words
  from-mongo <filter.json>              lift a MongoDB filter (Extended JSON) into a condition
  count <condition.json> <contacts>     print how many contacts match
  diff <before.json> <after.json> <contacts>
                                        print the ids that enter and leave, and the count after
  impact <segments.ndjson> <properties.json> --pglite <dir>|--database <url> [--workspace <id>]
                                        stored platform segments: who moves if read as documented

Flags:
  --fields contact|none|<catalog.json>  the field names (default contact: the built-in catalog;
                                        none: plain document paths, nothing typed)
  --topics-layout ids|records           how topic subscriptions are stored (default ids)
  --topics-path <path>                  where they are stored (default topics)
  --mongo-version ${MONGO_VERSIONS.join("|")}           the server whose answers count and diff give (default 8.0)
  --now <instant>                       when relative dates resolve: 2024-01-10T12:00:00Z or epoch
                                        milliseconds (default the system clock)
  --time-zone <IANA name>               where: their days, months and /d rounding (default UTC)
  -h, --help    -v, --version

A condition is JSON:
  {"field": "country", "operator": "in", "value": ["NG", "KE"]}
    operators: ${OPERATORS.join(" ")}
    in/nin take a list, exists true or false; a date is "2024-01-01" or "2024-01-01T09:30:00Z"
    gt gte lt lte on a date also take date math: "now-30d", "now-1M/M" (last month), "now/d"
  {"subscribedToTopic": ["news"]}   {"notSubscribedToTopic": ["ads"]}
  {"$and": [<condition>, …]}   {"$or": [<condition>, …]}   {"$not": <condition>}

The built-in catalog (--fields contact, the default), its fields at the paths of their names:
${builtInCatalog()}
A catalog file gives each field its type, and its path when that is not its name:
  {"plan": {"type": "enum", "values": ["free", "pro"]},
   "ltv": {"type": "number", "path": "properties.ltv"},
   "joined": {"type": "date", "path": "meta.joined"}}
  types: string number boolean date enum; a date may add "storage": "epochMillis"

Contacts: one document per line or one JSON array (--jsonArray), UTF-8 or UTF-16, streamed; Extended
  JSON ({"$date": …}, {"$oid": …}, {"$numberDecimal": …}) compared as MongoDB does; others reported.

Example:
  $ cat recent.json
  {"$and": [{"field": "createdAt", "operator": "gte", "value": "2024-01-01"},
            {"field": "status", "operator": "eq", "value": "SUBSCRIBED"}]}
  $ mongoexport --db crm --collection contacts --out contacts.ndjson
  $ head -n 1 contacts.ndjson
  {"_id":{"$oid":"65f1c0a2…"},"status":"SUBSCRIBED","createdAt":{"$date":"2024-03-05T10:00:00Z"}}
  $ segmatch count recent.json contacts.ndjson
  28861

Exit codes: 0 done; 1 an invalid condition, a refused filter, contacts that are not documents or a
  segment impact cannot read (the rest is printed); 2 a usage error (a bad command, flag or file).`;
}
