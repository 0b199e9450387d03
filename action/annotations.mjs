// Part of the GitHub Action (action.yml): prints lint's SARIF results as workflow commands
// (`::error file=…,line=…::message`), so the findings are readable in the job log and marked on the pull
// request's changed lines even where code scanning is not enabled. Writes `findings=<count>` to the step's
// outputs. Messages quote image references from the repository's YAML, which a pull request controls: every
// value is escaped as GitHub's toolkit does, so a reference can never end a command and start another.
import { appendFileSync, readFileSync } from 'node:fs';

const COMMAND = { error: 'error', warning: 'warning', note: 'notice', none: 'notice' };
const escapeData = (text) => String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

const [sarifFile] = process.argv.slice(2);
if (!sarifFile) {
  console.error('usage: node annotations.mjs REPORT.sarif');
  process.exit(2);
}
const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
let findings = 0;
for (const run of log.runs ?? []) {
  for (const result of run.results ?? []) {
    findings++;
    const location = result.locations?.[0]?.physicalLocation ?? {};
    const region = location.region ?? {};
    const file = (location.artifactLocation?.uri ?? '').split('/').map(decodeURIComponent).join('/');
    const properties = [
      ['file', file],
      ['line', region.startLine],
      ['col', region.startColumn],
      ['endLine', region.endLine],
      ['endColumn', region.endColumn],
      ['title', `replicated-registries ${result.ruleId}`],
    ].filter(([, value]) => value !== undefined && value !== '');
    const command = COMMAND[result.level] ?? 'warning';
    console.log(`::${command} ${properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}::${escapeData(result.message?.text ?? '')}`);
  }
}
console.log(`replicated-registries: ${findings} finding${findings === 1 ? '' : 's'}`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `findings=${findings}\n`);
