/**
 * The PostgreSQL the SQL tests run on: PGlite (PostgreSQL compiled to WebAssembly, embedded)
 * by default, or the server at SEGMATCH_PG_URL through `pg`, in a schema of its own that is
 * dropped on close.
 */
export interface Db {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  exec(text: string): Promise<void>;
  close(): Promise<void>;
  readonly name: string;
}

export async function openDb(): Promise<Db> {
  const url = process.env.SEGMATCH_PG_URL;
  if (url) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const schema = `segmatch_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await client.query(
      `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`,
    );
    return {
      name: `PostgreSQL at SEGMATCH_PG_URL (${(await client.query("SHOW server_version")).rows[0].server_version})`,
      query: async (text, values) => ({ rows: (await client.query(text, values as unknown[])).rows }),
      exec: async (text) => void (await client.query(text)),
      close: async () => {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite();
  return {
    name: `PGlite (${(await db.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v.split(" ").slice(0, 2).join(" ")})`,
    query: async (text, values) => ({
      rows: (await db.query<Record<string, unknown>>(text, values?.map(arrayLiteral) as unknown[])).rows,
    }),
    exec: async (text) => void (await db.exec(text)),
    close: () => db.close(),
  };
}

/**
 * An array parameter as node-postgres sends one, in PostgreSQL's array syntax: PGlite
 * serializes arrays by the parameter's type, which it does not know for an array of an enum
 * type (the platform's `status = ANY($1)`), and would send `UNCONFIRMED` for `{UNCONFIRMED}`.
 */
function arrayLiteral(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const item = (x: unknown) => (x === null ? "NULL" : `"${String(x).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
  return `{${value.map(item).join(",")}}`;
}

/**
 * Several connections to the server at SEGMATCH_PG_URL, in one schema of their own (dropped on
 * close): for tests of concurrent clients. Undefined without a server (PGlite has one connection).
 */
export async function openClients(n: number): Promise<{ clients: Db[]; close(): Promise<void> } | undefined> {
  const url = process.env.SEGMATCH_PG_URL;
  if (!url) return undefined;
  const { default: pg } = await import("pg");
  const schema = `segmatch_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const raw: InstanceType<typeof pg.Client>[] = [];
  for (let i = 0; i < n; i++) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    if (i === 0) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    raw.push(client);
  }
  const version = (await raw[0]!.query("SHOW server_version")).rows[0].server_version as string;
  return {
    clients: raw.map((client, i) => ({
      name: `PostgreSQL ${version} at SEGMATCH_PG_URL, connection ${i + 1} of ${n}`,
      query: async (text, values) => ({ rows: (await client.query(text, values as unknown[])).rows }),
      exec: async (text) => void (await client.query(text)),
      close: async () => void (await client.end()),
    })),
    close: async () => {
      await raw[0]!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      for (const client of raw) await client.end();
    },
  };
}
