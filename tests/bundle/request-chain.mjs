// Runs verify.js's own check of a request's audit chain (verifyRequestChain) in Node, away
// from any page: for each case (events, request, head), the problem it names or null, as
// JSON on standard output. Used by tests/cli/bundle.rs to hold verify.html and the app's
// check to one verdict: node tests/bundle/request-chain.mjs CASES.json
import { readFileSync } from "node:fs";
import vm from "node:vm";

const script = readFileSync(new URL("../../assets/verify/verify.js", import.meta.url), "utf8");
const element = { addEventListener() {}, set textContent(_) {}, dataset: {} };
const context = vm.createContext({ crypto: globalThis.crypto, TextEncoder, atob, console, document: { getElementById: () => element, body: element } });
vm.runInContext(script, context);
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = [];
for (const item of cases) results.push(await context.verifyRequestChain(item.events, item.request, item.head));
process.stdout.write(JSON.stringify(results));
