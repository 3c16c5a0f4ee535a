// A seeded generator of realistic contact documents, shared by the demo and the benchmarks.
// Same seed, same contacts, on every machine.

/** mulberry32: a tiny, fast, seedable PRNG (deterministic across platforms). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ["US", "US", "US", "GB", "CA", "DE", "FR", "NG", "KE", "IN", "BR", "AU", "NL", "ES", "GH", "ZA"];
const CITIES = ["Lagos", "Nairobi", "London", "Paris", "Berlin", "Toronto", "Austin", "Mumbai", "Accra", "Sydney"];
const DOMAINS = ["gmail.com", "gmail.com", "yahoo.com", "outlook.com", "acme.io", "kibamail.com", "proton.me"];
const STATUSES = [
  "SUBSCRIBED",
  "SUBSCRIBED",
  "SUBSCRIBED",
  "SUBSCRIBED",
  "UNCONFIRMED",
  "UNSUBSCRIBED",
  "BOUNCED",
  "COMPLAINED",
  "ARCHIVED",
];
const FIRST = ["Ada", "Chinedu", "Amara", "Liam", "Noah", "Emma", "Zara", "Kofi", "Mia", "Wanjiru", "Ravi", "Lucas"];
const PLANS = ["free", "free", "starter", "pro", "enterprise"];
export const TOPICS = ["product-news", "weekly-digest", "promotions", "events", "changelog", "partners"];

/** `count` contacts from `seed`; some fields are missing or null, as in real workspaces. */
export function* sampleContacts(count, seed = 42) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const contact = {
      _id: `c_${i.toString(36).padStart(6, "0")}`,
      email: `${first.toLowerCase()}.${i}@${pick(DOMAINS)}`,
      firstName: first,
      status: pick(STATUSES),
      createdAt: new Date(Date.UTC(2023, 0, 1) + Math.floor(r() * 700) * 86_400_000),
      topics: TOPICS.filter(() => r() < 0.3),
      properties: { plan: pick(PLANS), lifetime_value: Math.round(r() * 5000) / 10, orders: Math.floor(r() * 12) },
    };
    if (r() < 0.9) contact.country = pick(COUNTRIES);
    if (r() < 0.6) contact.city = pick(CITIES);
    else if (r() < 0.3) contact.city = null;
    if (r() < 0.5) contact.phone = `+${Math.floor(r() * 9e9)}`;
    if (r() < 0.8) contact.age = 16 + Math.floor(r() * 60);
    if (r() < 0.2) contact.tags = ["vip", "beta", "churn-risk"].filter(() => r() < 0.5);
    yield contact;
  }
}
