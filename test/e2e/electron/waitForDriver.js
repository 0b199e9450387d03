// The `extensionTestsPath` module of the @vscode/test-electron run (see run.ts). The scenarios are
// driven from outside, through the window's DevTools protocol, exactly as in code-server; this module
// only keeps VS Code open until the driver writes its verdict file, then reports it (a rejected
// promise makes VS Code exit non-zero). Plain CommonJS: the extension host `require`s it as is.
const { existsSync, readFileSync } = require('node:fs');

exports.run = function run() {
  const doneFile = process.env.E2E_DRIVER_DONE_FILE;
  const deadline = Date.now() + Number(process.env.E2E_DRIVER_TIMEOUT_MS || 30 * 60_000);
  if (!doneFile) return Promise.reject(new Error('E2E_DRIVER_DONE_FILE is not set: start this run through test/e2e/electron/run.ts.'));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(doneFile)) {
        clearInterval(timer);
        const verdict = JSON.parse(readFileSync(doneFile, 'utf8'));
        if (verdict.failed === 0) resolve();
        else reject(new Error(`${verdict.failed} of ${verdict.total} scenario(s) failed: ${verdict.failures.join('; ')}`));
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error('the scenario driver never finished; see run.ts output.'));
      }
    }, 250);
  });
};
