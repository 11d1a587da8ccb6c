// A partner app, as one would write it against chainkb's OpenAPI document: the types come from
// docs/openapi.json (openapi-typescript, in src/schema.d.ts, made by "npm run gen"), the requests
// go through openapi-fetch, and nothing is cast. .ci/run type-checks it with tsc --strict and runs
// it against a test server (CHAINKB_URL, with an editor key in CHAINKB_KEY). It exits 1 on the
// first thing that is not as the document says.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Tactic = components["schemas"]["Tactic"];
type TacticInput = components["schemas"]["TacticInput"];
type Problem = components["schemas"]["Problem"];
type Revision = components["schemas"]["Revision"];

const baseUrl = process.env.CHAINKB_URL;
const key = process.env.CHAINKB_KEY;
if (!baseUrl || !key) {
  throw new Error("set CHAINKB_URL (e.g. http://127.0.0.1:8080) and CHAINKB_KEY (an editor key)");
}

const api = createClient<paths>({
  baseUrl: baseUrl + "/api/v1",
  headers: { Authorization: `Bearer ${key}` },
});

function check(ok: boolean, what: string): asserts ok {
  if (!ok) {
    throw new Error("partner client: " + what);
  }
}

// A problem+json error, as the app shows it: the stable code decides, the detail is for people.
function describe(p: Problem): string {
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
  return `${p.status} ${p.code}: ${p.detail}${fields ? ` (${fields})` : ""} at ${p.instance}`;
}

// 1. Page through the published tactics by next_cursor.
async function allTactics(): Promise<Tactic[]> {
  const out: Tactic[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const { data, error } = await api.GET("/tactics", { params: { query: { limit: 7, cursor } } });
    if (error) throw new Error(describe(error));
    out.push(...data.data);
    pages++;
    if (data.next_cursor === null) break;
    cursor = data.next_cursor;
  }
  check(pages > 1, `the seed should need more than one page of 7 tactics, got ${pages}`);
  return out;
}

async function main(): Promise<void> {
  const tactics = await allTactics();
  const first = tactics[0];
  check(first !== undefined, "no tactics");
  check(new Set(tactics.map((t) => t.id)).size === tactics.length, "a tactic came twice while paging");

  // 2. GET a tactic and PUT it back unchanged, with its ETag as the precondition.
  const got = await api.GET("/tactics/{id}", { params: { path: { id: first.code } } });
  if (got.error) throw new Error(describe(got.error));
  const etag = got.response.headers.get("ETag");
  check(etag !== null, "GET /tactics/{id} sent no ETag");
  const back: TacticInput = got.data; // what a GET returns, a PUT takes
  const put = await api.PUT("/tactics/{id}", {
    params: { path: { id: first.code }, header: { "If-Match": etag } },
    body: back,
  });
  if (put.error) throw new Error("PUT back unchanged: " + describe(put.error));
  check(put.data.title === got.data.title && put.data.tags.length === got.data.tags.length, "the PUT changed the tactic");

  // 3. PATCH with If-Match; a second PATCH with the old ETag is 412 precondition_failed.
  const etag2 = put.response.headers.get("ETag");
  check(etag2 !== null, "PUT sent no ETag");
  const summary = "Changed by the partner client check.";
  const patched = await api.PATCH("/tactics/{id}", {
    params: { path: { id: first.code }, header: { "If-Match": etag2 } },
    body: { summary },
  });
  if (patched.error) throw new Error("PATCH: " + describe(patched.error));
  check(patched.data.summary === summary && patched.data.version === put.data.version + 1, "the PATCH did not apply once");
  const stale = await api.PATCH("/tactics/{id}", {
    params: { path: { id: first.code }, header: { "If-Match": etag2 } },
    body: { summary: "lost update" },
  });
  check(stale.error !== undefined && stale.response.status === 412, `a stale PATCH got ${stale.response.status}`);
  check(stale.error.code === "precondition_failed", "a stale PATCH's code is " + stale.error.code);
  check(stale.response.headers.get("Content-Type") === "application/problem+json", "a problem is not problem+json");

  // An invalid body is a 422 that names the field.
  const bad = await api.PATCH("/tactics/{id}", {
    params: { path: { id: first.code }, header: { "If-Match": "*" } },
    body: { title: "" },
  });
  check(bad.error !== undefined && bad.error.code === "validation_failed", `an empty title got ${bad.response.status}`);
  check((bad.error.errors ?? []).some((e) => e.field === "title"), "the 422 does not name title: " + describe(bad.error));

  // 4. Follow the change feed to its end, reading each change's data by its entity.
  let after = "0";
  let seen = 0;
  let sawPatch = false;
  for (;;) {
    const feed = await api.GET("/changes", { params: { query: { after, limit: 200 } } });
    if (feed.error) throw new Error(describe(feed.error));
    for (const r of feed.data.data) {
      seen++;
      sawPatch ||= apply(r, first.id, summary);
    }
    if (feed.data.next_cursor === null) break;
    after = feed.data.next_cursor;
  }
  check(seen > 0 && sawPatch, `the change feed (${seen} changes) does not show the PATCH`);
  console.log(`partner client: ${tactics.length} tactics paged, PUT back unchanged, PATCHed, ${seen} changes followed`);
}

// apply reads one change as a mirror would, and reports whether it is the PATCH of tactic id.
function apply(r: Revision, id: number, summary: string): boolean {
  switch (r.entity) {
    case "tactic":
      // A tactic that readers may no longer see has only its id.
      return r.action === "update" && "summary" in r.data && r.data.id === id && r.data.summary === summary;
    case "chain":
    case "stage":
    case "tag":
      check("slug" in r.data ? r.data.slug.length > 0 : r.data.id > 0, `a ${r.entity} change without a slug`);
      return false;
    default:
      return false;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
