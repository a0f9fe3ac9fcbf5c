#!/usr/bin/env bash
# Runs the whole suite (unit and real-kernel e2e) and ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp /tmp/kerntop-vitest.XXXXXX.json)
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
rc=$?
node -e '
  const fs = require("fs");
  let r;
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 passed, 1 failed"); process.exit(0); }
  const passed = r.numPassedTests ?? 0;
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that failed to load has no tests in it: count it as one failure so it cannot hide.
  const brokenFiles = (r.testResults ?? []).filter(f => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
  const f = (r.numFailedTests ?? 0) + brokenFiles;
  const line = `${passed} passed, ${f} failed` + (skipped ? `, ${skipped} skipped` : "");
  fs.mkdirSync(".cache", { recursive: true });
  fs.writeFileSync(".cache/test-summary", line + "\n");
  console.log(line);
' "$report"
rm -f "$report"
exit $rc
